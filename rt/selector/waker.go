//go:build unix

package selector

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// Waker lets other goroutines wake a blocked Select: eventfd on linux
// (EFD_NONBLOCK|EFD_CLOEXEC), a non-blocking pipe elsewhere. It is the
// self-pipe of asyncio's selector loop: register FD for Read, call Wake
// after handing the loop work from another goroutine, and call Drain on
// the loop when FD is reported.
//
// Wakes between two Drains coalesce into one readiness: only the first
// pays for a syscall, the rest are an atomic swap.
type Waker struct {
	// mu is held shared by Wake and Drain and exclusively by Close, so no
	// write or read can hit the fd after it is closed and its number
	// perhaps reused by an unrelated file.
	mu       sync.RWMutex
	closed   bool
	pending  atomic.Bool // a wakeup was written and not yet drained
	rfd, wfd int         // the same eventfd on linux; a pipe's ends elsewhere
	buf      [wakeBuf]byte
}

// NewWaker returns a Waker whose fds are non-blocking and close-on-exec.
func NewWaker() (*Waker, error) {
	rfd, wfd, err := openWaker()
	if err != nil {
		return nil, err
	}
	return &Waker{rfd: rfd, wfd: wfd}, nil
}

// FD is the fd to register for Read in the selector. It stays the same
// for the Waker's life.
func (w *Waker) FD() int { return w.rfd }

// Wake makes FD readable, so a Select blocked on it returns. Safe from any
// goroutine and cheap; many Wakes before the next Drain cost one syscall.
// A full eventfd or pipe already means "readable", so EAGAIN is success.
// After Close it returns ErrClosed.
func (w *Waker) Wake() error {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return fmt.Errorf("waker: wake: %w", ErrClosed)
	}
	if w.pending.Swap(true) {
		return nil // an earlier Wake's signal is still unread
	}
	for {
		_, err := unix.Write(w.wfd, wakeSignal[:])
		switch err {
		case nil, unix.EAGAIN:
			return nil
		case unix.EINTR:
			continue
		}
		// Nothing was signalled: let the next Wake try again rather than
		// believe a wakeup is on its way.
		w.pending.Store(false)
		return os.NewSyscallError("write", err)
	}
}

// Drain consumes pending wakeups so FD stops being readable. Call it on
// the loop goroutine when FD is reported, and before looking at the work
// the wakers announced: a Wake that comes after Drain signals again, and
// the work of one that came before is then in view.
func (w *Waker) Drain() {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return
	}
	// Read first, then reset. The other order loses wakeups: a Wake
	// between the reset and the read writes a signal the read consumes,
	// leaving pending true with nothing to read, so every later Wake
	// skips its write and a loop blocked in Select never hears of them.
	// In this order a Wake that sees pending still true comes before the
	// reset, so its work is in view of the caller, who looks after Drain.
	w.drain()
	w.pending.Store(false)
}

// Close closes the Waker's fd(s) exactly once; later calls return
// ErrClosed. It waits for Wakes in progress, so none writes to a closed fd.
func (w *Waker) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return fmt.Errorf("waker: close: %w", ErrClosed)
	}
	w.closed = true
	// No EINTR retry: the fd is released even when close is interrupted.
	err := os.NewSyscallError("close", unix.Close(w.rfd))
	if w.wfd != w.rfd {
		err = errors.Join(err, os.NewSyscallError("close", unix.Close(w.wfd)))
	}
	return err
}
