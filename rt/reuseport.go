//go:build unix && !solaris && !illumos

package rt

import "golang.org/x/sys/unix"

// setReusePort sets SO_REUSEPORT, so several sockets share a port.
func setReusePort(fd int) error {
	return unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
}
