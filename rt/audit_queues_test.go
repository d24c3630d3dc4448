package rt_test

// Audit of test_queues.py: getter and putter fairness under cancellation.

import (
	"errors"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// test_get_cancelled_race: a getter cancelled before any item arrives does
// not take the item from the next getter.
func TestAuditQueueGetterCancelledBeforeAPutLeavesTheItemToTheNext(t *testing.T) {
	l := prLoop(t)
	q := rt.NewQueue[string](0)
	t1 := rt.CreateTask(l, q.Get())
	t2 := rt.CreateTask(l, q.Get())
	prBriefly(t, l)
	t1.Cancel()
	prBriefly(t, l)
	if !t1.Done() {
		t.Fatal("the cancelled getter is still pending")
	}
	if err := q.PutNowait("a"); err != nil {
		t.Fatal(err)
	}
	prWait(t, l, t2)
	if v, err := t2.Result(); v != "a" || err != nil {
		t.Fatalf("t2 got %q, %v", v, err)
	}
}

// test_put_cancelled_race: a putter cancelled while waiting leaves its
// place to the putters behind it, and its item is never added.
func TestAuditQueuePutterCancelledWhileWaitingDropsOnlyItsItem(t *testing.T) {
	l := prLoop(t)
	q := rt.NewQueue[string](1)
	putA := rt.CreateTask(l, q.Put("a"))
	putB := rt.CreateTask(l, q.Put("b"))
	putX := rt.CreateTask(l, q.Put("X"))
	prBriefly(t, l)
	if !putA.Done() || putB.Done() {
		t.Fatalf("put a done %v, put b done %v", putA.Done(), putB.Done())
	}
	putX.Cancel()
	prBriefly(t, l)
	if !putX.Cancelled() {
		t.Fatal("put X not cancelled")
	}
	if v, _ := q.GetNowait(); v != "a" {
		t.Fatalf("got %q, want a", v)
	}
	prBriefly(t, l)
	if v, _ := q.GetNowait(); v != "b" {
		t.Fatalf("got %q, want b", v)
	}
	if err := prWait(t, l, putB); err != nil || !q.Empty() {
		t.Fatalf("put b: %v, queue %v", err, q)
	}
}

// test_get_with_putters: GetNowait on a full queue wakes a blocked putter.
func TestAuditQueueGetNowaitWakesABlockedPutter(t *testing.T) {
	l := prLoop(t)
	q := rt.NewQueue[int](1)
	q.PutNowait(1)
	put := rt.CreateTask(l, q.Put(2))
	prBriefly(t, l)
	if v, err := q.GetNowait(); v != 1 || err != nil {
		t.Fatalf("got %d, %v", v, err)
	}
	if err := prWait(t, l, put); err != nil || q.QSize() != 1 {
		t.Fatalf("put: %v, qsize %d", err, q.QSize())
	}
}

// test_why_are_getters_waiting: more getters than puts; every put item
// reaches a distinct getter, in FIFO order.
func TestAuditQueueGettersAreServedInOrderAsItemsArrive(t *testing.T) {
	l := prLoop(t)
	q := rt.NewQueue[int](0)
	var getters []*rt.Task[int]
	for range 3 {
		getters = append(getters, rt.CreateTask(l, q.Get()))
	}
	prBriefly(t, l)
	for i := range 3 {
		q.PutNowait(i)
	}
	for i, g := range getters {
		prWait(t, l, g)
		if v, _ := g.Result(); v != i {
			t.Fatalf("getter %d got %d", i, v)
		}
	}
}

// test_why_are_putters_waiting: more putters than room; all items go in,
// in FIFO order, as a consumer drains the queue.
func TestAuditQueuePuttersAreServedInOrderAsRoomAppears(t *testing.T) {
	l := prLoop(t)
	q := rt.NewQueue[int](1)
	var putters []*rt.Task[rt.Void]
	for i := range 4 {
		putters = append(putters, rt.CreateTask(l, q.Put(i)))
	}
	consumer := prGo(l, func() ([]int, error) {
		var got []int
		for range 4 {
			v, err := rt.Await(q.Get())
			if err != nil {
				return got, err
			}
			got = append(got, v)
		}
		return got, nil
	})
	prWait(t, l, consumer)
	got, _ := consumer.Result()
	for i, v := range got {
		if v != i {
			t.Fatalf("consumed %v", got)
		}
	}
	for _, p := range putters {
		if p.Exception() != nil {
			t.Fatal(p.Exception())
		}
	}
}

// test_task_done_underflow and test_join_empty_queue.
func TestAuditQueueJoinOfAnEmptyQueueReturnsAndTaskDoneUnderflows(t *testing.T) {
	l := prLoop(t)
	q := rt.NewQueue[int](0)
	if err := q.TaskDone(); !errors.Is(err, rt.ErrTaskDoneTooManyTimes) {
		t.Fatalf("TaskDone on a fresh queue: %v", err)
	}
	if err := prWait(t, l, rt.CreateTask(l, q.Join())); err != nil {
		t.Fatal(err)
	}
	q.PutNowait(1)
	q.GetNowait()
	q.TaskDone()
	if err := prWait(t, l, rt.CreateTask(l, q.Join())); err != nil {
		t.Fatal(err)
	}
}

// prioItem is ordered by p alone, so that two items of equal priority are
// still told apart by name: what a dataclass(order=True) with a
// compare=False field is in an asyncio.PriorityQueue.
type prioItem struct {
	p    int
	name string
}

// Items of equal priority leave a PriorityQueue in the order heapq's
// algorithm gives them (it is not stable), with or without gets between
// the puts. The expected strings are what asyncio.PriorityQueue returns for
// the same puts and gets (CPython 3.11 to 3.13).
func TestAuditPriorityQueueTiesLeaveInHeapqOrder(t *testing.T) {
	items := []prioItem{{1, "a"}, {1, "b"}, {0, "c"}, {1, "d"}, {1, "e"}, {0, "f"}, {1, "g"}, {2, "h"}, {1, "i"}, {0, "j"}}
	byPrio := func(a, b prioItem) bool { return a.p < b.p }
	for _, tc := range []struct {
		getEvery int // a get after every getEvery-th put; 0: none
		want     string
	}{{0, "cfjgeabdih"}, {3, "cfdjaibegh"}} {
		q := rt.NewPriorityQueue[prioItem](0, byPrio)
		got := ""
		get := func() {
			v, err := q.GetNowait()
			if err != nil {
				t.Fatal(err)
			}
			got += v.name
		}
		for i, it := range items {
			if err := q.PutNowait(it); err != nil {
				t.Fatal(err)
			}
			if tc.getEvery > 0 && i%tc.getEvery == tc.getEvery-1 {
				get()
			}
		}
		for !q.Empty() {
			get()
		}
		if got != tc.want {
			t.Errorf("get after every %d puts: order %s, want %s", tc.getEvery, got, tc.want)
		}
	}
}
