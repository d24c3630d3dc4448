package fdtab

import (
	"maps"
	"math/rand/v2"
	"testing"
)

// The table behaves as a map[int]V under any sequence of sets and
// deletes, including fds far apart.
func TestTableAgreesWithAMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var tab Table[string]
	want := map[int]string{}
	for i := range 20000 {
		fd := rng.IntN(300)
		if i%97 == 0 {
			fd = 5000 + rng.IntN(5000)
		}
		switch rng.IntN(3) {
		case 0, 1:
			v := string(rune('a' + i%26))
			tab.Set(fd, v)
			want[fd] = v
		case 2:
			tab.Delete(fd)
			delete(want, fd)
		}
		probe := rng.IntN(400) - 50
		got, ok := tab.Get(probe)
		if w, wok := want[probe]; ok != wok || got != w {
			t.Fatalf("step %d: Get(%d) = %q, %v; want %q, %v", i, probe, got, ok, w, wok)
		}
		if tab.Len() != len(want) {
			t.Fatalf("step %d: Len %d, want %d", i, tab.Len(), len(want))
		}
	}
	if got := maps.Collect(tab.All()); !maps.Equal(got, want) {
		t.Fatalf("All gives %d entries that differ from the map's %d", len(got), len(want))
	}
	prev := -1
	for fd := range tab.All() {
		if fd <= prev {
			t.Fatalf("All is not in fd order: %d after %d", fd, prev)
		}
		prev = fd
	}
	tab.Reset()
	if _, ok := tab.Get(3); ok || tab.Len() != 0 {
		t.Fatal("Reset left entries")
	}
}

func TestTableRejectsANegativeFD(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Set(-1) did not panic")
		}
	}()
	var tab Table[int]
	tab.Set(-1, 1)
}
