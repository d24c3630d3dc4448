package generated_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// Templates written the way application code uses the runtime: a worker
// pool over a bounded queue in a task group, retries with exponential
// backoff under timeouts on the virtual clock, and a line parser over a
// reader coroutine that hands out partial reads.

// poolJob is one unit of work of the worker pool.
type poolJob struct {
	ID    int
	Input string
}

// poolResult is what a worker reports for one job.
type poolResult struct {
	Worker string
	Len    int
	At     time.Duration
}

// poolWorker drains q until it is shut down, recording each job's result in
// out; it sleeps one virtual millisecond per byte of input.
//
//asyncgen:coroutine
func poolWorker(e *Env, name string, q *rt.Queue[poolJob], out map[int]poolResult) (handled int, err error) {
	defer func() { e.Add("%s done handled=%d", name, handled) }()
	for {
		job, err := rt.Await(q.Get())
		if errors.Is(err, rt.ErrQueueShutDown) {
			return handled, nil
		} else if err != nil {
			return handled, err
		}
		rt.Must(rt.Sleep(time.Duration(len(job.Input)) * time.Millisecond))
		out[job.ID] = poolResult{Worker: name, Len: len(job.Input), At: e.Now()}
		handled++
		if err := q.TaskDone(); err != nil {
			return handled, err
		}
	}
}

// poolRun feeds inputs through a bounded queue to n workers of a task
// group, waits for the queue to drain, shuts it down and reports who did
// what.
//
//asyncgen:coroutine
func poolRun(e *Env, workers int, inputs ...string) (string, error) {
	q := rt.NewQueue[poolJob](2)
	results := make(map[int]poolResult)
	tg := rt.NewTaskGroup()
	if _, err := rt.Await(tg.Enter()); err != nil {
		return "", err
	}
	tasks := make(map[string]*rt.Task[int], workers)
	for i := range workers {
		name := fmt.Sprintf("w%d", i)
		t, err := rt.Spawn(tg, poolWorkerAsync(e, name, q, results))
		if err != nil {
			return "", err
		}
		tasks[name] = t
	}
	for id, in := range inputs {
		rt.Must(q.Put(poolJob{ID: id, Input: in}))
		e.Add("put %d at %v", id, e.Now())
	}
	rt.Must(q.Join())
	q.Shutdown(false)
	if _, err := rt.Await(tg.Exit(nil)); err != nil {
		return "", err
	}
	var b strings.Builder
	for _, id := range slices.Sorted(mapKeys(results)) {
		r := results[id]
		fmt.Fprintf(&b, "%d:%s/%d@%v ", id, r.Worker, r.Len, r.At)
	}
	names := slices.Sorted(mapKeys(tasks))
	for _, name := range names {
		fmt.Fprintf(&b, "%s=%d ", name, rt.Must(tasks[name]))
	}
	return b.String(), nil
}

// mapKeys lists a map's keys, for sorting.
func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// errFlaky is what a flakyService fails with.
var errFlaky = errors.New("flaky")

// flakyService fails its first failures calls, and takes delay (plus slow
// per call made so far) to answer each.
type flakyService struct {
	failures int
	calls    int
	delay    time.Duration
	slow     time.Duration
}

// call is a pointer-receiver template that a retry loop awaits under a
// timeout.
//
//asyncgen:coroutine
func (s *flakyService) call(e *Env, req string) (string, error) {
	s.calls++
	n := s.calls
	defer e.Add("call %d ends at %v", n, e.Now())
	rt.Must(rt.Sleep(s.delay - time.Duration(n)*s.slow))
	if n <= s.failures {
		return "", fmt.Errorf("call %d: %w", n, errFlaky)
	}
	return strings.ToUpper(req), nil
}

// retryBackoff calls s until it answers in time, doubling the pause between
// attempts, and gives up after attempts tries.
//
//asyncgen:coroutine
func retryBackoff(e *Env, s *flakyService, req string, attempts int, timeout time.Duration) (resp string, err error) {
	backoff := 10 * time.Millisecond
	for attempt := 1; ; attempt++ {
		resp, err = rt.Await(rt.WaitFor(s.callAsync(e, req), timeout))
		switch {
		case err == nil:
			e.Add("ok after %d at %v", attempt, e.Now())
			return resp, nil
		case errors.Is(err, rt.ErrTimeout):
			e.Add("attempt %d timed out at %v", attempt, e.Now())
		case errors.Is(err, errFlaky):
			e.Add("attempt %d: %v", attempt, err)
		default:
			return "", err
		}
		if attempt == attempts {
			return "", fmt.Errorf("giving up after %d attempts: %w", attempt, err)
		}
		rt.Must(rt.Sleep(backoff))
		backoff *= 2
	}
}

// retryTimeoutScope retries inside one overall rt.Timeout and reports how
// far it got when the deadline hit.
//
//asyncgen:coroutine
func retryTimeoutScope(e *Env, s *flakyService, overall time.Duration) (string, error) {
	tries := 0
	v, err := rt.Await(rt.Timeout(overall, retryForeverAsync(e, s, &tries)))
	if errors.Is(err, rt.ErrTimeout) {
		return fmt.Sprintf("deadline after %d tries at %v", tries, e.Now()), nil
	}
	return v, err
}

// retryForever retries with backoff until s answers, counting in *tries.
//
//asyncgen:coroutine
func retryForever(e *Env, s *flakyService, tries *int) string {
	for wait := time.Millisecond; ; wait *= 3 {
		*tries++
		if v, err := rt.Await(s.callAsync(e, "x")); err == nil {
			return v
		}
		rt.Must(rt.Sleep(wait))
	}
}

// fakeReader hands out its chunks in reads no larger than the caller's
// buffer, suspending before each, like a socket.
type fakeReader struct {
	e      *Env
	chunks []string
	reads  int
}

// read copies at most len(p) bytes of the next chunk into p; io.EOF comes
// with the last bytes when fail is empty, else fail is the error after
// them.
//
//asyncgen:coroutine
func (r *fakeReader) read(p []byte) (n int, err error) {
	r.reads++
	rt.Must(rt.Sleep(time.Millisecond))
	if len(r.chunks) == 0 {
		return 0, io.EOF
	}
	n = copy(p, r.chunks[0])
	if r.chunks[0] = r.chunks[0][n:]; r.chunks[0] == "" {
		r.chunks = r.chunks[1:]
	}
	return
}

// next returns the next chunk whole, as a fresh slice.
//
//asyncgen:coroutine
func (r *fakeReader) next() ([]byte, error) {
	r.reads++
	rt.Must(r.e.Sleep(0))
	if len(r.chunks) == 0 {
		return nil, io.EOF
	}
	b := []byte(r.chunks[0])
	r.chunks = r.chunks[1:]
	if string(b) == "!" {
		return nil, errors.New("reset by peer")
	}
	return b, nil
}

// readLines splits what r produces into lines through a small buffer,
// moving leftovers to the front with copy across awaits.
//
//asyncgen:coroutine
func readLines(r *fakeReader, bufSize int) (lines []string, err error) {
	buf := make([]byte, 0, 8)
	tmp := make([]byte, bufSize)
	for {
		n, err := rt.Await(r.readAsync(tmp))
		buf = append(buf, tmp[:n]...)
		for {
			i := bytes.IndexByte(buf, '\n')
			if i < 0 {
				break
			}
			lines = append(lines, string(buf[:i]))
			copy(buf, buf[i+1:])
			buf = buf[:len(buf)-i-1]
		}
		if err == io.EOF {
			if len(buf) > 0 {
				lines = append(lines, string(buf))
			}
			return lines, nil
		}
		if err != nil {
			return lines, err
		}
	}
}

// readFields appends whole chunks with rt.Must inside append and splits
// them on commas, counting the reads; a reset fails it through Must.
//
//asyncgen:coroutine
func readFields(r *fakeReader) (out string, err error) {
	defer func() {
		if p := recover(); p != nil {
			if raised, ok := p.(*rt.Raised); ok {
				err = fmt.Errorf("after %d reads: %w", r.reads, raised.Err)
				return
			}
			panic(p)
		}
	}()
	var data []byte
	for len(data) == 0 || data[len(data)-1] != '.' {
		data = append(data, rt.Must(r.nextAsync())...)
	}
	fields := strings.Split(string(data[:len(data)-1]), ",")
	return fmt.Sprintf("%d %q", len(fields), fields), nil
}
