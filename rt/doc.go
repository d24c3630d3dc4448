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
// A coroutine can also be a func literal in a template, wrapped in Async
// (AsyncVoid for one returning only an error): it captures the template's
// variables by reference like any closure and is a coroutine object to
// await, to run as a task, to Spawn into a TaskGroup or to Gather.
//
// Built with -tags asyncgen_ref, every generated constructor instead runs
// its template as written on a goroutine of its own (through Async): real
// stacks for a debugger, and the oracle the generator is tested against.
//
// What generated code alone needs (the Frame every generated coroutine
// embeds, RefMode, New, NewRef) is in package rt/rtimpl, out of the way. What is
// left of the coroutine protocol here is for coroutines written by hand,
// as the combinators below are: implement Coro's Send, Throw, Close and
// Result; hand the driver a Yield (BareYield to give way; the Yield that
// Awaiting.Start or Resume returns to wait on something); keep one Awaiting
// per thing awaited; implement Stacker for async stack traces. Ctx is the
// driver passed in on every resumption. Raised is how Must propagates a
// failed await, and FailureOf turns a recovered panic into the
// coroutine's error.
//
// # The loop
//
// A Loop is asyncio's event loop: a ready queue, a timer heap and a
// selector (package rt/selector), with one pass (runOnce) ported closely
// from base_events._run_once (a pass with callbacks ready, no timers and
// no poll due takes a shorter path to the same result). Callbacks (CallSoon, CallLater, CallAt) run
// on the loop's goroutine (CallSoonNoHandle is CallSoon with no Handle to
// cancel it, and no allocation); only CallSoonThreadsafe, RunInExecutor's
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
// # Async iteration
//
// AsyncIter is Python's async generator object. A producer is a template
// whose last parameter is a *Yielder[T]; awaiting y.Yield(v) hands v to the
// consumer and returns true when the next value is asked for, false when
// the consumer closed the iterator, and the producer should then return
// (its defers run and may await). NewAsyncIter wraps the producer's
// constructor. A template consumes it with "for v, err := range it.All()"
// (async for in async with aclosing): leaving the loop early awaits the
// close, a panic abandons the producer (Abandon). Next (anext) and Close
// (aclose) are the awaitables underneath, Collect gathers every value. The
// producer runs inside the consumer's task, so cancelling the consumer
// while it awaits Next cancels the producer's pending await. The
// producer's errors and panics come out of the Next or Close that ran into
// them, with the template's own file:line in both modes; yielding after
// Yield returned false makes Close fail with ErrIgnoredClose. Pulling a
// value allocates nothing: the iterator reuses its awaitables.
//
// # Combinators, locks and queues
//
// Sleep, Wait, Gather, Shield, AsCompleted, WaitFor, Timeout and TimeoutAt,
// and TaskGroup follow asyncio (3.12 semantics where 3.11 had known bugs).
// Lock, Event, Condition, Semaphore, BoundedSemaphore, Barrier and Queue
// (FIFO, LIFO, priority) are created without a loop and bind to the loop of
// their first waiter. None of them starts a goroutine.
//
// # Transports, protocols and servers
//
// The networking layer is asyncio's: a protocol is a set of callbacks
// (Protocol, BufferedProtocol, DatagramProtocol; embed ProtocolBase to
// implement only some), a transport is the connection it talks through
// (Transport, DatagramTransport), and the loop makes both:
//
//	srv, err := rt.Await(l.CreateServer(func() rt.StreamProtocol { return &echo{} }, "tcp", ":8080"))
//	conn, err := rt.Await(l.CreateConnection(newClient, "tcp", "example.com:80"))
//
// CreateServer, CreateUnixServer, CreateConnection, CreateUnixConnection,
// ConnectAcceptedSocket and CreateDatagramEndpoint return futures; options
// are functional (WithReusePort, WithBacklog, WithHappyEyeballs, ...). Host
// names are resolved on the executor, never on the loop.
//
// The socket transport is built for the fewest syscalls per message: a
// readiness event costs one read, into a buffer the loop owns and lends
// to DataReceived for the duration of the call; Write sends at once and
// buffers only what the socket does not take; the fd is watched for
// writing only while that buffer holds data, and pending buffers leave in
// one writev. A conversation that keeps up therefore costs one read and
// one write per message and a share of one epoll_wait, with no epoll_ctl
// and no allocation. On Linux (but 386 and s390x) the reads and writes
// pass MSG_DONTWAIT and are raw syscalls, which skip the Go scheduler's bookkeeping for a call
// that cannot block; the loop waits blocked in epoll_wait while no other
// goroutine works for it, and parked in Go's poller while one does (an
// executor job, a goroutine that called in with CallSoonThreadsafe in the
// last 10ms), so that the goroutine it makes runnable gets its P at once
// (selector.Parker). Flow control is asyncio's: PauseWriting above the
// high-water mark (64 KiB), ResumeWriting at the low one (16 KiB).
//
// ConnectionLost is called exactly once per connection, on every path
// (EOF, Close, Abort, a reset, a protocol's failure, Loop.Close); the fd is
// removed from the selector before it is closed, and closed exactly once.
// Socket errors wrap the errno (errors.Is(err, unix.ECONNRESET)) and come
// as *net.OpError with the addresses, as Go's net reports them: a connect
// or listen names its address, a connection's failed read or write names
// both ends ("read tcp4 127.0.0.1:80->127.0.0.1:5000: read: connection
// reset by peer"), a datagram endpoint's error its own address and the
// other end's. A Server
// survives running out of file descriptors: it reports EMFILE through the
// exception handler, stops accepting for a second, and goes on.
//
// # Platforms
//
// The runtime works on raw file descriptors through golang.org/x/sys/unix,
// so it needs a Unix. The selector is epoll on Linux, kqueue on darwin,
// FreeBSD, NetBSD, OpenBSD and DragonFly, and poll(2) on the other Unixes.
// Windows is not supported: building for it stops at once with the error
// "undefined: asyncgen_requires_a_Unix_system__Linux_macOS_or_a_BSD__Windows_is_not_supported".
//
// # Testing
//
// A loop on a VirtualClock (WithClock(NewVirtualClock())) never sleeps for
// a timer: when nothing is ready it jumps to the next deadline, so code
// full of timeouts and retries is tested instantly and deterministically.
// WithDebug reports slow callbacks, calls from the wrong goroutine, and
// where a future whose error nobody retrieved was created.
package rt
