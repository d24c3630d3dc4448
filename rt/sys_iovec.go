//go:build linux || freebsd || netbsd || dragonfly

package rt

import "golang.org/x/sys/unix"

// maxWritevIov is how many buffers one vectored write passes to the
// kernel; the rest waits for the next call, as a short write would.
const maxWritevIov = 64

// fillIovec points iov at the non-empty buffers of bufs, at most
// maxWritevIov of them, and returns how many it used. The array lives on
// the caller's stack, so a vectored write allocates nothing.
func fillIovec(iov *[maxWritevIov]unix.Iovec, bufs [][]byte) int {
	n := 0
	for _, b := range bufs {
		if n == len(iov) {
			break
		}
		if len(b) == 0 {
			continue
		}
		iov[n].Base = &b[0]
		iov[n].SetLen(len(b))
		n++
	}
	return n
}
