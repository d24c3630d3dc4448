//go:build !race

package rt

// Without the race detector the hooks of race_io.go do nothing.

func raceBeforeWrite()                         {}
func raceAfterRead(p []byte, n int, err error) {}
func raceAfterWrite(p []byte, n int)           {}
func raceAfterWritev(bufs [][]byte, n int)     {}
