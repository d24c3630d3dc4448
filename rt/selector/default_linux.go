//go:build linux

package selector

// New returns the best backend for the platform: on Linux, epoll that
// blocks in epoll_wait or parks in Go's poller as its caller asks
// (NewEpollAuto, a Parker). The event loop blocks while it is alone, for
// the syscall floor (one epoll_wait per wait instead of three), and parks
// while a goroutine works for it, so that the goroutine gets the loop's P
// at once: an executor round trip costs about 10µs parked against
// 80–200µs blocked (BenchmarkExecutorRoundTrip). NewEpoll always blocks,
// NewEpollInGoPoller always parks.
func New() (Selector, error) { return NewEpollAuto() }

var named = map[string]func() (Selector, error){
	"epoll":          NewEpoll,
	"epoll-auto":     NewEpollAuto,
	"epoll-gopoller": NewEpollInGoPoller,
	"poll":           NewPoll,
}
