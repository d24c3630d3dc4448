package main

import (
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// The consumer stops at "STOP": its break closes the iterator, the producer
// learns of the close at its pending Yield, its return closes its own line
// iterator, and its defer has run before the consumer's loop is left.
func TestRunOutput(t *testing.T) {
	var b strings.Builder
	if err := run(&b, rt.WithClock(rt.NewVirtualClock())); err != nil {
		t.Fatal(err)
	}
	want := `consumer: HELLO at 10ms
consumer: ASYNC at 20ms
consumer: ITERATION at 30ms
producer: closed early
producer: done
consumer: after the loop
`
	if b.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", b.String(), want)
	}
}
