//go:build linux

package selector_test

import (
	"errors"
	"time"

	"github.com/asyncgen/asyncgen/rt/selector"
)

// backends lists the Selectors every test in the suite runs against; the
// first is the one New returns. epoll-auto runs twice: as New returns it
// (Select parks) and with every wait blocked (SelectBlocked).
var backends = []backend{
	{"epoll-auto", selector.NewEpollAuto},
	{"epoll-auto-blocked", newBlockedAuto},
	{"epoll-gopoller", selector.NewEpollInGoPoller},
	{"epoll", selector.NewEpoll},
	{"poll", selector.NewPoll},
}

// blockedAuto is an epoll-auto whose Select is its SelectBlocked.
type blockedAuto struct{ selector.Parker }

func (b blockedAuto) Name() string { return "epoll-auto-blocked" }

func (b blockedAuto) Select(buf []selector.Ready, timeout time.Duration) ([]selector.Ready, error) {
	return b.SelectBlocked(buf, timeout)
}

func newBlockedAuto() (selector.Selector, error) {
	s, err := selector.NewEpollAuto()
	if err != nil {
		return nil, err
	}
	p, ok := s.(selector.Parker)
	if !ok {
		s.Close()
		return nil, errNotParker
	}
	return blockedAuto{p}, nil
}

// errNotParker says the Go runtime refused the epoll fd, so NewEpollAuto
// could only block: the parked half of the suite would test nothing.
var errNotParker = errors.New("NewEpollAuto returned a selector that cannot park")
