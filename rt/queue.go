package rt

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
)

// Sentinels of the queues, for errors.Is. Their text never changes.
var (
	// ErrQueueFull is returned by PutNowait on a full queue.
	ErrQueueFull = errors.New("queue is full")
	// ErrQueueEmpty is returned by GetNowait on an empty queue.
	ErrQueueEmpty = errors.New("queue is empty")
	// ErrQueueShutDown is returned by puts after Shutdown, and by gets
	// once a shut-down queue is empty (at once after an immediate one).
	ErrQueueShutDown = errors.New("queue is shut down")
	// ErrTaskDoneTooManyTimes is returned by TaskDone called more often
	// than items were put (asyncio's ValueError).
	ErrTaskDoneTooManyTimes = errors.New("TaskDone called too many times")
)

// queueKind selects the order in which a Queue hands out its items.
type queueKind uint8

const (
	queueFIFO queueKind = iota
	queueLIFO
	queuePriority
)

// Queue is asyncio.Queue and its subclasses: a queue for coordinating
// producer and consumer coroutines of one loop. Get waits while it is empty,
// Put while it is full; both serve their waiters in FIFO order, and a
// getter or putter cancelled after it was woken passes its turn on, so no
// item is lost and no slot is wasted. Join waits until TaskDone was called
// for every item put. Shutdown (asyncio 3.13) ends its use.
//
// Create one with NewQueue (first in, first out), NewLifoQueue or
// NewPriorityQueue. A Queue must not be copied, and, like the loop, is used
// from the loop's goroutine.
type Queue[T any] struct {
	loopBound
	kind       queueKind
	maxsize    int
	items      ringDeque[T] // FIFO and LIFO storage
	heap       []T          // priority storage
	less       func(a, b T) bool
	getters    waitq
	putters    waitq
	unfinished int
	finished   Event
	shutdown   bool
	getOp      queueGet[T] // handed out by Get while not in use
	putOp      queuePut[T] // handed out by Put while not in use
}

// NewQueue returns a first-in, first-out queue holding at most maxsize
// items, or any number if maxsize ≤ 0.
func NewQueue[T any](maxsize int) *Queue[T] { return newQueue[T](queueFIFO, maxsize, nil) }

// NewLifoQueue returns a last-in, first-out queue (a stack) holding at most
// maxsize items, or any number if maxsize ≤ 0.
func NewLifoQueue[T any](maxsize int) *Queue[T] { return newQueue[T](queueLIFO, maxsize, nil) }

// NewPriorityQueue returns a queue that hands out its least item first, as
// ordered by less, holding at most maxsize items (any number if ≤ 0). Items
// that are equal under less come out in no particular order.
func NewPriorityQueue[T any](maxsize int, less func(a, b T) bool) *Queue[T] {
	if less == nil {
		panic("rt: NewPriorityQueue: nil less function")
	}
	return newQueue(queuePriority, maxsize, less)
}

// NewOrderedPriorityQueue is NewPriorityQueue ordered by cmp.Less.
func NewOrderedPriorityQueue[T cmp.Ordered](maxsize int) *Queue[T] {
	return NewPriorityQueue(maxsize, cmp.Less[T])
}

func newQueue[T any](kind queueKind, maxsize int, less func(a, b T) bool) *Queue[T] {
	q := &Queue[T]{kind: kind, maxsize: maxsize, less: less}
	q.finished.value = true
	return q
}

// QSize returns the number of items in the queue.
func (q *Queue[T]) QSize() int {
	if q.kind == queuePriority {
		return len(q.heap)
	}
	return q.items.len()
}

// MaxSize returns the capacity given at creation (≤ 0: unbounded).
func (q *Queue[T]) MaxSize() int { return q.maxsize }

// Empty reports whether the queue holds no item.
func (q *Queue[T]) Empty() bool { return q.QSize() == 0 }

// Full reports whether the queue holds maxsize items; an unbounded queue is
// never full.
func (q *Queue[T]) Full() bool { return q.maxsize > 0 && q.QSize() >= q.maxsize }

// IsShutDown reports whether Shutdown was called.
func (q *Queue[T]) IsShutDown() bool { return q.shutdown }

// Put returns a coroutine that adds v, waiting while the queue is full. It
// fails with ErrQueueShutDown once the queue is shut down. Awaiting it on a
// queue with room neither suspends nor allocates.
func (q *Queue[T]) Put(v T) Coro[Void] {
	if q.putOp.lent {
		return &queuePut[T]{q: q, v: v}
	}
	q.putOp = queuePut[T]{q: q, v: v, primOp: primOp{lent: true}}
	return &q.putOp
}

// Get returns a coroutine that removes and returns an item, waiting while
// the queue is empty. Once the queue is shut down it fails with
// ErrQueueShutDown when the queue is empty. Awaiting it on a non-empty queue
// neither suspends nor allocates.
func (q *Queue[T]) Get() Coro[T] {
	if q.getOp.lent {
		return &queueGet[T]{q: q}
	}
	q.getOp = queueGet[T]{q: q, primOp: primOp{lent: true}}
	return &q.getOp
}

// PutNowait adds v if there is room: ErrQueueFull otherwise, and
// ErrQueueShutDown after Shutdown.
func (q *Queue[T]) PutNowait(v T) error {
	if q.shutdown {
		return ErrQueueShutDown
	}
	if q.Full() {
		return ErrQueueFull
	}
	if q.kind == queuePriority {
		q.heap = heapPush(q.heap, v, q.less)
	} else {
		q.items.pushBack(v)
	}
	q.unfinished++
	q.finished.Clear()
	wakeUpNext(&q.getters)
	return nil
}

// GetNowait removes and returns an item if there is one: ErrQueueEmpty
// otherwise, or ErrQueueShutDown if the queue is shut down.
func (q *Queue[T]) GetNowait() (T, error) {
	if q.Empty() {
		var zero T
		if q.shutdown {
			return zero, ErrQueueShutDown
		}
		return zero, ErrQueueEmpty
	}
	v := q.take()
	wakeUpNext(&q.putters)
	return v, nil
}

func (q *Queue[T]) take() (v T) {
	switch q.kind {
	case queueFIFO:
		v = q.items.popFront()
	case queueLIFO:
		v = q.items.popBack()
	default:
		v, q.heap = heapPop(q.heap, q.less)
	}
	return v
}

// TaskDone tells the queue that the processing of one item taken with Get
// is complete; when every item put has been processed, Join returns. It
// returns ErrTaskDoneTooManyTimes if called more often than items were put.
func (q *Queue[T]) TaskDone() error {
	if q.unfinished <= 0 {
		return ErrTaskDoneTooManyTimes
	}
	q.unfinished--
	if q.unfinished == 0 {
		q.finished.Set()
	}
	return nil
}

// Join returns a coroutine that waits until every item put into the queue
// has been processed (TaskDone).
func (q *Queue[T]) Join() Coro[Void] { return q.finished.Wait() }

// Shutdown makes later puts fail with ErrQueueShutDown, and gets once the
// queue is empty; blocked getters and putters wake up to find out. With
// immediate, the queue is emptied first (each item dropped counts as
// TaskDone, which may release Join) and every get fails at once.
func (q *Queue[T]) Shutdown(immediate bool) {
	q.shutdown = true
	if immediate {
		for !q.Empty() {
			q.take()
			if q.unfinished > 0 {
				q.unfinished--
			}
		}
		if q.unfinished == 0 {
			q.finished.Set()
		}
	}
	for q.getters.len() > 0 {
		if f := q.getters.popFront(); !f.Done() {
			f.SetResult(Void{})
		}
	}
	for q.putters.len() > 0 {
		if f := q.putters.popFront(); !f.Done() {
			f.SetResult(Void{})
		}
	}
}

// String describes the queue like asyncio's str: "<Queue maxsize=2 qsize=1 tasks=1>".
func (q *Queue[T]) String() string {
	s := "maxsize=" + strconv.Itoa(q.maxsize)
	if n := q.QSize(); n > 0 {
		s += " qsize=" + strconv.Itoa(n)
	}
	if n := q.getters.len(); n > 0 {
		s += " _getters[" + strconv.Itoa(n) + "]"
	}
	if n := q.putters.len(); n > 0 {
		s += " _putters[" + strconv.Itoa(n) + "]"
	}
	if q.unfinished > 0 {
		s += " tasks=" + strconv.Itoa(q.unfinished)
	}
	if q.shutdown {
		s += " shutdown"
	}
	return fmt.Sprintf("<%s %s>", [...]string{"Queue", "LifoQueue", "PriorityQueue"}[q.kind], s)
}

// wakeUpNext takes waiters off the front of ws until it wakes one that was
// still waiting (asyncio's Queue._wakeup_next).
func wakeUpNext(ws *waitq) {
	for ws.len() > 0 {
		if f := ws.popFront(); !f.Done() {
			f.SetResult(Void{})
			return
		}
	}
}

// queueWaitFailed is the clean-up of a getter or putter whose wait ended
// with an error (asyncio's "except: remove the waiter; pass the wake-up
// on"). ready says whether what the waiter waited for (an item, a free
// slot) is there: then a wake-up it had received goes to the next waiter.
func queueWaitFailed(ws *waitq, f *Future[Void], ready bool) {
	woken := f.Done() && !f.Cancelled()
	removeWaiter(ws, f)
	if ready && woken {
		wakeUpNext(ws)
	}
}

// queueGet is the coroutine returned by Queue.Get.
type queueGet[T any] struct {
	primOp
	q *Queue[T]
	v T
}

func (g *queueGet[T]) Send(c *Ctx) Yield {
	switch g.state {
	case primNew:
		return g.run(c)
	case primWaiting:
		if !g.fut.Done() {
			return g.suspend() // spurious wake-up
		}
		if err := g.fut.failure(); err != nil {
			return g.fail(err)
		}
		return g.run(c)
	}
	return Yield{}
}

func (g *queueGet[T]) Throw(_ *Ctx, err error) Yield {
	if g.thrown(err) {
		g.fail(err)
	}
	return Yield{}
}

// run takes an item, or waits for one.
func (g *queueGet[T]) run(c *Ctx) Yield {
	q := g.q
	if q.Empty() {
		if q.shutdown {
			g.finish(ErrQueueShutDown)
			return Yield{}
		}
		y, err := g.bindWait(c, &q.loopBound, "Queue", &q.getters)
		if err != nil {
			g.finish(err)
		}
		return y
	}
	g.v, g.err = q.GetNowait()
	g.state = primDone
	return Yield{}
}

func (g *queueGet[T]) fail(err error) Yield {
	queueWaitFailed(&g.q.getters, &g.fut, !g.q.Empty())
	g.finish(err)
	return Yield{}
}

// Close abandons the get like a cancellation, passing on a wake-up it
// received so that the item goes to the next getter.
func (g *queueGet[T]) Close() {
	if g.state == primWaiting {
		g.fail(errRefClosed)
	}
	g.dropItem()
	g.close()
}

func (g *queueGet[T]) Result() (T, error) {
	v := g.v
	if g.state != primDone {
		var zero T
		return zero, errNotFinished()
	}
	g.dropItem()
	return v, g.result()
}

// dropItem keeps an inline op that is being given back from holding on to
// the item.
func (g *queueGet[T]) dropItem() {
	if g.lent {
		var zero T
		g.v = zero
	}
}

// queuePut is the coroutine returned by Queue.Put.
type queuePut[T any] struct {
	primOp
	q *Queue[T]
	v T
}

func (p *queuePut[T]) Send(c *Ctx) Yield {
	switch p.state {
	case primNew:
		return p.run(c)
	case primWaiting:
		if !p.fut.Done() {
			return p.suspend() // spurious wake-up
		}
		if err := p.fut.failure(); err != nil {
			return p.fail(err)
		}
		return p.run(c)
	}
	return Yield{}
}

func (p *queuePut[T]) Throw(_ *Ctx, err error) Yield {
	switch p.state {
	case primNew:
		p.finish(err) // ours, which drops the item
	case primWaiting:
		p.fail(err)
	}
	return Yield{}
}

// run adds the item, or waits for room.
func (p *queuePut[T]) run(c *Ctx) Yield {
	q := p.q
	if q.Full() {
		if q.shutdown {
			p.finish(ErrQueueShutDown)
			return Yield{}
		}
		y, err := p.bindWait(c, &q.loopBound, "Queue", &q.putters)
		if err != nil {
			p.finish(err)
		}
		return y
	}
	p.finish(q.PutNowait(p.v))
	return Yield{}
}

func (p *queuePut[T]) fail(err error) Yield {
	queueWaitFailed(&p.q.putters, &p.fut, !p.q.Full())
	p.finish(err)
	return Yield{}
}

func (p *queuePut[T]) finish(err error) {
	var zero T
	p.primOp.finish(err)
	p.v = zero // the queue has it, or nobody needs it
}

// Close abandons the put like a cancellation, passing on a wake-up it
// received so that the free slot goes to the next putter.
func (p *queuePut[T]) Close() {
	if p.state == primWaiting {
		p.fail(errRefClosed)
	}
	p.close()
}
