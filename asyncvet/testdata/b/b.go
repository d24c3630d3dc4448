package b

import (
	"example.com/vet/lib"

	"github.com/asyncgen/asyncgen/rt"
)

//asyncgen:coroutine
func useLib() (int, error) {
	n := lib.Fetch() // want `Fetch blocks the event loop \(through time.Sleep\): run it with rt.RunInExecutor`
	n += lib.Quick()
	lib.Driver() // want `Driver blocks the event loop \(through marked //asyncvet:blocking\)`
	_, err := rt.Await(rt.Sleep(0))
	return n, err
}
