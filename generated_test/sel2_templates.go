package generated_test

import (
	"fmt"

	"github.com/asyncgen/asyncgen/rt"
)

// Templates for select operands (issue 9 class 1): every channel operand and
// every send value of every case is evaluated exactly once, in source order,
// on entering the select, before a case is chosen — also when a later
// operand awaits.

// sel2LaterAwaitChangesVar: a channel variable that a later operand's
// await reassigns must be read before that await.
//
//asyncgen:coroutine
func sel2LaterAwaitChangesVar(e *Env) string {
	a := make(chan int, 1)
	b := make(chan int, 1)
	c := a
	a <- 1
	b <- 2
	select { //asyncvet:nonblocking one case is always ready
	case v := <-c:
		return fmt.Sprint("first ", v)
	case <-e.Ch("second", chanAfter(&c, b, rt.Must(e.AV("await", 0)))):
		return "second"
	}
}

// chanAfter sets *p to q and returns a nil channel: it runs after its
// arguments, so it observes the operands' order.
func chanAfter(p *chan int, q chan int, _ int) chan int {
	*p = q
	return nil
}

// sel2SendValueOrder: send values and channel operands are evaluated left to
// right across cases, channel before value within a case.
//
//asyncgen:coroutine
func sel2SendValueOrder(e *Env) string {
	var never chan int
	ok := make(chan int, 1)
	select { //asyncvet:nonblocking one case is always ready
	case e.Ch("ch1", never) <- e.V("v1", 1):
	case e.Ch("ch2", never) <- rt.Must(e.AV("v2", 2)):
	case <-e.Ch("ch3", never):
	case e.Ch("ch4", ok) <- e.V("v4", rt.Must(e.AV("v4await", 4))):
		e.Add("sent 4")
	}
	return fmt.Sprint(<-ok)
}

// sel2ReadBeforeAwait: a send value read from a variable is taken before a
// later case's await changes the variable.
//
//asyncgen:coroutine
func sel2ReadBeforeAwait(e *Env) string {
	out := make(chan int, 1)
	var never chan int
	x := 1
	select { //asyncvet:nonblocking one case is always ready
	case out <- x:
	case never <- setInt(&x, 9, rt.Must(e.I(0))):
	}
	return fmt.Sprint(<-out, x)
}

// setInt sets *p to v after its arguments are evaluated and returns w.
func setInt(p *int, v, w int) int {
	*p = v
	return w
}
