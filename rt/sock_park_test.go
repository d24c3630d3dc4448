package rt

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt/selector"
	"golang.org/x/sys/unix"
)

// Tests of the registration a finished socket operation parks for the
// next one (see fdHandlers in loop_io.go).

// countingSelector counts what the loop asks of its selector: ctl is the
// epoll_ctl-like calls (Register, Modify, Unregister). Above maxSelects
// polls it stops the loop, so that a spinning loop fails the test instead
// of hanging it.
type countingSelector struct {
	selector.Selector
	ctl, selects int
	maxSelects   int
	loop         *Loop
}

func newCountingSelector(t testing.TB, newSel func() (selector.Selector, error)) *countingSelector {
	t.Helper()
	s, err := newSel()
	if err != nil {
		t.Fatal(err)
	}
	return &countingSelector{Selector: s, maxSelects: 1 << 30}
}

func (c *countingSelector) Register(fd int, ev selector.Event) error {
	c.ctl++
	return c.Selector.Register(fd, ev)
}

func (c *countingSelector) Modify(fd int, ev selector.Event) error {
	c.ctl++
	return c.Selector.Modify(fd, ev)
}

func (c *countingSelector) Unregister(fd int) error {
	c.ctl++
	return c.Selector.Unregister(fd)
}

func (c *countingSelector) Select(buf []selector.Ready, timeout time.Duration) ([]selector.Ready, error) {
	c.selects++
	if c.selects > c.maxSelects && c.loop != nil {
		c.loop.Stop()
	}
	return c.Selector.Select(buf, timeout)
}

func TestSockPingPongCostsNoSelectorCallsPerRoundTrip(t *testing.T) {
	const rounds = 1000
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			x, y := pair(t)
			cs := newCountingSelector(t, b.new)
			runSock(t, func(l *Loop) error {
				cs.ctl = 0 // the waker's registration
				echo := CreateTask(l, Async(func() (Void, error) {
					buf := make([]byte, 4)
					for range rounds {
						n, err := Await(l.SockRecvInto(y, buf))
						if err != nil {
							return Void{}, err
						}
						if _, err := Await(l.SockSendall(y, buf[:n])); err != nil {
							return Void{}, err
						}
					}
					return Void{}, nil
				}))
				for i := range rounds {
					msg := []byte(fmt.Sprintf("%04d", i%10000))
					if _, err := Await(l.SockSendall(x, msg)); err != nil {
						return err
					}
					got, err := Await(l.SockRecv(x, 4))
					if err != nil {
						return err
					}
					if string(got) != string(msg) {
						return fmt.Errorf("round %d: got %q, want %q", i, got, msg)
					}
				}
				if _, err := Await(echo); err != nil {
					return err
				}
				Await(Sleep(0)) // the sweep of the last parked registration
				if l.fds.Len() != 0 {
					return fmt.Errorf("loop still watches %d fds", l.fds.Len())
				}
				// Each side registers once and is removed once at the end.
				if cs.ctl > 8 {
					return fmt.Errorf("%d selector calls for %d round trips; want O(1)", cs.ctl, rounds)
				}
				return nil
			}, WithSelector(cs))
		})
	}
}

// recvParked runs a SockRecv on a that has to wait, and returns once it
// has its data: the registration is then parked and its sweep queued.
func recvParked(l *Loop, a, b int) error {
	l.CallSoon(func() { writeFD(b, []byte("1")) })
	data, err := Await(l.SockRecv(a, 10))
	if err != nil || string(data) != "1" {
		return fmt.Errorf("first SockRecv: %q, %v", data, err)
	}
	if e := l.fdsGet(a); e == nil || e.reader != nil || e.mask&selector.Read == 0 {
		return errors.New("the finished SockRecv did not park its registration")
	}
	return nil
}

func TestSockParkedReaderThatFiresDoesNotSpin(t *testing.T) {
	for _, b := range backends {
		for _, polled := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/polled before the sweep=%v", b.name, polled), func(t *testing.T) {
				a, peer := pair(t)
				cs := newCountingSelector(t, b.new)
				l, err := NewLoop(WithSelector(cs), WithClock(NewVirtualClock()))
				if err != nil {
					t.Fatal(err)
				}
				defer l.Close()
				op := l.SockRecv(a, 10)
				startOp(t, l, op)
				writeFD(peer, []byte("1"))
				l.runOnce() // blocks until a is readable; op reads and parks
				if r := op.(*sockRecv); r.err != nil || string(r.data) != "1" {
					t.Fatalf("SockRecv: %q, %v", r.data, r.err)
				}
				if e := l.fdsGet(a); e == nil || e.reader != nil || !e.swept {
					t.Fatal("registration not parked with its sweep queued")
				}
				writeFD(peer, []byte("2")) // the parked interest is now ready
				l.sincePoll = 0
				if polled {
					l.sincePoll = maxPollSkips // this pass polls before the sweep runs
				}
				l.runOnce()
				if l.fdsGet(a) != nil {
					t.Fatal("parked registration still there after its sweep")
				}
				// Nothing waits now but a timer: the loop must block, not
				// spin on the unread data.
				cs.selects, cs.maxSelects, cs.loop = 0, 20, l
				if _, err := RunUntilComplete(l, Sleep(time.Hour)); err != nil {
					t.Fatal(err)
				}
				if cs.selects > 3 {
					t.Fatalf("%d polls while nothing waited", cs.selects)
				}
			})
		}
	}
}

func TestSockCancelOfOpThatTookOverParkedSlotRemovesEverything(t *testing.T) {
	a, b := pair(t)
	cs := newCountingSelector(t, selector.New)
	runSock(t, func(l *Loop) error {
		ctlAtPark := -1
		sub := CreateTask(l, Async(func() (Void, error) {
			if err := recvParked(l, a, b); err != nil {
				return Void{}, err
			}
			ctlAtPark = cs.ctl
			_, err := Await(l.SockRecv(a, 10)) // takes the parked slot over
			return Void{}, err
		}))
		for i := 0; ctlAtPark < 0 || !isReading(l, a); i++ {
			if i == maxWaitPasses || sub.Done() {
				return fmt.Errorf("the second SockRecv never waited: %v", sub.Exception())
			}
			Await(Sleep(0))
		}
		if cs.ctl != ctlAtPark {
			return fmt.Errorf("%d selector calls to wait again; want 0", cs.ctl-ctlAtPark)
		}
		sub.Cancel()
		Await(waitDone(l, sub))
		Await(Sleep(0))
		if !sub.Cancelled() {
			return fmt.Errorf("sub-task not cancelled: %v", sub.Exception())
		}
		if l.fds.Len() != 0 {
			return fmt.Errorf("loop still watches %d fds", l.fds.Len())
		}
		if err := cs.Selector.Unregister(a); !errors.Is(err, selector.ErrNotRegistered) {
			return fmt.Errorf("the selector still had the fd: %v", err)
		}
		return checkRecvWorks(l, a, b)
	}, WithSelector(cs))
}

// maxWaitPasses bounds the Sleep(0) loops that wait for I/O: the loop
// may skip zero-timeout polls for up to maxPollSkips callbacks.
const maxWaitPasses = 4 * maxPollSkips

func isReading(l *Loop, fd int) bool {
	r, _ := watched(l, fd)
	return r
}

func TestAddReaderTakesOverParkedSlot(t *testing.T) {
	a, b := pair(t)
	cs := newCountingSelector(t, selector.New)
	runSock(t, func(l *Loop) error {
		if err := recvParked(l, a, b); err != nil {
			return err
		}
		before := cs.ctl
		var got []byte
		removed := false
		err := l.AddReader(a, func() {
			buf := make([]byte, 10)
			n, _ := readFD(a, buf)
			got = buf[:n]
			removed = l.RemoveReader(a)
		})
		if err != nil {
			return err
		}
		if cs.ctl != before {
			return fmt.Errorf("AddReader over a parked slot made %d selector calls", cs.ctl-before)
		}
		writeFD(b, []byte("user"))
		for i := 0; got == nil; i++ {
			if i == maxWaitPasses {
				return errors.New("the reader never ran")
			}
			Await(Sleep(0))
		}
		if string(got) != "user" || !removed || l.fdsGet(a) != nil {
			return fmt.Errorf("got %q, RemoveReader %v, still watched %v", got, removed, l.fdsGet(a) != nil)
		}
		return nil
	})
}

func TestRemoveReaderOfParkedSlotReportsFalseAndDropsIt(t *testing.T) {
	a, b := pair(t)
	runSock(t, func(l *Loop) error {
		if err := recvParked(l, a, b); err != nil {
			return err
		}
		if l.RemoveReader(a) {
			return errors.New("RemoveReader reported a parked slot as a reader")
		}
		if l.fdsGet(a) != nil {
			return errors.New("parked registration left after RemoveReader")
		}
		return checkRecvWorks(l, a, b)
	})
}

func TestSockErrFDBusyIgnoresParkedSlot(t *testing.T) {
	a, b := pair(t)
	runSock(t, func(l *Loop) error {
		if err := recvParked(l, a, b); err != nil {
			return err
		}
		return checkRecvWorks(l, a, b)
	})
}

// A number closed with a parked registration and handed out again must
// not inherit it: epoll forgot the closed file, so taking the parked slot
// over would wait forever.
func TestSockAcceptedFDDoesNotInheritParkedRegistration(t *testing.T) {
	path := t.TempDir() + "/park.sock"
	runSock(t, func(l *Loop) error {
		lfd, sa, err := Listen("unix", path, 0)
		if err != nil {
			return err
		}
		defer closeFD(lfd)
		var clients [2]int
		for i := range clients {
			if clients[i], err = NewSocket(unix.AF_UNIX, unix.SOCK_STREAM); err != nil {
				return err
			}
			defer closeFD(clients[i])
			if _, err := Await(l.SockConnect(clients[i], sa)); err != nil {
				return err
			}
		}
		first, err := Await(l.SockAccept(lfd))
		if err != nil {
			return err
		}
		if err := recvParked(l, first.FD, clients[0]); err != nil {
			closeFD(first.FD)
			return err
		}
		closeFD(first.FD) // the sweep has not run: still parked
		second, err := Await(l.SockAccept(lfd))
		if err != nil {
			return err
		}
		defer closeFD(second.FD)
		if second.FD != first.FD {
			// The case needs the kernel to reuse the number (Linux hands
			// out the lowest free one, so this holds unless another
			// goroutine opened a file in between).
			t.Skipf("accept returned fd %d, not the freed %d", second.FD, first.FD)
		}
		l.CallSoon(func() { writeFD(clients[1], []byte("2")) })
		data, err := Await(Timeout(time.Second, l.SockRecv(second.FD, 10)))
		if err != nil || string(data) != "2" {
			return fmt.Errorf("SockRecv on the reused number: %q, %v", data, err)
		}
		return nil
	}, WithClock(NewVirtualClock()))
}

// A parked interest whose file was closed does not make adding the other
// direction on the reused number fail (epoll answers ENOENT to a modify).
func TestAddWriterOnReusedNumberWithParkedReader(t *testing.T) {
	fds, err := socketPair(unix.SOCK_STREAM)
	if err != nil {
		t.Fatal(err)
	}
	a, b := fds[0], fds[1]
	runSock(t, func(l *Loop) error {
		err := recvParked(l, a, b)
		closeFD(a)
		closeFD(b)
		if err != nil {
			return err
		}
		nfds, err := socketPair(unix.SOCK_STREAM)
		if err != nil {
			return err
		}
		defer closeFD(nfds[0])
		defer closeFD(nfds[1])
		if nfds[0] != a {
			// As above: the case needs the freed number back.
			t.Skipf("socketpair returned fd %d, not the freed %d", nfds[0], a)
		}
		ran := false
		if err := l.AddWriter(a, func() { ran = l.RemoveWriter(a) }); err != nil {
			return fmt.Errorf("AddWriter on the reused number: %v", err)
		}
		for i := 0; !ran; i++ {
			if i == maxWaitPasses {
				return errors.New("the writer never ran")
			}
			Await(Sleep(0))
		}
		Await(Sleep(0))
		if l.fdsGet(a) != nil {
			return errors.New("fd still watched")
		}
		return nil
	}, WithClock(NewVirtualClock()))
}
