package rt_test

import (
	"io"
	"net"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/asyncgen/asyncgen/rt"
)

// sentBeforeWrite is set by one loop before its transport sends a byte and
// read by another loop once that byte has arrived: only the socket orders
// the two.
var sentBeforeWrite int

// A transport's write happens before the read that receives its bytes, for
// the race detector as for the kernel: two loops that hand each other data
// through a socket are race-free under -race, as they are with the
// standard library's net.Conn (whose reads and writes tell the detector).
// Without -race this checks only that the byte and the value arrive.
func TestTransportWriteHappensBeforeTheReadThatGetsIt(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan int, 1)
	errc := make(chan error, 1)
	go func() {
		_, err := rt.Run(rt.Async(func() (rt.Void, error) {
			l := rt.RunningLoop()
			r := newRecorder(l)
			if _, err := rt.Await(l.ConnectAcceptedSocket(func() rt.StreamProtocol { return r }, fds[1])); err != nil {
				return rt.Void{}, err
			}
			if err := until(r.waitFor(1), "the byte"); err != nil {
				return rt.Void{}, err
			}
			got <- sentBeforeWrite
			r.t.Close()
			return rt.Void{}, until(r.lost, "ConnectionLost")
		}))
		errc <- err
	}()
	runMain(t, func(l *rt.Loop) error {
		r := newRecorder(l)
		if _, err := rt.Await(l.ConnectAcceptedSocket(func() rt.StreamProtocol { return r }, fds[0])); err != nil {
			return err
		}
		sentBeforeWrite = 42
		if err := r.t.Write([]byte{1}); err != nil {
			return err
		}
		return until(r.lost, "ConnectionLost")
	})
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if v := <-got; v != 42 {
		t.Fatalf("the reader saw %d; want 42", v)
	}
}

// sentByNet and sentByLoop are handed over the same way between a
// goroutine using the standard library's net.Conn and a loop's transport.
var sentByNet, sentByLoop int

// The same holds between a transport and a peer using the standard
// library's net.Conn in the same process (the usual test of a server):
// what the peer wrote before its Write is seen by the protocol that
// receives the bytes, and what the protocol wrote before its transport's
// Write is seen by the peer once its Read returns them, without a report
// from the race detector.
func TestTransportAndNetConnHappensBefore(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	f := os.NewFile(uintptr(fds[0]), "peer")
	peer, err := net.FileConn(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	seen := make(chan int, 1)
	go func() {
		b := make([]byte, 1)
		if _, err := io.ReadFull(peer, b); err != nil {
			seen <- -1
			return
		}
		seen <- sentByLoop
		sentByNet = 7
		peer.Write([]byte{2})
	}()
	var got int
	runMain(t, func(l *rt.Loop) error {
		r := newRecorder(l)
		if _, err := rt.Await(l.ConnectAcceptedSocket(func() rt.StreamProtocol { return r }, fds[1])); err != nil {
			return err
		}
		sentByLoop = 42
		if err := r.t.Write([]byte{1}); err != nil {
			return err
		}
		if err := until(r.waitFor(1), "the peer's byte"); err != nil {
			return err
		}
		got = sentByNet
		r.t.Close()
		return until(r.lost, "ConnectionLost")
	})
	if v := <-seen; v != 42 {
		t.Errorf("the net.Conn peer saw %d; want 42", v)
	}
	if got != 7 {
		t.Errorf("the protocol saw %d; want 7", got)
	}
}
