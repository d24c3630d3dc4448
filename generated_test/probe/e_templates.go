package probe

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

//asyncgen:coroutine
func pUnixEdges(dir string) (string, error) {
	long := dir + "/" + strings.Repeat("x", 120) + ".sock"
	_, lerr := rt.Await(streams.StartUnixServer(upperAsync, long))
	_, statErr := os.Stat(long)
	_, nerr := rt.Await(streams.OpenUnixConnection(dir + "/missing.sock"))
	abs := fmt.Sprintf("@asyncgen-probe-%d", os.Getpid())
	srv := rt.Must(streams.StartUnixServer(upperAsync, abs))
	s := rt.Must(streams.OpenUnixConnection(abs))
	got := rt.Must(askAsync(s, "abstract"))
	eofOK := s.Writer.CanWriteEOF()
	s.Writer.Close()
	rt.Must(s.Writer.WaitClosed())
	srv.Close()
	rt.Must(srv.WaitClosed())
	_, aerr := rt.Await(streams.OpenUnixConnection(abs))
	return fmt.Sprintf("long:%v created:%v missing:%v %s canEOF:%v closed:%v", lerr != nil, statErr == nil,
		errors.Is(nerr, syscall.ENOENT), strings.TrimSpace(got), eofOK, errors.Is(aerr, syscall.ECONNREFUSED)), nil
}
