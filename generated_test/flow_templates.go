package generated_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/asyncgen/asyncgen/rt"
)

// Control flow as application code writes it: type switches and comma-ok
// assertions on awaited interface values, two-variable loops, gotos out of
// blocks that await, shadowed errors, defers of method values, recursion
// through methods, and error-only templates that convert a failed Must.

// Shape is what the type-switch templates dispatch on.
type Shape interface{ Area() float64 }

// Rect and Circle are Shapes.
type Rect struct{ W, H float64 }

// Circle is a Shape whose Area is rounded to keep outputs short.
type Circle struct{ R float64 }

func (r Rect) Area() float64    { return r.W * r.H }
func (c *Circle) Area() float64 { return 3 * c.R * c.R }
func (c *Circle) String() string {
	return "circle(" + strconv.FormatFloat(c.R, 'g', -1, 64) + ")"
}

// describeAll switches on the type of awaited interface values, with the
// switch variable bound, and asserts with comma-ok on others.
//
//asyncgen:coroutine
func describeAll(e *Env, items ...any) string {
	var b strings.Builder
	for i, it := range items {
		switch x := rt.Must(Later(e, it)).(type) {
		case nil:
			b.WriteString("nil")
		case int, int64:
			b.WriteString(fmt.Sprintf("int-ish %v", x))
		case Shape:
			if s, ok := x.(fmt.Stringer); ok {
				b.WriteString(s.String() + "=" + fmt.Sprint(x.Area()+rt.Must(Later(e, 0.5))))
			} else {
				b.WriteString(fmt.Sprintf("%T=%v", x, x.Area()))
			}
		case error:
			b.WriteString("err " + x.Error())
		default:
			n, ok := rt.Must(Later(e, it)).(string)
			b.WriteString(fmt.Sprintf("%q %v %d", n, ok, len(n)))
		}
		if i < len(items)-1 {
			b.WriteString(", ")
		}
	}
	sh := rt.Must(Later[Shape](e, &Circle{R: 2})).(*Circle)
	f := float32(rt.Must(Later(e, 2.75)))
	r := rune(rt.Must(e.I(0x263A)))
	return b.String() + fmt.Sprintf(" | %v %v %c %s", sh.R, f, r, string(rt.Must(Later(e, []byte("bs")))))
}

// palindrome walks two indices toward each other, the upper bound awaited
// in the init and each comparison awaiting.
//
//asyncgen:coroutine
func palindrome(e *Env, s string) (bool, error) {
	for i, j := 0, rt.Must(e.I(len(s)))-1; i < j; i, j = i+1, j-1 {
		a, b := rt.Must(Later(e, s[i])), s[j]
		e.Add("%c%c", a, b)
		if a != b {
			return false, nil
		}
	}
	return true, nil
}

// gotoRetry uses gotos that leave blocks holding awaits and jump back to a
// label before them, the old-C retry shape.
//
//asyncgen:coroutine
func gotoRetry(e *Env, failUntil int) (string, error) {
	attempt := 0
	var log []string
again:
	attempt++
	{
		v := rt.Must(e.I(attempt))
		if v < failUntil {
			log = append(log, "fail"+strconv.Itoa(v))
			if attempt > 5 {
				goto giveUp
			}
			goto again
		}
		for k := 0; k < 3; k++ {
			if rt.Must(e.I(k)) == 1 {
				log = append(log, "skip")
				goto done
			}
		}
	}
done:
	return strings.Join(log, ",") + " ok at " + strconv.Itoa(attempt), nil
giveUp:
	return strings.Join(log, ","), errors.New("gave up")
}

// parse awaits a number and a unit, shadowing err in nested ifs.
//
//asyncgen:coroutine
func parseSizes(e *Env, specs []string) (total int, err error) {
	for _, spec := range specs {
		num, unit, _ := strings.Cut(spec, " ")
		n, err := strconv.Atoi(rt.Must(Later(e, num)))
		if err != nil {
			if _, err := rt.Await(Fail[int](e, "noise")); err != nil {
				e.Add("inner err=%v", err)
			}
			e.Add("skip %q: %v", spec, err)
			continue
		}
		if mult, err := rt.Await(unitOfAsync(e, unit)); err != nil {
			return total, fmt.Errorf("spec %q: %w", spec, err)
		} else {
			total += n * mult
		}
	}
	return total, err
}

// unitOf maps a unit name to its multiplier.
//
//asyncgen:coroutine
func unitOf(e *Env, u string) (int, error) {
	switch rt.Must(Later(e, u)) {
	case "", "B":
		return 1, nil
	case "KB":
		return 1000, nil
	}
	return 0, fmt.Errorf("unknown unit %q", u)
}

// waitGroup counts like sync.WaitGroup, logging, for defer-of-method-value
// templates.
type waitGroup struct {
	e    *Env
	name string
	n    int
}

func (w *waitGroup) Add(d int) { w.n += d }
func (w *waitGroup) Done()     { w.n--; w.e.Add("%s done n=%d", w.name, w.n) }

// closer logs its Close.
type closer struct {
	e  *Env
	id int
}

func (c closer) Close() error { c.e.Add("close %d", c.id); return nil }

// deferMethodValues defers method values: a plain defer wg.Done(), a
// method value taken before, a method expression, and a receiver that is
// itself awaited at the defer statement.
//
//asyncgen:coroutine
func deferMethodValues(e *Env) (n int) {
	wg := &waitGroup{e: e, name: "wg"}
	wg.Add(3)
	defer wg.Done()
	done := wg.Done
	defer done()
	defer (*waitGroup).Done(wg)
	for i := range 2 {
		defer rt.Must(Later(e, closer{e, i})).Close()
	}
	wg = &waitGroup{e: e, name: "other", n: 10}
	n = rt.Must(e.I(wg.n))
	e.Add("body end")
	return n + 1
}

// tree is a binary tree walked by a recursive method template.
type tree struct {
	Val         int
	Left, Right *tree
}

// sum awaits each node's value and recurses into the children through a
// pointer-receiver method, pruning subtrees that the visitor refuses.
//
//asyncgen:coroutine
func (t *tree) sum(e *Env, depth int, visit func(int) bool) (int, error) {
	if t == nil {
		return 0, nil
	}
	if !visit(t.Val) {
		return 0, fmt.Errorf("refused %d at depth %d", t.Val, depth)
	}
	v := rt.Must(e.I(t.Val))
	l, err := rt.Await(t.Left.sumAsync(e, depth+1, visit))
	if err != nil {
		e.Add("left of %d: %v", t.Val, err)
	}
	return v + l + rt.Must(t.Right.sumAsync(e, depth+1, visit)), nil
}

// joinAll is a variadic template that delegates to itself with xs[1:]...
//
//asyncgen:coroutine
func joinAll(e *Env, sep string, xs ...string) string {
	if len(xs) == 0 {
		return ""
	}
	head := rt.Must(Later(e, xs[0]))
	if len(xs) == 1 {
		return head
	}
	return head + sep + rt.Must(joinAllAsync(e, sep, xs[1:]...))
}

// errParse wraps failures of validate.
var errParse = errors.New("validate")

// validate returns only an error: rt.Must deep in an expression fails it,
// and the deferred recover turns the *rt.Raised into a wrapped error.
//
//asyncgen:coroutine
func validate(e *Env, fields map[string]string, keys ...string) (err error) {
	defer func() {
		switch r := recover().(type) {
		case nil:
		case *rt.Raised:
			err = fmt.Errorf("%w: %w", errParse, r.Err)
		default:
			panic(r)
		}
	}()
	for _, k := range keys {
		if n := len(strings.TrimSpace(fields[k])) + rt.Must(lookupAsync(e, fields, k))*2; n > 10 {
			return fmt.Errorf("%s too long (%d)", k, n)
		}
	}
	return nil
}

// lookup fails for keys missing from m.
//
//asyncgen:coroutine
func lookup(e *Env, m map[string]string, k string) (int, error) {
	v, ok := m[k]
	rt.Must(e.I(0))
	if !ok {
		return 0, fmt.Errorf("missing %q", k)
	}
	return len(v), nil
}
