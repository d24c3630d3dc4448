//go:build linux

package selector_test

import "github.com/asyncgen/asyncgen/rt/selector"

// backends lists the Selectors every test in the suite runs against; the
// first is the one New returns.
var backends = []backend{
	{"epoll-gopoller", selector.NewEpollInGoPoller},
	{"epoll", selector.NewEpoll},
	{"poll", selector.NewPoll},
}
