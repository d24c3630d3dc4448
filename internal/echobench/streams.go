//go:build linux

package echobench

import (
	"errors"
	"io"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// ServeStreams is the echo server written with rt/streams on the loops lo
// describes, each connection its own task running a generated coroutine: echoBlocks
// (ReadInto a 1 KiB buffer of its own, Write, Drain) for Block, echoLines
// (ReadLine, Write, Drain) for Line requests.
func ServeStreams(lo Loops) Server { return serveStreams(lo, (*streams.StreamReader).ReadLine) }

// ServeStreamsView is ServeStreams with the lines read by ReadLineView, in
// place as bufio's ReadSlice reads them, instead of ReadLine's copy.
func ServeStreamsView(lo Loops) Server {
	return serveStreams(lo, (*streams.StreamReader).ReadLineView)
}

func serveStreams(lo Loops, readLine func(*streams.StreamReader) rt.Coro[[]byte]) Server {
	return func(addr string) (string, func(), error) {
		lines := shapeOfEnv() == Line
		return OnLoops(lo, func(l *rt.Loop, addr string, reusePort bool) (*rt.Server, error) {
			cb := func(r *streams.StreamReader, w *streams.StreamWriter) rt.Coro[rt.Void] {
				CountConn()
				if lines {
					return echoLinesAsync(r, w, readLine)
				}
				return echoBlocksAsync(r, w)
			}
			return rt.RunUntilComplete(l, streams.StartServer(cb, "tcp4", addr,
				streams.WithServerOptions(rt.WithBacklog(Somaxconn()), rt.WithReusePort(reusePort))))
		})(addr)
	}
}

// echoBlocks echoes what it reads until EOF, through a buffer of its own:
// no allocation per message. It closes at EOF; on an error the server
// reports it and closes the connection. (No defer: a deferred call is a
// closure and a slice in the frame, bytes every idle connection pays.)
//
//asyncgen:coroutine
func echoBlocks(r *streams.StreamReader, w *streams.StreamWriter) error {
	buf := make([]byte, 1024)
	for {
		n, err := rt.Await(r.ReadInto(buf))
		if errors.Is(err, io.EOF) {
			w.Close()
			return nil
		}
		if err != nil {
			return err
		}
		w.Write(buf[:n])
		if _, err := rt.Await(w.Drain()); err != nil {
			return err
		}
	}
}

// echoLines echoes line by line until EOF (a last line without its '\n'
// included, as ReadLine returns it), each line read by readLine: ReadLine,
// or ReadLineView, whose view Write copies into the transport's buffer
// (or sends) before the next read ends its validity.
//
//asyncgen:coroutine
func echoLines(r *streams.StreamReader, w *streams.StreamWriter, readLine func(*streams.StreamReader) rt.Coro[[]byte]) error {
	for {
		line, err := rt.Await(readLine(r))
		if err != nil {
			return err
		}
		if len(line) == 0 {
			w.Close()
			return nil
		}
		w.Write(line)
		if _, err := rt.Await(w.Drain()); err != nil {
			return err
		}
	}
}
