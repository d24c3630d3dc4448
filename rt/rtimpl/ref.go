package rtimpl

import "github.com/asyncgen/asyncgen/rt"

// NewRef returns the template called by fn as a coroutine run by the
// reference driver: on a goroutine of its own, exactly as written. New
// returns it when RefMode is on. It is rt.Async,
// named for what generated code means by it.
func NewRef[T any](fn func() (T, error)) rt.Coro[T] { return rt.Async(fn) }
