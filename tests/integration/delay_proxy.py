#!/usr/bin/env python3
"""delay_proxy: a TCP relay for faults_delay.sh (the kernel here has no netem).
  delay_proxy.py LISTEN_PORT UPSTREAM_HOST UPSTREAM_PORT DELAY_MS [STALL_AT STALL_S]
Every chunk, both ways, is delivered DELAY_MS after it was read (order kept,
so the link has DELAY_MS one-way latency and full bandwidth).  With STALL_AT,
the server-to-client direction stops for STALL_S seconds once STALL_AT bytes
have passed, then resumes (a stalled link, no data lost).  Runs until killed."""
import asyncio, sys, time

port, host, uport, delay = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) / 1000
stall_at = int(sys.argv[5]) if len(sys.argv) > 5 else -1
stall_s = float(sys.argv[6]) if len(sys.argv) > 6 else 0

async def pump(reader, writer, down):
    q = asyncio.Queue()
    async def deliver():
        passed, stalled = 0, False
        while True:
            at, data = await q.get()
            if data is None:
                break
            if down and stall_at >= 0 and not stalled and passed + len(data) > stall_at:
                stalled = True
                print(f"delay_proxy: stalling {stall_s} s after {passed} bytes", file=sys.stderr, flush=True)
                await asyncio.sleep(stall_s)
            wait = at - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
            passed += len(data)
        writer.close()
    task = asyncio.ensure_future(deliver())
    try:
        while True:
            data = await reader.read(65536)
            q.put_nowait((time.monotonic() + delay, data or None))
            if not data:
                break
    except ConnectionError:
        q.put_nowait((0, None))
    try:
        await task
    except ConnectionError:
        pass

async def client(cr, cw):
    try:
        ur, uw = await asyncio.open_connection(host, uport)
    except OSError:
        cw.close()
        return
    await asyncio.gather(pump(cr, uw, False), pump(ur, cw, True))

async def main():
    srv = await asyncio.start_server(client, "0.0.0.0", port)
    print("delay_proxy: ready", file=sys.stderr, flush=True)
    async with srv:
        await srv.serve_forever()

asyncio.run(main())
