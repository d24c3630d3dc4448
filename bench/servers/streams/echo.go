package main

import (
	"errors"
	"io"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

//go:generate go tool asyncgen

// echo writes back what it reads, through a 1 KiB buffer of its own, until
// EOF, then closes. (No defer: a deferred call is a closure in the frame,
// bytes every idle connection would pay.)
//
//asyncgen:coroutine
func echo(r *streams.StreamReader, w *streams.StreamWriter) error {
	buf := make([]byte, 1024)
	for {
		n, err := rt.Await(r.ReadInto(buf))
		if errors.Is(err, io.EOF) {
			w.Close()
			return nil
		}
		if err != nil {
			return err
		}
		w.Write(buf[:n])
		if _, err := rt.Await(w.Drain()); err != nil {
			return err
		}
	}
}
