//go:build asyncgen_ref

package rtimpl

// RefMode reports whether this build runs coroutines through the
// goroutine-backed reference driver (-tags asyncgen_ref).
const RefMode = true
