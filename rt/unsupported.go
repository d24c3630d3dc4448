//go:build !unix

package rt

// The runtime, like its selector, needs a Unix: Linux (epoll), darwin or
// a BSD (kqueue), or another Unix (poll). Elsewhere the build stops in
// package rt/selector, or here, with this identifier as the message.
var _ = asyncgen_requires_a_Unix_system__Linux_macOS_or_a_BSD__Windows_is_not_supported
