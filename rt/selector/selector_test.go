//go:build unix

package selector_test

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgen/asyncgen/rt/selector"
)

// backend names a Selector constructor; backends_*_test.go list them.
type backend struct {
	name string
	new  func() (selector.Selector, error)
}

// guard bounds every wait that would otherwise hang the test binary on a
// bug; it is a failure guard only, never a synchronisation.
const guard = 10 * time.Second

// suite is the one table of behaviours every backend must have.
var suite = []struct {
	name string
	run  func(t *testing.T, sel selector.Selector)
}{
	{"misuse errors", testMisuse},
	{"readable after write", testReadable},
	{"writable", testWritable},
	{"read and write together", testReadWrite},
	{"modify changes interest", testModify},
	{"modify to 0 stops reporting", testModifyZero},
	{"muted hung-up fd does not wake", testMutedHangup},
	{"unregister stops reporting", testUnregister},
	{"unregister after close of fd", testUnregisterClosedFD},
	{"hangup reports read", testHangupRead},
	{"hangup reports write", testHangupWrite},
	{"half-close reports read", testHalfClose},
	{"timeout 0 does not block", testTimeoutZero},
	{"timeout is never early", testTimeoutNotEarly},
	{"buf is reset and reused", testBufReuse},
	{"waker wakes blocked select", testWakerWakes},
	{"waker coalesces, drain clears", testWakerCoalesces},
	{"close twice", testCloseTwice},
	{"waker close twice", testWakerCloseTwice},
	{"many fds", testManyFDs},
	{"no allocs in steady state", testNoAllocs},
}

// TestSelector runs the suite against every backend.
func TestSelector(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			for _, tc := range suite {
				t.Run(tc.name, func(t *testing.T) {
					tc.run(t, newSelector(t, b))
				})
			}
		})
	}
}

func testMisuse(t *testing.T, sel selector.Selector) {
	a, b := socketpair(t)
	steps := []struct {
		name string
		call func() error
		want error // nil: must succeed
	}{
		{"register", func() error { return sel.Register(a, selector.Read) }, nil},
		{"register twice", func() error { return sel.Register(a, selector.Write) }, selector.ErrAlreadyRegistered},
		{"register no events", func() error { return sel.Register(b, 0) }, os.ErrInvalid},
		{"register unknown events", func() error { return sel.Register(b, 1<<5) }, os.ErrInvalid},
		{"register negative fd", func() error { return sel.Register(-1, selector.Read) }, os.ErrInvalid},
		{"modify unregistered", func() error { return sel.Modify(b, selector.Read) }, selector.ErrNotRegistered},
		{"modify unknown events", func() error { return sel.Modify(a, 1<<5) }, os.ErrInvalid},
		{"unregister unregistered", func() error { return sel.Unregister(b) }, selector.ErrNotRegistered},
		{"modify", func() error { return sel.Modify(a, selector.Write) }, nil},
		{"unregister", func() error { return sel.Unregister(a) }, nil},
		{"unregister twice", func() error { return sel.Unregister(a) }, selector.ErrNotRegistered},
		{"modify after unregister", func() error { return sel.Modify(a, selector.Read) }, selector.ErrNotRegistered},
		{"register again", func() error { return sel.Register(a, selector.Read) }, nil},
	}
	for _, s := range steps {
		err := s.call()
		switch {
		case s.want == nil && err != nil:
			t.Fatalf("%s: %v", s.name, err)
		case s.want != nil && !errors.Is(err, s.want):
			t.Fatalf("%s: got %v, want %v", s.name, err, s.want)
		case s.want != nil && !strings.Contains(err.Error(), "fd "):
			t.Errorf("%s: %q does not name the fd", s.name, err)
		}
	}
}

func testReadable(t *testing.T, sel selector.Selector) {
	a, b := socketpair(t)
	register(t, sel, a, selector.Read)
	expect(t, sel, 0, nil)
	write(t, b)
	expect(t, sel, -1, map[int]selector.Event{a: selector.Read})
	// Level-triggered: still ready until read.
	expect(t, sel, 0, map[int]selector.Event{a: selector.Read})
	read(t, a)
	expect(t, sel, 0, nil)
}

func testWritable(t *testing.T, sel selector.Selector) {
	a, _ := socketpair(t)
	register(t, sel, a, selector.Write)
	expect(t, sel, -1, map[int]selector.Event{a: selector.Write})
}

func testReadWrite(t *testing.T, sel selector.Selector) {
	a, b := socketpair(t)
	register(t, sel, a, selector.Read|selector.Write)
	expect(t, sel, -1, map[int]selector.Event{a: selector.Write})
	write(t, b)
	expect(t, sel, -1, map[int]selector.Event{a: selector.Read | selector.Write})
}

func testModify(t *testing.T, sel selector.Selector) {
	a, b := socketpair(t)
	write(t, b)
	register(t, sel, a, selector.Write)
	expect(t, sel, -1, map[int]selector.Event{a: selector.Write})
	for _, ev := range []selector.Event{selector.Read, selector.Read | selector.Write, selector.Read, selector.Write} {
		if err := sel.Modify(a, ev); err != nil {
			t.Fatal(err)
		}
		expect(t, sel, -1, map[int]selector.Event{a: ev})
	}
}

func testModifyZero(t *testing.T, sel selector.Selector) {
	a, b := socketpair(t)
	c, _ := socketpair(t)
	register(t, sel, a, selector.Read|selector.Write)
	register(t, sel, c, selector.Write)
	write(t, b)
	expect(t, sel, -1, map[int]selector.Event{a: selector.Read | selector.Write, c: selector.Write})
	if err := sel.Modify(a, 0); err != nil {
		t.Fatal(err)
	}
	expect(t, sel, -1, map[int]selector.Event{c: selector.Write})
	if err := sel.Modify(a, 0); err != nil { // muted stays muted
		t.Fatal(err)
	}
	if err := sel.Unregister(c); err != nil {
		t.Fatal(err)
	}
	expect(t, sel, 0, nil)
	// Still registered: Register refuses, Modify brings it back.
	if err := sel.Register(a, selector.Read); !errors.Is(err, selector.ErrAlreadyRegistered) {
		t.Fatalf("register muted fd: got %v, want ErrAlreadyRegistered", err)
	}
	if err := sel.Modify(a, selector.Read); err != nil {
		t.Fatal(err)
	}
	expect(t, sel, -1, map[int]selector.Event{a: selector.Read})
}

// testMutedHangup checks that a muted fd whose peer is gone does not cut a
// wait short: the kernel reports hangup whatever was asked for, and a
// backend that left the fd in its set would make the loop spin.
func testMutedHangup(t *testing.T, sel selector.Selector) {
	a, b := socketpair(t)
	register(t, sel, a, selector.Read)
	if err := sel.Modify(a, 0); err != nil {
		t.Fatal(err)
	}
	closeFD(t, b)
	expectWait(t, sel, 5*time.Millisecond)
	if err := sel.Modify(a, selector.Write); err != nil {
		t.Fatal(err)
	}
	expect(t, sel, -1, map[int]selector.Event{a: selector.Write})
}

func testUnregister(t *testing.T, sel selector.Selector) {
	a, b := socketpair(t)
	c, d := socketpair(t)
	register(t, sel, a, selector.Read)
	register(t, sel, c, selector.Read)
	write(t, b)
	write(t, d)
	expect(t, sel, -1, map[int]selector.Event{a: selector.Read, c: selector.Read})
	if err := sel.Unregister(a); err != nil {
		t.Fatal(err)
	}
	expect(t, sel, -1, map[int]selector.Event{c: selector.Read})
}

// testUnregisterClosedFD pins the documented leniency: the kernel forgot
// the fd when it was closed, so unregistering it still succeeds.
func testUnregisterClosedFD(t *testing.T, sel selector.Selector) {
	a, _ := socketpair(t)
	c, _ := socketpair(t)
	register(t, sel, a, selector.Read)
	register(t, sel, c, selector.Read)
	if err := sel.Modify(c, 0); err != nil {
		t.Fatal(err)
	}
	closeFD(t, a)
	closeFD(t, c)
	for _, fd := range []int{a, c} {
		if err := sel.Unregister(fd); err != nil {
			t.Fatalf("unregister closed fd: %v", err)
		}
	}
	expect(t, sel, 0, nil)
}

func testHangupRead(t *testing.T, sel selector.Selector) {
	a, b := socketpair(t)
	register(t, sel, a, selector.Read)
	expect(t, sel, 0, nil)
	closeFD(t, b)
	expect(t, sel, -1, map[int]selector.Event{a: selector.Read})
}

func testHangupWrite(t *testing.T, sel selector.Selector) {
	a, b := socketpair(t)
	fill(t, a) // a writer now waits for room that will never come
	register(t, sel, a, selector.Write)
	expect(t, sel, 0, nil)
	closeFD(t, b)
	expect(t, sel, -1, map[int]selector.Event{a: selector.Write})
}

func testHalfClose(t *testing.T, sel selector.Selector) {
	a, b := socketpair(t)
	register(t, sel, a, selector.Read)
	if err := unix.Shutdown(b, unix.SHUT_WR); err != nil {
		t.Fatal(err)
	}
	expect(t, sel, -1, map[int]selector.Event{a: selector.Read})

	// A writer waiting for room is not woken by the peer's half-close: it
	// can still write, and a wakeup with nothing to report would spin.
	c, d := socketpair(t)
	fill(t, c)
	if err := sel.Unregister(a); err != nil {
		t.Fatal(err)
	}
	register(t, sel, c, selector.Write)
	if err := unix.Shutdown(d, unix.SHUT_WR); err != nil {
		t.Fatal(err)
	}
	expectWait(t, sel, 5*time.Millisecond)
}

func testTimeoutZero(t *testing.T, sel selector.Selector) {
	a, _ := socketpair(t)
	register(t, sel, a, selector.Read)
	within(t, func() {
		for range 100 {
			got, err := sel.Select(nil, 0)
			if err != nil || len(got) != 0 {
				t.Errorf("Select(0) = %v, %v; want nothing", got, err)
				return
			}
		}
	})
}

func testTimeoutNotEarly(t *testing.T, sel selector.Selector) {
	a, _ := socketpair(t)
	register(t, sel, a, selector.Read)
	// 1.5 ms: truncation to 1 ms would return early.
	expectWait(t, sel, 1500*time.Microsecond)
}

func testBufReuse(t *testing.T, sel selector.Selector) {
	a, b := socketpair(t)
	register(t, sel, a, selector.Read)
	write(t, b)
	buf := append(make([]selector.Ready, 0, 8), selector.Ready{FD: 12345, Events: selector.Write})
	got, err := sel.Select(buf, -1)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != (selector.Ready{FD: a, Events: selector.Read}) {
		t.Fatalf("Select = %v; want only fd %d Read", got, a)
	}
	if &got[0] != &buf[:1][0] {
		t.Error("Select did not reuse buf")
	}
}

func testWakerWakes(t *testing.T, sel selector.Selector) {
	w := newWaker(t)
	register(t, sel, w.FD(), selector.Read)
	started := make(chan struct{})
	woken := make(chan []selector.Ready, 1)
	go func() {
		close(started)
		var got []selector.Ready
		var err error
		for len(got) == 0 && err == nil { // empty: EINTR
			got, err = sel.Select(got, -1)
		}
		if err != nil {
			t.Error(err)
		}
		woken <- got
	}()
	<-started
	if err := w.Wake(); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-woken:
		if len(got) != 1 || got[0] != (selector.Ready{FD: w.FD(), Events: selector.Read}) {
			t.Fatalf("woken with %v; want waker fd %d Read", got, w.FD())
		}
	case <-time.After(guard):
		t.Fatal("Wake did not wake a blocked Select")
	}
	w.Drain()
	expect(t, sel, 0, nil)
}

func testWakerCoalesces(t *testing.T, sel selector.Selector) {
	w := newWaker(t)
	register(t, sel, w.FD(), selector.Read)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				if err := w.Wake(); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	for range 2 { // the same wakeups again: coalesced, once per Drain
		expect(t, sel, 0, map[int]selector.Event{w.FD(): selector.Read})
		w.Drain()
		expect(t, sel, 0, nil)
		if err := w.Wake(); err != nil {
			t.Fatal(err)
		}
	}
	if n := testing.AllocsPerRun(100, func() { w.Wake(); w.Drain() }); n != 0 {
		t.Errorf("Wake+Drain allocates %v times", n)
	}
}

func testCloseTwice(t *testing.T, sel selector.Selector) {
	a, _ := socketpair(t)
	register(t, sel, a, selector.Read)
	if err := sel.Close(); err != nil {
		t.Fatal(err)
	}
	// The lowest free fds are handed out first, so this pipe likely takes
	// the number the selector just released: a second close would hit it.
	p := pipe(t)
	if err := sel.Close(); !errors.Is(err, selector.ErrClosed) {
		t.Errorf("second Close = %v; want ErrClosed", err)
	}
	alive(t, p[0], p[1], a)
	for name, err := range map[string]error{
		"register":   sel.Register(p[0], selector.Read),
		"modify":     sel.Modify(a, selector.Write),
		"unregister": sel.Unregister(a),
	} {
		if !errors.Is(err, selector.ErrClosed) {
			t.Errorf("%s after Close = %v; want ErrClosed", name, err)
		}
	}
	if got, err := sel.Select(nil, 0); !errors.Is(err, selector.ErrClosed) || len(got) != 0 {
		t.Errorf("Select after Close = %v, %v; want ErrClosed", got, err)
	}
}

func testWakerCloseTwice(t *testing.T, sel selector.Selector) {
	w, err := selector.NewWaker()
	if err != nil {
		t.Fatal(err)
	}
	register(t, sel, w.FD(), selector.Read)
	if err := sel.Unregister(w.FD()); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	p := pipe(t) // likely reuses the Waker's numbers; see testCloseTwice
	if err := w.Close(); !errors.Is(err, selector.ErrClosed) {
		t.Errorf("second Close = %v; want ErrClosed", err)
	}
	if err := w.Wake(); !errors.Is(err, selector.ErrClosed) {
		t.Errorf("Wake after Close = %v; want ErrClosed", err)
	}
	w.Drain() // must not read someone else's fd
	alive(t, p[0], p[1])
	register(t, sel, p[0], selector.Read)
	expect(t, sel, 0, nil) // nothing was written to the reused numbers
}

func testManyFDs(t *testing.T, sel selector.Selector) {
	const n = 500
	want := make(map[int]selector.Event, n)
	for range n {
		a, b := socketpair(t)
		register(t, sel, a, selector.Read)
		write(t, b)
		want[a] = selector.Read
	}
	// One Select reports them all: the backend sized its buffer.
	expect(t, sel, -1, want)
}

func testNoAllocs(t *testing.T, sel selector.Selector) {
	a, b := socketpair(t)
	c, _ := socketpair(t)
	register(t, sel, a, selector.Read)
	register(t, sel, c, selector.Read)
	write(t, b)
	buf := make([]selector.Ready, 0, 16)
	var err error
	n := testing.AllocsPerRun(100, func() {
		buf, err = sel.Select(buf, 0)
		if err == nil && len(buf) != 1 {
			err = fmt.Errorf("Select = %v; want one fd", buf)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("steady-state Select allocates %v times", n)
	}
}

// TestSyscallError checks that kernel refusals come out as
// *os.SyscallError naming the syscall, with the errno reachable.
func TestSyscallError(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			sel := newSelector(t, b)
			f, err := os.Open(os.DevNull)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			err = sel.Register(int(f.Fd()), selector.Read)
			var se *os.SyscallError
			switch b.name {
			case "epoll", "epoll-auto", "epoll-auto-blocked", "epoll-gopoller":
				if !errors.As(err, &se) || se.Syscall != "epoll_ctl" || !errors.Is(err, unix.EPERM) {
					t.Fatalf("register %s = %v; want epoll_ctl EPERM", os.DevNull, err)
				}
			case "kqueue":
				// Whether a device may be watched depends on the kernel
				// (darwin takes only ttys); a refusal must be a kevent
				// error. kqueue_bsd_test.go provokes one on every system.
				if err == nil {
					return
				}
				if !errors.As(err, &se) || se.Syscall != "kevent" {
					t.Fatalf("register %s = %v; want nil or a kevent error", os.DevNull, err)
				}
			default:
				// poll(2) accepts any fd: a regular file is always ready.
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err := sel.Register(int(f.Fd()), selector.Read); errors.Is(err, selector.ErrAlreadyRegistered) {
				t.Fatal("a refused Register left the fd registered")
			}
		})
	}
}

func TestNew(t *testing.T) {
	sel, err := selector.New()
	if err != nil {
		t.Fatal(err)
	}
	defer sel.Close()
	if want := backends[0].name; sel.Name() != want {
		t.Errorf("New().Name() = %q; want %q", sel.Name(), want)
	}
}

func TestEventString(t *testing.T) {
	for ev, want := range map[selector.Event]string{
		0:                                 "0",
		selector.Read:                     "Read",
		selector.Write:                    "Write",
		selector.Read | selector.Write:    "Read|Write",
		selector.Read | selector.Write<<2: "Event(9)",
	} {
		if got := ev.String(); got != want {
			t.Errorf("Event(%d).String() = %q; want %q", uint32(ev), got, want)
		}
	}
}

// BenchmarkSelect measures one non-blocking Select that reports one ready
// fd, alone and among idle ones (where poll's cost grows and epoll's not).
func BenchmarkSelect(b *testing.B) {
	for _, be := range backends {
		for _, idle := range []int{0, 1000} {
			b.Run(be.name+"/idle="+strconv.Itoa(idle), func(b *testing.B) {
				sel := newSelector(b, be)
				for range idle {
					a, _ := socketpair(b)
					register(b, sel, a, selector.Read)
				}
				a, c := socketpair(b)
				register(b, sel, a, selector.Read)
				write(b, c)
				buf := make([]selector.Ready, 0, 16)
				b.ReportAllocs()
				for b.Loop() {
					var err error
					if buf, err = sel.Select(buf, 0); err != nil || len(buf) != 1 {
						b.Fatal(buf, err)
					}
				}
			})
		}
	}
}

// BenchmarkWake measures a Wake from another goroutine's point of view
// plus the loop's Drain: one wakeup round trip without the Select.
func BenchmarkWake(b *testing.B) {
	w := newWaker(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := w.Wake(); err != nil {
			b.Fatal(err)
		}
		w.Drain()
	}
}

// Example shows the Waker interrupting a Select that would block forever.
func Example() {
	sel, err := selector.New()
	if err != nil {
		panic(err)
	}
	defer sel.Close()
	w, err := selector.NewWaker()
	if err != nil {
		panic(err)
	}
	defer w.Close()
	if err := sel.Register(w.FD(), selector.Read); err != nil {
		panic(err)
	}

	go w.Wake() // from any goroutine

	var ready []selector.Ready
	for len(ready) == 0 { // an empty result means EINTR: wait again
		if ready, err = sel.Select(ready, -1); err != nil {
			panic(err)
		}
	}
	for _, r := range ready {
		if r.FD == w.FD() {
			w.Drain()
			fmt.Println("woken:", r.Events)
		}
	}
	// Output: woken: Read
}

// A Wake after Drain always wakes the next Select, however Wakes and
// Drains interleave: wakers announce work and Wake; the loop Drains, then
// looks at the work, and blocks again only when it has seen all of it. A
// lost wakeup leaves Select blocked until the hang guard fails the test.
func TestWakerNeverLosesAWakeup(t *testing.T) {
	sel, err := selector.New()
	if err != nil {
		t.Fatal(err)
	}
	defer sel.Close()
	w := watchedWaker(t, sel)
	const wakers, each = 8, 2000
	var announced atomic.Int64
	for range wakers {
		go func() {
			for range each {
				announced.Add(1)
				w.Wake()
			}
		}()
	}
	seen := int64(0)
	buf := make([]selector.Ready, 0, 4)
	for seen < wakers*each {
		var err error
		if buf, err = sel.Select(buf, 5*time.Second); err != nil {
			t.Fatal(err)
		}
		if len(buf) == 0 {
			t.Fatalf("Select slept 5 s with %d of %d wakeups seen: one was lost", seen, wakers*each)
		}
		w.Drain()
		seen = announced.Load()
	}
}

// TestNamed checks that every backend of the suite is found by its name
// and that an unknown name fails at construction, saying which.
func TestNamed(t *testing.T) {
	for _, b := range backends {
		if b.name == "epoll-auto-blocked" {
			continue // the suite's own wrapper, not a backend
		}
		s, err := selector.Named(b.name)()
		if err != nil {
			t.Fatalf("Named(%q): %v", b.name, err)
		}
		if s.Name() != b.name {
			t.Errorf("Named(%q) made %q", b.name, s.Name())
		}
		s.Close()
	}
	if _, err := selector.Named("nonesuch")(); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "nonesuch") {
		t.Errorf("Named(nonesuch) = %v", err)
	}
}

// watchedWaker returns a waker that sel watches for reading, closed at
// the end of the test.
func watchedWaker(t *testing.T, sel selector.Selector) *selector.Waker {
	t.Helper()
	w, err := selector.NewWaker()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if err := sel.Register(w.FD(), selector.Read); err != nil {
		t.Fatal(err)
	}
	return w
}

// TestWakeOfAnIdleSelectorIsNeverLost wakes each backend from another
// goroutine just as it goes idle, many times: the wake may land before,
// during or after Select begins to wait, and each must end that wait. (A
// backend that looked for events and then parked with a step between that
// could swallow an event's edge loses about one wake in 5,000 here.)
func TestWakeOfAnIdleSelectorIsNeverLost(t *testing.T) {
	rounds := 20_000
	if testing.Short() {
		rounds = 2_000
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			sel := newSelector(t, b)
			w := watchedWaker(t, sel)
			idle := make(chan struct{})
			done := make(chan struct{})
			defer close(done)
			go func() {
				for {
					select {
					case <-idle:
						w.Wake()
					case <-done:
						return
					}
				}
			}()
			buf := make([]selector.Ready, 0, 4)
			for i := range rounds {
				idle <- struct{}{}
				// An empty result before the timeout is a signal cutting
				// the wait short (Go's preemption): wait again.
				start := time.Now()
				for len(buf) == 0 {
					var err error
					if buf, err = sel.Select(buf, 5*time.Second); err != nil {
						t.Fatal(err)
					}
					if len(buf) == 0 && time.Since(start) >= 5*time.Second {
						t.Fatalf("round %d: Select slept 5 s through a wake", i)
					}
				}
				buf = buf[:0]
				w.Drain()
			}
		})
	}
}
