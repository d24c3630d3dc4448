package rt_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// recorder is a Protocol that records what happens to its connection and
// lets a coroutine wait for it: the events in order, the bytes received,
// and futures for "connected", "lost" and "n bytes arrived".
type recorder struct {
	l        *rt.Loop
	t        rt.Transport
	events   []string
	data     bytes.Buffer
	keepOpen bool // EOFReceived's answer
	lostErr  error
	made     *rt.Future[rt.Void]
	eof      *rt.Future[rt.Void]
	lost     *rt.Future[rt.Void]
	want     int
	enough   *rt.Future[rt.Void]
	pauses   int
	resumes  int
	// echo writes back what arrives (a server's protocol).
	echo bool
}

func newRecorder(l *rt.Loop) *recorder {
	return &recorder{l: l, made: rt.NewFuture[rt.Void](l), eof: rt.NewFuture[rt.Void](l), lost: rt.NewFuture[rt.Void](l)}
}

func (r *recorder) ConnectionMade(t rt.Transport) {
	r.t = t
	r.events = append(r.events, "made")
	r.made.SetResult(rt.Void{})
}

func (r *recorder) DataReceived(p []byte) {
	if len(r.events) == 0 || r.events[len(r.events)-1] != "data" {
		r.events = append(r.events, "data")
	}
	r.data.Write(p)
	if r.echo {
		r.t.Write(p)
	}
	if r.enough != nil && r.data.Len() >= r.want {
		r.enough.SetResult(rt.Void{})
		r.enough = nil
	}
}

func (r *recorder) EOFReceived() bool {
	r.events = append(r.events, "eof")
	r.eof.SetResult(rt.Void{})
	return r.keepOpen
}

func (r *recorder) ConnectionLost(err error) {
	r.events = append(r.events, "lost")
	r.lostErr = err
	if r.lost.Done() {
		panic("ConnectionLost called twice")
	}
	r.lost.SetResult(rt.Void{})
}

func (r *recorder) PauseWriting()  { r.pauses++ }
func (r *recorder) ResumeWriting() { r.resumes++ }

// waitFor returns a future that completes once n bytes in all arrived.
func (r *recorder) waitFor(n int) *rt.Future[rt.Void] {
	f := rt.NewFuture[rt.Void](r.l)
	if r.data.Len() >= n {
		f.SetResult(rt.Void{})
		return f
	}
	r.want, r.enough = n, f
	return f
}

// serve starts a server whose connections get recorders, sent to conns.
func serve(l *rt.Loop, network, addr string, setup func(*recorder), opts ...rt.ServerOption) (*rt.Server, *[]*recorder, error) {
	var conns []*recorder
	s, err := rt.Await(l.CreateServer(func() rt.StreamProtocol {
		r := newRecorder(l)
		if setup != nil {
			setup(r)
		}
		conns = append(conns, r)
		return r
	}, network, addr, opts...))
	return s, &conns, err
}

// dial connects a recorder to addr.
func dial(l *rt.Loop, network, addr string, opts ...rt.ConnOption) (*recorder, error) {
	r := newRecorder(l)
	_, err := rt.Await(l.CreateConnection(func() rt.StreamProtocol { return r }, network, addr, opts...))
	return r, err
}

// runMain runs body as the main coroutine of a fresh loop (real clock)
// and fails the test with its error.
func runMain(t testing.TB, body func(l *rt.Loop) error, opts ...rt.Option) {
	t.Helper()
	_, err := rt.Run(rt.Async(func() (rt.Void, error) { return rt.Void{}, body(rt.RunningLoop()) }), opts...)
	var pe *rt.PanicError
	if errors.As(err, &pe) {
		t.Fatalf("%v\n%s", err, pe.Stack)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// until awaits f, failing after a real-time bound so that a broken
// transport fails the test instead of hanging it. f is shielded: the
// timeout must not cancel it, or a protocol that completes it later
// (ConnectionLost at the loop's close) would panic instead of the test
// reporting what it waited for.
func until[T any](f *rt.Future[T], what string) error {
	_, err := rt.Await(rt.WaitFor(rt.Shield(f), 10*time.Second))
	if err != nil {
		return fmt.Errorf("waiting for %s: %w", what, err)
	}
	return nil
}
