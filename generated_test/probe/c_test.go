package probe

import (
	"testing"

	"github.com/asyncgen/asyncgen/internal/leakcheck"
	"github.com/asyncgen/asyncgen/rt"
)

func TestProbeRunCancelsLeftoverTasks(t *testing.T) {
	tt := &tr{}
	v, err := rt.Run(pLeaveTasksAsync(tt), rt.WithClock(rt.NewVirtualClock()))
	if v != 1 || err != nil || tt.String() != "stubborn woke: cancelled=true;stubborn cleaned up;stubborn defer" {
		t.Fatalf("%v %v %q", v, err, tt.String())
	}
}

// asyncio.run ends with loop.shutdown_asyncgens(): an async generator
// nobody closed is aclosed, so its finally blocks run.
func TestProbeRunClosesAbandonedAsyncIter(t *testing.T) {
	leakcheck.Check(t)
	tt := &tr{}
	v, err := rt.Run(pAbandonIterAsync(tt))
	if v != 0 || err != nil || tt.String() != "producer told to stop;producer defer" {
		t.Fatalf("%v %v %q", v, err, tt.String())
	}
}
