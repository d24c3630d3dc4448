package main

import (
	"fmt"
	"io"
	"time"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// The -demo flag: the server on a free port and its own loop, and clients
// on a second loop in the same process, themselves coroutines over
// streams. First a session shown as redis-cli would print it, then
// redis-benchmark's two tests (SET and GET, with and without a pipeline of
// 16) measured by the clients.

// script is the scripted conversation: each request with what it shows.
var script = [][]string{
	{"PING"},
	{"SET", "greeting", "hello from a coroutine"},
	{"GET", "greeting"},
	{"INCR", "visits"},
	{"INCRBY", "visits", "41"},
	{"SET", "session", "token", "PX", "150"},
	{"PTTL", "session"},
	{"MSET", "user:1", "ada", "user:2", "grace", "page:1", "home"},
	{"MGET", "user:1", "user:2", "user:3"},
	{"KEYS", "user:*"},
	{"DBSIZE"},
	{"SLEEP-200MS"}, // not a command: the session waits, so "session" expires
	{"GET", "session"},
	{"EXISTS", "session", "greeting"},
	{"INCR", "greeting"},
	{"GET"},
	{"FROB", "x"},
	{"DEL", "greeting", "visits"},
	{"DBSIZE"},
}

// runDemo runs the demo and prints to w.
func runDemo(w io.Writer, lim limits, clients, requests int) error {
	s, err := start("127.0.0.1:0", lim)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "redis example: serving RESP2 on %s (one loop, one coroutine per connection)\n\n", s.addr)
	_, runErr := rt.Run(demoAsync(w, s.addr, clients, requests))
	if err := s.stop(); err != nil && runErr == nil {
		runErr = err
	}
	return runErr
}

// demo runs the session, then the benchmark rounds.
//
//asyncgen:coroutine
func demo(w io.Writer, addr string, clients, requests int) error {
	fmt.Fprintln(w, "a session, as redis-cli prints it:")
	if _, err := rt.Await(sessionAsync(w, addr)); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d clients, %d requests a round (compare: redis-benchmark -p PORT -t set,get -c %d -n %d -q [-P 16]):\n",
		clients, requests, clients, requests)
	for _, pipeline := range []int{1, 16} {
		for _, op := range []string{"SET", "GET"} {
			start := time.Now()
			n, err := rt.Await(benchRoundAsync(addr, op, clients, requests, pipeline))
			if err != nil {
				return err
			}
			el := time.Since(start)
			fmt.Fprintf(w, "  %-3s pipeline %2d: %7d requests in %6.3fs: %9.0f requests/s\n",
				op, pipeline, n, el.Seconds(), float64(n)/el.Seconds())
		}
	}
	return nil
}

// session plays the scripted session on one connection, printing each
// request and its reply.
//
//asyncgen:coroutine
func session(w io.Writer, addr string) error {
	s, err := rt.Await(streams.OpenConnection("tcp", addr))
	if err != nil {
		return err
	}
	defer s.Writer.Close()
	for _, args := range script {
		if args[0] == "SLEEP-200MS" {
			fmt.Fprintln(w, "  (200 ms pass: the server's timer deletes \"session\")")
			rt.Must(rt.Sleep(200 * time.Millisecond))
			continue
		}
		fmt.Fprintf(w, "  > %s\n", quoteArgs(args))
		s.Writer.Write(encode(nil, args...))
		reply, err := rt.Await(readReplyAsync(s.Reader))
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %s\n", indentLines(render(reply), "  "))
	}
	return nil
}

// readReply reads one complete reply and returns a copy of it.
//
//asyncgen:coroutine
func readReply(r *streams.StreamReader) ([]byte, error) {
	for {
		n, err := replyLen(r.Peek())
		if err != nil {
			return nil, err
		}
		if n > 0 {
			reply := append([]byte(nil), r.Peek()[:n]...)
			r.Consume(n)
			return reply, nil
		}
		if _, err := rt.Await(r.ReadMore()); err != nil {
			return nil, err
		}
	}
}

// benchRound runs requests requests of op over clients connections,
// pipeline at a time, and returns how many were answered.
//
//asyncgen:coroutine
func benchRound(addr, op string, clients, requests, pipeline int) (int, error) {
	batches := (requests + pipeline - 1) / pipeline // shared out among the clients
	var one []byte
	if op == "SET" {
		one = encode(nil, "SET", "key:__rand_int__", "xxx")
	} else {
		one = encode(nil, "GET", "key:__rand_int__")
	}
	var batch []byte
	for range pipeline {
		batch = append(batch, one...)
	}
	tasks := make([]rt.Awaitable[int], clients)
	for i := range tasks {
		rounds := batches / clients
		if i < batches%clients {
			rounds++
		}
		tasks[i] = rt.CreateTask(rt.RunningLoop(), benchClientAsync(addr, batch, pipeline, rounds))
	}
	counts, err := rt.Await(rt.Gather(tasks...))
	total := 0
	for _, c := range counts {
		total += c
	}
	return total, err
}

// benchClient sends batch (pipeline requests) rounds times on its own
// connection, each time reading every reply before sending again, and
// returns how many replies it read.
//
//asyncgen:coroutine
func benchClient(addr string, batch []byte, pipeline, rounds int) (int, error) {
	s, err := rt.Await(streams.OpenConnection("tcp", addr))
	if err != nil {
		return 0, err
	}
	defer s.Writer.Close()
	answered := 0
	for range rounds {
		s.Writer.Write(batch)
		for want := pipeline; want > 0; {
			want -= countReplies(s.Reader, want)
			if want > 0 {
				if _, err := rt.Await(s.Reader.ReadMore()); err != nil {
					return answered, err
				}
			}
		}
		answered += pipeline
	}
	return answered, nil
}

// countReplies consumes up to max complete replies from r's buffer and
// returns how many; an error reply is a failure of the round.
func countReplies(r *streams.StreamReader, most int) int {
	buf := r.Peek()
	used, k := 0, 0
	for k < most {
		n, err := replyLen(buf[used:])
		if err != nil || n == 0 {
			break
		}
		if buf[used] == '-' {
			panic(fmt.Sprintf("redis demo: the server failed a request: %q", buf[used:used+n]))
		}
		used += n
		k++
	}
	r.Consume(used)
	return k
}

func quoteArgs(args []string) string {
	out := ""
	for i, a := range args {
		if i > 0 {
			out += " "
		}
		if a == "" || containsBlank(a) {
			a = fmt.Sprintf("%q", a)
		}
		out += a
	}
	return out
}

func containsBlank(s string) bool {
	for i := range len(s) {
		if isSpace(s[i]) {
			return true
		}
	}
	return false
}

func indentLines(s, indent string) string {
	out := []byte(nil)
	for i := range len(s) {
		out = append(out, s[i])
		if s[i] == '\n' {
			out = append(out, indent...)
		}
	}
	return string(out)
}
