// Package shadow declares, at package level, names the generated code
// would like to use for itself: rt (its usual name for the runtime, here
// imported as art), fmt, errors and Frame.
package shadow

import (
	"strings"
	"time"

	art "github.com/asyncgen/asyncgen/rt"
)

var rt = "not the runtime"

var fmt = strings.ToUpper

type errors struct{ n int }

// Frame is a user type named like the runtime's.
type Frame struct{ Name string }

// join awaits words and joins them with the package-level rt.
//
//asyncgen:coroutine
func join(ws ...art.Coro[string]) (string, error) {
	var out []string
	fr := Frame{Name: rt}
	for _, w := range ws {
		v, err := art.Await(w)
		if err != nil {
			return "", err
		}
		out = append(out, fmt(v))
	}
	art.Must(art.Sleep(time.Millisecond))
	return strings.Join(out, "+") + " " + fr.Name, nil
}

// count has a result type named like a common import.
//
//asyncgen:coroutine
func count(n art.Coro[int]) (e errors, err error) {
	defer func() { e.n++ }()
	e.n = art.Must(n)
	return e, nil
}
