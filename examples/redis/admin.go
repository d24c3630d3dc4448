package main

import (
	"bytes"
	"math"
	"slices"
	"sort"
	"strconv"
)

// The commands clients send about the server rather than the data:
// COMMAND, which redis-cli asks at start-up for its hints, and CONFIG GET,
// which redis-benchmark asks for "save" and "appendonly".

// defaultConfig holds the parameters CONFIG GET reports, as a server
// starts: no persistence and one database. Each server has its copy,
// which CONFIG SET changes.
var defaultConfig = [][2]string{
	{"save", ""},
	{"appendonly", "no"},
	{"databases", "1"},
	{"maxmemory", "0"},
}

// The subcommands of CONFIG and COMMAND, which execute looks up and
// checks as it does commands, so that a bad one is refused inside MULTI.
var (
	configCommands = subcommands("config", []*command{
		{name: "get", arity: -3, flags: []string{"admin", "noscript", "loading", "stale"}, run: cmdConfigGet},
		{name: "set", arity: -4, flags: []string{"admin", "noscript", "loading", "stale"}, run: cmdConfigSet},
		{name: "help", arity: 2, run: func(c *client, _ [][]byte) { c.help("CONFIG", configHelp) }},
	})
	commandCommands = subcommands("command", []*command{
		{name: "count", arity: 2, run: func(c *client, _ [][]byte) { c.out = appendInt(c.out, int64(len(commands))) }},
		{name: "list", arity: -2, run: cmdCommandList},
		{name: "info", arity: -2, run: cmdCommandInfo},
		{name: "docs", arity: -2, run: func(c *client, _ [][]byte) { c.mapLen(0) }}, // no docs, which redis-cli accepts
		{name: "help", arity: 2, run: func(c *client, _ [][]byte) { c.help("COMMAND", commandHelp) }},
	})
)

// cmdConfigGet is CONFIG GET pattern [pattern ...]: the parameters named
// or matched, each with its value.
func cmdConfigGet(c *client, args [][]byte) {
	// As in Redis, a name without glob characters is looked up and
	// answered in the client's spelling; a pattern answers the canonical
	// names it matches; a parameter is answered once.
	var pairs [][2]string
	config := c.srv.config
	seen := make([]bool, len(config))
	for _, pat := range args[2:] {
		low := lowered(pat)
		literal := !bytes.ContainsAny(pat, "[*?")
		for i, kv := range config {
			if seen[i] || literal && string(low) != kv[0] || !literal && !globMatch(low, kv[0]) {
				continue
			}
			seen[i] = true
			if literal {
				kv[0] = string(pat)
			}
			pairs = append(pairs, kv)
		}
	}
	c.mapLen(len(pairs))
	for _, kv := range pairs {
		c.out = appendBulkString(c.out, kv[0])
		c.out = appendBulkString(c.out, kv[1])
	}
}

// The HELP of CONFIG and COMMAND: what this server implements of them.
var (
	configHelp = []string{
		"GET <pattern>",
		"    Return parameters matching the glob-like <pattern> and their values.",
		"SET <directive> <value>",
		"    Set the configuration <directive> to <value>.",
	}
	commandHelp = []string{
		"(no subcommand)",
		"    Return details about all commands.",
		"COUNT",
		"    Return the total number of commands in this server.",
		"LIST",
		"    Return a list of all commands in this server.",
		"INFO [<command-name> ...]",
		"    Return details about the commands named, or about all of them.",
		"DOCS [<command-name> ...]",
		"    Answered with no documentation.",
	}
)

// help answers HELP in Redis's shape: an array of status lines, the usage
// first and HELP itself last.
func (c *client) help(name string, lines []string) {
	c.out = appendArray(c.out, len(lines)+3)
	c.out = appendSimple(c.out, name+" <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		c.out = appendSimple(c.out, l)
	}
	c.out = appendSimple(c.out, "HELP")
	c.out = appendSimple(c.out, "    Prints this help.")
}

// lowered returns a lower-case copy of b.
func lowered(b []byte) []byte {
	out := make([]byte, len(b))
	for i, x := range b {
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		out[i] = x
	}
	return out
}

// cmdCommandList is COMMAND LIST: every command's name.
func cmdCommandList(c *client, args [][]byte) {
	if len(args) > 2 {
		c.out = appendError(c.out, errSyntax) // FILTERBY is not implemented
		return
	}
	names := sortedNames()
	c.out = appendArray(c.out, len(names))
	for _, n := range names {
		c.out = appendBulkString(c.out, n)
	}
}

// cmdCommandInfo is COMMAND INFO [name...]: every command, or those named
// (null for an unknown name).
func cmdCommandInfo(c *client, args [][]byte) {
	if len(args) == 2 {
		cmdCommandAll(c, args)
		return
	}
	c.out = appendArray(c.out, len(args)-2)
	for _, n := range args[2:] {
		if cmd := commands[string(lowered(n))]; cmd != nil {
			c.appendInfo(cmd)
		} else {
			c.null()
		}
	}
}

// cmdCommandAll answers COMMAND, and COMMAND INFO without names: every
// command.
func cmdCommandAll(c *client, _ [][]byte) {
	names := sortedNames()
	c.out = appendArray(c.out, len(names))
	for _, n := range names {
		c.appendInfo(commands[n])
	}
}

// appendInfo writes a command's description in the RESP2 shape of Redis 7:
// name, arity, flags, first key, last key, step, ACL categories, tips, key
// specs, subcommands.
func (c *client) appendInfo(cmd *command) {
	c.out = appendArray(c.out, 10)
	c.out = appendBulkString(c.out, cmd.name)
	c.out = appendInt(c.out, int64(cmd.arity))
	c.setLen(len(cmd.flags))
	for _, f := range cmd.flags {
		c.out = appendSimple(c.out, f)
	}
	c.out = appendInt(c.out, int64(cmd.first))
	c.out = appendInt(c.out, int64(cmd.last))
	c.out = appendInt(c.out, int64(cmd.step))
	for range 4 {
		c.setLen(0)
	}
}

func sortedNames() []string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// cmdConfigSet is CONFIG SET name value [name value ...], all or none of
// them, checked as Redis checks them: every name first (unknown,
// immutable, given twice), then every value. maxmemory is kept and
// reported but not enforced; save and appendonly take only the values
// that leave persistence off, since this server has none.
func cmdConfigSet(c *client, args [][]byte) {
	if len(args)%2 != 0 {
		c.out = appendError(c.out, errSyntax)
		return
	}
	config := c.srv.config
	idx := make([]int, 0, (len(args)-2)/2)
	for i := 2; i < len(args); i += 2 {
		j := slices.IndexFunc(config, func(kv [2]string) bool { return kv[0] == string(lowered(args[i])) })
		switch {
		case j < 0:
			c.out = appendError(c.out, "ERR Unknown option or number of arguments for CONFIG SET - '"+string(args[i])+"'")
			return
		case config[j][0] == "databases":
			c.configFailed(args[i], "can't set immutable config")
			return
		case slices.Contains(idx, j):
			c.configFailed(args[i], "duplicate parameter")
			return
		}
		idx = append(idx, j)
	}
	values := make([]string, len(idx))
	for k, j := range idx {
		name, v := args[2+2*k], args[3+2*k]
		switch config[j][0] {
		case "maxmemory":
			n, ok := memoryValue(v)
			if !ok {
				c.configFailed(name, "argument must be a memory value")
				return
			}
			values[k] = strconv.FormatUint(n, 10)
		case "appendonly":
			switch {
			case isWord(v, "no"):
				values[k] = "no"
			case isWord(v, "yes"):
				c.configFailed(name, "this server keeps no append only file")
				return
			default:
				c.configFailed(name, "argument must be 'yes' or 'no'")
				return
			}
		case "save":
			if len(bytes.TrimSpace(v)) != 0 {
				c.configFailed(name, "this server does not save")
				return
			}
			values[k] = ""
		}
	}
	for k, j := range idx {
		config[j][1] = values[k]
	}
	c.ok()
}

func (c *client) configFailed(name []byte, why string) {
	c.out = appendError(c.out, "ERR CONFIG SET failed (possibly related to argument '"+string(name)+"') - "+why)
}

// memoryValue reads a memory size as Redis's memtoull does: a number and
// a unit, b, k (1000), kb (1024), m, mb, g or gb, in any case.
func memoryValue(b []byte) (uint64, bool) {
	i := 0
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	if i == 0 || i > 19 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[:i]), 10, 64)
	if err != nil {
		return 0, false
	}
	mul := uint64(0)
	switch string(lowered(b[i:])) {
	case "", "b":
		mul = 1
	case "k":
		mul = 1000
	case "kb":
		mul = 1024
	case "m":
		mul = 1000 * 1000
	case "mb":
		mul = 1024 * 1024
	case "g":
		mul = 1000 * 1000 * 1000
	case "gb":
		mul = 1024 * 1024 * 1024
	default:
		return 0, false
	}
	if n > math.MaxUint64/mul {
		return 0, false
	}
	return n * mul, true
}
