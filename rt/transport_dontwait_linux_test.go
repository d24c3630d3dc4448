//go:build !386 && !s390x

// Not on 386 and s390x, whose transports use plain read and write
// (sys_sockio_portable.go), which a blocking socket would block.

package rt_test

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/asyncgen/asyncgen/internal/leakcheck"
	"github.com/asyncgen/asyncgen/rt"
)

// On Linux the transport's sends and receives pass MSG_DONTWAIT (they are
// raw syscalls that must never block). A socket whose O_NONBLOCK flag
// another holder cleared after the transport took it must still never
// block the loop: Write takes what the kernel accepts, buffers the rest,
// and the whole payload arrives in order.
//
// The scenario runs in a child process without asynchronous preemption:
// there, Go's preemption signals would cut a blocking send short and hide
// the bug, which without them hangs the child (the parent's hang guard then
// fails the test).
func TestTransportNeverBlocksOnABlockingSocket(t *testing.T) {
	if os.Getenv("RT_DONTWAIT_CHILD") == "1" {
		blockingSocketChild(t)
		return
	}
	leakcheck.Check(t)
	child := startHelper(t, "TestTransportNeverBlocksOnABlockingSocket", "RT_DONTWAIT_CHILD=1", "GODEBUG=asyncpreemptoff=1")
	line, err := child.line()
	if err != nil {
		t.Fatal(err)
	}
	if line != "OK" {
		t.Fatalf("child said %q; stderr:\n%s", line, child.stderr.String())
	}
	if err := child.cmd.Wait(); err != nil {
		t.Fatalf("child: %v; stderr:\n%s", err, child.stderr.String())
	}
}

func blockingSocketChild(t *testing.T) {
	defer func() {
		if t.Failed() {
			fmt.Println("FAIL")
		} else {
			fmt.Println("OK")
		}
	}()
	runMain(t, func(l *rt.Loop) error {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
		if err != nil {
			return err
		}
		a, b := newRecorder(l), newRecorder(l)
		for i, r := range []*recorder{a, b} {
			if _, err := rt.Await(l.ConnectAcceptedSocket(func() rt.StreamProtocol { return r }, fds[i])); err != nil {
				return err
			}
			if err := unix.SetNonblock(fds[i], false); err != nil {
				return err
			}
		}
		payload := bytes.Repeat([]byte("0123456789abcdef"), 1<<18) // 4 MiB, far over the socket buffer
		if err := a.t.Write(payload); err != nil {
			return err
		}
		if a.t.GetWriteBufferSize() == 0 {
			t.Errorf("all %d bytes went into the socket at once: the test proves nothing", len(payload))
		}
		if err := until(b.waitFor(len(payload)), "the payload"); err != nil {
			return err
		}
		if !bytes.Equal(b.data.Bytes(), payload) {
			t.Errorf("the payload arrived altered (%d bytes)", b.data.Len())
		}
		a.t.Close()
		return until(b.lost, "ConnectionLost")
	})
}
