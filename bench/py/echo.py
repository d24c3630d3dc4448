"""The CPython echo servers of the suite.

Usage: echo.py PORT protocol|streams [uvloop]

protocol: an asyncio.Protocol whose data_received writes back what it got.
streams: a start_server handler that reads up to 1 KiB, writes it and
awaits drain. With uvloop the same code runs on uvloop's event loop.
Prints "listening 127.0.0.1:PORT" once serving.
"""
import asyncio
import resource
import sys


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


async def handle(reader, writer):
    try:
        while True:
            data = await reader.read(1024)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    writer.close()


async def main(port, mode):
    loop = asyncio.get_running_loop()
    if mode == "protocol":
        server = await loop.create_server(Echo, "127.0.0.1", port, backlog=4096)
    elif mode == "streams":
        server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=4096)
    else:
        sys.exit("echo.py: mode must be protocol or streams, not %r" % mode)
    print("listening 127.0.0.1:%d" % port, flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    run = asyncio.run
    if len(sys.argv) == 4:
        if sys.argv[3] != "uvloop":
            sys.exit(__doc__)
        import uvloop
        # uvloop.run is new in 0.18; Debian 12 has 0.17, which has the policy.
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    try:
        run(main(int(sys.argv[1]), sys.argv[2]))
    except KeyboardInterrupt:
        pass
