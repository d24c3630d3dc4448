//go:build unix && !linux && !freebsd && !dragonfly

package rt

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// Where no syscall creates an fd non-blocking and close-on-exec at once
// (accept on darwin, NetBSD and OpenBSD, whose x/sys lacks accept4; socket
// too on darwin: see sys_cloexec_socket.go), the flags are set after the
// fact, as Go's net package does there. FD_CLOEXEC is set under
// syscall.ForkLock, which os/exec holds while it forks, so no child is
// born between the syscall and the fcntl with the fd open in it.

// sysAccept accepts a connection as a non-blocking, close-on-exec fd.
// The listener must be non-blocking, as every fd the loop watches is:
// a blocking accept would hold ForkLock, and every fork, until a peer
// came.
func sysAccept(fd int) (int, unix.Sockaddr, error) {
	syscall.ForkLock.RLock()
	nfd, sa, err := unix.Accept(fd)
	if err == nil {
		unix.CloseOnExec(nfd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, nil, err
	}
	if err := setNonblock(nfd); err != nil {
		return -1, nil, err
	}
	return nfd, sa, nil
}

// setNonblock makes every fd of fds non-blocking, closing them all if it
// cannot: the caller gets either usable fds or none.
func setNonblock(fds ...int) error {
	for _, fd := range fds {
		if err := unix.SetNonblock(fd, true); err != nil {
			for _, fd := range fds {
				unix.Close(fd)
			}
			return err
		}
	}
	return nil
}
