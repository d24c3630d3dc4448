package generated_test

import "github.com/asyncgen/asyncgen/rt"

// iterCases are the async iteration templates (iter_templates.go).
var iterCases = []tcase{
	{"iter/simple", co(func(e *Env) rt.Coro[string] { return iterSimpleAsync(e) }),
		"0,1,2 again=StopAsyncIteration done=true", "", "yield 0; got 0; yield 1; got 1; yield 2; got 2; count end; count defer"},
	{"iter/empty", co(func(e *Env) rt.Coro[string] { return iterEmptyAsync(e) }),
		"", "", "count end; count defer"},
	{"iter/break-closes", co(func(e *Env) rt.Coro[int] { return iterBreakAsync(e) }),
		"3", "", "yield 0; yield 1; yield 2; closed at 2; count defer; after close done=true"},
	{"iter/close-unstarted", co(func(e *Env) rt.Coro[string] { return iterCloseUnstartedAsync(e) }),
		"done=true err=StopAsyncIteration", "", ""},
	{"iter/producer-error", co(func(e *Env) rt.Coro[string] { return iterProducerErrorAsync(e) }),
		"a err=producer broke then=StopAsyncIteration", "", "failing defer"},
	{"iter/producer-panic", co(func(e *Env) rt.Coro[string] { return iterProducerPanicAsync(e) }),
		"v=1 panic=true", "panic: producer panic [generated_test/iter_templates.go:133]", "panicking defer"},
	{"iter/consumer-panic", co(func(e *Env) rt.Coro[int] { return iterConsumerPanicAsync(e) }),
		"0", "panic: consumer panic [generated_test/iter_templates.go:161]", "yield 0; consumer defer closes; closed at 0; count defer"},
	{"iter/ignored-close", co(func(e *Env) rt.Coro[string] { return iterIgnoredCloseAsync(e) }),
		"err=async iterator ignored close: the producer yielded after Yield returned false ignored=true done=true", "", "told to stop; stubborn defer"},
	{"iter/close-fails", co(func(e *Env) rt.Coro[string] { return iterCloseFailsAsync(e) }),
		"done=true", "panic: defer panicked during close [generated_test/iter_templates.go:195]", "bad defer"},
	{"iter/cancel-consumer", co(func(e *Env) rt.Coro[string] { return iterCancelConsumerAsync(e) }),
		"cancelled=true done=true", "", "slow saw cancel=true; slow defer"},
	{"iter/nested", co(func(e *Env) rt.Coro[string] { return iterNestedAsync(e) }),
		"[0 2 4] 0 2", "", "yield 0; yield 1; yield 2; count end; count defer; doubled defer; yield 0; yield 1; closed at 1; count defer; doubled defer"},
	{"iter/generic-zero", co(func(e *Env) rt.Coro[string] { return iterGenericAsync(e) }),
		`["" "x" "y"] [<nil>]`, "", ""},
	{"iter/closure-labelled-continue", co(func(e *Env) rt.Coro[string] { return iterLitAsync(e) }),
		"10;22;36;", "", ""},
}
