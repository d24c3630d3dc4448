package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"time"
)

// The same routes on net/http, so that the two servers can be compared
// under the same load (-impl nethttp).

// netServer is a running net/http server.
type netServer struct {
	addr string
	srv  *http.Server
	done chan error
}

// startNetHTTP serves cfg's routes with net/http.
func startNetHTTP(cfg config) (*netServer, error) {
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	helloFn := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(hello)
	}
	mux.HandleFunc("GET /{$}", helloFn)
	mux.HandleFunc("GET /hello", helloFn)
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, cfg.maxBody))
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			http.Error(w, "Content Too Large", http.StatusRequestEntityTooLarge)
			return
		case err != nil: // a malformed chunked body, or one cut short
			http.Error(w, "Bad Request", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(body)
	})
	if cfg.root != "" {
		mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServer(http.Dir(cfg.root))))
	}
	s := &netServer{
		addr: ln.Addr().String(),
		srv:  &http.Server{Handler: mux, MaxHeaderBytes: cfg.maxHead, ReadHeaderTimeout: time.Minute},
		done: make(chan error, 1),
	}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// stop closes the listener and every connection, and waits for Serve.
func (s *netServer) stop() error {
	err := s.srv.Shutdown(context.Background())
	if serr := <-s.done; serr != http.ErrServerClosed {
		return serr
	}
	return err
}
