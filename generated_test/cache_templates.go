package generated_test

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/asyncgen/asyncgen/rt"
)

// Templates on generic types and method values: a read-through cache,
// loaders awaited through interfaces stored in slices and maps, nested
// composite literals built from awaits, and (T, error) results shaped by
// deferred functions.

// entry is what a Cache stores: a value with the loader's generation.
type entry[V any] struct {
	Val V
	Gen int
}

// Cache is a read-through cache whose loads are coroutines.
type Cache[K comparable, V any] struct {
	m     map[K]entry[V]
	load  func(K) rt.Coro[V]
	gen   int
	hits  int
	order []K
}

// newCache returns an empty cache over load.
func newCache[K comparable, V any](load func(K) rt.Coro[V]) *Cache[K, V] {
	return &Cache[K, V]{m: map[K]entry[V]{}, load: load}
}

// get returns the cached entry of k, loading it on a miss; the value is
// awaited straight into the map's composite literal.
//
//asyncgen:coroutine
func (c *Cache[K, V]) get(k K) (entry[V], error) {
	if en, ok := c.m[k]; ok {
		c.hits++
		return en, nil
	}
	c.gen++
	c.m[k] = entry[V]{Gen: c.gen, Val: rt.Must(c.load(k))}
	c.order = append(c.order, k)
	return c.m[k], nil
}

// report is what getAll returns.
type report[K comparable, V any] struct {
	Vals   []V
	Failed map[K]string
}

// getAll loads keys in order and reports the values and the failures.
//
//asyncgen:coroutine
func (c *Cache[K, V]) getAll(keys ...K) (r report[K, V], err error) {
	r.Failed = map[K]string{}
	defer func() {
		if len(r.Failed) == len(keys) && len(keys) > 0 {
			err = fmt.Errorf("all %d loads failed", len(keys))
		}
	}()
	for _, k := range keys {
		en, err := rt.Await(c.getAsync(k))
		if err != nil {
			r.Failed[k] = err.Error()
			continue
		}
		r.Vals = append(r.Vals, en.Val)
	}
	return r, nil
}

// stats is a value-receiver generic template returning an anonymous struct.
//
//asyncgen:coroutine
func (c Cache[K, V]) stats(e *Env) struct{ Hits, Size int } {
	rt.Must(e.I(0))
	return struct{ Hits, Size int }{c.hits, len(c.m)}
}

// loadLen is the cache's loader: the length of k, failing for "".
//
//asyncgen:coroutine
func loadLen(e *Env, k string) (int, error) {
	e.Add("load %q", k)
	n := rt.Must(e.I(len(k)))
	if n == 0 {
		return 0, errors.New("empty key")
	}
	return n, nil
}

// cacheUse drives a Cache[string, int]: lookups awaited inside index
// expressions on both sides of assignments, a method value of the cache
// awaited later, and the struct results of generic methods.
//
//asyncgen:coroutine
func cacheUse(e *Env) (string, error) {
	c := newCache(func(k string) rt.Coro[int] { return loadLenAsync(e, k) })
	counts := map[int]int{}
	counts[rt.Must(c.getAsync("abc")).Val]++
	counts[rt.Must(c.getAsync("abc")).Val] += 10
	counts[rt.Must(c.getAsync("de")).Gen*100] = rt.Must(c.getAsync("abc")).Gen
	get := c.getAsync
	all := (*Cache[string, int]).getAllAsync
	r, err := rt.Await(all(c, "x", "", "yz", "de"))
	if err != nil {
		return "", err
	}
	_, allErr := rt.Await(all(c, "", ""))
	st := rt.Must(Cache[string, int].statsAsync(*c, e))
	last := rt.Must(get(c.order[len(c.order)-1]))
	keys := slices.Sorted(mapKeys(counts))
	return fmt.Sprintf("counts=%v keys=%v vals=%v failed=%v allErr=%v stats=%+v last=%+v order=%q",
		counts, keys, r.Vals, r.Failed, allErr, st, last, c.order), nil
}

// Fetcher is an interface-typed awaitable producer: implementations are
// awaited through it.
type Fetcher interface {
	Fetch(e *Env) rt.Awaitable[string]
	Name() string
}

// constSource fetches a fixed string after one loop turn.
type constSource string

func (s constSource) Fetch(e *Env) rt.Awaitable[string] { return Later(e, string(s)) }
func (s constSource) Name() string                      { return "const:" + string(s) }

// coroSource fetches through a template (a coroutine object, not a
// future), failing when its prefix says so.
type coroSource struct{ prefix string }

func (s *coroSource) Fetch(e *Env) rt.Awaitable[string] { return s.fetchAsync(e) }
func (s *coroSource) Name() string                      { return "coro:" + s.prefix }

// fetch is a pointer-receiver template behind coroSource.Fetch.
//
//asyncgen:coroutine
func (s *coroSource) fetch(e *Env) (string, error) {
	n := rt.Must(e.I(len(s.prefix)))
	if strings.HasPrefix(s.prefix, "bad") {
		return "", fmt.Errorf("%s: unavailable", s.prefix)
	}
	return strings.Repeat(s.prefix, n), nil
}

// fetchAll awaits awaitables stored in a slice and in a map of interface
// values, then awaits them again through the Fetcher interface's method
// values.
//
//asyncgen:coroutine
func fetchAll(e *Env, srcs []Fetcher) (string, error) {
	pending := make([]rt.Awaitable[string], 0, len(srcs))
	byName := map[string]rt.Awaitable[string]{}
	for _, s := range srcs {
		pending = append(pending, s.Fetch(e))
		byName[s.Name()] = s.Fetch(e)
	}
	var got []string
	for i, aw := range pending {
		v, err := rt.Await(aw)
		if err != nil {
			got = append(got, fmt.Sprintf("%d:err(%v)", i, err))
			continue
		}
		got = append(got, fmt.Sprintf("%d:%s", i, v))
	}
	names := slices.Sorted(mapKeys(byName))
	for _, name := range names {
		if v, err := rt.Await(byName[name]); err == nil {
			got = append(got, name+"="+v)
		}
	}
	fetchers := []func(*Env) rt.Awaitable[string]{}
	for _, s := range srcs {
		fetchers = append(fetchers, s.Fetch)
	}
	for i := len(fetchers) - 1; i >= 0; i-- {
		if v, err := rt.Await(fetchers[i](e)); err == nil {
			got = append(got, "m"+v)
		}
	}
	return strings.Join(got, " "), nil
}

// Address, Person and Team are nested types built from awaits.
type Address struct {
	City string
	Zip  int
}

// Person has nested struct, slice and map fields.
type Person struct {
	Name  string
	Age   int
	Home  Address
	Tags  []string
	Score map[string]int
}

// Team is a struct of a slice and a map of Persons.
type Team struct {
	Lead    *Person
	Members []Person
	ByCity  map[string][]int
}

// buildTeam awaits inside nested composite literals with keys, in an order
// that differs from the fields' declaration order; the trace shows Go's
// left-to-right evaluation.
//
//asyncgen:coroutine
func buildTeam(e *Env) (string, error) {
	t := Team{
		Members: []Person{
			{Name: "ann", Age: rt.Must(e.AV("ann.age", 30)), Home: Address{Zip: rt.Must(e.AV("ann.zip", 1000)), City: "Oslo"}},
			1: {Score: map[string]int{"go": rt.Must(e.AV("bob.go", 9)), "py": e.V("bob.py", 7)}, Name: "bob"},
		},
		Lead: &Person{Name: "cy", Tags: []string{2: rt.Must(Later(e, "boss")), 0: "x"}},
		ByCity: map[string][]int{
			"Oslo":                      {rt.Must(e.AV("oslo0", 0))},
			rt.Must(Later(e, "Bergen")): {e.V("bergen0", 1), rt.Must(e.AV("bergen1", 2))},
		},
	}
	arr := [...]Address{3: {City: "far"}, 1: {Zip: rt.Must(e.AV("arr1", 11))}}
	return fmt.Sprintf("%+v lead=%+v tags=%q arr=%v", t.Members, *t.Lead, t.Lead.Tags, arr) +
		fmt.Sprint(" ", t.ByCity), nil
}

// pair is returned with an error by divmod.
type pair struct{ Q, R int }

// divmod returns (pair, error) through named results that a deferred
// closure rewrites, after awaiting both operands.
//
//asyncgen:coroutine
func divmod(e *Env, a, b int) (p pair, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("divmod(%d, %d): %w", a, b, err)
			p = pair{-1, -1}
		} else {
			p.R = -p.R
		}
	}()
	x, y := rt.Must(e.I(a)), rt.Must(e.I(b))
	if y == 0 {
		return pair{}, errors.New("division by zero")
	}
	p.Q, p.R = x/y, x%y
	return
}

// divmods awaits a (T, error) coroutine through rt.Await in several
// shapes: a tuple assignment into existing variables, a result in a map
// entry, and ignoring the error.
//
//asyncgen:coroutine
func divmods(e *Env) string {
	var p pair
	var err error
	out := map[string]pair{}
	p, err = rt.Await(divmodAsync(e, 17, 5))
	out["17/5"] = p
	p, err = rt.Await(divmodAsync(e, 1, 0))
	out["1/0"] = p
	q, _ := rt.Await(divmodAsync(e, -9, 4))
	out["-9/4"] = q
	return fmt.Sprint(out, " ", err)
}

// maxOf is a generic template with a cmp.Ordered constraint.
//
//asyncgen:coroutine
func maxOf[T cmp.Ordered](e *Env, xs ...T) (T, error) {
	if len(xs) == 0 {
		var zero T
		return zero, errors.New("maxOf: no values")
	}
	m := rt.Must(Later(e, xs[0]))
	for _, x := range xs[1:] {
		m = max(m, rt.Must(Later(e, x)))
	}
	return m, nil
}

// maxes instantiates maxOf explicitly and by inference, with a spread
// variadic argument.
//
//asyncgen:coroutine
func maxes(e *Env) string {
	ints := []int{3, 9, 2}
	a := rt.Must(maxOfAsync(e, ints...))
	b := rt.Must(maxOfAsync[string](e, "pear", "apple", "zoo", "fig"))
	c := rt.Must(maxOfAsync[float64](e, 1, 2.5))
	_, err := rt.Await(maxOfAsync[int8](e))
	return fmt.Sprint(a, b, c, err)
}
