package rt

import (
	"os"
	"os/signal"
	"syscall"
)

// signalState forwards OS signals to the loop. Go's runtime owns signal
// delivery, so each handled signal gets its own channel and forwarding
// goroutine (per loop and signal, not per coroutine) that turns a delivery
// into a CallSoonThreadsafe. One channel per signal lets RemoveSignalHandler
// unsubscribe exactly that signal with signal.Stop; signal.Reset would also
// cut off every other listener in the process, other loops included.
//
// The map is touched on the loop goroutine only: by Add/Remove, and by the
// delivery callbacks, which run on the loop.
type signalState struct {
	subs map[os.Signal]*signalSub
}

type signalSub struct {
	fn      func()
	ch      chan os.Signal
	done    chan struct{}
	deliver func() // runs on the loop: calls fn unless the handler was removed
}

// AddSignalHandler makes fn run on the loop whenever sig arrives, replacing
// any handler for sig (asyncio's add_signal_handler). While a handler is
// installed the signal's default action (for SIGINT: exit) does not happen.
// Deliveries that arrive before the loop gets to them coalesce, as signals
// do. SIGKILL and SIGSTOP cannot be handled.
func (l *Loop) AddSignalHandler(sig os.Signal, fn func()) error {
	if l.closed {
		return ErrLoopClosed
	}
	if l.debug && l.running {
		l.checkGoroutine("AddSignalHandler")
	}
	if fn == nil {
		return &RuntimeError{Msg: "rt: AddSignalHandler with a nil handler"}
	}
	if sig == syscall.SIGKILL || sig == syscall.SIGSTOP {
		return &RuntimeError{Msg: "rt: signal " + sig.String() + " cannot be caught"}
	}
	if l.signals == nil {
		l.signals = &signalState{subs: make(map[os.Signal]*signalSub)}
	}
	if sub := l.signals.subs[sig]; sub != nil {
		sub.fn = fn
		return nil
	}
	sub := &signalSub{fn: fn, ch: make(chan os.Signal, 1), done: make(chan struct{})}
	sub.deliver = func() {
		if l.signals != nil && l.signals.subs[sig] == sub {
			sub.fn()
		}
	}
	l.signals.subs[sig] = sub
	signal.Notify(sub.ch, sig)
	go sub.forward(l)
	return nil
}

// RemoveSignalHandler uninstalls the handler for sig; it reports whether one
// was installed. The signal's default action comes back unless something
// else in the process still listens for it.
func (l *Loop) RemoveSignalHandler(sig os.Signal) bool {
	if l.signals == nil {
		return false
	}
	sub := l.signals.subs[sig]
	if sub == nil {
		return false
	}
	delete(l.signals.subs, sig)
	sub.stop()
	return true
}

func (s *signalSub) forward(l *Loop) {
	for {
		select {
		case <-s.ch:
			if _, err := l.CallSoonThreadsafe(s.deliver); err != nil {
				return // the loop is closed
			}
		case <-s.done:
			return
		}
	}
}

func (s *signalSub) stop() {
	signal.Stop(s.ch)
	close(s.done)
}

// close uninstalls every handler (Loop.Close).
func (s *signalState) close(l *Loop) {
	for sig, sub := range s.subs {
		delete(s.subs, sig)
		sub.stop()
	}
	l.signals = nil
}
