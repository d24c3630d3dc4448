"""Makes the scripts of streams' reader replay test and records what
CPython's asyncio.StreamReader does with each (replay_test.go runs them on
StreamReader and compares).

    python3.13 cpython.py      # rewrites reader.json

A script feeds chunks of bytes, maybe the end of the stream, and reads
with ReadLine, ReadUntil, ReadExactly and Read: each read starts as a
task; while it waits, the next chunk is fed (then the end, if the script
has one). What each read returned or failed with, and how much stayed
buffered, is compared.
"""
import asyncio, json, os, random, sys

HERE = os.path.dirname(os.path.abspath(__file__))

def gen(rnd, n):
    alpha = b"ab\r\nxy"
    out = []
    for _ in range(n):
        chunks = [bytes(rnd.choice(alpha) for _ in range(rnd.randint(0, 12))).decode('latin1')
                  for _ in range(rnd.randint(0, 4))]
        ops = []
        for _ in range(rnd.randint(1, 6)):
            k = rnd.choice(['readline', 'readuntil', 'readexactly', 'read'])
            if k == 'readuntil': ops.append([k, rnd.choice(["\n", "\r\n", "ab", "xyx"])])
            elif k == 'readexactly': ops.append([k, rnd.choice([0, 1, 2, 3, 5, 9])])
            elif k == 'read': ops.append([k, rnd.choice([0, 1, 2, 5, 20])])
            else: ops.append([k, 0])
        out.append(dict(limit=rnd.choice([1, 2, 3, 4, 5, 8, 16]), chunks=chunks, eof=rnd.random() < 0.8, ops=ops))
    return out

async def brief():
    for _ in range(3):
        await asyncio.sleep(0)

async def run(c):
    r = asyncio.StreamReader(limit=c['limit'])
    chunks = [ch.encode('latin1') for ch in c['chunks']]
    fed_eof = False
    out = []
    for op, arg in c['ops']:
        coro = {'readline': lambda: r.readline(), 'readuntil': lambda: r.readuntil(str(arg).encode()),
                'readexactly': lambda: r.readexactly(arg), 'read': lambda: r.read(arg)}[op]()
        t = asyncio.create_task(coro)
        await brief()
        while not t.done() and chunks:
            r.feed_data(chunks.pop(0))
            await brief()
        if not t.done() and c['eof'] and not fed_eof:
            r.feed_eof()
            fed_eof = True
            await brief()
        name = "%s(%s)" % (op, arg)
        if not t.done():
            t.cancel()
            await brief()
            out.append("%s blocked buf=%d" % (name, len(r._buffer)))
            break
        e = t.exception()
        if e is None:
            out.append("%s ok %s buf=%d" % (name, t.result().hex(), len(r._buffer)))
        elif isinstance(e, asyncio.IncompleteReadError):
            exp = -1 if e.expected is None else e.expected
            out.append("%s incomplete %s/%d buf=%d" % (name, e.partial.hex(), exp, len(r._buffer)))
        elif isinstance(e, asyncio.LimitOverrunError):
            out.append("%s overrun %d buf=%d" % (name, e.consumed, len(r._buffer)))
        elif isinstance(e, ValueError):
            out.append("%s linetoolong buf=%d" % (name, len(r._buffer)))
        else:
            out.append("%s %s buf=%d" % (name, type(e).__name__, len(r._buffer)))
    return out

async def main():
    rows = []
    for c in gen(random.Random(4), int(os.environ.get('REPLAY_N', '500'))):
        rows.append(dict(case=c, want=await run(c)))
    with open(os.path.join(HERE, 'reader.json'), 'w') as f:
        json.dump(dict(python=sys.version.split()[0], rows=rows), f, separators=(',', ':'))
        f.write('\n')

asyncio.run(main())
