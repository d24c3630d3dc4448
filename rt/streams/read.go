package streams

import (
	"errors"
	"fmt"

	"github.com/asyncgen/asyncgen/rt"
)

//go:generate go run github.com/asyncgen/asyncgen/cmd/asyncgen

// The reads of a StreamReader, written as coroutine templates that asyncgen
// turns into state machines (read_async.go). Each waits only through
// awaitData and consumes the buffer only after its last await, so a
// cancellation at any await leaves every byte in the buffer.

var errEmptySep = errors.New("streams: ReadUntil: the separator must not be empty")

// Read returns a coroutine reading up to n bytes: it returns as soon as at
// least one byte is buffered (or an empty slice at EOF). Read(-1) reads to
// EOF. The slice belongs to the caller.
//
// Read(-1) differs from asyncio's read(-1), which takes the bytes out of
// the buffer block by block as they come: it leaves them buffered until
// EOF (Buffered counts them), so that a Read(-1) that is cancelled or
// fails loses none of them.
func (r *StreamReader) Read(n int) rt.Coro[[]byte] {
	r.unpin()
	return r.readAsync(n)
}

// ReadUntil returns a coroutine reading up to and including sep (which
// may be several bytes long). At EOF without sep it fails with an
// *IncompleteReadError holding what was buffered; with more than the
// limit buffered and no sep it fails with a *LimitOverrunError and leaves
// the data in the buffer.
func (r *StreamReader) ReadUntil(sep []byte) rt.Coro[[]byte] {
	r.unpin()
	return r.readUntilAsync(sep)
}

// ReadExactly returns a coroutine reading exactly n bytes, or failing at
// EOF with an *IncompleteReadError holding the partial data.
func (r *StreamReader) ReadExactly(n int) rt.Coro[[]byte] {
	r.unpin()
	return r.readExactlyAsync(n)
}

// read is Read's template.
//
//asyncgen:coroutine
func (r *StreamReader) read(n int) ([]byte, error) {
	if r.err != nil {
		return nil, r.err
	}
	if n == 0 {
		return []byte{}, nil
	}
	if n < 0 {
		// Everything stays in the buffer until EOF, so that a
		// cancelled Read(-1) loses nothing (asyncio's, which gathers
		// blocks of the limit, would lose what it gathered).
		for !r.eof {
			_, err := rt.Await(r.awaitData(rt.RunningLoop(), "Read"))
			if err != nil {
				return nil, err
			}
		}
		return r.take(r.Buffered()), nil
	}
	if r.Buffered() == 0 && !r.eof {
		_, err := rt.Await(r.awaitData(rt.RunningLoop(), "Read"))
		if err != nil {
			return nil, err
		}
	}
	return r.take(min(n, r.Buffered())), nil
}

// readUntil is ReadUntil's template.
//
//asyncgen:coroutine
func (r *StreamReader) readUntil(sep []byte) ([]byte, error) {
	if len(sep) == 0 {
		return nil, errEmptySep
	}
	if r.err != nil {
		return nil, r.err
	}
	offset := 0
	for {
		if chunk, done, err := r.untilStep(sep, &offset, false); done {
			return chunk, err
		}
		_, err := rt.Await(r.awaitData(rt.RunningLoop(), "ReadUntil"))
		if err != nil {
			return nil, err
		}
	}
}

// untilStep is one look of ReadUntil (or of a line read) at the buffer:
// done with the chunk through sep, or with a LimitOverrunError (data
// kept) or, at EOF, an IncompleteReadError (data taken); not done when it
// must wait. offset carries where the next look resumes. The chunk is a
// copy, or with view a view (see ReadLineView).
func (r *StreamReader) untilStep(sep []byte, offset *int, view bool) ([]byte, bool, error) {
	isep, next, err := r.scan(sep, *offset)
	if err != nil {
		return nil, true, err
	}
	if isep >= 0 {
		if isep > r.limit {
			return nil, true, &LimitOverrunError{Msg: "Separator is found, but chunk is longer than limit", Consumed: isep}
		}
		return r.takeOrView(isep+len(sep), view), true, nil
	}
	*offset = next
	if r.eof {
		return nil, true, &IncompleteReadError{Partial: r.takeOrView(r.Buffered(), view), Expected: -1}
	}
	return nil, false, nil
}

// lineResult turns ReadUntil's outcome into ReadLine's (and
// ReadLineView's) (asyncio's
// readline): the partial line at EOF, and a line over the limit
// discarded.
func (r *StreamReader) lineResult(line []byte, err error, what string) ([]byte, error) {
	if err == nil {
		return line, nil // before errors.As, whose targets escape: two allocations
	}
	var ie *IncompleteReadError
	if errors.As(err, &ie) {
		return ie.Partial, nil
	}
	var le *LimitOverrunError
	if errors.As(err, &le) {
		r.discardLine(le.Consumed)
		return nil, fmt.Errorf("streams: %s: %s: %w", what, le.Msg, ErrLimitOverrun)
	}
	return line, err
}

var newline = []byte{'\n'}

// readExactly is ReadExactly's template.
//
//asyncgen:coroutine
func (r *StreamReader) readExactly(n int) ([]byte, error) {
	if n < 0 {
		return nil, fmt.Errorf("streams: ReadExactly(%d): the size must not be negative", n)
	}
	if r.err != nil {
		return nil, r.err
	}
	if n == 0 {
		return []byte{}, nil
	}
	for r.Buffered() < n {
		if r.eof {
			return nil, &IncompleteReadError{Partial: r.take(r.Buffered()), Expected: n}
		}
		_, err := rt.Await(r.awaitData(rt.RunningLoop(), "ReadExactly"))
		if err != nil {
			return nil, err
		}
	}
	return r.take(n), nil
}

// Lines returns an async iterator over the reader's lines, each as ReadLine
// returns it ("\n" included, except perhaps on the last), ending at EOF.
// Each line is a fresh slice owned by the consumer, as ReadLine's are: it
// stays valid after the next value. A read error (ErrLimitOverrun, a
// connection error) is the error of the Next that met it. Closing the
// iterator early leaves the unread bytes buffered for later reads.
//
// A template ranges over the lines with All (async for line in reader),
// and leaving the loop early closes the iterator:
//
//	for line, err := range r.Lines().All() {
//		if err != nil {
//			return err
//		}
//		...
//	}
func (r *StreamReader) Lines() *rt.AsyncIter[[]byte] {
	return rt.NewAsyncIter(func(y *rt.Yielder[[]byte]) rt.Coro[rt.Void] { return r.linesAsync(y) })
}

// lines is Lines' producer template.
//
//asyncgen:coroutine
func (r *StreamReader) lines(y *rt.Yielder[[]byte]) error {
	for {
		line, err := rt.Await(r.ReadLine())
		if err != nil {
			return err
		}
		if len(line) == 0 {
			return nil
		}
		if !rt.Must(y.Yield(line)) {
			return nil
		}
	}
}
