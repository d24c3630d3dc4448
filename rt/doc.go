// Package rt is asyncgen's runtime: Python's asyncio for Go, run by one
// goroutine per event loop, with coroutines that are state machines rather
// than goroutines.
//
// # Coroutines
//
// A coroutine is ordinary Go marked //asyncgen:coroutine that suspends at
// Await (or Must, its one-result form); the asyncgen generator (package
// github.com/asyncgen/asyncgen/gen) turns it into a state machine
// implementing Coro. Python's generator protocol maps onto Coro's methods:
// send is Send, throw is Throw (how cancellation enters), close is Close,
// and StopIteration is the zero Yield followed by Result. Awaiting a
// coroutine delegates to it like "yield from"; awaiting a Future or Task
// suspends until it is done, and not at all if it already is.
//
// Built with -tags asyncgen_ref, every generated constructor instead runs
// its template as written on a goroutine of its own (NewRef): real stacks
// for a debugger, and the oracle the generator is tested against.
//
// # The loop
//
// A Loop is asyncio's event loop: a ready queue, a timer heap and an epoll
// selector (package rt/selector), with one pass (runOnce) ported closely
// from base_events._run_once. Callbacks (CallSoon, CallLater, CallAt) run
// on the loop's goroutine; only CallSoonThreadsafe, RunInExecutor's
// workers and signal delivery cross goroutines. Run is asyncio.run.
//
//	func main() {
//		n, err := rt.Run(mainAsync())
//		...
//	}
//
// A Task drives a coroutine: its step sends into it, parks on the future
// it yields, and is woken by that future's done callback. Futures and
// tasks report errors as Go errors: errors.Is(err, ErrCancelled),
// ErrTimeout, ErrInvalidState.
//
// # Combinators, locks and queues
//
// Sleep, Wait, Gather, Shield, AsCompleted, WaitFor, Timeout and TimeoutAt,
// and TaskGroup follow asyncio (3.12 semantics where 3.11 had known bugs).
// Lock, Event, Condition, Semaphore, BoundedSemaphore, Barrier and Queue
// (FIFO, LIFO, priority) are created without a loop and bind to the loop of
// their first waiter. None of them starts a goroutine.
//
// # Testing
//
// A loop on a VirtualClock (WithClock(NewVirtualClock())) never sleeps for
// a timer: when nothing is ready it jumps to the next deadline, so code
// full of timeouts and retries is tested instantly and deterministically.
// WithDebug reports slow callbacks, calls from the wrong goroutine, and
// where a future whose error nobody retrieved was created.
package rt
