package rt_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// queueKinds builds each kind of queue, for the tests every kind must pass.
var queueKinds = []struct {
	name string
	mk   func(maxsize int) *rt.Queue[string]
}{
	{"Queue", rt.NewQueue[string]},
	{"LifoQueue", rt.NewLifoQueue[string]},
	{"PriorityQueue", rt.NewOrderedPriorityQueue[string]},
}

func TestQueueOrderByKind(t *testing.T) {
	want := map[string]string{
		"Queue":         "[c a d b]",
		"LifoQueue":     "[b d a c]",
		"PriorityQueue": "[a b c d]",
	}
	for _, k := range queueKinds {
		t.Run(k.name, func(t *testing.T) {
			q := k.mk(0)
			for _, s := range []string{"c", "a", "d", "b"} {
				if err := q.PutNowait(s); err != nil {
					t.Fatal(err)
				}
			}
			var got []string
			for !q.Empty() {
				v, _ := q.GetNowait()
				got = append(got, v)
			}
			if fmt.Sprint(got) != want[k.name] {
				t.Fatalf("got %v, want %v", got, want[k.name])
			}
		})
	}
}

func TestPriorityQueueWithLessFunc(t *testing.T) {
	type job struct {
		prio int
		name string
	}
	q := rt.NewPriorityQueue(0, func(a, b job) bool { return a.prio < b.prio })
	for i, p := range []int{5, 1, 4, 2, 3, 0} {
		q.PutNowait(job{p, fmt.Sprint("j", i)})
	}
	var got []int
	for !q.Empty() {
		j, _ := q.GetNowait()
		got = append(got, j.prio)
	}
	if !slices.IsSorted(got) || len(got) != 6 {
		t.Fatal(got)
	}
}

func TestQueueNowaitErrorsAndSizes(t *testing.T) {
	q := rt.NewQueue[int](2)
	if _, err := q.GetNowait(); !errors.Is(err, rt.ErrQueueEmpty) {
		t.Fatalf("GetNowait on empty: %v", err)
	}
	q.PutNowait(1)
	q.PutNowait(2)
	if err := q.PutNowait(3); !errors.Is(err, rt.ErrQueueFull) {
		t.Fatalf("PutNowait on full: %v", err)
	}
	if q.QSize() != 2 || q.MaxSize() != 2 || !q.Full() || q.Empty() {
		t.Fatalf("sizes: %v", q)
	}
	if rt.NewQueue[int](0).Full() {
		t.Fatal("an unbounded queue is full")
	}
}

func TestQueueGetWaitsForPut(t *testing.T) {
	l := prLoop(t)
	q := rt.NewQueue[string](0)
	get := rt.CreateTask(l, q.Get())
	prBriefly(t, l)
	if get.Done() || q.String() != "<Queue maxsize=0 _getters[1]>" {
		t.Fatalf("get on an empty queue: %v", q)
	}
	prWait(t, l, rt.CreateTask(l, q.Put("a")))
	if err := prWait(t, l, get); err != nil {
		t.Fatal(err)
	}
	if v, _ := get.Result(); v != "a" {
		t.Fatal(v)
	}
}

func TestQueuePutWaitsWhileFull(t *testing.T) {
	l := prLoop(t)
	q := rt.NewQueue[string](1)
	first := rt.CreateTask(l, q.Put("a"))
	second := rt.CreateTask(l, q.Put("b"))
	prBriefly(t, l)
	if !first.Done() || second.Done() {
		t.Fatalf("first done %v, second done %v", first.Done(), second.Done())
	}
	for _, want := range []string{"a", "b"} {
		get := rt.CreateTask(l, q.Get())
		if prWait(t, l, get); resultOf(get) != want {
			t.Fatalf("want %s", want)
		}
	}
	if !second.Done() {
		t.Fatal("second put not done")
	}
}

func TestQueueProducerConsumerThroughBoundedQueue(t *testing.T) {
	l := prLoop(t)
	q := rt.NewQueue[int](1)
	var got []int
	producer := prGo(l, func() (rt.Void, error) {
		for i := range 5 {
			rt.Must(q.Put(i))
		}
		return rt.Void{}, nil
	})
	consumer := prGo(l, func() (rt.Void, error) {
		for range 5 {
			got = append(got, rt.Must(q.Get()))
		}
		return rt.Void{}, nil
	})
	prWait(t, l, producer)
	if err := prWait(t, l, consumer); err != nil || fmt.Sprint(got) != "[0 1 2 3 4]" {
		t.Fatalf("%v %v", got, err)
	}
}

// A getter cancelled before an item arrives does not take it (CPython's
// test_get_cancelled_race).
func TestQueueCancelledGetterLeavesItemToNext(t *testing.T) {
	l := prLoop(t)
	q := rt.NewQueue[string](0)
	t1, t2 := rt.CreateTask(l, q.Get()), rt.CreateTask(l, q.Get())
	prBriefly(t, l)
	t1.Cancel()
	prBriefly(t, l)
	if !t1.Cancelled() {
		t.Fatal("t1 not cancelled")
	}
	q.PutNowait("a")
	if prWait(t, l, t2); resultOf(t2) != "a" {
		t.Fatal("t2 did not get the item")
	}
}

// A getter woken for an item and cancelled before it resumes passes the
// item on: nothing is lost (CPython's test_get_cancel_drop_one_pending_reader
// and test_get_cancel_drop_many_pending_readers).
func TestQueueWokenThenCancelledGetterDropsNoItem(t *testing.T) {
	for _, readers := range []int{1, 3} {
		t.Run(fmt.Sprintf("readers=%d", readers), func(t *testing.T) {
			l := prLoop(t)
			q := rt.NewQueue[int](0)
			var tasks []*rt.Task[int]
			for range readers {
				tasks = append(tasks, rt.CreateTask(l, q.Get()))
			}
			prBriefly(t, l)
			q.PutNowait(1)
			q.PutNowait(2)
			tasks[0].Cancel()
			if err := prWait(t, l, tasks[0]); !errors.Is(err, rt.ErrCancelled) {
				t.Fatal(err)
			}
			if readers == 1 {
				tasks = append(tasks, rt.CreateTask(l, q.Get()))
			}
			var got []int
			for _, task := range tasks[1:] {
				prWait(t, l, task)
				got = append(got, resultOf(task))
			}
			slices.Sort(got)
			want := "[1 2]"
			if readers == 1 {
				want = "[1]"
			}
			if fmt.Sprint(got) != want {
				t.Fatalf("got %v, want %v", got, want)
			}
		})
	}
}

// A putter woken for a free slot and cancelled before it resumes leaves the
// slot to a new put (CPython's test_put_cancel_drop).
func TestQueueWokenThenCancelledPutterWastesNoSlot(t *testing.T) {
	l := prLoop(t)
	q := rt.NewQueue[int](1)
	q.PutNowait(1)
	writer := rt.CreateTask(l, q.Put(2))
	prBriefly(t, l)
	if v, _ := q.GetNowait(); v != 1 {
		t.Fatal(v)
	}
	writer.Cancel()
	if err := prWait(t, l, writer); errors.Is(err, rt.ErrCancelled) {
		writer = rt.CreateTask(l, q.Put(2))
		prWait(t, l, writer)
	}
	if v, err := q.GetNowait(); v != 2 || err != nil || q.QSize() != 0 {
		t.Fatalf("%v %v, qsize %d", v, err, q.QSize())
	}
}

// A cancelled putter lets the next one put (CPython's
// test_put_cancelled_race).
func TestQueueCancelledPutterLetsNextPut(t *testing.T) {
	l := prLoop(t)
	q := rt.NewQueue[string](1)
	putA, putB, putX := rt.CreateTask(l, q.Put("a")), rt.CreateTask(l, q.Put("b")), rt.CreateTask(l, q.Put("X"))
	prBriefly(t, l)
	if !putA.Done() || putB.Done() {
		t.Fatal("setup")
	}
	putX.Cancel()
	prBriefly(t, l)
	if !putX.Cancelled() {
		t.Fatal("X not cancelled")
	}
	if v, _ := q.GetNowait(); v != "a" {
		t.Fatal(v)
	}
	prBriefly(t, l)
	if v, _ := q.GetNowait(); v != "b" {
		t.Fatal(v)
	}
	if err := prWait(t, l, putB); err != nil {
		t.Fatal(err)
	}
}

func TestQueueCancelledWaitersAreNotKept(t *testing.T) {
	l := prLoop(t)
	q := rt.NewQueue[int](1)
	get := rt.CreateTask(l, q.Get())
	prBriefly(t, l)
	get.Cancel()
	prWait(t, l, get)
	q.PutNowait(1)
	put := rt.CreateTask(l, q.Put(2))
	prBriefly(t, l)
	if s := q.String(); s != "<Queue maxsize=1 qsize=1 _putters[1] tasks=1>" {
		t.Fatal(s)
	}
	put.Cancel()
	prWait(t, l, put)
	if s := q.String(); s != "<Queue maxsize=1 qsize=1 tasks=1>" {
		t.Fatal(s)
	}
}

func TestQueueJoinWaitsForTaskDone(t *testing.T) {
	l := prLoop(t)
	q := rt.NewQueue[int](0)
	if err := q.TaskDone(); !errors.Is(err, rt.ErrTaskDoneTooManyTimes) {
		t.Fatalf("TaskDone on a fresh queue: %v", err)
	}
	if err := prWait(t, l, rt.CreateTask(l, q.Join())); err != nil {
		t.Fatalf("Join on an empty queue: %v", err)
	}
	total := 0
	for i := range 10 {
		q.PutNowait(i)
	}
	var consumers []*rt.Task[rt.Void]
	for range 2 {
		consumers = append(consumers, prGo(l, func() (rt.Void, error) {
			for {
				v, err := rt.Await(q.Get())
				if errors.Is(err, rt.ErrQueueShutDown) {
					return rt.Void{}, nil
				}
				if err != nil {
					return rt.Void{}, err
				}
				total += v
				q.TaskDone()
			}
		}))
	}
	if err := prWait(t, l, rt.CreateTask(l, q.Join())); err != nil || total != 45 {
		t.Fatalf("join: %v, total %d", err, total)
	}
	q.Shutdown(false)
	for _, c := range consumers {
		if err := prWait(t, l, c); err != nil {
			t.Fatal(err)
		}
	}
}

func TestQueueShutdown(t *testing.T) {
	for _, k := range queueKinds {
		t.Run(k.name+"/empty", func(t *testing.T) { testShutdownEmpty(t, k.name, k.mk) })
		t.Run(k.name+"/nonempty", func(t *testing.T) { testShutdownNonEmpty(t, k.mk) })
		t.Run(k.name+"/immediate", func(t *testing.T) { testShutdownImmediate(t, k.mk) })
	}
}

// checkShutDown checks that puts fail, and gets too (the queue is empty).
func checkShutDown(t *testing.T, l *rt.Loop, q *rt.Queue[string]) {
	t.Helper()
	if err := prWait(t, l, rt.CreateTask(l, q.Put("x"))); !errors.Is(err, rt.ErrQueueShutDown) {
		t.Errorf("Put: %v", err)
	}
	if err := q.PutNowait("x"); !errors.Is(err, rt.ErrQueueShutDown) {
		t.Errorf("PutNowait: %v", err)
	}
	if err := prWait(t, l, rt.CreateTask(l, q.Get())); !errors.Is(err, rt.ErrQueueShutDown) {
		t.Errorf("Get: %v", err)
	}
	if _, err := q.GetNowait(); !errors.Is(err, rt.ErrQueueShutDown) {
		t.Errorf("GetNowait: %v", err)
	}
}

func testShutdownEmpty(t *testing.T, name string, mk func(int) *rt.Queue[string]) {
	l := prLoop(t)
	q := mk(0)
	get := rt.CreateTask(l, q.Get())
	prBriefly(t, l)
	q.Shutdown(false)
	if err := prWait(t, l, rt.CreateTask(l, q.Join())); err != nil {
		t.Fatal(err)
	}
	if err := prWait(t, l, get); !errors.Is(err, rt.ErrQueueShutDown) {
		t.Fatalf("blocked getter: %v", err)
	}
	checkShutDown(t, l, q)
	if want := "<" + name + " maxsize=0 shutdown>"; !q.IsShutDown() || q.String() != want {
		t.Fatalf("%v, want %s", q, want)
	}
}

func testShutdownNonEmpty(t *testing.T, mk func(int) *rt.Queue[string]) {
	l := prLoop(t)
	q := mk(1)
	q.PutNowait("data")
	join := rt.CreateTask(l, q.Join())
	put := rt.CreateTask(l, q.Put("data2"))
	prBriefly(t, l)
	if put.Done() {
		t.Fatal("put on a full queue is done")
	}
	q.Shutdown(false)
	if err := prWait(t, l, put); !errors.Is(err, rt.ErrQueueShutDown) {
		t.Fatalf("blocked putter: %v", err)
	}
	get := rt.CreateTask(l, q.Get())
	if err := prWait(t, l, get); err != nil || resultOf(get) != "data" {
		t.Fatalf("get of the item left: %v", err)
	}
	checkShutDown(t, l, q)
	prBriefly(t, l)
	if join.Done() {
		t.Fatal("join done before TaskDone")
	}
	q.TaskDone()
	if err := prWait(t, l, join); err != nil {
		t.Fatal(err)
	}
	if err := q.TaskDone(); !errors.Is(err, rt.ErrTaskDoneTooManyTimes) {
		t.Fatal(err)
	}
}

// An immediate shutdown drops the items (each counts as done), and wakes
// the blocked putters and getters; items already taken stay unfinished.
func testShutdownImmediate(t *testing.T, mk func(int) *rt.Queue[string]) {
	l := prLoop(t)
	q := mk(2)
	q.PutNowait("a")
	q.PutNowait("b")
	put := rt.CreateTask(l, q.Put("c"))
	join := rt.CreateTask(l, q.Join())
	prBriefly(t, l)
	if _, err := q.GetNowait(); err != nil {
		t.Fatal(err)
	}
	q.Shutdown(true)
	if q.QSize() != 0 {
		t.Fatalf("qsize %d after an immediate shutdown", q.QSize())
	}
	if err := prWait(t, l, put); !errors.Is(err, rt.ErrQueueShutDown) {
		t.Fatalf("woken putter: %v", err)
	}
	checkShutDown(t, l, q)
	prBriefly(t, l)
	if join.Done() {
		t.Fatal("join done with an item taken but not done")
	}
	q.TaskDone()
	if err := q.TaskDone(); !errors.Is(err, rt.ErrTaskDoneTooManyTimes) {
		t.Fatal(err)
	}
	if err := prWait(t, l, join); err != nil {
		t.Fatal(err)
	}
}

func TestQueueShutdownImmediateWakesGetters(t *testing.T) {
	l := prLoop(t)
	q := rt.NewQueue[int](0)
	getters := []*rt.Task[int]{rt.CreateTask(l, q.Get()), rt.CreateTask(l, q.Get())}
	prBriefly(t, l)
	q.Shutdown(true)
	for _, g := range getters {
		if err := prWait(t, l, g); !errors.Is(err, rt.ErrQueueShutDown) {
			t.Fatal(err)
		}
	}
}

func TestQueueBoundToOneLoop(t *testing.T) {
	l1, l2 := prLoop(t), prLoop(t)
	q := rt.NewQueue[int](0)
	get := rt.CreateTask(l1, q.Get())
	prBriefly(t, l1)
	if err := prWait(t, l2, rt.CreateTask(l2, q.Get())); !isRuntimeError(err) {
		t.Fatalf("Get from a second loop: %v", err)
	}
	q.PutNowait(1)
	if err := prWait(t, l1, get); err != nil {
		t.Fatal(err)
	}
}

func TestQueuePutGetDoNotAllocate(t *testing.T) {
	prInTask(t, func(c *rt.Ctx) {
		q := rt.NewQueue[int](4)
		awaitNow(c, q.Put(0)) // grow the ring once
		awaitNow(c, q.Get())
		n := testing.AllocsPerRun(100, func() {
			awaitNow(c, q.Put(1))
			if v, err := awaitNow(c, q.Get()); v != 1 || err != nil {
				panic(err)
			}
		})
		if n != 0 {
			t.Errorf("Put and Get without waiting: %v allocs", n)
		}
	})
}

func BenchmarkQueuePutGet(b *testing.B) {
	prInTask(b, func(c *rt.Ctx) {
		q := rt.NewQueue[int](1)
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			var p rt.Awaiting[rt.Void]
			p.Start(c, q.Put(i))
			p.Result()
			var g rt.Awaiting[int]
			g.Start(c, q.Get())
			g.Result()
		}
	})
}

func BenchmarkChanPutGet(b *testing.B) {
	ch := make(chan int, 1)
	b.ReportAllocs()
	for i := range b.N {
		ch <- i
		<-ch
	}
}

func ExampleQueue() {
	q := rt.NewQueue[string](2)
	rt.Run(rt.Async(func() (rt.Void, error) {
		l := rt.RunningLoop()
		worker := rt.CreateTask(l, rt.Async(func() (rt.Void, error) {
			for {
				item, err := rt.Await(q.Get())
				if errors.Is(err, rt.ErrQueueShutDown) {
					fmt.Println("worker done")
					return rt.Void{}, nil
				}
				fmt.Println("processed", item)
				q.TaskDone()
			}
		}))
		for _, item := range []string{"a", "b", "c"} {
			rt.Must(q.Put(item)) // waits while two items are queued
		}
		rt.Must(q.Join())
		q.Shutdown(false)
		return rt.Await(worker)
	}))
	// Output:
	// processed a
	// processed b
	// processed c
	// worker done
}

func ExampleNewOrderedPriorityQueue() {
	q := rt.NewOrderedPriorityQueue[int](0)
	for _, p := range []int{3, 1, 2} {
		q.PutNowait(p)
	}
	for !q.Empty() {
		v, _ := q.GetNowait()
		fmt.Print(v, " ")
	}
	fmt.Println()
	// Output: 1 2 3
}

// resultOf returns the result of a finished task, ignoring its error
// (tests check the error separately).
func resultOf[T any](task *rt.Task[T]) T {
	v, _ := task.Result()
	return v
}
