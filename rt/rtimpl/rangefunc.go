package rtimpl

import "iter"

// A generated frame pulls the iterator of a range-over-func loop with
// iter.Pull, because its body may suspend. What a native loop does beyond
// calling the iterator is done here: a panic leaving the body unwinds
// through the iterator (its yield panics, its defers run), and the checks
// Go compiles into every such loop panic with the runtime's own errors
// when the iterator breaks the contract: it calls yield after yield
// returned false, after the loop ended or after the body panicked, or it
// recovers the body's panic and returns. iter.Pull alone would go on in
// silence (its yield returns false once stopped).

// The runtime errors of a native loop, taken from one: their type is the
// runtime's own, unexported, so a recover() that tells runtime.Error apart
// or prints the value sees in generated code what it sees in the template.
var (
	errRangeDone         = nativeRangeError(rangeYieldAfterBreak)
	errRangeExhausted    = nativeRangeError(rangeYieldAfterLoop)
	errRangePanic        = nativeRangeError(rangeAfterPanic)
	errRangeMissingPanic = nativeRangeError(rangeSwallowed)
)

// nativeRangeError returns what provoke panics with.
func nativeRangeError(provoke func()) (err any) {
	defer func() { err = recover() }()
	provoke()
	return nil
}

// rangeYieldAfterBreak breaks out of a loop whose iterator yields again.
func rangeYieldAfterBreak() {
	for range func(yield func() bool) { yield(); yield() } {
		break
	}
}

// rangeYieldAfterLoop calls the yield of a loop that has ended.
func rangeYieldAfterLoop() {
	var kept func() bool
	for range func(yield func() bool) { kept = yield } {
	}
	kept()
}

// rangeAfterPanic's iterator recovers the body's panic and yields again.
func rangeAfterPanic() {
	for range func(yield func() bool) {
		defer func() { recover(); yield() }()
		yield()
	} {
		panic("body")
	}
}

// rangeSwallowed's iterator recovers the body's panic and returns.
func rangeSwallowed() {
	for range func(yield func() bool) {
		defer func() { recover() }()
		yield()
	} {
		panic("body")
	}
}

// RangeInject is a frame's panic on its way out through the iterators of
// its range-over-func loops; a frame that ranges over a function has one.
type RangeInject struct {
	p      any  // the panic leaving the loop body; nil while there is none
	thrown bool // an iterator's yield has panicked with p
}

// Leave ends a loop the frame leaves, deferred at the frame's exit once per
// loop (the innermost runs first). *stop stops the loop's iterator, nil
// once done; next resumes it. Without a panic Leave stops the iterator.
// With one, it resumes the iterator so that its yield panics with it, and
// passes on what comes out: the panic itself, another the iterator raised,
// or, when the iterator recovered it and returned, the runtime error a
// native loop raises then.
func (in *RangeInject) Leave(stop *func(), next func()) {
	if *stop == nil {
		return
	}
	s := *stop
	*stop = nil
	p := recover()
	if p == nil {
		s()
		return
	}
	in.p, in.thrown = p, false
	next()
	if in.thrown {
		panic(errRangeMissingPanic)
	}
	panic(p) // the iterator had ended: nothing to unwind
}

// rangeState is one run of a loop, as the checks of a native loop see it.
type rangeState struct {
	in    *RangeInject
	state uint8
}

const (
	rangeReady     = iota // the body may be called
	rangeDone             // yield returned false: the loop was left
	rangeExhausted        // the iterator returned
)

// enter is the start of the yield the iterator calls.
func (s *rangeState) enter() {
	switch {
	case s.state == rangeDone:
		panic(errRangeDone)
	case s.state == rangeExhausted:
		panic(errRangeExhausted)
	case s.in.p != nil:
		panic(errRangePanic)
	}
}

// next is the end of that yield: ok is what the pulled yield returned.
// When the frame resumed the iterator to unwind a panic, the yield raises
// it inside the iterator.
func (s *rangeState) next(ok bool) bool {
	if !ok {
		s.state = rangeDone
		return false
	}
	if p := s.in.p; p != nil {
		s.in.thrown = true
		panic(p)
	}
	return true
}

// RangeSeq is seq, for iter.Pull, with the checks of a native loop and the
// unwinding of in's panic through it. seq is the loop's operand called with
// its yield (a func literal, so that a yield of a named type takes it).
func RangeSeq[K any](seq func(func(K) bool), in *RangeInject) iter.Seq[K] {
	return func(yield func(K) bool) {
		s := rangeState{in: in}
		seq(func(k K) bool { s.enter(); return s.next(yield(k)) })
		s.state = rangeExhausted
	}
}

// RangeSeq2 is RangeSeq for an iterator of pairs.
func RangeSeq2[K, V any](seq func(func(K, V) bool), in *RangeInject) iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		s := rangeState{in: in}
		seq(func(k K, v V) bool { s.enter(); return s.next(yield(k, v)) })
		s.state = rangeExhausted
	}
}

// RangeSeq0 is RangeSeq for an iterator without values: iter.Pull pulls
// empty structs.
func RangeSeq0(seq func(func() bool), in *RangeInject) iter.Seq[struct{}] {
	return func(yield func(struct{}) bool) {
		s := rangeState{in: in}
		seq(func() bool { s.enter(); return s.next(yield(struct{}{})) })
		s.state = rangeExhausted
	}
}
