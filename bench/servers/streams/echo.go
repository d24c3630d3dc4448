package main

import (
	"errors"
	"io"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

//go:generate go tool asyncgen

// echo writes back what it reads until EOF, then closes. It works on the
// reader's own buffer (ReadMore, Peek, Consume): no copy into a buffer of
// its own, and an idle connection waiting in ReadMore holds no buffer at
// all. (No defer: a deferred call is a closure in the frame, bytes every
// idle connection would pay.)
//
//asyncgen:coroutine
func echo(r *streams.StreamReader, w *streams.StreamWriter) error {
	for {
		_, err := rt.Await(r.ReadMore())
		if errors.Is(err, io.EOF) {
			w.Close()
			return nil
		}
		if err != nil {
			return err
		}
		p := r.Peek()
		w.Write(p) // the transport copies what the socket does not take
		r.Consume(len(p))
		if _, err := rt.Await(w.Drain()); err != nil {
			return err
		}
	}
}
