package main

//go:generate go run github.com/asyncgen/asyncgen/cmd/asyncgen

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// One connection's life, as coroutine templates (session_async.go holds
// their generated state machines): ask for a nick, join, then run the
// client's reader and writer inside a TaskGroup until either ends.

const help = "* commands: /nick NAME, /who, /quit; anything else is said to everyone\n"

// handle is the connection's task.
//
//asyncgen:coroutine
func (h *hub) handle(r *streams.StreamReader, w *streams.StreamWriter) error {
	defer w.Close()
	w.Write([]byte("* welcome to asyncgen chat; your nick?\n"))
	h.lobby[w] = struct{}{}
	in := &lineReader{r: r, limit: h.limit}
	nick, err := rt.Await(h.askNickAsync(in, w))
	delete(h.lobby, w)
	if err != nil || nick == "" || h.closing {
		return quiet(err)
	}
	c := &client{nick: nick, q: rt.NewQueue[[]byte](h.queueSize), w: w}
	w.Write([]byte("* hello " + nick + "\n" + help))
	h.join(c)
	_, err = rt.Await(rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[rt.Void] {
		return h.sessionAsync(tg, c, in)
	}))
	h.leave(c, "left")
	return quiet(err)
}

// askNick reads lines until one is an acceptable nick; "" at EOF. Each
// refusal is drained before the next line is read, so that a client that
// sends without reading is held back instead of growing the buffer.
//
//asyncgen:coroutine
func (h *hub) askNick(in *lineReader, w *streams.StreamWriter) (string, error) {
	for {
		line, err := rt.Await(in.nextAsync())
		var refusal string
		switch {
		case errors.Is(err, streams.ErrLimitOverrun):
			refusal = "* that line is too long; your nick?\n"
		case err != nil || len(line) == 0:
			return "", err
		default:
			nick := strings.TrimSpace(string(line))
			bad := h.validNick(nil, nick)
			if bad == "" {
				return nick, nil
			}
			refusal = "* " + bad + "; your nick?\n"
		}
		w.Write([]byte(refusal))
		if _, err := rt.Await(w.Drain()); err != nil {
			return "", err
		}
	}
}

// lineReader reads a client's lines as ReadLine does, except that a line
// over the limit is refused whole, however long. ReadLine refuses a line
// once it holds more than the limit without a newline and drops what it
// holds, so the rest of a line longer than the reader's buffer would
// arrive as a line of its own: a nick, or something said. The limit is
// the text's, whether the line ends with LF or CRLF: the reader's own
// limit is one byte more, for the CR, and a line within it whose text is
// longer is refused here.
type lineReader struct {
	r     *streams.StreamReader
	limit int  // longest text of a line
	skip  bool // the last line was refused before its newline arrived
}

// errLineTooLong refuses a line that the reader took whole but whose text
// is over the limit.
var errLineTooLong = fmt.Errorf("chat: line over the limit: %w", streams.ErrLimitOverrun)

// next reads one line, "\n" included; at EOF the partial last line,
// empty when there is none. A line over the limit fails with an error
// matching streams.ErrLimitOverrun as soon as the limit is passed, and
// the next read first drops the rest of it.
//
//asyncgen:coroutine
func (in *lineReader) next() ([]byte, error) {
	for in.skip {
		data := in.r.Peek()
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			in.r.Consume(i + 1)
			in.skip = false
			break
		}
		in.r.Consume(len(data))
		if _, err := rt.Await(in.r.ReadMore()); err != nil {
			if errors.Is(err, io.EOF) {
				return nil, nil
			}
			return nil, err
		}
	}
	line, err := rt.Await(in.r.ReadUntil(newline))
	var partial *streams.IncompleteReadError
	switch {
	case err == nil:
		return in.checked(line)
	case errors.As(err, &partial):
		return in.checked(partial.Partial)
	case errors.Is(err, streams.ErrLimitOverrun):
		// ReadUntil kept the line's start buffered: drop it now, and
		// the rest up to its newline on the next read.
		in.skip = true
		if i := bytes.IndexByte(in.r.Peek(), '\n'); i >= 0 {
			in.r.Consume(i + 1)
			in.skip = false
		}
	}
	return nil, err
}

var newline = []byte{'\n'}

// checked returns line, or errLineTooLong if its text (without its LF or
// CRLF) is over the limit.
func (in *lineReader) checked(line []byte) ([]byte, error) {
	text := bytes.TrimSuffix(line, newline)
	text = bytes.TrimSuffix(text, []byte{'\r'})
	if len(text) > in.limit {
		return nil, errLineTooLong
	}
	return line, nil
}

// session starts c's writer in the group and reads c's lines until EOF
// or /quit; then the queue is shut down, and the writer ends once it has
// sent what was queued.
//
//asyncgen:coroutine
func (h *hub) session(tg *rt.TaskGroup, c *client, in *lineReader) error {
	if _, err := rt.Spawn(tg, h.writerAsync(c)); err != nil {
		return err
	}
	for {
		line, err := rt.Await(in.nextAsync())
		if errors.Is(err, streams.ErrLimitOverrun) {
			h.send(c, "* that line is too long, and was not sent\n")
			continue
		}
		if err != nil || len(line) == 0 {
			h.leave(c, "left")
			return err
		}
		text := strings.TrimRight(string(line), "\r\n")
		if strings.HasPrefix(text, "/") {
			if h.command(c, text) {
				h.leave(c, "quit")
				return nil
			}
			continue
		}
		if h.broadcastFrom(c, text) >= h.queueSize/2 {
			// Let the writers run before reading on: a client that
			// sends a burst must not fill everyone's queue before any
			// writer had a turn, or healthy clients would be dropped.
			if _, err := rt.Await(rt.Sleep(0)); err != nil {
				return err
			}
		}
	}
}

// command runs a line that starts with '/', and reports whether the
// client asked to quit.
func (h *hub) command(c *client, text string) (quit bool) {
	cmd, arg, _ := strings.Cut(text, " ")
	switch cmd {
	case "/quit":
		h.send(c, "* bye\n")
		return true
	case "/who":
		h.send(c, h.who())
	case "/nick":
		arg = strings.TrimSpace(arg)
		if bad := h.validNick(c, arg); bad != "" {
			h.send(c, "* "+bad+"\n")
		} else if arg == c.nick {
			h.send(c, "* you are "+arg+" already\n")
		} else {
			h.rename(c, arg)
			h.send(c, "* you are now "+arg+"\n")
		}
	case "/help":
		h.send(c, help)
	default:
		h.send(c, "* unknown command "+cmd+"\n"+help)
	}
	return false
}

// broadcastFrom says text to everyone but c; empty lines are not said.
func (h *hub) broadcastFrom(c *client, text string) int {
	if strings.TrimSpace(text) == "" || c.dropped {
		return 0
	}
	return h.broadcast(c, "<"+c.nick+"> "+tame(text)+"\n")
}

// tame replaces the control characters of text but tab with '?': a
// carriage return or an escape sequence would let a client rewrite what
// the others' terminals show, and pass for someone else. That is C0 and
// DEL, and C1 (U+0080 to U+009F: U+009B is CSI to a terminal that
// decodes UTF-8), whether encoded in UTF-8 or as a byte outside it (CSI
// to one that does not). Anything else is passed on as sent, text that
// is not UTF-8 included.
func tame(text string) string {
	i := 0
	for i < len(text) && wildAt(text, i) == 0 {
		i++
	}
	if i == len(text) {
		return text
	}
	b := []byte(text[:i])
	for i < len(text) {
		if n := wildAt(text, i); n > 0 {
			b = append(b, '?')
			i += n
			continue
		}
		b = append(b, text[i])
		i++
	}
	return string(b)
}

// wildAt is the length of the control character at text[i], 0 if there
// is none there. A byte of 0x80 or above is one only as U+0080 to U+009F
// in UTF-8 or as a C1 byte that is not part of a UTF-8 sequence; one
// inside a longer character is not, and neither is a continuation byte.
func wildAt(text string, i int) int {
	c := text[i]
	switch {
	case c < ' ' && c != '\t' || c == 0x7f:
		return 1
	case c < 0x80:
		return 0
	case c == 0xc2 && i+1 < len(text) && text[i+1] >= 0x80 && text[i+1] <= 0x9f:
		return 2
	case c >= 0x80 && c <= 0x9f && !continues(text, i):
		return 1
	}
	return 0
}

// continues reports whether text[i], a continuation byte, belongs to the
// valid UTF-8 character that starts before it.
func continues(text string, i int) bool {
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		if utf8.RuneStart(text[j]) {
			r, n := utf8.DecodeRuneInString(text[j:])
			return !(r == utf8.RuneError && n == 1) && j+n > i
		}
	}
	return false
}

// writer writes c's queued lines, everything queued at once, and waits
// for the connection to drain before taking more. When the queue is shut
// down (the client left, was dropped, or the server is ending) it closes
// the connection once the lines are sent, which also ends the reader.
//
//asyncgen:coroutine
func (h *hub) writer(c *client) error {
	for {
		line, err := rt.Await(c.q.Get())
		if err != nil {
			c.w.Close()
			return nil
		}
		c.w.Write(line)
		for !c.q.Empty() {
			more, _ := c.q.GetNowait()
			c.w.Write(more)
		}
		if _, err := rt.Await(c.w.Drain()); err != nil {
			return quiet(err)
		}
	}
}

// quiet makes a client's going away a normal end of its task, so that
// the loop's exception handler hears only of real failures.
func quiet(err error) error {
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, streams.ErrConnectionLost) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return nil
	}
	return err
}
