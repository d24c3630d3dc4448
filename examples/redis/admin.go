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

func cmdConfig(c *client, args [][]byte) {
	switch {
	case isWord(args[1], "help") && len(args) == 2:
		c.help("CONFIG", configHelp)
		return
	case !isWord(args[1], "get"):
		c.out = appendError(c.out, "ERR unknown subcommand '"+string(appendClean(nil, args[1], 128))+"'. Try CONFIG HELP.")
		return
	case len(args) < 3:
		c.out = appendError(c.out, "ERR wrong number of arguments for 'config|get' command")
		return
	}
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
	c.out = appendArray(c.out, 2*len(pairs))
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

// cmdCommand is COMMAND, COMMAND COUNT, COMMAND INFO [name...], COMMAND
// LIST, COMMAND HELP and COMMAND DOCS (answered with no docs, which
// redis-cli accepts).
func cmdCommand(c *client, args [][]byte) {
	if len(args) == 1 {
		c.allInfo()
		return
	}
	sub := args[1]
	switch {
	case isWord(sub, "count") && len(args) == 2:
		c.out = appendInt(c.out, int64(len(commands)))
	case isWord(sub, "count"):
		c.out = appendError(c.out, "ERR wrong number of arguments for 'command|count' command")
	case isWord(sub, "list") && len(args) == 2:
		names := sortedNames()
		c.out = appendArray(c.out, len(names))
		for _, n := range names {
			c.out = appendBulkString(c.out, n)
		}
	case isWord(sub, "list"):
		c.out = appendError(c.out, errSyntax) // FILTERBY is not implemented
	case isWord(sub, "info") && len(args) == 2:
		c.allInfo()
	case isWord(sub, "info"):
		c.out = appendArray(c.out, len(args)-2)
		for _, n := range args[2:] {
			if cmd := commands[string(lowered(n))]; cmd != nil {
				c.appendInfo(cmd)
			} else {
				c.out = appendNull(c.out)
			}
		}
	case isWord(sub, "docs"):
		c.out = appendArray(c.out, 0)
	case isWord(sub, "help") && len(args) == 2:
		c.help("COMMAND", commandHelp)
	default:
		c.out = appendError(c.out, "ERR unknown subcommand '"+string(appendClean(nil, sub, 128))+"'. Try COMMAND HELP.")
	}
}

// allInfo answers COMMAND and COMMAND INFO without names: every command.
func (c *client) allInfo() {
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
	c.out = appendArray(c.out, len(cmd.flags))
	for _, f := range cmd.flags {
		c.out = appendSimple(c.out, f)
	}
	c.out = appendInt(c.out, int64(cmd.first))
	c.out = appendInt(c.out, int64(cmd.last))
	c.out = appendInt(c.out, int64(cmd.step))
	for range 4 {
		c.out = appendArray(c.out, 0)
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
