//go:build linux

package rt

import "github.com/asyncgen/asyncgen/rt/selector"

// backends are the selectors the loop's socket tests run against.
var backends = []struct {
	name string
	new  func() (selector.Selector, error)
}{{"epoll", selector.NewEpoll}, {"poll", selector.NewPoll}, {"epoll-gopoller", selector.NewEpollInGoPoller}, {"epoll-auto", selector.NewEpollAuto}}
