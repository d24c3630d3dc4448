package rt_test

import (
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// pinger sends a message, waits for its echo, and sends the next one,
// until left reaches zero; then it completes done.
type pinger struct {
	rt.ProtocolBase
	t    rt.Transport
	msg  []byte
	got  int
	left int
	done *rt.Future[rt.Void]
}

func (p *pinger) ConnectionMade(t rt.Transport) { p.t = t }

func (p *pinger) DataReceived(b []byte) {
	p.got += len(b)
	if p.got < len(p.msg) {
		return
	}
	p.got = 0
	if p.left--; p.left <= 0 {
		p.done.SetResult(rt.Void{})
		return
	}
	p.t.Write(p.msg)
}

type echoProto struct {
	rt.ProtocolBase
	t rt.Transport
}

func (e *echoProto) ConnectionMade(t rt.Transport) { e.t = t }
func (e *echoProto) DataReceived(b []byte)         { e.t.Write(b) }

// In steady state a message costs no allocation: not the read (into the
// loop's buffer), not DataReceived, not the write that the socket takes
// at once, not the readiness bookkeeping.
func TestTransportEchoAllocatesNothingPerMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation count needs a few thousand round trips")
	}
	l, err := rt.NewLoop()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	srv, err := rt.RunUntilComplete(l, l.CreateServer(func() rt.StreamProtocol { return &echoProto{} }, "tcp4", "127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	p := &pinger{msg: make([]byte, 1024)}
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
	run() // warm up: buffers, ready queue, epoll event array
	allocs := testing.AllocsPerRun(20, run)
	// One future and its bookkeeping per run of 200 round trips.
	if perMsg := allocs / perRun; perMsg > 0.05 {
		t.Errorf("%.3f allocations per echoed message (%.0f per %d), want none", perMsg, allocs, perRun)
	}
	t.Logf("%.1f allocations per %d round trips", allocs, perRun)
}
