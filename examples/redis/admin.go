package main

import "sort"

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
	if !isWord(args[1], "get") {
		c.out = appendError(c.out, "ERR unknown subcommand '"+string(appendClean(nil, args[1], 128))+"'. Try CONFIG HELP.")
		return
	}
	if len(args) < 3 {
		c.out = appendError(c.out, "ERR wrong number of arguments for 'config|get' command")
		return
	}
	var pairs [][2]string
	for _, kv := range config {
		for _, pat := range args[2:] {
			if globMatch(lowered(pat), kv[0]) {
				pairs = append(pairs, kv)
				break
			}
		}
	}
	c.out = appendArray(c.out, 2*len(pairs))
	for _, kv := range pairs {
		c.out = appendBulkString(c.out, kv[0])
		c.out = appendBulkString(c.out, kv[1])
	}
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

// cmdCommand is COMMAND, COMMAND COUNT, COMMAND INFO name..., COMMAND
// LIST and COMMAND DOCS (answered with no docs, which redis-cli accepts).
func cmdCommand(c *client, args [][]byte) {
	if len(args) == 1 {
		names := sortedNames()
		c.out = appendArray(c.out, len(names))
		for _, n := range names {
			c.appendInfo(commands[n])
		}
		return
	}
	sub := args[1]
	switch {
	case isWord(sub, "count") && len(args) == 2:
		c.out = appendInt(c.out, int64(len(commands)))
	case isWord(sub, "list") && len(args) == 2:
		names := sortedNames()
		c.out = appendArray(c.out, len(names))
		for _, n := range names {
			c.out = appendBulkString(c.out, n)
		}
	case isWord(sub, "info"):
		c.out = appendArray(c.out, len(args)-2)
		for _, n := range args[2:] {
			if cmd := commands[string(lowered(n))]; cmd != nil {
				c.appendInfo(cmd)
			} else {
				c.out = append(c.out, "*-1\r\n"...)
			}
		}
	case isWord(sub, "docs"):
		c.out = appendArray(c.out, 0)
	default:
		c.out = appendError(c.out, "ERR unknown subcommand '"+string(appendClean(nil, sub, 128))+"'. Try COMMAND HELP.")
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
