package closures

import (
	"fmt"

	"github.com/asyncgen/asyncgen/rt"
)

// Three fetches run as three tasks, each a func literal spawned in a loop.
func ExampleSizes() {
	sizes, err := rt.Run(SizesAsync([]string{"a", "bb", "ccc"}), rt.WithClock(rt.NewVirtualClock()))
	fmt.Println(sizes, err)
	total, err := rt.Run(TotalAsync([]string{"a", "bb", "ccc"}), rt.WithClock(rt.NewVirtualClock()))
	fmt.Println(total, err)
	// Output:
	// map[a:10 bb:20 ccc:30] <nil>
	// 60 <nil>
}
