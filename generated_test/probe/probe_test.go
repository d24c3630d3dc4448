package probe

import (
	"fmt"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

type pcase struct {
	name string
	run  func(t *tr) rt.Coro[string]
	want string
}

func str[T any](c rt.Coro[T]) rt.Coro[string] {
	return rt.Async(func() (string, error) {
		v, err := rt.Await(c)
		return fmt.Sprintf("%v|%v", v, err), nil
	})
}

var cases = []pcase{
	{"switch1", func(t *tr) rt.Coro[string] { return str(pSwitchCasesAsync(t, 1)) }, "mk tag;mk c1;one-or-two;three 30|<nil> #mk tag;mk c1;one-or-two;three 30"},
	{"switch2", func(t *tr) rt.Coro[string] { return str(pSwitchCasesAsync(t, 2)) }, "mk tag;mk c1;mk c2;one-or-two;three 30|<nil> #mk tag;mk c1;mk c2;one-or-two;three 30"},
	{"switch3", func(t *tr) rt.Coro[string] { return str(pSwitchCasesAsync(t, 3)) }, "mk tag;mk c1;mk c2;mk c3;three 30|<nil> #mk tag;mk c1;mk c2;mk c3;three 30"},
	{"switch9", func(t *tr) rt.Coro[string] { return str(pSwitchCasesAsync(t, 9)) }, "mk tag;mk c1;mk c2;mk c3;default|<nil> #mk tag;mk c1;mk c2;mk c3;default"},
	{"typeswitch-int", func(t *tr) rt.Coro[string] { return str(pTypeSwitchAsync(t, 4)) }, "mk v;int 5|<nil> #mk v;int 5"},
	{"typeswitch-bytes", func(t *tr) rt.Coro[string] { return str(pTypeSwitchAsync(t, []byte("b"))) }, "mk v;strish [98]|<nil> #mk v;strish [98]"},
	{"typeswitch-nil", func(t *tr) rt.Coro[string] { return str(pTypeSwitchAsync(t, nil)) }, "mk v;nil|<nil> #mk v;nil"},
	{"typeswitch-err", func(t *tr) rt.Coro[string] { return str(pTypeSwitchAsync(t, fmt.Errorf("e"))) }, "mk v;err e|<nil> #mk v;err e"},
	{"select", func(t *tr) rt.Coro[string] {
		ch := make(chan int, 3)
		ch <- 7
		ch <- 8
		ch <- 9
		var out chan int // never ready: the send value is still evaluated each time
		return str(pSelectAsync(t, ch, out))
	}, "mk send;recv 7 true +100;mk send;recv 8 true +100;mk send;recv 9 true +100|<nil> #mk send;recv 7 true +100;mk send;recv 8 true +100;mk send;recv 9 true +100"},
	{"nameddefer", func(t *tr) rt.Coro[string] { return str(pNamedDeferAsync(t)) }, "40|wrapped: boom #mk a;mk b"},
	{"maprange", func(t *tr) rt.Coro[string] { return str(pMapRangeAsync(t)) }, "1 1|<nil> #"},
	{"chanrange", func(t *tr) rt.Coro[string] { return str(pChanRangeAsync(t)) }, "1234|<nil> #"},
	{"funcrange", func(t *tr) rt.Coro[string] { return str(pFuncRangeAsync(t)) }, "0s00;seq stopped at 1;seq done;1s10;seq stopped at 1;seq done;2s20;seq stopped at 0;seq done;seq stopped at 2;seq done|<nil> #0s00;seq stopped at 1;seq done;1s10;seq stopped at 1;seq done;2s20;seq stopped at 0;seq done;seq stopped at 2;seq done"},
	{"goto", func(t *tr) rt.Coro[string] { return str(pGotoAsync(t)) }, "6|<nil> #"},
	{"methodvalue", func(t *tr) rt.Coro[string] { return str(pMethodValueAsync(t)) }, "205|<nil> #"},
	{"generic", func(t *tr) rt.Coro[string] { return str(pGenericCallerAsync(t)) }, "6 0.75|<nil> #"},
	{"multi", func(t *tr) rt.Coro[string] { return str(pMultiAsync(t)) }, "11 2|<nil> #mk x;mk y;mk z"},
	{"loopclosures", func(t *tr) rt.Coro[string] { return str(pLoopClosuresAsync(t)) }, "131030|<nil> #"},
	{"composite", func(t *tr) rt.Coro[string] { return str(pCompositeOrderAsync(t)) }, "call a;mk b;call c;mk m;call key;call y;mk x;call z;mk arr;mk q;[1 2 3] 2 {8 7 9} [0 0 1] {1 2 3}|<nil> #call a;mk b;call c;mk m;call key;call y;mk x;call z;mk arr;mk q;[1 2 3] 2 {8 7 9} [0 0 1] {1 2 3}"},
	{"argorder", func(t *tr) rt.Coro[string] { return str(pArgOrderAsync(t)) }, "call a;mk b;call c;123 4 2|<nil> #call a;mk b;call c;123 4 2"},
	{"assignorder", func(t *tr) rt.Coro[string] { return str(pAssignOrderAsync(t)) }, "idx;mk rhs;idx;mk rhs2;mk key;mk val;[0 5 7 0] map[1:2] 9|<nil> #idx;mk rhs;idx;mk rhs2;mk key;mk val;[0 5 7 0] map[1:2] 9"},
	{"forclauses", func(t *tr) rt.Coro[string] { return str(pForClausesAsync(t)) }, "6 8|<nil> #mk init;mk cond;mk post;mk cond;mk post;mk cond;mk post;mk cond"},
	{"shortcircuit", func(t *tr) rt.Coro[string] { return str(pShortCircuitAsync(t)) }, "mk c;mk d;mk x;mk y;three;false true true|<nil> #mk c;mk d;mk x;mk y;three;false true true"},
	{"deferargs", func(t *tr) rt.Coro[string] { return str(pDeferArgsAsync(t)) }, "ret|<nil> #mk darg;mk d2;closure 2 100;deferred 5"},
	{"recover", func(t *tr) rt.Coro[string] { return str(pRecoverAsync(t)) }, "recovered: runtime error: index out of range [3] with length 0|<nil> #"},
	{"shadow", func(t *tr) rt.Coro[string] { return str(pShadowAsync(t)) }, "inner 3;if 5;outer 1 [1 20 3]|<nil> #inner 3;if 5;outer 1 [1 20 3]"},
	{"sliceassert", func(t *tr) rt.Coro[string] { return str(pSliceAndAssertAsync(t)) }, "ello43 0 false|<nil> #mk lo;mk hi;mk any;mk any2"},
	{"rangecopy", func(t *tr) rt.Coro[string] { return str(pRangeCopyAsync(t)) }, "1,2,3,1,2,3,012|<nil> #mk n"},
	{"labeledselect", func(t *tr) rt.Coro[string] { return str(pLabeledSelectAsync(t)) }, "2006|<nil> #"},
	{"gostmt", func(t *tr) rt.Coro[string] { return str(pGoStmtAsync(t)) }, "42|<nil> #mk g"},
	{"genericrecv", func(t *tr) rt.Coro[string] { return str(pGenericRecvAsync(t)) }, "abc1 51 1000|<nil> #"},
	{"fib", func(t *tr) rt.Coro[string] { return str(fibAsync(t, 10)) }, "55|<nil> #"},
	{"postcontinue", func(t *tr) rt.Coro[string] { return str(pPostContinueAsync(t)) }, "[0 6]|<nil> #"},
	{"deferfnvalue", func(t *tr) rt.Coro[string] { return str(pDeferFnValueAsync(t)) }, "body|<nil> #mk fn;mk arg;deferred arg1"},
	{"labeledswitch", func(t *tr) rt.Coro[string] { return str(pLabeledSwitchAsync(t)) }, "3|<nil> #"},
	{"stringrange", func(t *tr) rt.Coro[string] { return str(pStringRangeAsync(t)) }, "0h1é3l4l5o|<nil> #"},
	{"chanops", func(t *tr) rt.Coro[string] { return str(pChanOpsAsync(t)) }, "10 2 true [[0 6] [0 0]] 2|<nil> #mk s1;mk j"},
	{"closuremutates", func(t *tr) rt.Coro[string] { return str(pClosureMutatesAsync(t)) }, "10 2 3 10|<nil> #"},
	{"genconstraint", func(t *tr) rt.Coro[string] { return str(pGenericConstraintAsync(t, name("a"), name("b"))) }, "name:a!,name:b!|<nil> #"},
	{"panicrecovernamed", func(t *tr) rt.Coro[string] { return str(pPanicRecoverNamedAsync(t)) }, "307|recovered assignment to entry in nil map #"},
	{"multivalue", func(t *tr) rt.Coro[string] { return str(pMultiValueCallAsync(t)) }, "4four1x|<nil> #mk k;mk v"},
	{"funcrangereturn", func(t *tr) rt.Coro[string] { return str(pFuncRangeReturnAsync(t)) }, "1 2|deferred|<nil> #seq done;returning;seq stopped at 2;seq done;seq stopped at 1;seq done"},
	{"funcrangegoto", func(t *tr) rt.Coro[string] { return str(pFuncRangeGotoAsync(t)) }, "3 seq stopped at 2;seq done|<nil> #seq stopped at 2;seq done"},
	{"funcrangepanic", func(t *tr) rt.Coro[string] { return str(pFuncRangePanicAsync(t)) }, "recovered boom seq done|<nil> #seq done"},
	{"selectdefault", func(t *tr) rt.Coro[string] { return str(pSelectDefaultAsync(t)) }, "30|<nil> #"},
	{"deferinloop", func(t *tr) rt.Coro[string] { return str(pDeferInLoopAsync(t)) }, "body|<nil> #plain 2;plain 1;plain 0;loop defer 12;loop defer 11;loop defer 10"},
	{"arraycopy", func(t *tr) rt.Coro[string] { return str(pArrayCopyAsync(t)) }, "[1 200 3] [100 2 3] [1 2 3]|<nil> #"},
	{"goroutineshares", func(t *tr) rt.Coro[string] { return str(pGoroutineSharesAsync(t)) }, "15|<nil> #"},
	{"redeclare", func(t *tr) rt.Coro[string] { return str(pRedeclareAsync(t)) }, "1 32 0 inner|<nil> #"},
	{"promoted", func(t *tr) rt.Coro[string] { return str(pPromotedAsync(t)) }, "9 9|<nil> #"},
	{"variadic", func(t *tr) rt.Coro[string] { return str(pVariadicAsync(t, "p", 1, 2, 3)) }, "p123/23/3|<nil> #"},
	{"erronly", func(t *tr) rt.Coro[string] { return str(pErrOnlyCallerAsync(t)) }, "must failed|<nil> #"},
	{"mustrecovered", func(t *tr) rt.Coro[string] { return str(pMustRecoveredCallerAsync(t)) }, "42 <nil>|<nil> #recovered *rt.Raised boom; n=1 err=<nil>"},
}

func TestProbeTemplates(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tt := &tr{}
			got, err := rt.Run(c.run(tt))
			if err != nil {
				t.Fatal(err)
			}
			full := got + " #" + tt.String()
			t.Logf("%s => %q", c.name, full)
			if full != c.want {
				t.Errorf("got  %q\nwant %q", full, c.want)
			}
		})
	}
}
