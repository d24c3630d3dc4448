// Package streams is asyncio's high-level stream API on asyncgen's
// runtime: OpenConnection and StartServer give a StreamReader and a
// StreamWriter, whose await-bearing methods return coroutines.
//
//	//asyncgen:coroutine
//	func echo(r *streams.StreamReader, w *streams.StreamWriter) error {
//		defer w.Close()
//		for {
//			line, err := rt.Await(r.ReadLine())
//			if err != nil || len(line) == 0 {
//				return err
//			}
//			w.Write(line)
//			if _, err := rt.Await(w.Drain()); err != nil {
//				return err
//			}
//		}
//	}
//
//	srv, err := rt.Await(streams.StartServer(echoAsync, "tcp", ":8080"))
//
// The package dogfoods the generator: its reads, Drain, OpenConnection and
// StartServer are //asyncgen:coroutine templates, and the committed
// *_async.go files are their generated state machines.
//
// # Bytes
//
// A connection's bytes are read by the transport straight into the
// reader's buffer (the protocol is a BufferedProtocol), and copied once
// more only into what a read returns. Read, ReadLine, ReadUntil and
// ReadExactly return fresh slices owned by the caller; ReadInto fills the
// caller's buffer; ReadLineView returns the line as a view of the buffer,
// valid until the next read or Consume (bufio's ReadSlice); Peek, Consume
// and ReadMore let a parser work on the buffer in place. A reader holds a
// buffer only while it has unread data (or a view is out): an idle
// connection costs none.
//
// Per read, in steady state: ReadInto, ReadMore and ReadLineView allocate
// nothing, ReadLine only the line it returns, whether or not they wait
// (their coroutine is the reader's own, reused once finished, and so is
// the future a wait awaits); Read, ReadUntil and ReadExactly allocate
// their generated coroutine besides what they return.
//
// # Limits and flow control
//
// A reader's limit (64 KiB by default) bounds a line, and the transport
// stops reading while more than twice the limit is buffered, resuming at
// the limit or when a read waits. A writer's Drain waits while the
// transport's buffer is over its high-water mark (64 KiB).
//
// A cancelled read loses nothing: reads consume the buffer only after
// their last await, so every byte stays buffered for the next read.
package streams
