//go:build unix && (!linux || 386 || s390x)

package rt

import "golang.org/x/sys/unix"

// The transport's reads and writes: plain read, write and writev on the
// non-blocking socket (sys_sockio_linux.go says why Linux differs; on
// linux/386 and linux/s390x the socket calls are multiplexed through
// socketcall, and the direct recvfrom and sendto need Linux 4.3, newer
// than Go's minimum).

// sockRead and sockWrite are read and write; x/sys's tell the race
// detector of their ordering, and the hooks add ours and the standard
// library's (race_io.go).
func sockRead(fd int, p []byte) (int, error) {
	n, err := readFD(fd, p)
	raceAfterRead(p, n, err)
	return n, err
}

func sockWrite(fd int, p []byte) (int, error) {
	raceBeforeWrite()
	return writeFD(fd, p)
}

// sockWritev writes bufs with one writev (one write for a single buffer),
// retrying EINTR; the errno comes back unwrapped.
func sockWritev(fd int, bufs [][]byte) (int, error) {
	if len(bufs) == 1 {
		return writeFD(fd, bufs[0])
	}
	raceBeforeWrite()
	for {
		n, err := sysWritev(fd, bufs)
		if err != unix.EINTR {
			if n < 0 {
				n = 0
			}
			raceAfterWritev(bufs, n)
			return n, err
		}
	}
}
