package rt

import (
	"runtime"
	"sync"
)

// Goroutine identity is needed in two places that have no other way to find
// their driver: the reference driver (a template running as ordinary Go on
// its own goroutine calls rt.Await) and RunningLoop called from a plain loop
// callback. Both are off the hot path of generated coroutines, which get
// their driver passed in on every Send.

var (
	refByG  sync.Map // goroutine id -> *refDriver
	loopByG sync.Map // goroutine id -> *Loop
)

// goid parses the current goroutine's id from its stack header
// ("goroutine 123 [running]:").
func goid() uint64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	var id uint64
	for _, c := range buf[len("goroutine "):n] {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}

func currentRef() *refDriver {
	if v, ok := refByG.Load(goid()); ok {
		return v.(*refDriver)
	}
	return nil
}

func loopOfGoroutine() *Loop {
	if v, ok := loopByG.Load(goid()); ok {
		return v.(*Loop)
	}
	return nil
}
