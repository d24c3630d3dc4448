package main

import (
	"bytes"
	"sort"
)

// The commands clients send about the server rather than the data:
// COMMAND, which redis-cli asks at start-up for its hints, and CONFIG GET,
// which redis-benchmark asks for "save" and "appendonly".

// config holds the parameters CONFIG GET reports: a server with no
// persistence and one database.
var config = [][2]string{
	{"save", ""},
	{"appendonly", "no"},
	{"databases", "1"},
	{"maxmemory", "0"},
}

// The subcommands of CONFIG and COMMAND, which execute looks up and
// checks as it does commands, so that a bad one is refused inside MULTI.
var (
	configCommands = subcommands("config", []*command{
		{name: "get", arity: -3, run: cmdConfigGet},
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
