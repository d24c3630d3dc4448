"""Makes the scripts rt's replay tests run, and records what CPython's
asyncio does with each (replay_test.go runs them on rt and compares).

    python3.13 cpython.py   # rewrites tasks.json, queues.json, locks.json, callbacks.json

Each script drives a fresh event loop from outside, one pass at a time
(stop, then run_forever: exactly one pass), on a clock that moves only
when the script says so, so that the order of every wake-up is part of
what is compared. Timeouts and sleeps are whole seconds.
"""
import asyncio, json, os, random

HERE = os.path.dirname(os.path.abspath(__file__))

# --- the scripts -----------------------------------------------------------

def gen_tasks(rnd, n):
    kinds = ['fut', 'sleep0', 'sleep', 'gather', 'shield', 'wait_for', 'wait',
             'timeout', 'task', 'tg', 'wft', 'tswallow', 'selfcancel',
             'shtask', 'ev', 'lk', 'rto']
    def step(k):
        kd = rnd.choice(kinds)
        f = lambda: rnd.randint(0, 3)
        if kd in ('task', 'wft', 'shtask') and k == 0:
            kd = 'sleep0'
        if kd in ('fut', 'shield', 'lk', 'rto'): s = [kd, f()]
        elif kd == 'sleep': s = [kd, rnd.choice([1, 2])]
        elif kd == 'gather': s = [kd, [f(), f()], rnd.random() < 0.5]
        elif kd == 'wait_for': s = [kd, f(), rnd.choice([0, 1, 2, -1])]
        elif kd == 'wait': s = [kd, [f(), f()], rnd.choice(['FIRST_COMPLETED', 'FIRST_EXCEPTION', 'ALL_COMPLETED']), rnd.choice([-1, 1])]
        elif kd == 'timeout': s = [kd, rnd.choice([0, 1, 2]), f()]
        elif kd in ('task', 'shtask'): s = [kd, rnd.randint(0, k - 1)]
        elif kd == 'wft': s = [kd, rnd.randint(0, k - 1), rnd.choice([0, 1, -1])]
        elif kd == 'tg': s = [kd, [f(), f()]]
        elif kd == 'tswallow': s = [kd, rnd.choice([0, 1]), f()]
        else: s = [kd]
        return dict(s=s, catch=rnd.random() < 0.4)
    out = []
    for _ in range(n):
        nt = rnd.randint(1, 3)
        tasks = [[step(k) for _ in range(rnd.randint(1, 3))] for k in range(nt)]
        ops = []
        for _ in range(rnd.randint(2, 10)):
            o = rnd.choices(['set', 'fail', 'fcancel', 'tcancel', 'adv', 'brief', 'eset', 'eclear', 'resched'],
                            [4, 2, 1, 2, 2, 4, 1, 1, 2])[0]
            a = rnd.randint(0, 3) if o in ('set', 'fail', 'fcancel') else rnd.randint(0, nt - 1)
            if o == 'resched':
                a = [a, rnd.choice([-1, 0, 1, 2])]
            ops.append([o, a])
        out.append(dict(tasks=tasks, ops=ops))
    return out

def gen_queues(rnd, n):
    out = []
    for _ in range(n):
        ops = []
        for _ in range(rnd.randint(1, 14)):
            k = rnd.choices(['put', 'get', 'putnw', 'getnw', 'done', 'join', 'cancel', 'shutdown', 'brief'],
                            [5, 5, 2, 2, 2, 1, 3, 1, 4])[0]
            a = 0
            if k in ('put', 'putnw'): a = rnd.randint(0, 9)
            elif k == 'cancel': a = rnd.randint(0, 8)
            elif k == 'shutdown': a = rnd.random() < 0.5
            ops.append([k, a])
        out.append(dict(kind=rnd.choice(['fifo', 'lifo', 'prio']), maxsize=rnd.choice([0, 1, 2, 3]), ops=ops))
    return out

LOCK_OPS = {
    'lock': (['acq', 'rel', 'cancel', 'brief'], [5, 3, 2, 3]),
    'sem': (['acq', 'rel', 'cancel', 'brief'], [5, 3, 2, 3]),
    'bsem': (['acq', 'rel', 'cancel', 'brief'], [5, 3, 2, 3]),
    'event': (['wait', 'set', 'clear', 'cancel', 'brief'], [5, 2, 2, 2, 3]),
    'cond': (['acq', 'cw', 'rel', 'notify', 'notifyall', 'cancel', 'brief'], [3, 4, 3, 2, 1, 2, 3]),
    'barrier': (['bw', 'reset', 'abort', 'cancel', 'brief'], [6, 1, 1, 2, 3]),
}

def gen_locks(rnd, n):
    out = []
    for _ in range(n):
        kind = rnd.choice(sorted(LOCK_OPS))
        names, w = LOCK_OPS[kind]
        ops = []
        for _ in range(rnd.randint(1, 14)):
            k = rnd.choices(names, w)[0]
            a = rnd.randint(0, 8) if k == 'cancel' else rnd.randint(0, 3) if k == 'notify' else 0
            ops.append([k, a])
        out.append(dict(kind=kind, n=rnd.randint(0, 3) if 'sem' in kind else rnd.randint(1, 4), ops=ops))
    return out

def gen_callbacks(rnd, n):
    def act():
        return [rnd.choices(['soon', 'later', 'at', 'cancel', 'stop', 'none'], [3, 2, 1, 2, 1, 3])[0],
                rnd.randint(0, 15), rnd.choice([0, 1, 2])]
    out = []
    for _ in range(n):
        acts = [[act() for _ in range(rnd.randint(0, 2))] for _ in range(16)]
        ops = [[rnd.choices(['soon', 'later', 'at', 'cancel', 'pass', 'adv'], [3, 3, 1, 2, 3, 2])[0],
                rnd.randint(0, 15), rnd.choice([0, 1, 2])] for _ in range(rnd.randint(3, 15))]
        out.append(dict(acts=acts, ops=ops))
    return out

# --- running them ----------------------------------------------------------

loop = asyncio.new_event_loop()
now = [0.0]
loop.time = lambda: now[0]
loop.set_exception_handler(lambda l, c: None)

def passes(n=1):
    for _ in range(n):
        loop.stop()
        loop.run_forever()

def ename(e):
    if isinstance(e, asyncio.CancelledError):
        return "CancelledError(%s)" % (e.args[0] if e.args else '')
    if isinstance(e, BaseExceptionGroup):
        return "EG[%s]" % ",".join(ename(x) for x in e.exceptions)
    return type(e).__name__

def state(t, ok=lambda r: "ok:%s" % json.dumps(r)):
    if not t.done(): return "pending"
    if t.cancelled(): return "cancelled"
    e = t.exception()
    return ename(e) if e is not None else ok(t.result())

def run_tasks(c):
    F = [loop.create_future() for _ in range(4)]
    T = []
    E, L, SC = asyncio.Event(), asyncio.Lock(), {}
    cur = [None]
    secs = lambda v: None if v < 0 else v
    async def child(i):
        return await F[i]
    async def run_step(s):
        kd = s[0]
        if kd == 'fut': return await F[s[1]]
        if kd == 'sleep0': await asyncio.sleep(0); return None
        if kd == 'sleep': await asyncio.sleep(s[1]); return None
        if kd == 'gather':
            r = await asyncio.gather(*[F[i] for i in s[1]], return_exceptions=s[2])
            return [ename(x) if isinstance(x, BaseException) else x for x in r]
        if kd == 'shield': return await asyncio.shield(F[s[1]])
        if kd == 'wait_for': return await asyncio.wait_for(F[s[1]], secs(s[2]))
        if kd == 'wait':
            done, pending = await asyncio.wait([F[i] for i in s[1]], return_when=getattr(asyncio, s[2]), timeout=secs(s[3]))
            return [sorted({i for i in s[1] if F[i] in done}), sorted({i for i in s[1] if F[i] in pending})]
        if kd == 'timeout':
            async with asyncio.timeout(s[1]):
                return await F[s[2]]
        if kd == 'task': return await T[s[1]]
        if kd == 'tg':
            async with asyncio.TaskGroup() as tg:
                ts = [tg.create_task(child(i)) for i in s[1]]
            return [t.result() for t in ts]
        if kd == 'wft': return await asyncio.wait_for(T[s[1]], secs(s[2]))
        if kd == 'shtask': return await asyncio.shield(T[s[1]])
        if kd == 'tswallow':
            r = None
            async with asyncio.timeout(s[1]):
                try: r = await F[s[2]]
                except asyncio.CancelledError: r = "sw"
            return r
        if kd == 'ev': await E.wait(); return None
        if kd == 'lk':
            async with L:
                return await F[s[1]]
        if kd == 'rto':
            async with asyncio.timeout(None) as cm:
                SC[cur[0]] = cm
                return await F[s[1]]
        if kd == 'selfcancel':
            asyncio.current_task().cancel("self")
            await asyncio.sleep(0)
            return None
    async def body(k, steps, log):
        for st in steps:
            cur[0] = k
            try:
                log.append("ok:%s" % json.dumps(await run_step(st['s'])))
            except BaseException as e:
                log.append(ename(e))
                if not st['catch']: raise
        return 7
    logs = []
    for steps in c['tasks']:
        logs.append([])
        T.append(loop.create_task(body(len(T), steps, logs[-1])))
    out = []
    for o, a in c['ops']:
        if o == 'set':
            if not F[a].done(): F[a].set_result(a * 10)
        elif o == 'fail':
            if not F[a].done(): F[a].set_exception(ValueError())
        elif o == 'fcancel': out.append("fcancel %s" % F[a].cancel("fm"))
        elif o == 'tcancel': out.append("tcancel %s" % T[a].cancel("tm"))
        elif o == 'eset': E.set()
        elif o == 'eclear': E.clear()
        elif o == 'resched':
            k, d = a
            if k in SC:
                asyncio.events._set_running_loop(loop)  # reschedule wants one
                try:
                    SC[k].reschedule(None if d < 0 else loop.time() + d)
                    out.append("resched ok")
                except RuntimeError:
                    out.append("resched RuntimeError")
                finally:
                    asyncio.events._set_running_loop(None)
        elif o == 'adv': now[0] += 1; passes()
        elif o == 'brief': passes()
    passes(10)
    for t, lg in zip(T, logs):
        s = state(t, lambda r: "ok")
        out.append("T %s %s cancelling=%d" % (s, " ".join(lg), t.cancelling()))
    for k in sorted(SC):
        out.append("SC %d expired=%s" % (k, SC[k].expired()))
    for t in T:
        if not t.done(): t.cancel()
    for f in F:
        if not f.done(): f.cancel()
    passes(20)
    return out

def run_queues(c):
    q = {'fifo': asyncio.Queue, 'lifo': asyncio.LifoQueue, 'prio': asyncio.PriorityQueue}[c['kind']](c['maxsize'])
    tasks, out = [], []
    for op, a in c['ops']:
        if op == 'put': tasks.append(loop.create_task(q.put(a)))
        elif op == 'get': tasks.append(loop.create_task(q.get()))
        elif op == 'join': tasks.append(loop.create_task(q.join()))
        elif op == 'putnw':
            try: q.put_nowait(a); out.append("putnw ok")
            except Exception as e: out.append("putnw " + type(e).__name__)
        elif op == 'getnw':
            try: out.append("getnw %r" % q.get_nowait())
            except Exception as e: out.append("getnw " + type(e).__name__)
        elif op == 'done':
            try: q.task_done(); out.append("done ok")
            except Exception as e: out.append("done " + type(e).__name__)
        elif op == 'cancel':
            if a < len(tasks): out.append("cancel %s" % tasks[a].cancel())
        elif op == 'shutdown': q.shutdown(a)
        elif op == 'brief': passes()
    passes(10)
    out.append("tasks " + " ".join(state(t) for t in tasks))
    out.append("qsize %d unfinished %d" % (q.qsize(), q._unfinished_tasks))
    for t in tasks:
        if not t.done(): t.cancel()
    passes(10)
    return out

def drive(coro):
    try:
        coro.send(None)
    except StopIteration:
        return
    raise SystemExit("Barrier.reset or abort suspended")

def run_locks(c):
    k, n = c['kind'], c['n']
    p = {'lock': lambda: asyncio.Lock(), 'sem': lambda: asyncio.Semaphore(n),
         'bsem': lambda: asyncio.BoundedSemaphore(n), 'event': lambda: asyncio.Event(),
         'cond': lambda: asyncio.Condition(), 'barrier': lambda: asyncio.Barrier(n)}[k]()
    tasks, out = [], []
    async def cw():
        await p.acquire()
        await p.wait()
        return True
    for op, a in c['ops']:
        try:
            if op in ('acq',): tasks.append(loop.create_task(p.acquire()))
            elif op in ('wait', 'bw'): tasks.append(loop.create_task(p.wait()))
            elif op == 'cw': tasks.append(loop.create_task(cw()))
            elif op == 'rel': p.release(); out.append("rel ok")
            elif op == 'set': p.set()
            elif op == 'clear': p.clear()
            elif op == 'notify': p.notify(a); out.append("notify ok")
            elif op == 'notifyall': p.notify_all(); out.append("notifyall ok")
            elif op == 'reset': drive(p.reset())
            elif op == 'abort': drive(p.abort())
            elif op == 'cancel':
                if a < len(tasks): out.append("cancel %s" % tasks[a].cancel())
            elif op == 'brief': passes()
        except (RuntimeError, ValueError) as e:
            out.append(op + " " + type(e).__name__)
    passes(10)
    out.append("tasks " + " ".join(state(t) for t in tasks))
    if k in ('lock', 'sem', 'bsem', 'cond'): out.append("locked %s" % p.locked())
    if k == 'event': out.append("set %s" % p.is_set())
    if k == 'barrier': out.append("nwaiting %d broken %s" % (p.n_waiting, p.broken))
    for t in tasks:
        if not t.done(): t.cancel()
    passes(10)
    return out

def run_callbacks(c):
    """Callback j logs j and does its actions: schedule callback k soon,
    later or at a time, cancel the last handle of k, or stop the loop.
    Forty schedules at most; the n-th is 10µs·n later than it would be, so
    that no two timers are due at the same time (CPython leaves the order
    of those undefined; ours is the order they were scheduled in)."""
    handles, log, seq = {}, [], [0]
    def callback(j):
        def cb():
            log.append(str(j))
            for a in c['acts'][j]:
                do(a)
        return cb
    def do(a):
        k, j, d = a
        if k in ('soon', 'later', 'at'):
            if seq[0] == 40:
                return
            seq[0] += 1
        extra = j / 1000 + seq[0] / 100000
        if k == 'soon': handles[j] = loop.call_soon(callback(j))
        elif k == 'later': handles[j] = loop.call_later(d + extra, callback(j))
        elif k == 'at': handles[j] = loop.call_at(now[0] + d + extra + 0.0005, callback(j))
        elif k == 'cancel':
            if j in handles:
                handles[j].cancel()
                log.append("c%d" % j)
        elif k == 'stop':
            loop.stop()
            log.append("stop")
    out = []
    for o in c['ops']:
        if o[0] == 'pass':
            passes()
            out.append(" ".join(log))
            log.clear()
        elif o[0] == 'adv':
            now[0] += 1
        else:
            do(o)
    for _ in range(5):
        now[0] += 1
        passes()
    out.append(" ".join(log))
    return out

if __name__ == '__main__':
    import sys
    for name, gen, run, seed, n in (('tasks', gen_tasks, run_tasks, 1, 400), ('queues', gen_queues, run_queues, 2, 400),
                                    ('locks', gen_locks, run_locks, 3, 400), ('callbacks', gen_callbacks, run_callbacks, 5, 200)):
        cases = gen(random.Random(seed), n)
        rows = [dict(case=c, want=run(c)) for c in cases]
        with open(os.path.join(HERE, name + '.json'), 'w') as f:
            json.dump(dict(python=sys.version.split()[0], rows=rows), f, separators=(',', ':'))
            f.write('\n')
