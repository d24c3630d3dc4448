package rt_test

// Audit of test_taskgroups.py (Python 3.12/3.13 semantics), and of how a
// TaskGroup and a Timeout share the parent task's cancellation count.

import (
	"errors"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

var errAudit = errors.New("audit failure")

// test_taskgroup_18: a body that answers an external cancellation with an
// error makes the group fail with that error, not with the cancellation.
func TestAuditTaskGroupBodyTurningACancelIntoAnErrorFailsWithIt(t *testing.T) {
	l := prLoop(t)
	task := rt.CreateTask(l, rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[int] {
		return rt.Async(func() (int, error) {
			if _, err := rt.Await(rt.Sleep(10 * time.Second)); err != nil {
				return 0, errAudit
			}
			return 0, nil
		})
	}))
	l.CallLater(100*time.Millisecond, func() { task.Cancel() })
	err := prWait(t, l, task)
	if !errors.Is(err, errAudit) || errors.Is(err, rt.ErrCancelled) || task.Cancelled() {
		t.Fatalf("err %v, cancelled %v; want the body's error", err, task.Cancelled())
	}
}

// test_taskgroup_24: a child may spawn more children while the parent
// already waits in Exit; the group waits for them too.
func TestAuditTaskGroupChildSpawningWhileExitingIsWaitedFor(t *testing.T) {
	l := prLoop(t)
	var done []time.Duration
	leaf := func(d time.Duration) rt.Coro[int] {
		return rt.Async(func() (int, error) {
			rt.Await(rt.Sleep(d))
			done = append(done, l.Time())
			return 0, nil
		})
	}
	task := rt.CreateTask(l, rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[int] {
		return rt.Async(func() (int, error) {
			_, err := rt.Spawn(tg, rt.Async(func() (int, error) {
				rt.Await(rt.Sleep(100 * time.Millisecond))
				if _, err := rt.Spawn(tg, leaf(100*time.Millisecond)); err != nil {
					return 0, err
				}
				_, err := rt.Spawn(tg, leaf(200*time.Millisecond))
				return 0, err
			}))
			return 0, err
		})
	}))
	if err := prWait(t, l, task); err != nil {
		t.Fatal(err)
	}
	if len(done) != 2 || l.Time() != 300*time.Millisecond {
		t.Fatalf("leaves done at %v, group done at %v", done, l.Time())
	}
}

// test_taskgroup_25: children that keep spawning while the group shuts
// down are refused, and the group reports only the real failure.
func TestAuditTaskGroupSpawningDuringShutdownIsRefused(t *testing.T) {
	l := prLoop(t)
	spawned, refused := 0, 0
	var hydra func(tg *rt.TaskGroup) rt.Coro[int]
	hydra = func(tg *rt.TaskGroup) rt.Coro[int] {
		return rt.Async(func() (int, error) {
			spawned++
			if _, err := rt.Await(rt.Sleep(10 * time.Millisecond)); err != nil {
				return 0, err
			}
			for range 2 {
				if _, err := rt.Spawn(tg, hydra(tg)); err != nil {
					refused++
					return 0, nil
				}
			}
			return 0, nil
		})
	}
	task := rt.CreateTask(l, rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[int] {
		return rt.Async(func() (int, error) {
			rt.Spawn(tg, hydra(tg))
			_, err := rt.Spawn(tg, rt.Async(func() (int, error) {
				for spawned < 10 {
					rt.Await(rt.Sleep(15 * time.Millisecond))
				}
				return 0, errAudit
			}))
			return 0, err
		})
	}))
	err := prWait(t, l, task)
	if !errors.Is(err, errAudit) || spawned < 10 {
		t.Fatalf("err %v after %d spawns", err, spawned)
	}
	if errors.Is(err, rt.ErrCancelled) {
		t.Fatalf("err %v carries a cancellation", err)
	}
	if n := len(l.AllTasks()); n != 0 {
		t.Fatalf("%d tasks left running", n)
	}
}

// A Timeout around a group that expires while the group waits for its
// children: the children are cancelled, the expiry comes out as a
// TimeoutError and the parent is left uncancelled.
func TestAuditTimeoutAroundATaskGroupExpiringInExit(t *testing.T) {
	l := prLoop(t)
	var child *rt.Task[int]
	task := rt.CreateTask(l, rt.Timeout(time.Second, rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[int] {
		return rt.Async(func() (int, error) {
			var err error
			child, err = rt.Spawn(tg, rt.Async(func() (int, error) {
				_, err := rt.Await(rt.Sleep(time.Hour))
				return 0, err
			}))
			return 0, err
		})
	})))
	err := prWait(t, l, task)
	if !isTimeout(err) || !child.Cancelled() || task.Cancelling() != 0 || l.Time() != time.Second {
		t.Fatalf("err %v, child cancelled %v, cancelling %d at %v", err, child.Cancelled(), task.Cancelling(), l.Time())
	}
}

// A Timeout inside a group's body, cancelled by the group because a child
// failed: the Timeout passes the cancellation on (it did not expire), the
// group absorbs it, and the group fails with the child's error only.
func TestAuditTaskGroupCancellingABodyInsideAnUnexpiredTimeout(t *testing.T) {
	l := prLoop(t)
	var bodyErr error
	task := rt.CreateTask(l, rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[int] {
		return rt.Async(func() (int, error) {
			rt.Spawn(tg, rt.Async(func() (int, error) {
				rt.Await(rt.Sleep(time.Second))
				return 0, errAudit
			}))
			_, bodyErr = rt.Await(rt.Timeout(time.Hour, rt.Sleep(2*time.Hour)))
			return 0, bodyErr
		})
	}))
	err := prWait(t, l, task)
	if !errors.Is(bodyErr, rt.ErrCancelled) || isTimeout(bodyErr) {
		t.Fatalf("body saw %v, want the group's cancellation", bodyErr)
	}
	if !errors.Is(err, errAudit) || errors.Is(err, rt.ErrCancelled) || task.Cancelling() != 0 {
		t.Fatalf("err %v, cancelling %d", err, task.Cancelling())
	}
}

// A Timeout around a group whose deadline and a child's failure land in
// the same pass: two cancellations of the parent, each taken back by the
// scope that caused it; the child's error wins over the timeout.
func TestAuditTaskGroupChildFailureAndEnclosingTimeoutTogether(t *testing.T) {
	l := prLoop(t)
	task := rt.CreateTask(l, rt.Timeout(time.Second, rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[int] {
		return rt.Async(func() (int, error) {
			rt.Spawn(tg, rt.Async(func() (int, error) {
				rt.Await(rt.Sleep(time.Second))
				return 0, errAudit
			}))
			_, err := rt.Await(rt.Sleep(time.Hour))
			return 0, err
		})
	})))
	err := prWait(t, l, task)
	if !errors.Is(err, errAudit) || task.Cancelling() != 0 {
		t.Fatalf("err %v, cancelling %d; want the child's error and 0", err, task.Cancelling())
	}
}

// test_taskgroup_finished: Spawn after the group ended is refused and the
// coroutine is left unstarted.
func TestAuditTaskGroupSpawnAfterExitIsRefused(t *testing.T) {
	l := prLoop(t)
	var group *rt.TaskGroup
	task := rt.CreateTask(l, rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[int] {
		group = tg
		return rt.Async(func() (int, error) { return 0, nil })
	}))
	prWait(t, l, task)
	ran := false
	if _, err := rt.Spawn(group, rt.Async(func() (int, error) { ran = true; return 0, nil })); !isRuntimeError(err) {
		t.Fatalf("Spawn after exit: %v", err)
	}
	prBriefly(t, l)
	if ran {
		t.Fatal("the refused coroutine ran")
	}
}

// test_taskgroup_no_create_task_after_failure, from the body: after a
// child failed, the body's own Spawn is refused.
func TestAuditTaskGroupBodySpawnAfterAChildFailedIsRefused(t *testing.T) {
	l := prLoop(t)
	var spawnErr error
	task := rt.CreateTask(l, rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[int] {
		return rt.Async(func() (int, error) {
			rt.Spawn(tg, rt.Async(func() (int, error) { return 0, errAudit }))
			_, err := rt.Await(rt.Sleep(time.Hour))
			_, spawnErr = rt.Spawn(tg, rt.Sleep(0))
			return 0, err
		})
	}))
	err := prWait(t, l, task)
	if !isRuntimeError(spawnErr) || !errors.Is(err, errAudit) {
		t.Fatalf("Spawn %v, group %v", spawnErr, err)
	}
}
