package probe

import (
	"bytes"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

var bigPayload = bytes.Repeat([]byte("0123456789abcdef"), 5<<20/16)

// blast writes 5 MiB without draining and closes at once: Close must send
// the whole buffer before the FIN.
//
//asyncgen:coroutine
func blast(r *streams.StreamReader, w *streams.StreamWriter) error {
	w.Write(bigPayload[:1<<20])
	w.WriteLines([][]byte{bigPayload[1<<20 : 3<<20], bigPayload[3<<20:]})
	w.Close()
	_, err := rt.Await(w.WaitClosed())
	return err
}

//asyncgen:coroutine
func pCloseFlushes() (int, error) {
	srv := rt.Must(streams.StartServer(blastAsync, "tcp", "127.0.0.1:0"))
	defer srv.Close()
	s := rt.Must(streams.OpenConnection("tcp", srv.Addrs()[0].String()))
	defer s.Writer.Close()
	got := rt.Must(s.Reader.Read(-1))
	if !bytes.Equal(got, bigPayload) {
		return len(got), nil
	}
	return -1, nil
}
