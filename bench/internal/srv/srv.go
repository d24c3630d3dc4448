// Package srv is what every Go server of the suite shares: its flags, its
// file-descriptor limit, and the signals the harness sends it.
package srv

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// Addr parses the server's flags and returns -addr (127.0.0.1:0 when
// absent), having raised RLIMIT_NOFILE to its hard limit.
func Addr() string {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	flag.Parse()
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) == nil && lim.Cur < lim.Max {
		lim.Cur = lim.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
	return *addr
}

// Serve announces the bound address on stdout and blocks until SIGINT or
// SIGTERM. SIGUSR1 returns freed memory to the OS (debug.FreeOSMemory), so
// that the resident set the harness reads for idle connections is what the
// server holds, not garbage its collector has not yet handed back.
func Serve(bound string) {
	fmt.Println("listening", bound)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGUSR1)
	for s := range sig {
		if s == syscall.SIGUSR1 {
			debug.FreeOSMemory()
			continue
		}
		return
	}
}

// Fatal reports err and exits.
func Fatal(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
