package main

import "github.com/asyncgen/asyncgen/internal/echoload"

// loadMethod says in the output how the echo load is generated.
const loadMethod = echoload.Method + "; 1 KiB messages"

// msgSize is the echo cells' message: 1 KiB.
const msgSize = 1024

// dialEcho opens n echo load connections to addr, each having echoed its
// message once (so that the server has set it up), one at a time: the
// server's accept backlog never overflows.
func dialEcho(addr string, n int) (*echoload.Conns, error) {
	return echoload.Dial(addr, echoload.Config{Conns: n, Message: echoMessage})
}

// echoMessage is connection i's message: bytes of its own, so that an
// echo on the wrong connection would be seen.
func echoMessage(i int) []byte {
	m := make([]byte, msgSize)
	for j := range m {
		m[j] = byte(i + j)
	}
	return m
}
