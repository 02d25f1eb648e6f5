"""Policy-alert benchmark: one matching change fanned out to 10,000 subscribers.

The local Bot API server (tests/auxil/bot_api_server.py) runs in a child process; this
process runs the real PTB Application (real Engine on a copy of the knowledge, SQLite or
Redis store) with its alert loop.  The subscribers are written to the store as
``/subscribe`` would keep them (enterprise, asked about buying technology); then a staff
document granting money for buying technology is added and the engine reloads.  Measured:
planning time (matching every subscriber), drain time at the configured rate, the rate
achieved, and the time the same fan-out takes at Telegram's 30 messages/s; every chat
must receive exactly one alert (0 lost, 0 duplicated).

    .venv/bin/python scripts/bench_alerts.py                       # 10,000 at 30/s
    .venv/bin/python scripts/bench_alerts.py --subscribers 2000 --rate 30 --redis redis://…
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "auxil"))

import alert_docs  # noqa: E402

from bot.alerts import fanout, subscriptions  # noqa: E402
from bot.alerts.subscriptions import Subscription  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.conversation.store import RedisStore, open_store  # noqa: E402
from bot.telegram.app import build_application  # noqa: E402
from bot.telegram.runner import run_bot  # noqa: E402

TOKEN = "434343:ALERT-token-abcdefghijklmnopqrstuvwxyz012345"
ALERT = "政策提醒"
FIRST_CHAT = 1_000_000


async def watch(base: str, counts: Counter[int], times: list[float], stop: asyncio.Event,
                errors: list[str]) -> None:
    cursor = 0
    async with aiohttp.ClientSession() as http:
        while not stop.is_set():
            async with http.get(f"{base}/_control/wait?since={cursor}&timeout=1") as r:
                body = await r.json()
            cursor = int(body["next"])
            for call in body["calls"]:
                if call["error"]:
                    errors.append(call["error"])
                elif ALERT in str(call["params"].get("text", "")):
                    counts[int(call["params"]["chat_id"])] += 1
                    times.append(float(call["t"]))


async def bench(args: argparse.Namespace) -> int:
    from index.answering.engine import Engine

    server = subprocess.Popen(
        [sys.executable, str(REPO / "tests" / "auxil" / "bot_api_server.py"), "--port", "0"],
        stdout=subprocess.PIPE, text=True)
    work = Path(tempfile.mkdtemp(prefix="policybot-alerts-"))
    try:
        assert server.stdout is not None
        line = server.stdout.readline().split()
        if len(line) != 2 or line[0] != "PORT":
            raise SystemExit(f"bot API server did not start: {line}")
        base = f"http://127.0.0.1:{line[1]}"
        knowledge = work / "knowledge"
        for name in ("policies", "rules", "cases", "vocabulary"):
            shutil.copytree(REPO / "knowledge" / name, knowledge / name)
        engine = Engine(knowledge, work / "data", args.embedder)
        await asyncio.to_thread(engine.warm_up)
        store = open_store(work / "data", args.redis)
        if isinstance(store, RedisStore):
            store.client.flushdb()
        started = time.perf_counter()
        for chat in range(FIRST_CHAT, FIRST_CHAT + args.subscribers):
            subscriptions.save(store, Subscription(
                chat, chat, {"applicant_types": frozenset({"enterprise"})},
                ("tech_purchase",), "2026-12-01"))
        subscribe_s = time.perf_counter() - started
        settings = Settings(token=TOKEN, api_base_url=base + "/bot", data_dir=work / "data",
                            rate_limit=0, typing_delay=0.0, redis_url=args.redis,
                            alert_rate=args.rate, alert_poll=0.2)
        app = build_application(settings, engine, store)
        stop, ready = asyncio.Event(), asyncio.Event()
        runner = asyncio.create_task(run_bot(app, stop, on_ready=ready.set, poll_timeout=5))
        await asyncio.wait_for(ready.wait(), 30)
        counts: Counter[int] = Counter()
        times: list[float] = []
        errors: list[str] = []
        watch_stop = asyncio.Event()
        watcher = asyncio.create_task(watch(base, counts, times, watch_stop, errors))
        service = app.bot_data.alerts
        assert service is not None
        alert_docs.add(knowledge, "weikezi-2026-9.md", alert_docs.MATCHING)
        t0 = time.perf_counter()
        report = await asyncio.to_thread(engine.reload)
        assert report.ok, report.message
        reload_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        planned = await asyncio.to_thread(service.check)  # what the loop would do next
        plan_s = time.perf_counter() - t1
        service.wake()
        deadline = time.monotonic() + args.subscribers / args.rate * 3 + 60
        shown = time.monotonic()
        while time.monotonic() < deadline:
            left = await asyncio.to_thread(fanout.summary, store)
            if left is not None and left["pending"] == 0 and len(times) >= left["sent"]:
                break
            if time.monotonic() - shown > 30:
                shown = time.monotonic()
                print(f"… {len(times)} alerts received", file=sys.stderr, flush=True)
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)  # let any late duplicate show up
        watch_stop.set()
        await asyncio.wait_for(watcher, 30)
        stop.set()
        await asyncio.wait_for(runner, 60)
        final = fanout.summary(store) or {}
        store.close()
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(work, ignore_errors=True)

    chats = range(FIRST_CHAT, FIRST_CHAT + args.subscribers)
    lost = sum(1 for c in chats if counts[c] == 0)
    duplicated = sum(1 for c in chats if counts[c] > 1)
    drain = (max(times) - min(times)) if len(times) > 1 else float("nan")
    rate = (len(times) - 1) / drain if len(times) > 1 and drain > 0 else float("nan")
    rows = [
        ("subscribers", str(args.subscribers)),
        ("store", "Redis" if args.redis else "SQLite"),
        ("subscriptions written", f"{subscribe_s:.1f} s"),
        ("reload (new document)", f"{reload_s:.1f} s"),
        ("planning (match all, queue)", f"{plan_s:.1f} s, {planned} queued"),
        ("configured alert rate", f"{args.rate:g}/s"),
        ("drain, first to last alert", f"{drain:.1f} s"),
        ("measured rate", f"{rate:.1f}/s"),
        ("extrapolated at 30/s", f"{args.subscribers / 30:.0f} s "
                                 f"({args.subscribers / 30 / 60:.1f} min)"),
        ("alerts received", str(len(times))),
        ("sent / failed / pending", f"{final.get('sent')} / {final.get('failed')} / "
                                    f"{final.get('pending')}"),
        ("lost", str(lost)),
        ("duplicated", str(duplicated)),
        ("Bot API errors", str(len(errors))),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key.ljust(width)}  {value}")
    ok = lost == 0 and duplicated == 0 and not errors
    print(f"\n{'PASS' if ok else 'FAIL'}: every subscriber alerted exactly once")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=30.0,
                        help="alert messages per second overall (Telegram: 30)")
    parser.add_argument("--redis", default=None, help="Redis URL (default: SQLite)")
    parser.add_argument("--embedder", default="hash",
                        help="embedder spec for the engine (default: hash, no model)")
    return asyncio.run(bench(parser.parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
