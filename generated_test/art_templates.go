package generated_test

import (
	"fmt"
	"strings"

	art "github.com/asyncgen/asyncgen/rt"
)

// Templates in a file that imports the runtime under another name, as code
// that already has an rt of its own would: the intrinsics are recognised by
// their objects, not by their spelling.

// label is a tag for the pipeline's parts.
type label struct{ text string }

// artPipeline awaits through the renamed import in several positions.
//
//asyncgen:coroutine
func artPipeline(e *Env, words ...string) (res string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("pipeline: %w", art.FailureOf(r))
		}
	}()
	rt := label{text: art.Must(Later(e, "p"))}
	var parts []string
	for i, w := range words {
		v, err := art.Await(Later(e, strings.ToUpper(w)))
		if err != nil {
			return "", err
		}
		parts = append(parts, fmt.Sprintf("%s%d=%s", rt.text, i, v))
	}
	// rt, a local here, lives across awaits: the generated code must not
	// mistake it for the runtime package.
	if len(words) > 2 {
		art.Must(Fail[int](e, "too many words"))
	}
	return strings.Join(parts, ","), nil
}

// artCurrent uses the renamed RunningLoop and Current intrinsics, with
// locals named like the generated code's usual import and receiver.
//
//asyncgen:coroutine
func artCurrent(e *Env) (bool, error) {
	rt := art.RunningLoop()
	f := art.Must(art.Sleep(0))
	c := art.Current()
	return rt == e.L && c == e.Task && f == art.Void{}, nil
}
