package generated_test

import (
	"errors"
	"strings"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// Cases for templates written in the style of application code (pool_,
// cache_, flow_, text_ and art_ templates). Their expectations are worked
// out from Go's semantics and asyncio's (queue, task group, wait_for and
// timeout on the virtual clock); both builds must meet them.

var poolCases = []tcase{
	{"pool/workers-drain-bounded-queue", co(func(e *Env) rt.Coro[string] {
		return poolRunAsync(e, 2, "aaa", "b", "cc", "dddd", "e")
	}), "0:w0/3@3ms 1:w1/1@1ms 2:w1/2@3ms 3:w0/4@7ms 4:w1/1@4ms w0=2 w1=3 ", "",
		"put 0 at 0s; put 1 at 0s; put 2 at 0s; put 3 at 0s; put 4 at 1ms; w1 done handled=3; w0 done handled=2"},
	{"pool/one-worker", co(func(e *Env) rt.Coro[string] { return poolRunAsync(e, 1, "xy", "z") }),
		"0:w0/2@2ms 1:w0/1@3ms w0=2 ", "",
		"put 0 at 0s; put 1 at 0s; w0 done handled=2"},
	{"retry/flaky-then-ok", co(func(e *Env) rt.Coro[string] {
		return retryBackoffAsync(e, &flakyService{failures: 2, delay: 5 * time.Millisecond}, "hi", 5, time.Second)
	}), "HI", "",
		"call 1 ends at 0s; attempt 1: call 1: flaky; call 2 ends at 15ms; attempt 2: call 2: flaky; call 3 ends at 40ms; ok after 3 at 45ms"},
	{"retry/timeouts-then-ok", co(func(e *Env) rt.Coro[string] {
		return retryBackoffAsync(e, &flakyService{delay: 40 * time.Millisecond, slow: 10 * time.Millisecond}, "go", 5, 25*time.Millisecond)
	}), "GO", "",
		"call 1 ends at 0s; attempt 1 timed out at 25ms; call 2 ends at 35ms; ok after 2 at 55ms"},
	{"retry/gives-up", co(func(e *Env) rt.Coro[string] {
		return retryBackoffAsync(e, &flakyService{failures: 9, delay: time.Millisecond}, "no", 3, time.Second)
	}), "", "giving up after 3 attempts: call 3: flaky",
		"call 1 ends at 0s; attempt 1: call 1: flaky; call 2 ends at 11ms; attempt 2: call 2: flaky; call 3 ends at 32ms; attempt 3: call 3: flaky"},
	{"retry/overall-timeout-scope", co(func(e *Env) rt.Coro[string] {
		return retryTimeoutScopeAsync(e, &flakyService{failures: 100, delay: 2 * time.Millisecond}, 30*time.Millisecond)
	}), "deadline after 4 tries at 30ms", "",
		"call 1 ends at 0s; call 2 ends at 3ms; call 3 ends at 8ms; call 4 ends at 19ms"},
	{"reader/lines-partial-reads", co(func(e *Env) rt.Coro[[]string] {
		return readLinesAsync(&fakeReader{e: e, chunks: []string{"ab\ncd", "e\n\nfg", "h\nlast"}}, 3)
	}), "[ab cde  fgh last]", "",
		""},
	{"reader/lines-trailing-newline", co(func(e *Env) rt.Coro[[]string] {
		return readLinesAsync(&fakeReader{e: e, chunks: []string{"one\ntwo\n"}}, 16)
	}), "[one two]", "",
		""},
	{"reader/fields-append-must", co(func(e *Env) rt.Coro[string] {
		return readFieldsAsync(&fakeReader{e: e, chunks: []string{"a,b", "", ",cd", "e."}})
	}), "3 [\"a\" \"b\" \"cde\"]", "",
		""},
	{"reader/fields-reset-recovered", co(func(e *Env) rt.Coro[string] {
		return readFieldsAsync(&fakeReader{e: e, chunks: []string{"a,b", "!", "c."}})
	}), "", "after 2 reads: reset by peer",
		""},
	{"reader/fields-eof-recovered", co(func(e *Env) rt.Coro[string] {
		return readFieldsAsync(&fakeReader{e: e, chunks: []string{"a"}})
	}), "", "after 2 reads: EOF",
		""},
}

var cacheCases = []tcase{
	{"cache/generic-methods-and-method-values", co(func(e *Env) rt.Coro[string] { return cacheUseAsync(e) }),
		"counts=map[3:11 200:1] keys=[3 200] vals=[1 2 2] failed=map[:empty key] allErr=<nil> stats={Hits:3 Size:4} last={Val:2 Gen:5} order=[\"abc\" \"de\" \"x\" \"yz\"]", "",
		"load \"abc\"; load \"de\"; load \"x\"; load \"\"; load \"yz\"; load \"\"; load \"\""},
	{"iface/awaitables-in-slices-maps-and-method-values", co(func(e *Env) rt.Coro[string] {
		return fetchAllAsync(e, []Fetcher{constSource("k"), &coroSource{prefix: "ab"}, &coroSource{prefix: "bad1"}})
	}), "0:k 1:abab 2:err(bad1: unavailable) const:k=k coro:ab=abab mabab mk", "",
		""},
	{"composite/nested-keyed-literals", co(func(e *Env) rt.Coro[string] { return buildTeamAsync(e) }),
		"[{Name:ann Age:30 Home:{City:Oslo Zip:1000} Tags:[] Score:map[]} {Name:bob Age:0 Home:{City: Zip:0} Tags:[] Score:map[go:9 py:7]}] lead={Name:cy Age:0 Home:{City: Zip:0} Tags:[x  boss] Score:map[]} tags=[\"x\" \"\" \"boss\"] arr=[{ 0} { 11} { 0} {far 0}] map[Bergen:[1 2] Oslo:[0]]", "",
		"ann.age; ann.zip; bob.go; bob.py; oslo0; bergen0; bergen1; arr1"},
	{"results/named-rewritten-by-defer", co(func(e *Env) rt.Coro[string] { return divmodsAsync(e) }),
		"map[-9/4:{-2 1} 1/0:{-1 -1} 17/5:{3 -2}] divmod(1, 0): division by zero", "",
		""},
	{"results/divmod-error", co(func(e *Env) rt.Coro[pair] { return divmodAsync(e, 3, 0) }),
		"{-1 -1}", "divmod(3, 0): division by zero",
		""},
	{"generic/ordered-explicit-instantiation", co(func(e *Env) rt.Coro[string] { return maxesAsync(e) }),
		"9zoo2.5 maxOf: no values", "",
		""},
}

var flowCases = []tcase{
	{"flow/type-switch-on-awaited", co(func(e *Env) rt.Coro[string] {
		return describeAllAsync(e, 1, int64(2), nil, Rect{2, 3}, &Circle{1}, errors.New("E"), "str", 1.5)
	}), "int-ish 1, int-ish 2, nil, generated_test.Rect=6, circle(1)=3.5, err E, \"str\" true 3, \"\" false 0 | 2 2.75 ☺ bs", "",
		""},
	{"flow/two-var-loop-palindrome", co(func(e *Env) rt.Coro[bool] { return palindromeAsync(e, "rotor") }),
		"true", "",
		"rr; oo"},
	{"flow/two-var-loop-not-palindrome", co(func(e *Env) rt.Coro[bool] { return palindromeAsync(e, "abca") }),
		"false", "",
		"aa; bc"},
	{"flow/goto-retry-then-skip", co(func(e *Env) rt.Coro[string] { return gotoRetryAsync(e, 3) }),
		"fail1,fail2,skip ok at 3", "",
		""},
	{"flow/goto-give-up", co(func(e *Env) rt.Coro[string] { return gotoRetryAsync(e, 99) }),
		"fail1,fail2,fail3,fail4,fail5,fail6", "gave up",
		""},
	{"flow/shadowed-err", co(func(e *Env) rt.Coro[int] { return parseSizesAsync(e, []string{"2 KB", "x B", "3", "4 MB"}) }),
		"2003", "spec \"4 MB\": unknown unit \"MB\"",
		"inner err=noise; skip \"x B\": strconv.Atoi: parsing \"x\": invalid syntax"},
	{"flow/shadowed-err-ok", co(func(e *Env) rt.Coro[int] { return parseSizesAsync(e, []string{"2 KB", "7 B"}) }),
		"2007", "",
		""},
	{"flow/defer-method-values", co(func(e *Env) rt.Coro[int] { return deferMethodValuesAsync(e) }),
		"11", "",
		"body end; close 1; close 0; wg done n=2; wg done n=1; wg done n=0"},
	{"flow/tree-walk-recursive-method", co(func(e *Env) rt.Coro[int] {
		t := &tree{1, &tree{2, &tree{4, nil, nil}, nil}, &tree{3, nil, &tree{5, nil, nil}}}
		return t.sumAsync(e, 0, func(v int) bool { e.Add("visit %d", v); return v != 4 })
	}), "11", "",
		"visit 1; visit 2; visit 4; left of 2: refused 4 at depth 2; visit 3; visit 5"},
	{"flow/variadic-spread-recursion", co(func(e *Env) rt.Coro[string] {
		return joinAllAsync(e, "-", strings.Fields("a b c d")...)
	}), "a-b-c-d", "",
		""},
	{"flow/error-only-ok", co(func(e *Env) rt.Coro[rt.Void] {
		return validateAsync(e, map[string]string{"a": " x ", "b": "yy"}, "a", "b")
	}), "{}", "",
		""},
	{"flow/error-only-too-long", co(func(e *Env) rt.Coro[rt.Void] {
		return validateAsync(e, map[string]string{"a": "abcd"}, "a")
	}), "{}", "a too long (12)",
		""},
	{"flow/error-only-raised-wrapped", co(func(e *Env) rt.Coro[rt.Void] {
		return validateAsync(e, map[string]string{"a": "x"}, "a", "zz", "a")
	}), "{}", "validate: missing \"zz\"",
		""},
}

var textCases = []tcase{
	{"text/title-case-unicode", co(func(e *Env) rt.Coro[string] { return titleCaseAsync(e, "héllo wörld 😀x") }),
		"Hé<1:2>llo Wö<8:2>rld 😀<14:4>x runes=14", "",
		""},
	{"text/nested-index-assign-order", co(func(e *Env) rt.Coro[string] { return gridAssignAsync(e) }),
		"[{[{50 4} {0 10} {0 0}]} {[{0 0} {0 0} {7 0}]} {[{3 0} {0 0} {0 0}]}] i=2", "",
		"i; j; rhs; i2; j2; rhs2; k2; j3; i4; v3; v4; v5"},
	{"text/select-event-loop", co(func(e *Env) rt.Coro[string] {
		msgs := make(chan string, 3)
		msgs <- "a"
		msgs <- "b"
		close(msgs)
		return eventLoopAsync(e, msgs, make(chan struct{}))
	}), "[0]A 0;[1]B 1;[2]closed [3]idle 3;[4]quit", "",
		""},
	{"text/closures-over-iterators", co(func(e *Env) rt.Coro[string] { return closuresOverIteratorsAsync(e) }),
		"a100 0 a200 0 b101 10 b201 10 c102 20 c202 20 k5 k5 k6 k6 v0 v0 v1 v1", "",
		"yield 0; yield 1; iter end"},
}

var importCases = []tcase{
	{"import/renamed-rt", co(func(e *Env) rt.Coro[string] { return artPipelineAsync(e, "x", "yz") }),
		"p0=X,p1=YZ", "",
		""},
	{"import/renamed-rt-must-fails", co(func(e *Env) rt.Coro[string] { return artPipelineAsync(e, "a", "b", "c") }),
		"", "pipeline: too many words",
		""},
	{"import/renamed-rt-current", co(func(e *Env) rt.Coro[bool] { return artCurrentAsync(e) }),
		"true", "",
		""},
	{"import/dot-rt", co(func(e *Env) rt.Coro[string] { return dotSumAsync(e, 1, 2, 3) }),
		"12 [2 4 6] timeout", "",
		""},
	{"import/build-tagged-file", co(func(e *Env) rt.Coro[int] { return taggedCountAsync(e, 4) }),
		"10", "",
		""},
}

var trickyCases = []tcase{
	{"tricky/comma-ok-forms", co(func(e *Env) rt.Coro[string] { return commaOkAsync(e, map[string]int{"a": 1}) }),
		"1 true 0 false 9 true 2.5 true [a b] map[a:2 b:3]", "",
		"b=3"},
	{"tricky/select-operands-awaited", co(func(e *Env) rt.Coro[string] {
		c0, c1 := make(chan int, 1), make(chan int, 1)
		c0 <- 5
		return selectAwaitedOperandsAsync(e, []chan int{c0, c1})
	}), "1 42", "",
		"idx; val; sent; idx2; val2; got 5 true"},
	{"tricky/lazy-cases-first", co(func(e *Env) rt.Coro[string] { return lazyCasesAsync(e, 1) }),
		"one-or-two", "",
		"tag; c1"},
	{"tricky/lazy-cases-second", co(func(e *Env) rt.Coro[string] { return lazyCasesAsync(e, 2) }),
		"one-or-two", "",
		"tag; c1; c2"},
	{"tricky/lazy-cases-fallthrough", co(func(e *Env) rt.Coro[string] { return lazyCasesAsync(e, 3) }),
		"three-or-four 3", "",
		"tag; c1; c2; c3"},
	{"tricky/lazy-cases-none", co(func(e *Env) rt.Coro[string] { return lazyCasesAsync(e, 7) }),
		"none", "",
		"tag; c1; c2; c3; c4"},
	{"tricky/type-param-awaitables", co(func(e *Env) rt.Coro[int] { return awaitAllAsync(e.I(1), e.I(2), e.I(3)) }),
		"6", "",
		""},
	{"tricky/type-param-awaitables-coro", co(func(e *Env) rt.Coro[int] {
		return awaitAllAsync[rt.Coro[int]](loadLenAsync(e, "ab"), loadLenAsync(e, ""))
	}), "2", "item 1: empty key",
		"load \"ab\"; load \"\""},
	{"tricky/closure-result", co(func(e *Env) rt.Coro[string] { return closureResultAsync(e) }),
		"28 38", "",
		""},
	{"tricky/tasks-and-gather", co(func(e *Env) rt.Coro[string] { return tasksAndGatherAsync(e) }),
		"[2 5 100] empty key 5 [2 <nil> 0 nope]", "",
		"load \"task1\"; load \"\"; load \"g1\"; load \"xy\""},
	{"tricky/shadowed-scopes", co(func(e *Env) rt.Coro[string] { return scopesAsync(e, 2) }),
		"inner 31 str block 30 outer 3 y 3", "",
		""},
	{"tricky/panic-error-through-delegation", co(func(e *Env) rt.Coro[string] { return wrapWalkAsync(e, 2) }),
		"", "depth 2 caught: depth 1 caught: depth 0 caught: bottom: sentinel",
		""},
}

var generic2Cases = []tcase{
	{"generic2/core-type-param", co(func(e *Env) rt.Coro[string] {
		return firstNonZeroAsync(e, strings.Fields(" . x y"))
	}), ".", "",
		"at 0"},
	{"generic2/core-type-param-named-slice", co(func(e *Env) rt.Coro[idName] {
		return firstNonZeroAsync(e, idNames{0, 0})
	}), "#0", "all 2 zero",
		""},
	{"generic2/inline-constraint-with-method", co(func(e *Env) rt.Coro[string] {
		return labelAllAsync(e, idName(1), 2, 5)
	}), "#2,#4,#10 sum=#16", "",
		""},
	{"generic2/renamed-receiver-params", co(func(e *Env) rt.Coro[Pair[string, int]] {
		return (&Table[string, int]{rows: []Pair[string, int]{{"a", 1}, {"b", 2}}}).findAsync(e, "b")
	}), "{b 2}", "",
		""},
	{"generic2/renamed-receiver-params-missing", co(func(e *Env) rt.Coro[Pair[string, int]] {
		return (&Table[string, int]{rows: []Pair[string, int]{{"a", 1}}}).findAsync(e, "q")
	}), "{ 0}", "no key q",
		""},
	{"generic2/renamed-receiver-params-value", co(func(e *Env) rt.Coro[[]float64] {
		return Table[float64, struct{}]{rows: []Pair[float64, struct{}]{{Key: 1.5}, {Key: 2}}}.keysAsync(e)
	}), "[1.5 2]", "",
		""},
	{"generic2/range-named-string-and-core-string", co(func(e *Env) rt.Coro[string] {
		return segmentsAsync(e, "/usr//lib/gö", Path("abc"))
	}), "usr|lib|gö n=9", "",
		""},
	{"names/frame-member-names", co(func(e *Env) rt.Coro[string] { return frameNamesAsync(e, 1, "F", true) }),
		"101Ftrue 1 2 3aw5 [d] 1 2 3 4doneexitcatchlater7 8 9 deferred State=101", "",
		""},
}

// idNames is a named slice type for the ~[]E constraint.
type idNames []idName

var misc2Cases = []tcase{
	{"misc2/post-await-with-continue-and-backward-goto", co(func(e *Env) rt.Coro[string] { return postAndGotoAsync(e) }),
		"0:2 6:2 9:2 ", "",
		"post; post; post; post"},
	{"misc2/labelled-select-break", co(func(e *Env) rt.Coro[int] {
		c := make(chan int, 4)
		c <- 2
		c <- -1
		c <- 3
		close(c)
		return labelledSelectAsync(e, c)
	}), "5", "",
		""},
	{"misc2/defer-in-iterator-body", co(func(e *Env) rt.Coro[string] { return deferInIteratorAsync(e) }),
		"body end", "",
		"yield 0; yield 1; yield 2; iter end; after loop; defer 2; defer 1; defer 0"},
	{"misc2/grouped-vars-anon-struct-array", co(func(e *Env) rt.Coro[string] { return groupedAsync(e) }),
		"{X:1 Y:5 Tag:p} [0 10 1 5] [0 10 1 5]", "",
		"a; b; c; i; v; j"},
	{"misc2/await-tuple-ok", co(func(e *Env) rt.Coro[int] { return awaitTupleAsync(e, false) }),
		"7", "",
		"4/<nil>"},
	{"misc2/await-tuple-fail", co(func(e *Env) rt.Coro[int] { return awaitTupleAsync(e, true) }),
		"0", "failed",
		"4/<nil>"},
}
