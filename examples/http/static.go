package main

import (
	"errors"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// The static-file handler. File system calls block, so they run on the
// loop's executor (asyncio's run_in_executor) and come back as futures;
// the loop never waits on a disk.

// smallFile is the size up to which a file is read whole in one executor
// call; bigger files are sent in chunks of this size, each written and
// drained before the next is read, so a slow client holds one chunk.
const smallFile = 64 << 10

// staticFile is an opened file, or a small one already read.
type staticFile struct {
	f       *os.File // nil once data holds the whole file
	data    []byte
	size    int64
	ctype   string
	modTime time.Time
}

// errNeedsSlash is openStatic's answer for a directory named without its
// final slash, errNoSlash for a file named with one.
var (
	errNeedsSlash = errors.New("a directory needs its final slash")
	errNoSlash    = errors.New("a file has no final slash")
)

// static answers GET or HEAD of the file at target (a path below
// /static/, and maybe a query) under the server's root.
//
//asyncgen:coroutine
func (c *conn) static(target string, head bool, closing connHeader) error {
	s := c.s
	rawPath, query, hasQuery := strings.Cut(target, "?")
	name, ok := resolve(s.root, rawPath)
	if !ok {
		s.out = appendResponse(s.out, s.date.get(), 404, "text/plain; charset=utf-8", []byte("Not Found\n"), head, closing)
		return nil
	}
	slash := rawPath == "" || strings.HasSuffix(rawPath, "/")
	l := rt.RunningLoop()
	// The open runs on whatever becomes of this handler. If the handler
	// goes before it takes the file (cancelled or closed while it
	// waits), the file is closed when the open ends, not left to its
	// finalizer; Shield keeps a cancellation from cancelling the open's
	// future, which would drop the file with its outcome.
	opening := rt.RunInExecutor(l, func() (*staticFile, error) { return s.open(name, slash) })
	taken := false
	defer func() {
		if !taken {
			opening.AddDoneCallback(closeUntaken)
		}
	}()
	sf, err := rt.Await(rt.Shield(opening))
	if errors.Is(err, rt.ErrCancelled) {
		return err
	}
	taken = true
	if errors.Is(err, errNeedsSlash) || errors.Is(err, errNoSlash) {
		// Served at a name without the slash, the index's relative links
		// would resolve against the parent directory; a file served at
		// one with the slash would have its links resolve below it.
		loc := "/static/" + rawPath + "/"
		if errors.Is(err, errNoSlash) {
			loc = "/static/" + strings.TrimRight(rawPath, "/")
		}
		if hasQuery {
			loc += "?" + query
		}
		s.out = appendResponse(s.out, s.date.get(), 301, "text/plain; charset=utf-8", []byte("Moved Permanently\n"), head, closing,
			header{"Location", loc})
		return nil
	}
	if err != nil {
		status := 500
		switch {
		case errors.Is(err, fs.ErrNotExist):
			status = 404
		case errors.Is(err, fs.ErrPermission):
			status = 403
		}
		body := []byte(http.StatusText(status) + "\n")
		s.out = appendResponse(s.out, s.date.get(), status, "text/plain; charset=utf-8", body, head, closing)
		return nil
	}
	if sf.f != nil {
		defer sf.f.Close()
	}
	s.out = appendHead(s.out, s.date.get(), 200, sf.ctype, sf.size, closing,
		header{"Last-Modified", sf.modTime.UTC().Format(http.TimeFormat)})
	if head {
		return nil
	}
	if sf.f == nil {
		s.out = append(s.out, sf.data...)
		return nil
	}
	for off := int64(0); off < sf.size; {
		if err := c.flush(); err != nil {
			return err
		}
		if _, err := rt.Await(c.w.Drain()); err != nil {
			return err
		}
		at := off
		chunk, err := rt.Await(rt.RunInExecutor(l, func() ([]byte, error) { return readChunk(sf.f, at, sf.size) }))
		if err != nil {
			// The head is gone already: all that is left is to end
			// the connection, so that the client sees a short body.
			return err
		}
		off += int64(len(chunk))
		if err := c.w.Write(chunk); err != nil {
			return err
		}
	}
	return nil
}

// closeUntaken closes the file of an open whose handler went without it.
func closeUntaken(opening *rt.Future[*staticFile]) {
	if sf, err := opening.Result(); err == nil && sf.f != nil {
		sf.f.Close()
	}
}

// resolve maps a request path below /static/ to a file name under root;
// ok is false when there is no root or the path cannot name a file there.
// Cleaning the path as an absolute one removes every ".." that would
// climb above root.
func resolve(root, rawPath string) (string, bool) {
	if root == "" {
		return "", false
	}
	p, err := url.PathUnescape(rawPath)
	if err != nil || strings.ContainsRune(p, 0) {
		return "", false
	}
	return filepath.Join(root, filepath.FromSlash(path.Clean("/"+p))), true
}

// openStatic opens name (its index.html for a directory, which must have
// been asked for with its final slash, or errNeedsSlash; a file asked for
// with one is errNoSlash), on an executor goroutine. Anything but a
// regular file is not found, and so is a name that goes on below a file
// (ENOTDIR: the client's mistake, not the server's failure): opening a
// FIFO would block the executor for good.
func openStatic(name string, slash bool) (*staticFile, error) {
	fi, err := os.Stat(name)
	switch {
	case err == nil && fi.IsDir():
		if !slash {
			return nil, errNeedsSlash
		}
		name = filepath.Join(name, "index.html")
		fi, err = os.Stat(name)
	case err == nil && slash && fi.Mode().IsRegular():
		return nil, errNoSlash
	}
	if errors.Is(err, syscall.ENOTDIR) {
		return nil, fs.ErrNotExist
	}
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fs.ErrNotExist
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	sf := &staticFile{f: f, size: fi.Size(), modTime: fi.ModTime()}
	sniff := make([]byte, min(sf.size, smallFile))
	n, err := io.ReadFull(f, sniff)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		f.Close()
		return nil, err
	}
	sniff = sniff[:n]
	sf.ctype = mime.TypeByExtension(filepath.Ext(name))
	if sf.ctype == "" {
		sf.ctype = http.DetectContentType(sniff)
	}
	if sf.size <= smallFile {
		// A file that changed size since Stat is sent as it was read.
		sf.data, sf.size, sf.f = sniff, int64(n), nil
		f.Close()
	}
	return sf, nil
}

// readChunk reads the chunk of f at off, on an executor goroutine.
func readChunk(f *os.File, off, size int64) ([]byte, error) {
	buf := make([]byte, min(size-off, smallFile))
	n, err := f.ReadAt(buf, off)
	if n == len(buf) {
		return buf, nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF // the file shrank under us
	}
	return nil, err
}
