// Package gen is asyncgen's generator: it rewrites coroutine templates into
// resumable state machines implementing rt.Coro. The command
// github.com/asyncgen/asyncgen/cmd/asyncgen is a thin front end to Generate.
//
// # Writing a coroutine
//
// A template is an ordinary, type-checked Go function whose doc comment holds
// the directive //asyncgen:coroutine. It suspends at rt.Await(x), which
// returns (T, error), or at rt.Must(x), which returns T and, when x fails,
// fails the coroutine with the error by panicking with an *rt.Raised: its
// defers run, a deferred recover sees the *rt.Raised, and a named error
// result does not hold the error while they run (a deferred check of it
// sees what the template last assigned). x is a Future, a Task or a
// coroutine object (awaiting one delegates to it). A template returns
// nothing, error, T or (T, error). Put one go:generate line in the package:
//
//	//go:generate go run github.com/asyncgen/asyncgen/cmd/asyncgen
//
// For a file echo.go holding
//
//	// count awaits n ticks and reports how many it saw.
//	//
//	//asyncgen:coroutine
//	func count(tick func() *rt.Future[int], n int) (int, error) {
//		seen := 0
//		for i := 0; i < n; i++ {
//			seen += rt.Must(tick())
//		}
//		return seen, nil
//	}
//
// go generate writes echo_async.go with a constructor
//
//	func countAsync(tick func() *rt.Future[int], n int) rt.Coro[int]
//
// used as rt.Run(countAsync(t, 3)), rt.CreateTask(loop, countAsync(t, 3)) or
// rt.Await(countAsync(t, 3)), and behind it the state machine. Its frame
// embeds rtimpl.Frame, which holds the resume point (State: 0 not started,
// N suspended at await N, rtimpl.FrameDone finished) and the outcome, and
// gives the frame Result and Close and the verbs Enter, Suspend, Finish,
// Fail, Catch and Stack; a frame that awaits embeds it through
// rtimpl.AwaitFrame, whose Aw is the suspension point of the first type it
// awaits and whose Close closes what Aw awaits. The constructor's
// rtimpl.New picks the frame, or in reference mode the template itself (the
// mode not built compiles away). Each await is Begin, a resume label the
// jump table sends its state to, and a Step that starts or continues it;
// the /*line*/ comments map the code back to the template:
//
//	type countFrame struct {
//		rtimpl.AwaitFrame[int, int]
//		tick       func() *rt.Future[int]
//		n, seen, i int
//	}
//
//	func countAsync(tick func() *rt.Future[int], n int) rt.Coro[int] {
//		return rtimpl.New(&countFrame{tick: tick, n: n}, func() (int, error) { return count(tick, n) })
//	}
//	func (f *countFrame) Send(c *rt.Ctx) rt.Yield             { defer f.Catch(); return f.step(c, nil) }
//	func (f *countFrame) Throw(c *rt.Ctx, err error) rt.Yield { defer f.Catch(); return f.step(c, err) }
//	func (f *countFrame) step(c *rt.Ctx, thrown error) rt.Yield {
//		var tick int
//		switch f.Enter(thrown) {
//		case 1:
//			goto resume4
//		case rtimpl.FrameDone:
//			return rt.Yield{}
//		}
//		/*line echo.go:9*/ f.seen = 0
//		f.i = 0
//	for1:
//		/*line echo.go:10*/ if !(f.i < f.n) {
//			goto endfor3
//		}
//		/*line echo.go:11*/ f.Aw.Begin(f.tick())
//	resume4:
//		if y, ok := f.Aw.Step(c, &thrown); ok {
//			return f.Suspend(1, y)
//		}
//		tick = f.Aw.Must()
//		/*line echo.go:11*/ f.seen += tick
//		/*line echo.go:10*/ f.i++
//		goto for1
//	endfor3:
//		return f.Finish(f.seen, nil)
//	//line echo_async.go:50
//	}
//	func (f *countFrame) AwaitStack(buf []rt.StackFrame) []rt.StackFrame {
//		return f.Aw.AwaitStack(f.Stack(buf, "example.com/m/p.count", "p/echo.go", 11))
//	}
//
// Built with -tags asyncgen_ref the constructor runs the template itself on
// the reference driver instead: the oracle the generated code is tested
// against, and the mode to debug in.
//
// # Coroutine func literals
//
// rt.Async(func() (T, error) { ... }) and rt.AsyncVoid(func() error { ... })
// in a template's own code make the literal a coroutine object: it can be
// awaited (delegation), run as a task (rt.CreateTask), spawned into a
// TaskGroup (rt.Spawn) or given to rt.Gather, and it starts when first
// driven. Like any Go closure it captures the enclosing template's
// variables by reference, and a variable declared in a loop is fresh at
// each iteration (Go 1.22):
//
//	for _, name := range names {
//		rt.Spawn(tg, rt.AsyncVoid(func() error {
//			n, err := rt.Await(fetch(name))
//			sizes[name] = n
//			return err
//		}))
//	}
//
// Each literal becomes a template of its own, with a frame named after the
// enclosing one (sizesFunc1Frame, constructor sizesFunc1Async). The
// variables it captures are pointer fields of that frame, and the call
// rt.AsyncVoid(func...) becomes sizesFunc1Async(&name, &sizes): the
// enclosing template keeps those variables where it keeps any variable
// whose address is taken (a frame field, or a cell fresh at each
// iteration), so both frames see the same variables. Literals nest. In an
// async stack trace a literal is named as Go names it: the enclosing
// function followed by .func1, .func2 in source order (.func1.1 for a
// literal in a literal), at the template's file and line. In reference
// mode rt.Async runs the literal as written, on the reference driver, as it
// does outside templates. A func value (not a literal) given to rt.Async
// always runs that way.
//
// # What the generated code guarantees
//
// Evaluation order is gc's: calls, receives and suspensions happen in
// source order, variables are read after the calls of their expression,
// except in what gc evaluates in its place as it does a call (slicing, len,
// cap, min, max, real, imag, complex, make, and string to []byte or []rune
// conversions), && and || short-circuit. Guards, switch tags, case expressions and range
// operands are evaluated once and never again on resume. Only the variables
// live across a suspension (or captured by a closure, or whose address is
// taken) are fields of the frame; the rest are locals of step. Variables
// captured in a loop are heap cells fresh at each iteration (Go 1.22
// semantics), at the cost of one allocation per iteration.
//
// Defers are a stack in the frame; they run on return, on panic and on
// Close, as real deferred calls, so recover() in a deferred function
// behaves as in the template, be it a function literal or a function
// deferred with arguments (then each entry of the stack defers its own call
// and runs the rest of the stack). A panic becomes the coroutine's error
// (rt.FailureOf). Close of a suspended coroutine closes what it awaits,
// then unwinds its defers with rt.ErrCoroutineClosed panicking through
// them, as the reference driver does: a deferred recover sees it, and the
// named results; unless one swallows it, Result reports
// rt.ErrCoroutineClosed, as it does for a coroutine closed before it
// started.
//
// Range over a map iterates a snapshot of its keys and skips the ones
// deleted before being reached (an order Go allows; keys added during the
// loop are not produced). Range over a function iterator pulls it with
// iter.Pull and stops it when the loop is left; a panic leaving the loop
// body (a failed Must, Close) goes through the iterator instead, as in Go:
// its yield panics and its defers run. The checks Go compiles into such a
// loop hold too: an iterator that calls yield after it returned false,
// after the loop ended or after the body panicked, or that recovers the
// body's panic and returns, panics with the runtime's own error. Range over rt.AsyncIter's All (the
// method's object, not its name) becomes a loop of awaited Nexts; a break,
// continue, goto or return that leaves such loops jumps to an exit stub
// after the body, which stops or closes every loop it leaves, innermost
// first (each Close an await that fails like a Must), then goes on to the
// target or to the frame's exit; a panic abandons the iterators from the
// frame's exit, before the deferred calls. Any other use of All in a
// template, or in a helper one calls, is a generation error: All's own
// code awaits in a yield callback. //line directives map the body back
// to the template for compile errors, panics and stack traces (only where
// counting lines would go wrong); the template's own //line directives are
// followed, as the compiler follows them in reference mode.
//
// AwaitStack, behind Task.GetStack and Task.PrintStack, reports for each
// suspended coroutine the template's function (import path and name, as
// runtime.Func spells it) and the file:line of its pending await. The file
// is the template's path relative to the root of its module, slash
// separated ("generated_test/ctrl_templates.go"): the same on every machine
// and checkout, so the generated code is deterministic, and with the
// import path in Func enough to find the file. Outside a module it is the
// base name.
//
// # What is rejected
//
// An await that is itself deferred or started as a goroutine (defer
// rt.Must(x), go rt.Must(x)) is rejected; one in the function value or the
// arguments of a go or defer statement is evaluated by the template, as Go
// evaluates them, and lowered like any other. A suspension the lowering
// would leave in the printed code is a positioned error, never a file that
// panics with "rt.Await called outside a coroutine"; so is output that does
// not parse, and then nothing is written.
//
// An await inside a plain function literal
// (deferred or not; wrap the literal in rt.Async to make it a coroutine), a
// coroutine literal inside a plain function literal, the intrinsics used as
// values, results other than nothing, error,
// T or (T, error), and what the generated file could not spell: a variable
// living across an await (or an await) whose type is declared inside the
// template, a variable of the flat body whose type is unexported in
// another package, or is an unnamed struct or interface type of another
// package with an unexported field or method (asyncgen does not hoist or
// rename types: %T and reflection would tell), and a blank type parameter
// of the template or of its receiver (the frame must name it to
// instantiate itself), and an
// await in an ordinary function of the package that a template calls
// (only the template's own awaits become suspension points; the helper's
// would panic, and under the reference driver it panics too), and a
// template in a _test.go file (asyncgen generates from the package's own
// files: put test-only templates in a file of the package). They are
// reported as file:line:col: message, all at once; Generate then returns
// *Diagnostics and writes nothing.
//
// # Pipeline
//
// load (go list for files and imports, export data for the imports; the
// target package is parsed and type-checked here with every generated file
// replaced by stubs, so stale output never stands in the way) → find the
// templates and the intrinsics by their types.Object → check → lower
// (order.go lifts suspensions out of expressions; lower*.go flatten the
// statements that suspend into labels and gotos; live.go decides what lives
// in the frame) → emit (jennifer for declarations, go/printer for template
// code) → gofmt and //line pruning.
package gen
