//go:build freebsd || dragonfly

package rt

import "golang.org/x/sys/unix"

// sysAccept accepts a connection as a non-blocking, close-on-exec fd, in
// one accept4 call. See sys_bsd.go.
func sysAccept(fd int) (int, unix.Sockaddr, error) {
	return unix.Accept4(fd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
}
