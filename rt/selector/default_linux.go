//go:build linux

package selector

// New returns the best backend for the platform: epoll on Linux.
func New() (Selector, error) { return NewEpoll() }
