//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package selector

// New returns the best backend for the platform: kqueue on darwin and the
// BSDs.
func New() (Selector, error) { return NewKqueue() }

var named = map[string]func() (Selector, error){
	"kqueue": NewKqueue,
	"poll":   NewPoll,
}
