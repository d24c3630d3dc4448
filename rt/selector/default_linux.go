//go:build linux

package selector

// New returns the best backend for the platform: epoll on Linux.
func New() (Selector, error) { return NewEpoll() }

var named = map[string]func() (Selector, error){
	"epoll":          NewEpoll,
	"epoll-gopoller": NewEpollInGoPoller,
	"poll":           NewPoll,
}
