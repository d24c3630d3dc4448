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
		switch i % 97 {
		case 0:
			fd = 5000 + rng.IntN(5000)
		case 1:
			fd = maxDense - 2 + rng.IntN(4) // either side of the dense range's end
		case 2:
			fd = 1<<31 - 1 - rng.IntN(3)
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
		if i%5 == 0 {
			probe = fd
		}
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
		if fd >= maxDense {
			continue
		}
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

// A huge fd costs a map entry, not a slice reaching up to it.
func TestTableHugeFDStaysSmall(t *testing.T) {
	var tab Table[int]
	tab.Set(1<<30, 7)
	if len(tab.has) != 0 {
		t.Fatalf("Set(1<<30) grew the slice to %d", len(tab.has))
	}
	if v, ok := tab.Get(1 << 30); !ok || v != 7 || tab.Len() != 1 {
		t.Fatalf("Get(1<<30) = %d, %v; Len %d", v, ok, tab.Len())
	}
	tab.Delete(1 << 30)
	if _, ok := tab.Get(1 << 30); ok || tab.Len() != 0 {
		t.Fatal("Delete(1<<30) left it")
	}
}
