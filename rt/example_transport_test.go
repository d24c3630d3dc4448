package rt_test

import (
	"bytes"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// exEchoServer is a server's Protocol: it writes back whatever arrives.
// Write sends at once and buffers only what the socket does not take, so
// DataReceived may pass the loop's read buffer straight on.
type exEchoServer struct {
	rt.ProtocolBase // no-op callbacks; EOFReceived false: close at the peer's EOF
	t               rt.Transport
}

func (p *exEchoServer) ConnectionMade(t rt.Transport) { p.t = t }
func (p *exEchoServer) DataReceived(b []byte)         { p.t.Write(b) }

// exEchoClient sends its lines, collects what comes back and closes once
// it has all of it; done gets the echo when the connection is lost.
type exEchoClient struct {
	rt.ProtocolBase
	lines []string
	want  int
	t     rt.Transport
	got   bytes.Buffer
	done  *rt.Future[string]
}

func (c *exEchoClient) ConnectionMade(t rt.Transport) {
	c.t = t
	bufs := make([][]byte, len(c.lines))
	for i, s := range c.lines {
		bufs[i] = []byte(s + "\n")
		c.want += len(bufs[i])
	}
	t.WriteLines(bufs) // one writev
}

// DataReceived may get the echo in any number of pieces: a stream has no
// message boundaries.
func (c *exEchoClient) DataReceived(b []byte) {
	c.got.Write(b) // b is the loop's buffer, valid during the call: copy
	if c.got.Len() == c.want {
		c.t.Close()
	}
}

func (c *exEchoClient) ConnectionLost(err error) {
	if err != nil {
		c.done.SetException(err)
		return
	}
	c.done.SetResult(c.got.String())
}

// An echo server and a client, both Protocols on one loop: the server's
// factory makes a protocol per accepted connection, CreateConnection
// connects the client's, and every callback runs on the loop's goroutine.
func ExampleLoop_CreateServer() {
	echo, err := rt.Run(rt.Async(func() (string, error) {
		l := rt.RunningLoop()
		srv, err := rt.Await(l.CreateServer(func() rt.StreamProtocol { return &exEchoServer{} },
			"tcp4", "127.0.0.1:0")) // port 0: the kernel picks one, Addrs tells it
		if err != nil {
			return "", err
		}
		done := rt.NewFuture[string](l)
		client := &exEchoClient{lines: []string{"hello", "protocols"}, done: done}
		conn, err := rt.Await(l.CreateConnection(func() rt.StreamProtocol { return client },
			"tcp4", srv.Addrs()[0].String()))
		if err != nil {
			return "", err
		}
		fmt.Println("connected, same protocol:", conn.Protocol == rt.StreamProtocol(client))
		echo, err := rt.Await(done)
		// The client's Close reaches the server as EOF, and the server's
		// protocol closes its side: WaitClosed returns once the server is
		// closed and that connection is gone.
		srv.Close()
		if _, err := rt.Await(srv.WaitClosed()); err != nil {
			return "", err
		}
		fmt.Println("server closed, serving:", srv.IsServing())
		return echo, err
	}))
	fmt.Printf("echo %q, err %v\n", echo, err)
	// Output:
	// connected, same protocol: true
	// server closed, serving: false
	// echo "hello\nprotocols\n", err <nil>
}

// exUpper is a datagram server: it answers each datagram, upper-cased,
// to its sender.
type exUpper struct {
	rt.DatagramProtocolBase
	t rt.DatagramTransport
}

func (p *exUpper) ConnectionMade(t rt.DatagramTransport) { p.t = t }
func (p *exUpper) DatagramReceived(b []byte, from net.Addr) {
	p.t.SendTo(bytes.ToUpper(b), from)
}

// exAsker sends its questions to the endpoint it is connected to and
// completes done after as many answers.
type exAsker struct {
	rt.DatagramProtocolBase
	questions []string
	answers   []string
	done      *rt.Future[[]string]
}

func (p *exAsker) ConnectionMade(t rt.DatagramTransport) {
	for _, q := range p.questions {
		t.SendTo([]byte(q), nil) // nil: the remote address
	}
}

func (p *exAsker) DatagramReceived(b []byte, _ net.Addr) {
	p.answers = append(p.answers, string(b)) // string(b) copies
	if len(p.answers) == len(p.questions) {
		p.done.SetResult(p.answers)
	}
}

// Datagram endpoints: one bound to a local address answers, one connected
// to it asks. Each datagram arrives whole (loopback does not lose or
// reorder them, a real network may).
func ExampleLoop_CreateDatagramEndpoint() {
	answers, err := rt.Run(rt.Async(func() ([]string, error) {
		l := rt.RunningLoop()
		server, err := rt.Await(l.CreateDatagramEndpoint(func() rt.DatagramProtocol { return &exUpper{} },
			"udp4", rt.WithDatagramLocalAddr("127.0.0.1:0")))
		if err != nil {
			return nil, err
		}
		defer server.Transport.Close()
		addr := server.Transport.GetExtraInfo("sockname").(net.Addr)
		done := rt.NewFuture[[]string](l)
		asker := &exAsker{questions: []string{"ping", "are you there?"}, done: done}
		client, err := rt.Await(l.CreateDatagramEndpoint(func() rt.DatagramProtocol { return asker },
			"udp4", rt.WithDatagramRemoteAddr(addr.String())))
		if err != nil {
			return nil, err
		}
		defer client.Transport.Close()
		return rt.Await(rt.WaitFor(done, 10*time.Second)) // a lost datagram fails, not hangs
	}))
	fmt.Println(strings.Join(answers, " | "), err)
	// Output: PING | ARE YOU THERE? <nil>
}
