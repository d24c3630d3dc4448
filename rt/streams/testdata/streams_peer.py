"""A CPython asyncio streams peer for interop_test.go.

Both ends speak the UPPER exchange, which interop_test.go implements too:

Server (reader limit 1024):
  a complete line              -> the line upper-cased
  a line over the limit        -> "TOO LONG\\n" once; the line is skipped
                                  through its newline, however it arrived
  a partial last line at EOF   -> "PARTIAL <it upper-cased>\\n"
  EOF                          -> a line of LONG_REPLY 'z's, "EOF\\n", then
                                  "bye" without a newline, then close
  Every reply goes out in pieces of 3 bytes, each written and drained
  separately, so the client sees lines split across segments.

Client (reader limit 1024): the script of client(); each line goes out in
  pieces of 1..5 bytes with a drain after each; then a half-close. It
  expects the replies above; the long reply is over its limit and must
  fail readline, after which it reads on.

Usage:
  streams_peer.py client HOST PORT   prints "OK <replies>" on success
  streams_peer.py server HOST        listens on HOST:0, prints "PORT <n>",
                                     serves one connection, prints
                                     "SERVED lines=<n> long=<n> partial=<text> eof=<0|1>"
Anything else is printed as "FAIL <reason>" with exit status 1.
"""

import asyncio
import sys

LIMIT = 1024
LONG_REPLY = 2000


def fail(msg):
    print("FAIL", msg, flush=True)
    sys.exit(1)


def script():
    """The client's requests and the replies it expects, in order."""
    out = []
    for i in range(30):
        line = b"line %d %s\n" % (i, b"x" * (i * 11))
        out.append((line, [line.upper()]))
    exact = b"e" * LIMIT + b"\n"  # the limit does not count the newline
    out.append((exact, [exact.upper()]))
    out.append((b"a" * 3000 + b"\n", [b"TOO LONG\n"]))
    out.append((b"b" * (LIMIT + 1) + b"\n", [b"TOO LONG\n"]))
    out.append((b"after\n", [b"AFTER\n"]))
    return out


async def write_pieces(writer, data, sizes):
    off = i = 0
    while off < len(data):
        n = sizes[i % len(sizes)]
        writer.write(data[off:off + n])
        await writer.drain()
        await asyncio.sleep(0)
        off += n
        i += 1


async def read_skipping(reader):
    """readline, but a line over the limit is reported as None once and
    skipped through its newline however it arrives."""
    try:
        return await reader.readline()
    except ValueError as e:
        skipping = "is found" not in str(e)
        while skipping:
            try:
                await reader.readline()
                skipping = False
            except ValueError as e2:
                skipping = "is found" not in str(e2)
        return None


async def client(host, port):
    reader, writer = await asyncio.open_connection(host, port, limit=LIMIT)
    replies = 0
    for req, want in script():
        await write_pieces(writer, req, [1, 5, 2, 4, 3, 700])
        for w in want:
            got = await reader.readline()
            if got != w:
                fail("request %r...: reply %r..., want %r..." % (req[:20], got[:40], w[:40]))
            replies += 1
    writer.write(b"tail without newline")
    await writer.drain()
    writer.write_eof()
    got = await reader.readline()
    if got != b"PARTIAL TAIL WITHOUT NEWLINE\n":
        fail("after the partial line: %r" % got)
    got = await read_skipping(reader)
    if got is not None:
        fail("the long reply did not overrun: %r..." % got[:40])
    for w in [b"EOF\n", b"bye", b""]:
        got = await reader.readline()
        if got != w:
            fail("at the end: %r, want %r" % (got, w))
    if not reader.at_eof():
        fail("not at EOF")
    writer.close()
    await writer.wait_closed()
    print("OK", replies + 4, flush=True)


async def serve_one(host):
    done = asyncio.get_running_loop().create_future()

    async def handle(reader, writer):
        lines = longs = 0
        partial = ""
        eof = 0
        try:
            while True:
                line = await read_skipping(reader)
                if line is None:
                    longs += 1
                    await write_pieces(writer, b"TOO LONG\n", [3])
                    continue
                if not line:
                    eof = 1
                    break
                if line.endswith(b"\n"):
                    lines += 1
                    await write_pieces(writer, line.upper(), [3])
                else:
                    partial = line.decode()
                    await write_pieces(writer, b"PARTIAL " + line.upper() + b"\n", [3])
            await write_pieces(writer, b"z" * LONG_REPLY + b"\n", [3, 500])
            await write_pieces(writer, b"EOF\nbye", [3])
            writer.close()
            await writer.wait_closed()
            done.set_result("lines=%d long=%d partial=%s eof=%d" % (lines, longs, partial, eof))
        except Exception as e:  # reported by the test through our output
            done.set_result("error %r" % e)

    server = await asyncio.start_server(handle, host, 0, limit=LIMIT)
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    result = await done
    server.close()
    await server.wait_closed()
    if result.startswith("error"):
        fail(result)
    print("SERVED", result, flush=True)


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "client" and len(sys.argv) == 4:
        coro = client(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) >= 2 and sys.argv[1] == "server" and len(sys.argv) == 3:
        coro = serve_one(sys.argv[2])
    else:
        fail("usage: %s" % " ".join(sys.argv[1:]))
        return
    try:
        asyncio.run(asyncio.wait_for(coro, 60))
    except SystemExit:
        raise
    except BaseException as e:
        fail(repr(e))


if __name__ == "__main__":
    main()
