package generated_test

import (
	"fmt"

	"github.com/asyncgen/asyncgen/rt"
)

// Templates for select with awaits in the case bodies (only one case is
// ever ready, so the choice is deterministic).

// selectBodies awaits in the body of each kind of clause.
//
//asyncgen:coroutine
func selectBodies(e *Env) string {
	ch1 := make(chan int, 1)
	ch2 := make(chan string, 1)
	ch1 <- 5
	out := ""
	for i := 0; i < 3; i++ {
		select {
		case v := <-ch1:
			w := rt.Must(e.I(v * 2))
			ch2 <- fmt.Sprint(w)
			out += "ch1 "
		case s, ok := <-ch2:
			rt.Must(e.I(0))
			out += fmt.Sprintf("ch2 %s %v ", s, ok)
		default:
			rt.Must(e.I(0))
			out += "default "
		}
	}
	return out
}

// selectOperands awaits in a send value: all operands are evaluated once,
// in source order, when the select is entered.
//
//asyncgen:coroutine
func selectOperands(e *Env) string {
	ch := make(chan int, 1)
	var never chan int
	select { //asyncvet:nonblocking one case is always ready
	case ch <- rt.Must(e.AV("sendval", 3)):
		e.Add("sent")
		rt.Must(e.I(0))
	case v := <-e.Ch("recvchan", never):
		e.Add("got %d", v)
	}
	return fmt.Sprint(<-ch)
}

// selectBreak breaks out of a select inside a loop after an await, and
// out of the loop with a label.
//
//asyncgen:coroutine
func selectBreak(e *Env) int {
	ch := make(chan int, 1)
	n := 0
loop:
	for {
		ch <- n
		select { //asyncvet:nonblocking one case is always ready
		case v := <-ch:
			if rt.Must(e.I(v)) < 2 {
				n++
				break
			}
			break loop
		}
	}
	return n
}
