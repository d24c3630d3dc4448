// Package lib is a dependency whose blocking functions the analyzer learns
// through facts.
package lib

import "time"

// Fetch blocks through time.Sleep.
func Fetch() int { // want Fetch:"blocking\\(time.Sleep\\)"
	time.Sleep(time.Millisecond)
	return 1
}

// Quick does not block.
func Quick() int { return 2 }

// Driver is marked blocking by hand.
//
//asyncvet:blocking
func Driver() {} // want Driver:"blocking\\(marked //asyncvet:blocking\\)"
