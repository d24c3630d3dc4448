// Command nethttp is the net/http hello server the HTTP cell compares
// examples/http to: GET /hello answers "Hello, World!" as text/plain.
package main

import (
	"net"
	"net/http"

	"github.com/asyncgen/asyncgen/bench/internal/srv"
)

var hello = []byte("Hello, World!")

func main() {
	ln, err := net.Listen("tcp4", srv.Addr())
	if err != nil {
		srv.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(hello)
	})
	go http.Serve(ln, mux)
	srv.Serve(ln.Addr().String())
}
