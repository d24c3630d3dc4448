package streams_test

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// replayReaderCase is one script of testdata/replay/reader.json: a limit,
// chunks to feed, whether the stream then ends, and the reads to make.
type replayReaderCase struct {
	Limit  int
	Chunks []string
	EOF    bool
	Ops    [][2]any
}

// Scripts of feeds and reads whose outcomes were recorded from CPython
// 3.13's StreamReader (testdata/replay/cpython.py writes and records
// them): each read starts as a task, the next chunk is fed while it
// waits, then the end of the stream. What each read returned or failed
// with (LimitOverrunError's Consumed, IncompleteReadError's Partial and
// Expected, ReadLine's over-limit error), and what stayed buffered, must
// be CPython's. Read(-1), which differs on purpose only when cancelled,
// is left out.
func TestReplayReaderAsCPython(t *testing.T) {
	raw, err := os.ReadFile("testdata/replay/reader.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Rows []struct {
			Case replayReaderCase
			Want []string
		}
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i, row := range file.Rows {
		got := replayReader(t, row.Case)
		if fmt.Sprint(got) == fmt.Sprint(row.Want) {
			continue
		}
		if bad++; bad <= 3 {
			t.Errorf("row %d: %+v\n got  %q\n want %q", i, row.Case, got, row.Want)
		}
	}
	if bad > 3 {
		t.Errorf("%d of %d rows differ", bad, len(file.Rows))
	}
}

// replayReader runs one script and says what each read came to.
func replayReader(t *testing.T, c replayReaderCase) []string {
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	brief := func() { // three turns of the loop, as the recording's sleep(0)s
		for range 3 {
			if err := l.RunUntilComplete(rt.CreateTask(l, rt.Sleep(0))); err != nil {
				t.Fatal(err)
			}
		}
	}
	r := streams.NewStreamReader(c.Limit)
	var chunks [][]byte
	for _, s := range c.Chunks {
		b := make([]byte, 0, len(s))
		for _, ch := range s { // latin-1: one byte per rune
			b = append(b, byte(ch))
		}
		chunks = append(chunks, b)
	}
	fedEOF := false
	var out []string
	for _, o := range c.Ops {
		op := o[0].(string)
		var read rt.Coro[[]byte]
		var name string
		switch op {
		case "readline":
			read, name = r.ReadLine(), "readline(0)"
		case "readuntil":
			read, name = r.ReadUntil([]byte(o[1].(string))), fmt.Sprintf("readuntil(%s)", o[1])
		case "readexactly":
			n := int(o[1].(float64))
			read, name = r.ReadExactly(n), fmt.Sprintf("readexactly(%d)", n)
		default:
			n := int(o[1].(float64))
			read, name = r.Read(n), fmt.Sprintf("read(%d)", n)
		}
		task := rt.CreateTask(l, read)
		brief()
		for !task.Done() && len(chunks) > 0 {
			r.FeedData(chunks[0])
			chunks = chunks[1:]
			brief()
		}
		if !task.Done() && c.EOF && !fedEOF {
			r.FeedEOF()
			fedEOF = true
			brief()
		}
		if !task.Done() {
			task.Cancel()
			brief()
			out = append(out, fmt.Sprintf("%s blocked buf=%d", name, r.Buffered()))
			break
		}
		v, err := task.Result()
		var ie *streams.IncompleteReadError
		var le *streams.LimitOverrunError
		switch {
		case err == nil:
			out = append(out, fmt.Sprintf("%s ok %s buf=%d", name, hex.EncodeToString(v), r.Buffered()))
		case errors.As(err, &ie):
			out = append(out, fmt.Sprintf("%s incomplete %s/%d buf=%d", name, hex.EncodeToString(ie.Partial), ie.Expected, r.Buffered()))
		case errors.As(err, &le):
			out = append(out, fmt.Sprintf("%s overrun %d buf=%d", name, le.Consumed, r.Buffered()))
		case errors.Is(err, streams.ErrLimitOverrun):
			out = append(out, fmt.Sprintf("%s linetoolong buf=%d", name, r.Buffered()))
		default:
			out = append(out, fmt.Sprintf("%s %v buf=%d", name, err, r.Buffered()))
		}
	}
	return out
}
