//go:build !unix

package selector

// This package, and asyncgen with it, needs a Unix: Linux (epoll), darwin
// or a BSD (kqueue), or another Unix (poll). On any other system the build
// stops here, with the identifier below as its first error, rather than on
// a page of names that golang.org/x/sys/unix does not define there.
var _ = asyncgen_requires_a_Unix_system__Linux_macOS_or_a_BSD__Windows_is_not_supported
