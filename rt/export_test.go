package rt

import "time"

// SetParkWindow sets how long l parks after a callback from another
// goroutine (see poll), so that a test of the wait policy need not depend
// on how fast the machine runs it.
func SetParkWindow(l *Loop, d time.Duration) { l.parkWindow = d }
