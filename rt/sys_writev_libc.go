//go:build darwin || openbsd || illumos

package rt

import "golang.org/x/sys/unix"

// maxWritevIov is how many buffers one sysWritev passes to the kernel;
// the rest waits for the next call, as a short write would.
const maxWritevIov = 64

// sysWritev writes bufs with one writev(2). These systems want syscalls
// made through libc (OpenBSD refuses any other), so it is x/sys's Writev,
// which builds the iovec array itself: on the stack for up to 8 buffers,
// with one allocation beyond. Empty buffers are skipped, as on Linux.
func sysWritev(fd int, bufs [][]byte) (int, error) {
	var nonEmpty [maxWritevIov][]byte
	n := 0
	for _, b := range bufs {
		if n == len(nonEmpty) {
			break
		}
		if len(b) == 0 {
			continue
		}
		nonEmpty[n] = b
		n++
	}
	if n == 0 {
		return 0, nil
	}
	w, err := unix.Writev(fd, nonEmpty[:n])
	if err != nil {
		return 0, err
	}
	return w, nil
}
