// Package a holds templates with every kind of blocking call, and the
// forms that are fine.
package a

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

var (
	mu   sync.Mutex
	rw   sync.RWMutex
	wg   sync.WaitGroup
	cond = sync.NewCond(&mu)
	ch   = make(chan int)
)

//asyncgen:coroutine
func blocks(c net.Conn, cmd *exec.Cmd) error {
	time.Sleep(time.Second) // want `time.Sleep blocks the event loop: await rt.Sleep\(d\)`
	mu.Lock()               // want `sync.Mutex.Lock blocks the event loop: await the Acquire of an rt.Lock`
	mu.Unlock()
	rw.RLock()     // want `sync.RWMutex.RLock blocks`
	wg.Wait()      // want `sync.WaitGroup.Wait blocks the event loop: await rt.Gather`
	cond.Wait()    // want `sync.Cond.Wait blocks the event loop: await the Wait of an rt.Condition`
	ch <- 1        // want `a channel send blocks the event loop: use an rt.Queue`
	<-ch           // want `a channel receive blocks`
	for range ch { // want `a range over a channel blocks`
	}
	select { // want `a select without default blocks`
	case v := <-ch:
		_ = v
	case ch <- 2:
	}
	var buf [8]byte
	c.Read(buf[:])                    // want `net.Conn.Read blocks the event loop: use the streams API`
	net.Dial("tcp", "example.com:80") // want `net.Dial blocks`
	os.ReadFile("x")                  // want `os.ReadFile blocks the event loop: run it with rt.RunInExecutor`
	cmd.Run()                         // want `os/exec.Cmd.Run blocks`
	http.Get("http://example.com/")   // want `net/http.Get blocks`
	http.DefaultClient.Do(nil)        // want `net/http.Client.Do blocks`
	_, err := rt.Await(rt.Sleep(0))
	return err
}

// helper blocks through another helper: found through both.
func helper() int { return deeper() } // want helper:"blocking\\(time.Sleep\\)"

func deeper() int { // want deeper:"blocking\\(time.Sleep\\)"
	time.Sleep(time.Millisecond)
	return 1
}

//asyncgen:coroutine
func viaHelpers() int {
	return helper() // want `helper blocks the event loop \(through time.Sleep\): run it with rt.RunInExecutor`
}

// mine is the user's own blocking function, marked by hand.
//
//asyncvet:blocking
func mine() {} // want mine:"blocking"

//asyncgen:coroutine
func viaMark() {
	mine() // want `mine blocks the event loop \(through marked //asyncvet:blocking\)`
}

//asyncgen:coroutine
func fine(l *rt.Loop) (int, error) {
	// Handed to an executor: it runs on a worker goroutine.
	f := rt.RunInExecutor(l, func() (int, error) {
		time.Sleep(time.Millisecond)
		mu.Lock()
		defer mu.Unlock()
		return helper(), nil
	})
	// A goroutine of its own may block.
	go func() {
		time.Sleep(time.Millisecond)
		ch <- 1
	}()
	select {
	case v := <-ch:
		_ = v
	default:
	}
	local := make(chan int, 4)
	local <- 1
	<-local
	<-ch //asyncvet:nonblocking the goroutine above sent one value
	return rt.Await(f)
}

// notTemplate blocks as it likes: it is not a coroutine, and no template calls it.
func notTemplate() { // want notTemplate:"blocking\\(time.Sleep\\)"
	time.Sleep(time.Millisecond)
	<-ch
}
