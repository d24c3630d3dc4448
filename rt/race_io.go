//go:build race

package rt

import (
	"runtime"
	"unsafe"
)

// ioSync is what the race detector sees a write to an fd release and a
// read from one acquire, so that data handed from one goroutine to another
// through a socket (two loops talking, a loop and its peer) carries the
// writer's memory with it, as x/sys's and the standard library's read and
// write tell it. The transports' raw syscalls tell it nothing themselves.
var ioSync int64

// raceBeforeWrite is called before a write.
func raceBeforeWrite() { runtime.RaceReleaseMerge(unsafe.Pointer(&ioSync)) }

// raceAfterRead is called after a read of n bytes into p.
func raceAfterRead(p []byte, n int, err error) {
	if n > 0 {
		runtime.RaceWriteRange(unsafe.Pointer(&p[0]), n)
	}
	if err == nil {
		runtime.RaceAcquire(unsafe.Pointer(&ioSync))
	}
}

// raceAfterWrite is called after a write of n bytes of p.
func raceAfterWrite(p []byte, n int) {
	if n > 0 {
		runtime.RaceReadRange(unsafe.Pointer(&p[0]), n)
	}
}

// raceAfterWritev is called after a vectored write of n bytes of bufs.
func raceAfterWritev(bufs [][]byte, n int) {
	for _, b := range bufs {
		if n <= 0 {
			return
		}
		if len(b) == 0 {
			continue
		}
		k := min(n, len(b))
		runtime.RaceReadRange(unsafe.Pointer(&b[0]), k)
		n -= k
	}
}
