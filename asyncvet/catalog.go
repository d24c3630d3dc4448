package asyncvet

import (
	"go/types"
	"strings"
)

// The catalog of calls that block the calling goroutine, with what a
// coroutine awaits instead. It names the standard library's blocking entry
// points, not everything that may block: a false report in a template would
// train users to ignore the analyzer.

const inExecutor = "run it with rt.RunInExecutor(loop, fn) and await the future"

// blockingCall says whether a call of fn blocks, naming the call and its
// replacement.
func blockingCall(fn *types.Func) (what, instead string, ok bool) {
	if fn.Pkg() == nil {
		return "", "", false
	}
	pkg, name := fn.Pkg().Path(), fn.Name()
	recv := recvName(fn)
	what = pkg + "." + name
	if recv != "" {
		what = pkg + "." + recv + "." + name
	}
	switch pkg {
	case "time":
		if recv == "" && name == "Sleep" {
			return what, "await rt.Sleep(d)", true
		}
	case "sync":
		switch {
		case (recv == "Mutex" || recv == "RWMutex") && (name == "Lock" || name == "RLock"):
			return what, "await the Acquire of an rt.Lock (rt.NewLock)", true
		case recv == "WaitGroup" && name == "Wait":
			return what, "await rt.Gather or use an rt.TaskGroup", true
		case recv == "Cond" && name == "Wait":
			return what, "await the Wait of an rt.Condition", true
		}
	case "net":
		for _, p := range []string{"Dial", "Lookup", "Read", "Write", "Accept"} {
			if strings.HasPrefix(name, p) {
				return what, "use the streams API (streams.OpenConnection, StreamReader, StreamWriter) or the loop's Sock methods", true
			}
		}
	case "os":
		switch {
		case recv == "" && oneOf(name, "ReadFile", "WriteFile", "Open", "OpenFile", "Create", "ReadDir", "CopyFS"):
			return what, inExecutor, true
		case recv == "File" && (strings.HasPrefix(name, "Read") || strings.HasPrefix(name, "Write") || name == "Sync"):
			return what, inExecutor, true
		case recv == "Process" && name == "Wait":
			return what, inExecutor, true
		}
	case "os/exec":
		if recv == "Cmd" && oneOf(name, "Run", "Output", "CombinedOutput", "Wait") {
			return what, inExecutor, true
		}
	case "net/http":
		if (recv == "" || recv == "Client") && oneOf(name, "Get", "Head", "Post", "PostForm", "Do") {
			return what, inExecutor, true
		}
	}
	return "", "", false
}

// recvName is the name of the type of fn's receiver, "" for a function.
func recvName(fn *types.Func) string {
	r := fn.Type().(*types.Signature).Recv()
	if r == nil {
		return ""
	}
	t := r.Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Obj().Name()
	}
	return ""
}

func oneOf(s string, set ...string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}
