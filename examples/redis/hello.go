package main

// HELLO and AUTH: how clients open a connection since Redis 6. HELLO
// chooses the protocol of the replies (2, RESP2, the default; or 3,
// RESP3, which node-redis 5 and later ask for and will not connect
// without), can name the connection and authenticate, and answers what
// the server is. The server has no passwords: like a Redis whose default
// user has none, it takes any password for the user "default" and none
// for another.

// connFlags are HELLO's and AUTH's flags in COMMAND's answers.
var connFlags = []string{"noscript", "loading", "stale", "fast", "no_auth", "allow_busy"}

const errWrongPass = "WRONGPASS invalid username-password pair or user is disabled."

// proto is the client's protocol version, as HELLO and CLIENT LIST say it.
func (c *client) proto() int {
	if c.resp3 {
		return 3
	}
	return 2
}

// cmdHello is HELLO [protover [AUTH username password] [SETNAME name]].
// As in Redis 7.0, the options are read in order and each is taken as it
// is read: a name before a wrong AUTH is kept, and what follows a wrong
// AUTH is not looked at; the protocol changes only once every option has
// been accepted, and the answer is in the new one.
func cmdHello(c *client, args [][]byte) {
	ver := c.proto()
	if len(args) > 1 {
		n, ok := parseInt(args[1])
		if !ok {
			c.out = appendError(c.out, "ERR Protocol version is not an integer or out of range")
			return
		}
		if n != 2 && n != 3 {
			c.out = appendError(c.out, "NOPROTO unsupported protocol version")
			return
		}
		ver = int(n)
	}
	for j := 2; j < len(args); j++ {
		more := len(args) - 1 - j
		switch {
		case isWord(args[j], "auth") && more >= 2:
			if string(args[j+1]) != "default" {
				c.out = appendError(c.out, errWrongPass)
				return
			}
			j += 2
		case isWord(args[j], "setname") && more >= 1:
			if !printable(args[j+1]) {
				c.out = appendError(c.out, errClientName)
				return
			}
			c.clientName = string(args[j+1])
			j++
		default:
			c.out = appendError(c.out, "ERR Syntax error in HELLO option '"+string(appendClean(nil, args[j], 128))+"'")
			return
		}
	}
	c.resp3 = ver == 3
	c.mapLen(7)
	c.out = appendBulkString(c.out, "server")
	c.out = appendBulkString(c.out, "redis")
	c.out = appendBulkString(c.out, "version")
	c.out = appendBulkString(c.out, redisVersion)
	c.out = appendBulkString(c.out, "proto")
	c.out = appendInt(c.out, int64(ver))
	c.out = appendBulkString(c.out, "id")
	c.out = appendInt(c.out, c.id)
	c.out = appendBulkString(c.out, "mode")
	c.out = appendBulkString(c.out, "standalone")
	c.out = appendBulkString(c.out, "role")
	c.out = appendBulkString(c.out, "master")
	c.out = appendBulkString(c.out, "modules")
	c.out = appendArray(c.out, 0)
}

// cmdAuth is AUTH [username] password: any password for the default
// user; a password alone is refused as Redis refuses it when the default
// user has none.
func cmdAuth(c *client, args [][]byte) {
	switch {
	case len(args) > 3:
		c.out = appendError(c.out, errSyntax)
	case len(args) == 2:
		c.out = appendError(c.out, "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
	case string(args[1]) != "default":
		c.out = appendError(c.out, errWrongPass)
	default:
		c.ok()
	}
}
