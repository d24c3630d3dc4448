//go:build unix && !linux && !darwin && !freebsd && !netbsd && !openbsd && !dragonfly

package selector

// New returns the best backend for the platform: poll(2) on the Unixes
// that have neither epoll nor kqueue (Solaris, illumos, AIX).
func New() (Selector, error) { return NewPoll() }

var named = map[string]func() (Selector, error){
	"poll": NewPoll,
}
