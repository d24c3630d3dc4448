//go:build solaris || illumos

package rt

import "golang.org/x/sys/unix"

// setReusePort fails: Solaris and illumos have no SO_REUSEPORT.
func setReusePort(int) error { return unix.ENOPROTOOPT }
