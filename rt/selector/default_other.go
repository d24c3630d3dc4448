//go:build unix && !linux

package selector

// New returns the best backend for the platform: poll(2) outside Linux.
// (kqueue would be the better choice on the BSDs and darwin; poll keeps
// one portable code path until someone needs it.)
func New() (Selector, error) { return NewPoll() }
