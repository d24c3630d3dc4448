package generated_test

import (
	"sync"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// Every case again, each on its own loop, all loops running at once on
// their own goroutines: coroutines reach their loop and task through the
// driver, never through process-wide state, so concurrent loops must not
// see each other (in the reference build too, where each template also
// runs on a goroutine of its own).
func TestCasesAgreeWithLoopsOnManyGoroutines(t *testing.T) {
	cases := allCases()
	const rounds = 3
	got := make([]outcome, len(cases)*rounds)
	errs := make([]error, len(cases)*rounds)
	var wg sync.WaitGroup
	start := make(chan struct{})
	// At most 64 loops at a time: each holds two descriptors, and the
	// point is overlap, not exhausting the descriptor limit.
	slots := make(chan struct{}, 64)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			slots <- struct{}{}
			defer func() { <-slots }()
			l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
			if err != nil {
				errs[i] = err
				return
			}
			defer l.Close()
			e := NewEnv(l)
			res, rerr := cases[i%len(cases)].run(l, e)
			got[i] = outcome{Res: res, Trace: e.String()}
			if rerr != nil {
				got[i].Err = rerr.Error()
			}
		}()
	}
	close(start)
	wg.Wait()
	for i, o := range got {
		c := cases[i%len(cases)]
		if errs[i] != nil {
			t.Fatalf("%s: %v", c.name, errs[i])
		}
		if want := (outcome{Res: c.res, Err: c.err, Trace: c.trace}); o != want {
			t.Errorf("%s (round %d, %s mode):\n got: %v\nwant: %v", c.name, i/len(cases), mode(), o, want)
		}
	}
}
