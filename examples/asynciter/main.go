// Command asynciter shows async iteration (rt.AsyncIter, Python's async
// generators): a producer template yields ticks with a sleep between them,
// a consumer ranges over them with All and stops early, and leaving the
// loop closes the iterator, running the producer's defers before the
// consumer goes on. The producer reads its input lines from a stream with
// StreamReader.Lines, ranging over them too.
package main

//go:generate go run github.com/asyncgen/asyncgen/cmd/asyncgen

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// words yields the upper-cased words of src's lines, sleeping a little
// before each (standing in for a slow source), and logs when it ends.
//
//asyncgen:coroutine
func words(w io.Writer, src *streams.StreamReader, y *rt.Yielder[string]) error {
	defer fmt.Fprintln(w, "producer: done")
	for line, err := range src.Lines().All() {
		if err != nil {
			return err
		}
		for _, word := range strings.Fields(string(line)) {
			rt.Must(rt.Sleep(10 * time.Millisecond))
			if !rt.Must(y.Yield(strings.ToUpper(word))) {
				fmt.Fprintln(w, "producer: closed early")
				return nil // leaving the loop closes the line iterator
			}
		}
	}
	return nil
}

// consume takes words until "STOP"; the break closes the iterator.
//
//asyncgen:coroutine
func consume(w io.Writer, text string) error {
	src := streams.NewStreamReader(0)
	src.FeedData([]byte(text))
	src.FeedEOF()
	it := rt.NewAsyncIter(func(y *rt.Yielder[string]) rt.Coro[rt.Void] { return wordsAsync(w, src, y) })
	for word, err := range it.All() {
		if err != nil {
			return err
		}
		if word == "STOP" {
			break
		}
		fmt.Fprintf(w, "consumer: %s at %v\n", word, rt.RunningLoop().Time())
	}
	fmt.Fprintln(w, "consumer: after the loop")
	return nil
}

// run is main with its output and clock given, for the test.
func run(w io.Writer, opts ...rt.Option) error {
	_, err := rt.Run(consumeAsync(w, "hello async\niteration stop here\nnever read\n"), opts...)
	return err
}

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
