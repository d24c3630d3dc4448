//go:build unix && !linux && !freebsd && !netbsd && !dragonfly && !darwin && !openbsd && !illumos

package rt

import "golang.org/x/sys/unix"

// sysWritev writes the first non-empty buffer of bufs with write(2):
// x/sys has no writev on these systems (Solaris, AIX). That is a short
// write, which writev itself may make, and which callers handle.
func sysWritev(fd int, bufs [][]byte) (int, error) {
	for _, b := range bufs {
		if len(b) > 0 {
			n, err := unix.Write(fd, b)
			if err != nil {
				return 0, err
			}
			return n, nil
		}
	}
	return 0, nil
}
