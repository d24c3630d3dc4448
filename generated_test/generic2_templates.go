package generated_test

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/asyncgen/asyncgen/rt"
)

// Generic templates whose type parameters lean on each other (core types,
// inline constraints with methods), methods whose receivers rename the
// type's parameters, and templates whose variables are named like the
// members of the frame the generator builds.

// firstNonZero ranges over a slice typed by a parameter whose constraint
// refers to another parameter.
//
//asyncgen:coroutine
func firstNonZero[S ~[]E, E comparable](e *Env, s S) (E, error) {
	var zero E
	for i, v := range s {
		if rt.Must(Later(e, v)) != zero {
			e.Add("at %d", i)
			return v, nil
		}
	}
	return zero, fmt.Errorf("all %d zero", len(s))
}

// idName is an int with a String method, for the inline constraint.
type idName int

func (i idName) String() string { return "#" + strconv.Itoa(int(i)) }

// labelAll uses an inline constraint with a method and a type set.
//
//asyncgen:coroutine
func labelAll[T interface {
	~int
	String() string
}](e *Env, xs ...T) string {
	var parts []string
	sum := T(0)
	for _, x := range xs {
		y := rt.Must(Later(e, x*2))
		sum += y
		parts = append(parts, y.String())
	}
	return strings.Join(parts, ",") + " sum=" + sum.String()
}

// Pair is a generic struct with two parameters.
type Pair[K comparable, V any] struct {
	Key K
	Val V
}

// Table holds pairs; its methods rename the type's parameters.
type Table[K comparable, V any] struct {
	rows []Pair[K, V]
}

// swapped is a method whose receiver names the parameters differently and
// in the other order of use, returning a generic type of them swapped.
//
//asyncgen:coroutine
func (t *Table[Key, Value]) find(e *Env, k Key) (Pair[Key, Value], error) {
	for _, p := range t.rows {
		if rt.Must(Later(e, p.Key)) == k {
			return p, nil
		}
	}
	return Pair[Key, Value]{}, fmt.Errorf("no key %v", k)
}

// keys is a value-receiver method naming the parameters yet again.
//
//asyncgen:coroutine
func (t Table[K, Unused]) keys(e *Env) []K {
	var out []K
	for i := range t.rows {
		out = append(out, rt.Must(Later(e, t.rows[i].Key)))
	}
	return out
}

// frameNames names its parameters and locals after members of the frame
// the generator writes (embedded rtimpl.Frame fields and methods, the awaiting
// fields, the step method and its parameters).
//
//asyncgen:coroutine
func frameNames(e *Env, State int, Frame string, step bool) (res string, err error) {
	Catch, Finish, Fail := rt.Must(e.I(1)), rt.Must(e.I(2)), 3
	aw, aw1, defers := rt.Must(Later(e, "aw")), rt.Must(e.I(5)), []string{"d"}
	Send, Throw, Close, Result := 1, 2, 3, 4
	done, exit, catch, later := "done", "exit", "catch", "later"
	Stack, AwaitStack, FrameDone := 7, 8, 9
	defer func() {
		res += fmt.Sprint(" deferred State=", State)
	}()
	State += rt.Must(e.I(100))
	rt.Must(e.I(0))
	return fmt.Sprint(State, Frame, step, Catch, Finish, Fail, aw, aw1, defers,
		Send, Throw, Close, Result, done, exit, catch, later, Stack, AwaitStack, FrameDone), nil
}

// Path is a named string type.
type Path string

// segments ranges over a named string type and over a type parameter whose
// core type is string, awaiting in the bodies.
//
//asyncgen:coroutine
func segments[S ~string](e *Env, p Path, extra S) (string, error) {
	var out []string
	cur := ""
	for _, r := range p + "/" {
		if r == '/' {
			if cur != "" {
				out = append(out, rt.Must(Later(e, cur)))
			}
			cur = ""
			continue
		}
		cur += string(r)
	}
	n := 0
	for i, r := range extra {
		n += rt.Must(e.I(i)) + int(r-'a')
	}
	for i := range extra {
		n += rt.Must(e.I(i))
	}
	return strings.Join(out, "|") + fmt.Sprint(" n=", n), nil
}
