package rt

import (
	"os"
	"os/signal"
	"sync"
)

// signalState forwards OS signals to the loop. Go's runtime owns signal
// delivery, so one forwarding goroutine per loop (not per coroutine) turns
// each signal into a CallSoonThreadsafe.
type signalState struct {
	mu       sync.Mutex
	handlers map[os.Signal]func()
	ch       chan os.Signal
	done     chan struct{}
}

// AddSignalHandler makes fn run on the loop whenever sig arrives, replacing
// any handler for sig. The signal's default action (for SIGINT: exit) no
// longer happens while a handler is installed.
func (l *Loop) AddSignalHandler(sig os.Signal, fn func()) error {
	if l.closed {
		return ErrLoopClosed
	}
	s := l.signals
	if s == nil {
		s = &signalState{
			handlers: make(map[os.Signal]func()),
			ch:       make(chan os.Signal, 16),
			done:     make(chan struct{}),
		}
		l.signals = s
		go s.forward(l)
	}
	s.mu.Lock()
	s.handlers[sig] = fn
	s.mu.Unlock()
	signal.Notify(s.ch, sig)
	return nil
}

// RemoveSignalHandler uninstalls the handler for sig, restoring the default
// action; it reports whether one was installed.
func (l *Loop) RemoveSignalHandler(sig os.Signal) bool {
	s := l.signals
	if s == nil {
		return false
	}
	s.mu.Lock()
	_, ok := s.handlers[sig]
	delete(s.handlers, sig)
	s.mu.Unlock()
	if ok {
		signal.Reset(sig)
	}
	return ok
}

func (s *signalState) forward(l *Loop) {
	for {
		select {
		case sig := <-s.ch:
			l.CallSoonThreadsafe(func() {
				s.mu.Lock()
				fn := s.handlers[sig]
				s.mu.Unlock()
				if fn != nil {
					fn()
				}
			})
		case <-s.done:
			return
		}
	}
}

func (s *signalState) close(l *Loop) {
	signal.Stop(s.ch)
	s.mu.Lock()
	for sig := range s.handlers {
		signal.Reset(sig)
	}
	s.handlers = nil
	s.mu.Unlock()
	close(s.done)
	l.signals = nil
}
