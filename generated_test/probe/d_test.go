package probe

import (
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

func TestProbeGroupsTimeoutsQueues(t *testing.T) {
	for _, c := range []struct {
		name string
		run  func() rt.Coro[string]
		want string
	}{
		{"groupfails", pGroupFailsWhileReadingAsync, `child failed "hello world"`},
		{"nested", pNestedSameDeadlineAsync, "outer timeout=true inner expired=true; err=timeout"},
		{"queue", pQueueShutdownAsync, "[got 1 size 2 2 3 true true]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := rt.Run(c.run(), rt.WithClock(rt.NewVirtualClock()))
			t.Logf("%s => %q %v", c.name, got, err)
			if err != nil || (c.want != "" && got != c.want) {
				t.Errorf("got %q %v\nwant %q", got, err, c.want)
			}
		})
	}
}

func TestProbeTaskSemantics(t *testing.T) {
	tt := &tr{}
	got, err := rt.Run(pTaskSemanticsAsync(tt), rt.WithClock(rt.NewVirtualClock()))
	want := `a cancelled msg="why";await a: cancelled=true msg="why";c fails;gather: c failed; b done=false;b done;b later: b;` +
		`shield: timeout=true d cancelled=false;d done;d later: d;e cancelled msg="stop";f cancelled msg="stop";gather cancelled: true;` +
		`x1 done;x3 done;ascompleted [x1 x3 timeout=true]`
	if err != nil || got != want {
		t.Fatalf("got  %q %v\nwant %q", got, err, want)
	}
}
