package rt

import (
	"errors"
	"fmt"
	"strconv"
)

// ErrBrokenBarrier is returned by Barrier.Wait when the barrier is aborted,
// or reset while the caller waits (asyncio.BrokenBarrierError). Its text
// never changes.
var ErrBrokenBarrier = errors.New("barrier is broken")

// barrierState is asyncio's _BarrierState.
type barrierState uint8

const (
	barrierFilling   barrierState = iota // parties are arriving
	barrierDraining                      // the last one arrived; the others are leaving
	barrierResetting                     // Reset while parties waited; they are leaving
	barrierBroken                        // Abort was called
)

func (s barrierState) String() string {
	return [...]string{"filling", "draining", "resetting", "broken"}[s]
}

// Barrier is asyncio.Barrier: parties coroutines each call Wait, and all of
// them are released together when the last one arrives. Coroutines that
// arrive while the previous round is still leaving wait for the next round.
//
// asyncio guards the barrier's state with a Condition, which makes its
// Reset and Abort coroutines; here every transition happens within one
// step of the loop, so they are plain methods and the barrier wakes its
// waiters directly.
//
// A Barrier must not be copied after first use, and, like the loop, is used
// from the loop's goroutine.
type Barrier struct {
	loopBound
	waiters waitq // everyone blocked on a change of state
	parties int
	count   int // parties inside Wait, past the blocking phase
	state   barrierState
	op      barrierWait // handed out by Wait while not in use
}

// NewBarrier returns a barrier for parties coroutines. It panics if parties
// is less than 1.
func NewBarrier(parties int) *Barrier {
	if parties < 1 {
		panic("rt: NewBarrier: parties must be > 0")
	}
	return &Barrier{parties: parties}
}

// Parties returns the number of coroutines needed to pass the barrier.
func (b *Barrier) Parties() int { return b.parties }

// NWaiting returns how many coroutines wait for the barrier to fill.
func (b *Barrier) NWaiting() int {
	if b.state == barrierFilling {
		return b.count
	}
	return 0
}

// Broken reports whether the barrier was aborted.
func (b *Barrier) Broken() bool { return b.state == barrierBroken }

// Wait returns a coroutine that waits until parties coroutines wait, then
// returns a distinct index in [0, parties) — parties-1 for the one that
// arrived last. It fails with ErrBrokenBarrier if the barrier is aborted,
// or reset while it waits.
func (b *Barrier) Wait() Coro[int] {
	if b.op.lent {
		return &barrierWait{b: b}
	}
	b.op = barrierWait{b: b, primOp: primOp{lent: true}}
	return &b.op
}

// Reset returns the barrier to its empty, filling state. Coroutines waiting
// in it fail with ErrBrokenBarrier; the barrier accepts new arrivals once
// they have left.
func (b *Barrier) Reset() {
	if b.count > 0 {
		b.state = barrierResetting
	} else {
		b.state = barrierFilling
	}
	b.notifyAll()
}

// Abort breaks the barrier: current and future waiters fail with
// ErrBrokenBarrier until Reset. Useful when a party fails and the others
// must not wait forever.
func (b *Barrier) Abort() {
	b.state = barrierBroken
	b.notifyAll()
}

func (b *Barrier) notifyAll() {
	for i := 0; i < b.waiters.len(); i++ {
		if f := b.waiters.at(i); !f.Done() {
			f.SetResult(Void{})
		}
	}
}

// exit is called by each party leaving Wait: the last one out ends the
// draining or resetting and lets blocked arrivals in.
func (b *Barrier) exit() {
	b.count--
	if b.count == 0 {
		if b.state == barrierResetting || b.state == barrierDraining {
			b.state = barrierFilling
		}
		b.notifyAll()
	}
}

// String describes the barrier like asyncio's repr: "<Barrier [filling, waiters:1/3]>".
func (b *Barrier) String() string {
	s := b.state.String()
	if b.state != barrierBroken {
		s += ", waiters:" + strconv.Itoa(b.NWaiting()) + "/" + strconv.Itoa(b.parties)
	}
	return fmt.Sprintf("<Barrier [%s]>", s)
}

// barrierWait is the coroutine returned by Barrier.Wait. It blocks in two
// phases: until the previous round has left (entered false), then, counted
// in, until the barrier fills.
type barrierWait struct {
	primOp
	b       *Barrier
	index   int
	entered bool
}

func (w *barrierWait) Send(c *Ctx) Yield {
	switch w.state {
	case primNew:
		w.state = primWaiting
		return w.run(c)
	case primWaiting:
		if !w.fut.Done() {
			return w.suspend() // spurious wake-up
		}
		if err := w.fut.failure(); err != nil {
			w.fail(err)
			return Yield{}
		}
		return w.run(c)
	}
	return Yield{}
}

func (w *barrierWait) Throw(_ *Ctx, err error) Yield {
	if w.thrown(err) {
		w.fail(err)
	}
	return Yield{}
}

// run re-checks the barrier after every wake-up (the predicate of asyncio's
// cond.wait_for) and either finishes or waits again.
func (w *barrierWait) run(c *Ctx) Yield {
	b := w.b
	removeWaiter(&b.waiters, &w.fut)
	if !w.entered {
		if b.state == barrierDraining || b.state == barrierResetting {
			return w.block(c)
		}
		if b.state == barrierBroken {
			w.finish(ErrBrokenBarrier)
			return Yield{}
		}
		w.entered = true
		w.index = b.count
		b.count++
		if w.index+1 == b.parties {
			b.state = barrierDraining
			b.notifyAll()
			b.exit()
			w.finish(nil)
			return Yield{}
		}
	}
	switch b.state {
	case barrierFilling:
		return w.block(c)
	case barrierBroken, barrierResetting:
		b.exit()
		w.finish(ErrBrokenBarrier)
	default:
		b.exit()
		w.finish(nil)
	}
	return Yield{}
}

func (w *barrierWait) block(c *Ctx) Yield {
	y, err := w.bindWait(c, &w.b.loopBound, "Barrier", &w.b.waiters)
	if err != nil {
		if w.entered {
			w.b.exit()
		}
		w.finish(err)
	}
	return y
}

// fail leaves the barrier because of err (a cancellation): a party that
// was counted in is counted out again.
func (w *barrierWait) fail(err error) {
	removeWaiter(&w.b.waiters, &w.fut)
	if w.entered {
		w.b.exit()
	}
	w.finish(err)
}

func (w *barrierWait) Close() {
	if w.state == primWaiting {
		w.fail(errRefClosed)
	}
	w.close()
}

func (w *barrierWait) Result() (int, error) {
	i := w.index
	if err := w.result(); err != nil {
		return 0, err
	}
	return i, nil
}
