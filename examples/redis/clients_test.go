package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt/streams"
)

// CLIENT's subcommands answer as redis-server 7.0's do, errors included:
// names are checked, each subcommand counts its own arguments, LIST and
// KILL read their filters as Redis does.
func TestClientSubcommands(t *testing.T) {
	wire(t, "CLIENT SETNAME my-conn\r\nCLIENT GETNAME\r\nCLIENT SETNAME \"a b\"\r\nCLIENT SETNAME é\r\nCLIENT GETNAME\r\n"+
		"CLIENT SETNAME \"\"\r\nCLIENT GETNAME\r\nCLIENT\r\nCLIENT FROB\r\nCLIENT SETNAME\r\nCLIENT GETNAME x\r\nCLIENT ID x\r\nCLIENT INFO x\r\n"+
		"CLIENT LIST x\r\nCLIENT LIST TYPE foo\r\nCLIENT LIST ID x\r\nCLIENT LIST ID 99999 99998\r\nCLIENT LIST TYPE NORMAL ID 1\r\n"+
		"CLIENT LIST ID\r\nCLIENT LIST TYPE master\r\nCLIENT LIST TYPE replica\r\nCLIENT LIST TYPE pubsub\r\n"+
		"CLIENT KILL 1.2.3.4:5\r\nCLIENT KILL ID 0\r\nCLIENT KILL ID 99999\r\nCLIENT KILL ID x\r\nCLIENT KILL FROB x\r\nCLIENT KILL ID\r\n"+
		"CLIENT KILL\r\nCLIENT KILL USER nobody\r\nCLIENT KILL USER default SKIPME maybe\r\nCLIENT KILL TYPE foo\r\n"+
		"CLIENT KILL TYPE pubsub\r\nCLIENT KILL SKIPME yes\r\nCLIENT KILL ADDR\r\n",
		"+OK\r\n$7\r\nmy-conn\r\n-ERR Client names cannot contain spaces, newlines or special characters.\r\n"+
			"-ERR Client names cannot contain spaces, newlines or special characters.\r\n$7\r\nmy-conn\r\n"+
			"+OK\r\n$-1\r\n-ERR wrong number of arguments for 'client' command\r\n-ERR unknown subcommand 'FROB'. Try CLIENT HELP.\r\n"+
			"-ERR wrong number of arguments for 'client|setname' command\r\n-ERR wrong number of arguments for 'client|getname' command\r\n"+
			"-ERR wrong number of arguments for 'client|id' command\r\n-ERR wrong number of arguments for 'client|info' command\r\n"+
			"-ERR syntax error\r\n-ERR Unknown client type 'foo'\r\n-ERR Invalid client ID\r\n$0\r\n\r\n-ERR syntax error\r\n"+
			"-ERR syntax error\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n"+
			"-ERR No such client\r\n-ERR client-id should be greater than 0\r\n:0\r\n-ERR client-id should be greater than 0\r\n"+
			"-ERR syntax error\r\n-ERR No such client\r\n"+
			"-ERR wrong number of arguments for 'client|kill' command\r\n-ERR No such user 'nobody'\r\n-ERR syntax error\r\n"+
			"-ERR Unknown client type 'foo'\r\n:0\r\n:0\r\n-ERR No such client\r\n")
}

// CLIENT SETINFO, which redis-py 5 sends on connecting, answers as Redis
// 7.2 does (7.0 has no SETINFO: it answers an unknown subcommand), and
// CLIENT INFO then shows the library's name and version.
func TestClientSetinfo(t *testing.T) {
	addr := startTest(t, defaultLimits)
	got := exchange(t, addr, "CLIENT SETINFO LIB-NAME redis-py\r\nCLIENT SETINFO lib-ver 5.0.1\r\nCLIENT SETINFO LIB-NAME \"a b\"\r\n"+
		"CLIENT SETINFO FROB x\r\nCLIENT SETINFO lib-name\r\n")
	want := "+OK\r\n+OK\r\n-ERR LIB-NAME cannot contain spaces, newlines or special characters.\r\n" +
		"-ERR Unrecognized option 'FROB'\r\n-ERR wrong number of arguments for 'client|setinfo' command\r\n"
	if got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	info := exchange(t, addr, "CLIENT SETINFO LIB-NAME redis-py\r\nCLIENT SETINFO lib-ver 5.0.1\r\nCLIENT INFO\r\n")
	if !strings.Contains(info, " lib-name=redis-py lib-ver=5.0.1\n") {
		t.Fatalf("CLIENT INFO after SETINFO: %q", info)
	}
}

// clientFields are the fields of a CLIENT LIST line, in redis-server
// 7.0's order, then the two Redis 7.2 adds for CLIENT SETINFO.
var clientFields = []string{"id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub", "ssub",
	"multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem", "tot-mem", "events",
	"cmd", "user", "redir", "resp", "lib-name", "lib-ver"}

// parseClients reads the bulk string CLIENT LIST or CLIENT INFO answers
// at the start of r: a line per client, each "field=value" separated by
// spaces, as Redis writes it. It checks the fields and their order.
func parseClients(t *testing.T, r *bufio.Reader) []map[string]string {
	t.Helper()
	var clients []map[string]string
	for _, line := range strings.SplitAfter(readBulk(t, r), "\n") {
		if line == "" {
			continue
		}
		if !strings.HasSuffix(line, "\n") {
			t.Fatalf("a line that does not end in a newline: %q", line)
		}
		fields := strings.Split(strings.TrimSuffix(line, "\n"), " ")
		c := map[string]string{}
		var names []string
		for _, f := range fields {
			k, v, ok := strings.Cut(f, "=")
			if !ok {
				t.Fatalf("field %q without '=' in %q", f, line)
			}
			names = append(names, k)
			c[k] = v
		}
		if strings.Join(names, " ") != strings.Join(clientFields, " ") {
			t.Fatalf("fields %q\nwant %q", names, clientFields)
		}
		clients = append(clients, c)
	}
	return clients
}

// readBulk reads a bulk string reply from r.
func readBulk(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	var n int
	if _, err := fmt.Fscanf(r, "$%d\r\n", &n); err != nil {
		t.Fatal(err)
	}
	body := make([]byte, n+2)
	if _, err := io.ReadFull(r, body); err != nil {
		t.Fatal(err)
	}
	return string(body[:n])
}

// conversation is a connection a test talks to one request at a time.
type conversation struct {
	net.Conn
	r *bufio.Reader
}

func converse(t *testing.T, addr string) *conversation {
	c := dial(t, addr)
	return &conversation{c, bufio.NewReader(c)}
}

// line sends req and returns the first line of the answer.
func (c *conversation) line(t *testing.T, req string) string {
	t.Helper()
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	l, err := c.r.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// CLIENT LIST lists every connection in Redis's format, oldest first,
// each with its id (what CLIENT ID answered it), its peer and local
// address and its name; a connection inside MULTI has flag x and its
// count of queued commands; one that has closed is gone. CLIENT INFO is
// the caller's own line.
func TestClientList(t *testing.T) {
	addr := startTest(t, defaultLimits)
	a, b := converse(t, addr), converse(t, addr)
	var idA, idB int
	fmt.Sscanf(a.line(t, "CLIENT ID\r\n"), ":%d", &idA)
	fmt.Sscanf(b.line(t, "CLIENT ID\r\n"), ":%d", &idB)
	if idA <= 0 || idB <= idA {
		t.Fatalf("ids %d, then %d", idA, idB)
	}
	a.line(t, "CLIENT SETNAME conn-a\r\n")
	a.line(t, "MULTI\r\n")
	a.line(t, "SET k v\r\n")
	io.WriteString(b, "CLIENT LIST\r\n")
	list := parseClients(t, b.r)
	if len(list) != 2 {
		t.Fatalf("%d clients listed, want 2: %v", len(list), list)
	}
	ca, cb := list[0], list[1]
	for _, check := range []struct{ field, got, want string }{
		{"id", ca["id"], fmt.Sprint(idA)},
		{"addr", ca["addr"], a.LocalAddr().String()},
		{"laddr", ca["laddr"], addr},
		{"name", ca["name"], "conn-a"},
		{"flags", ca["flags"], "x"},
		{"multi", ca["multi"], "1"},
		{"db", ca["db"], "0"},
		{"cmd", ca["cmd"], "set"}, // the command queued, as Redis has it
		{"id", cb["id"], fmt.Sprint(idB)},
		{"addr", cb["addr"], b.LocalAddr().String()},
		{"name", cb["name"], ""},
		{"flags", cb["flags"], "N"},
		{"multi", cb["multi"], "-1"},
		{"cmd", cb["cmd"], "client|list"},
		{"user", cb["user"], "default"},
		{"resp", cb["resp"], "2"},
	} {
		if check.got != check.want {
			t.Errorf("%s: %q, want %q", check.field, check.got, check.want)
		}
	}
	io.WriteString(b, "CLIENT LIST ID "+fmt.Sprint(idB)+"\r\n")
	if l := parseClients(t, b.r); len(l) != 1 || l[0]["id"] != fmt.Sprint(idB) {
		t.Errorf("CLIENT LIST ID %d: %v", idB, l)
	}
	if got := a.line(t, "EXEC\r\n"); got != "*1\r\n" {
		t.Fatalf("EXEC: %q", got)
	}
	a.r.ReadString('\n') // +OK
	io.WriteString(a, "CLIENT INFO\r\n")
	if l := parseClients(t, a.r); len(l) != 1 || l[0]["id"] != fmt.Sprint(idA) {
		t.Errorf("CLIENT INFO: %v", l)
	}
	a.Close()
	// The server closes a's connection in its own time: ask until it has.
	for {
		io.WriteString(b, "CLIENT LIST\r\n")
		if l := parseClients(t, b.r); len(l) == 1 {
			break
		}
	}
}

// CLIENT KILL closes other connections (by ID, or by address in the old
// form), and the caller's own only with SKIPME no, after answering.
func TestClientKill(t *testing.T) {
	addr := startTest(t, defaultLimits)
	a, b, c := converse(t, addr), converse(t, addr), converse(t, addr)
	var idA int
	fmt.Sscanf(a.line(t, "CLIENT ID\r\n"), ":%d", &idA)
	if got := b.line(t, fmt.Sprintf("CLIENT KILL ID %d\r\n", idA)); got != ":1\r\n" {
		t.Fatalf("CLIENT KILL ID: %q", got)
	}
	if _, err := a.r.ReadByte(); err != io.EOF {
		t.Fatalf("the killed connection read %v, want EOF", err)
	}
	if got := b.line(t, "CLIENT KILL "+c.LocalAddr().String()+"\r\n"); got != "+OK\r\n" {
		t.Fatalf("CLIENT KILL addr: %q", got)
	}
	if _, err := c.r.ReadByte(); err != io.EOF {
		t.Fatalf("the killed connection read %v, want EOF", err)
	}
	if got := b.line(t, "CLIENT KILL LADDR "+addr+" SKIPME no\r\n"); got != ":1\r\n" {
		t.Fatalf("CLIENT KILL SKIPME no: %q", got)
	}
	if _, err := b.r.ReadByte(); err != io.EOF {
		t.Fatalf("after killing itself the connection read %v, want EOF", err)
	}
}

// A connection's age counts from its start, its idle time from its last
// request, in seconds, on the loop's clock.
func TestClientAgeIdle(t *testing.T) {
	onVirtualServer(t, func(s *server) {
		a, b := s.newClient(), s.newClient()
		ra, rb := streams.NewStreamReader(0), streams.NewStreamReader(0)
		sleep(2 * time.Second)
		ra.FeedData([]byte("PING\r\n"))
		runBuffered(a, ra)
		sleep(3 * time.Second)
		rb.FeedData([]byte("CLIENT LIST\r\n"))
		out := runBuffered(b, rb)
		list := parseClients(t, bufio.NewReader(strings.NewReader(string(out))))
		if len(list) != 2 {
			t.Fatalf("%d clients listed, want 2", len(list))
		}
		for i, want := range [][2]string{{"5", "3"}, {"5", "0"}} {
			if got := [2]string{list[i]["age"], list[i]["idle"]}; got != want {
				t.Errorf("client %d: age, idle %q, want %q", i, got, want)
			}
		}
	})
}

// CLIENT LIST names a connection's last command as Redis 7 does, with
// its subcommand: "config|get", "command|count".
func TestClientListNamesSubcommands(t *testing.T) {
	onVirtualServer(t, func(s *server) {
		c, lister := s.newClient(), s.newClient()
		for _, req := range [][]string{a("CONFIG", "GET", "save"), a("COMMAND", "COUNT"), a("CLIENT", "GETNAME")} {
			do(c, req...)
			do(lister, "CLIENT", "LIST")
			list := parseClients(t, bufio.NewReader(strings.NewReader(string(lister.out))))
			if want := strings.ToLower(req[0] + "|" + req[1]); list[0]["cmd"] != want {
				t.Errorf("after %q: cmd=%s, want %s", req, list[0]["cmd"], want)
			}
		}
	})
}
