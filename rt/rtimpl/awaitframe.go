package rtimpl

import "github.com/asyncgen/asyncgen/rt"

// AwaitFrame is the Frame of a coroutine that awaits. Aw is the suspension
// point of the first type the template awaits (most templates await only
// one), so that the frame's Close, which closes what Aw awaits before
// finishing the frame, need not be generated. A template that awaits other
// types too has one more rt.Awaiting field per type and a Close of its own.
type AwaitFrame[T, A any] struct {
	Frame[T]
	Aw rt.Awaiting[A]
}

// Close closes the coroutine Aw awaits, if any, then finishes a frame that
// has not finished with ErrCoroutineClosed.
func (f *AwaitFrame[T, A]) Close() {
	f.Aw.Close()
	f.Frame.Close()
}
