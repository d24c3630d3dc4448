package rt

// Coroutine closures: a func literal that awaits, made a coroutine by
// wrapping it in Async (or AsyncVoid for a literal returning only an error).
// asyncgen recognises both by their types.Object, like Await and Must: in a
// template it compiles the literal into a frame of its own that reaches the
// variables it captures through pointers, so they are shared with the
// enclosing template exactly as a Go closure shares them (and a loop
// variable is fresh at each iteration, as in Go 1.22). Outside a template,
// and in reference mode, the literal runs as written on the reference
// driver.

// Async returns fn as a coroutine object: rt.CreateTask(loop, rt.Async(func()
// (int, error) { ... rt.Await(x) ... })), a TaskGroup body given to Spawn,
// an argument of Gather, or the operand of an Await (which delegates to it).
// fn does not start until the coroutine is first sent to, and runs once.
//
// Inside a template the literal is compiled by asyncgen (see package gen);
// elsewhere fn runs on a goroutine of its own that hands control back and
// forth with the loop, as every coroutine does in reference mode. Closed
// while suspended, fn is unwound (its defers run); an Await in a deferred
// call then cannot suspend and returns an error matching
// ErrCoroutineClosed, as CPython refuses a coroutine that awaits after
// GeneratorExit.
func Async[T any](fn func() (T, error)) Coro[T] { return newRef(fn) }

// AsyncVoid is Async for a literal that returns only an error, the usual
// shape of a TaskGroup body: the coroutine's result is Void.
func AsyncVoid(fn func() error) Coro[Void] {
	return newRef(func() (Void, error) { return Void{}, fn() })
}
