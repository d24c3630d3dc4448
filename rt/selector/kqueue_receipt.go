//go:build darwin || freebsd || openbsd || dragonfly

package selector

import "golang.org/x/sys/unix"

// evReceipt asks the kernel to answer every change of a kevent call with
// its own errno; see kqueue.apply.
const evReceipt = unix.EV_RECEIPT
