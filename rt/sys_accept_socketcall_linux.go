//go:build linux && (386 || s390x)

package rt

import "golang.org/x/sys/unix"

// sysAccept accepts a connection as a non-blocking, close-on-exec fd.
// Where accept4 goes through socketcall, x/sys's is used as it is.
func sysAccept(fd int) (int, unix.Sockaddr, error) {
	return unix.Accept4(fd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
}
