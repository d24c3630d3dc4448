"""Peer for the probe tests: an asyncio server (mode given as argv[1])
printing "PORT n" once listening, then what it saw, line by line, and
"DONE" when its one connection is over."""
import asyncio, socket, struct, sys


def say(*a):
    print(*a, flush=True)


async def bytes_then_eof(r, w):
    for b in b"hello world\npartial":
        w.write(bytes([b]))
        await w.drain()
        await asyncio.sleep(0.001)
    w.write_eof()
    got = await r.read()
    say("GOT", repr(got))


async def reset(r, w):
    w.write(b"abc")
    await w.drain()
    await r.readline()  # "go\n": the client has read abc
    sock = w.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    w.transport.abort()
    say("RESET")


async def stall(r, w):
    w.write(b"hal")
    await w.drain()
    line = await r.readline()
    say("GOT", repr(line))
    w.write(b"f\nrest")
    await w.drain()
    w.close()
    await w.wait_closed()


async def noread(r, w):
    # Reads nothing until the test says so on stdin, then all there is.
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    n = 0
    try:
        while b := await r.read(1 << 16):
            n += len(b)
    except ConnectionResetError:
        say("RESET")
    say("CLOSED", n > 0)


async def main():
    mode = globals()[sys.argv[1]]
    done = asyncio.Event()

    async def handle(r, w):
        try:
            await mode(r, w)
        except Exception as e:
            say("EXC", type(e).__name__)
        finally:
            w.close()
            done.set()

    srv = await asyncio.start_server(handle, "127.0.0.1", 0)
    say("PORT", srv.sockets[0].getsockname()[1])
    await asyncio.wait_for(done.wait(), 20)
    say("DONE")


asyncio.run(main())
