//go:build linux

package selector

// New returns the best backend for the platform: on Linux, epoll that
// parks in Go's poller when idle (NewEpollInGoPoller). A loop blocked in
// epoll_wait holds a thread the runtime takes its P from; woken, it queues
// behind the process's other goroutines for one, and a goroutine it waits
// for (an executor job, a CallSoonThreadsafe caller) may not run until the
// runtime's monitor notices the blocked thread. Parked, the loop is one
// more goroutine the scheduler wakes at once: an executor round trip costs
// about 10µs instead of 80–200µs (BenchmarkExecutorRoundTrip), and an echo
// loop sharing its process with its load clients no longer stalls. NewEpoll
// blocks instead and saves the one extra epoll_wait each idle moment costs,
// for a loop alone on its thread.
func New() (Selector, error) { return NewEpollInGoPoller() }

var named = map[string]func() (Selector, error){
	"epoll":          NewEpoll,
	"epoll-gopoller": NewEpollInGoPoller,
	"poll":           NewPoll,
}
