package streams

import (
	"errors"
	"fmt"
	"syscall"
)

// IncompleteReadError reports an end of stream before a read could be
// satisfied (asyncio.IncompleteReadError): Partial holds the bytes that
// were read and are no longer in the reader's buffer.
type IncompleteReadError struct {
	Partial []byte
	// Expected is the count ReadExactly wanted, or -1 when ReadUntil met
	// the end before its separator.
	Expected int
}

// Error says how many bytes arrived and how many were expected.
func (e *IncompleteReadError) Error() string {
	want := "undefined"
	if e.Expected >= 0 {
		want = fmt.Sprint(e.Expected)
	}
	return fmt.Sprintf("%d bytes read on a total of %s expected bytes", len(e.Partial), want)
}

// Is makes errors.Is(err, ErrIncompleteRead) hold.
func (e *IncompleteReadError) Is(target error) bool { return target == ErrIncompleteRead }

// LimitOverrunError reports a separator not found within the reader's
// limit (asyncio.LimitOverrunError). ReadUntil leaves the data in the
// buffer; Consumed is how many bytes may be dropped to make progress.
type LimitOverrunError struct {
	Msg      string
	Consumed int
}

// Error returns the message.
func (e *LimitOverrunError) Error() string { return e.Msg }

// Is makes errors.Is(err, ErrLimitOverrun) hold.
func (e *LimitOverrunError) Is(target error) bool { return target == ErrLimitOverrun }

// Sentinels for errors.Is. Their text never changes.
var (
	// ErrIncompleteRead matches every *IncompleteReadError.
	ErrIncompleteRead = errors.New("incomplete read")
	// ErrLimitOverrun matches every *LimitOverrunError, and the error of a
	// ReadLine whose line was over the limit (asyncio's ValueError; the
	// line has then been discarded).
	ErrLimitOverrun = errors.New("limit overrun")
	// ErrConcurrentRead is returned by a read that would wait while
	// another read of the same reader is waiting (asyncio's
	// RuntimeError): a reader has one consumer at a time.
	ErrConcurrentRead = errors.New("another coroutine is already waiting for incoming data")
	// ErrConnectionLost is what Drain returns once the connection is
	// gone (asyncio's ConnectionResetError('Connection lost')).
	// errors.Is(err, syscall.ECONNRESET) holds for it too.
	ErrConnectionLost error = &connLost{}
	// ErrBadLimit is returned for a limit ≤ 0.
	ErrBadLimit = errors.New("limit must be > 0")
)

type connLost struct{}

func (*connLost) Error() string        { return "connection lost" }
func (*connLost) Is(target error) bool { return target == syscall.ECONNRESET }
