"""A CPython asyncio peer for the interop tests in transport_interop_test.go.

Both ends speak the same small exchange:
  the client sends N bytes of the shared pattern in writes of varying size,
  then half-closes (write_eof); the server reads to EOF and replies with a
  header line "<count> <sha256 hex>\\n" of what it received followed by the
  received bytes with every bit flipped, then closes.

Usage:
  asyncio_peer.py client tcp HOST PORT N   connect, send, verify the reply
  asyncio_peer.py client unix PATH N
  asyncio_peer.py server tcp HOST          listen on HOST:0, print "PORT <n>"
  asyncio_peer.py server unix PATH         listen on PATH, print "READY"

The client prints "OK sent=<n> reply=<m>" on success; the server prints
"SERVED <count> <sha256 hex>" once it has replied to one connection and
closed it. Anything else is printed as "FAIL <reason>" with exit status 1.
"""

import asyncio
import hashlib
import sys


def pattern(n):
    """The bytes both languages generate: sha256 blocks of a counter."""
    out = bytearray()
    k = 0
    while len(out) < n:
        out += hashlib.sha256(b"rt-interop" + k.to_bytes(4, "big")).digest()
        k += 1
    return bytes(out[:n])


def flip(data):
    return bytes(b ^ 0xFF for b in data)


def reply_for(data):
    return b"%d %s\n" % (len(data), hashlib.sha256(data).hexdigest().encode()) + flip(data)


def fail(msg):
    print("FAIL", msg, flush=True)
    sys.exit(1)


async def client(kind, args):
    if kind == "tcp":
        host, port, n = args[0], int(args[1]), int(args[2])
        reader, writer = await asyncio.open_connection(host, port)
    else:
        path, n = args[0], int(args[1])
        reader, writer = await asyncio.open_unix_connection(path)
    data = pattern(n)
    # Writes of uneven sizes, with a drain now and then, so the server sees
    # the stream in many reads of various lengths.
    sizes = [1, 100, 4096, 65536, 7919, 300000]
    off = i = 0
    while off < n:
        step = sizes[i % len(sizes)]
        writer.write(data[off:off + step])
        off += step
        i += 1
        if i % 3 == 0:
            await writer.drain()
    await writer.drain()
    if not writer.can_write_eof():
        fail("transport cannot write EOF")
    writer.write_eof()
    got = await reader.read()  # to EOF: the server closes after replying
    writer.close()
    await writer.wait_closed()
    want = reply_for(data)
    if got != want:
        head = got.split(b"\n", 1)[0][:200]
        fail("reply differs: %d bytes, header %r; want %d bytes, header %r"
             % (len(got), head, len(want), want.split(b"\n", 1)[0]))
    print("OK sent=%d reply=%d" % (n, len(got)), flush=True)


async def server(kind, args):
    done = asyncio.get_running_loop().create_future()

    async def handle(reader, writer):
        try:
            data = await reader.read()  # to the client's EOF
            writer.write(reply_for(data))
            await writer.drain()
            writer.close()
            await writer.wait_closed()
            if not done.done():
                done.set_result(data)
        except Exception as e:  # reported by the main coroutine
            if not done.done():
                done.set_exception(e)

    if kind == "tcp":
        srv = await asyncio.start_server(handle, args[0], 0)
        print("PORT", srv.sockets[0].getsockname()[1], flush=True)
    else:
        srv = await asyncio.start_unix_server(handle, path=args[0])
        print("READY", flush=True)
    async with srv:
        try:
            data = await asyncio.wait_for(done, 30)
        except Exception as e:
            fail("serving: %r" % (e,))
    print("SERVED %d %s" % (len(data), hashlib.sha256(data).hexdigest()), flush=True)


def main():
    role, kind, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    if role == "client":
        asyncio.run(client(kind, args))
    else:
        asyncio.run(server(kind, args))


if __name__ == "__main__":
    main()
