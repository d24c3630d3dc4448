//go:build unix && !linux && !darwin && !freebsd && !netbsd && !openbsd && !dragonfly

package rt

import "github.com/asyncgen/asyncgen/rt/selector"

// backends are the selectors the loop's socket tests run against.
var backends = []struct {
	name string
	new  func() (selector.Selector, error)
}{{"poll", selector.NewPoll}}
