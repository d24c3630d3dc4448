package streams_test

import (
	"io"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/rtimpl"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// intoEcho is a server handler echoing with ReadInto, Write and Drain,
// written as the state machine asyncgen would generate for
//
//	for {
//		n, err := rt.Await(r.ReadInto(buf))
//		if err == io.EOF { return nil }
//		if err != nil { return err }
//		w.Write(buf[:n])
//		if _, err := rt.Await(w.Drain()); err != nil { return err }
//	}
//
// (tests cannot hold templates), so that what is counted is the streams
// API and not a reference-mode goroutine.
type intoEcho struct {
	r     *streams.StreamReader
	w     *streams.StreamWriter
	buf   []byte
	state int
	read  rt.Awaiting[int]
	drain rt.Awaiting[rt.Void]
	err   error
}

func (e *intoEcho) Send(c *rt.Ctx) rt.Yield             { return e.step(c, nil) }
func (e *intoEcho) Throw(c *rt.Ctx, err error) rt.Yield { return e.step(c, err) }
func (e *intoEcho) Close()                              { e.read.Close(); e.drain.Close(); e.state = -1 }
func (e *intoEcho) Result() (rt.Void, error)            { return rt.Void{}, e.err }

func (e *intoEcho) step(c *rt.Ctx, thrown error) rt.Yield {
	for {
		switch e.state {
		case 0:
			if y, ok := e.read.Start(c, e.r.ReadInto(e.buf)); ok {
				e.state = 1
				return y
			}
		case 1:
			if y, ok := e.read.Resume(c, thrown); ok {
				return y
			}
		case 2:
			if y, ok := e.drain.Resume(c, thrown); ok {
				return y
			}
			if _, err := e.drain.Result(); err != nil {
				return e.fail(err)
			}
			e.state = 0
			continue
		default:
			return rt.Yield{}
		}
		thrown = nil
		n, err := e.read.Result()
		if err != nil {
			return e.fail(err)
		}
		e.w.Write(e.buf[:n])
		if y, ok := e.drain.Start(c, e.w.Drain()); ok {
			e.state = 2
			return y
		}
		if _, err := e.drain.Result(); err != nil {
			return e.fail(err)
		}
		e.state = 0
	}
}

func (e *intoEcho) fail(err error) rt.Yield {
	if err == io.EOF {
		err = nil // the client is done
	}
	e.err, e.state = err, -1
	e.w.Close()
	return rt.Yield{}
}

// pingProto drives round trips from a plain Protocol client.
type pingProto struct {
	rt.ProtocolBase
	t    rt.Transport
	msg  []byte
	got  int
	left int
	done *rt.Future[rt.Void]
}

func (p *pingProto) ConnectionMade(t rt.Transport) { p.t = t }
func (p *pingProto) DataReceived(b []byte) {
	if p.got += len(b); p.got < len(p.msg) {
		return
	}
	p.got = 0
	if p.left--; p.left <= 0 {
		p.done.SetResult(rt.Void{})
		return
	}
	p.t.Write(p.msg)
}

// A message echoed with ReadInto, Write and Drain costs no allocation on
// the server once the connection is warm: the wait's future and the
// ReadInto coroutine are reused, the transport reads into the reader's
// pooled buffer, Drain's fast path is a completed future.
func TestReadIntoEchoAllocatesNothingPerMessage(t *testing.T) {
	l := allocLoop(t)
	srv, err := rt.RunUntilComplete(l, streams.StartServer(func(r *streams.StreamReader, w *streams.StreamWriter) rt.Coro[rt.Void] {
		return &intoEcho{r: r, w: w, buf: make([]byte, 4096)}
	}, "tcp4", "127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	p := &pingProto{msg: make([]byte, 1024)}
	if _, err := rt.RunUntilComplete(l, l.CreateConnection(func() rt.StreamProtocol { return p }, "tcp4", srv.Addrs()[0].String())); err != nil {
		t.Fatal(err)
	}
	const perRun = 200
	run := func() {
		p.left, p.done = perRun, rt.NewFuture[rt.Void](l)
		p.t.Write(p.msg)
		if err := l.RunUntilComplete(p.done); err != nil {
			t.Fatal(err)
		}
	}
	run()
	allocs := testing.AllocsPerRun(20, run)
	if perMsg := allocs / perRun; perMsg > 0.05 {
		t.Errorf("%.3f allocations per echoed message (%.0f per %d), want none", perMsg, allocs, perRun)
	}
	t.Logf("%.1f allocations per %d round trips", allocs, perRun)
	p.t.Close() // the handler sees EOF and closes its side
	srv.Close()
	if err := l.RunUntilComplete(srv.WaitClosed()); err != nil {
		t.Fatal(err)
	}
}

// allocLoop is a loop for counting allocations, closed at the test's end;
// in reference mode and under the race detector, which allocate on their
// own account, the test is skipped.
func allocLoop(t *testing.T) *rt.Loop {
	if rtimpl.RefMode || raceEnabled {
		// Both modes allocate per await by design; the plain run of the
		// same test (CI runs all three) is the one that counts.
		t.Skip("reference mode and the race detector allocate on their own account: allocation counts mean nothing there")
	}
	l, err := rt.NewLoop()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}
