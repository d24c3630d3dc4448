package rtimpl

import "github.com/asyncgen/asyncgen/rt"

// New is the body of every generated constructor: it returns frame, the
// template's state machine, or under -tags asyncgen_ref (RefMode) ref, the
// template called with the constructor's arguments, run by the reference
// driver. It inlines and RefMode is a constant, so the mode not built
// costs nothing: the constructor compiles to the allocation of its frame.
func New[T any](frame rt.Coro[T], ref func() (T, error)) rt.Coro[T] {
	if RefMode {
		return NewRef(ref)
	}
	return frame
}
