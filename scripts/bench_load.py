"""Load benchmark: simulated chats talking to the real Application over HTTP.

The local Bot API server (tests/auxil/bot_api_server.py) runs in a child process; this
process runs the real PTB Application (real Engine, SQLite or Redis store, AIORateLimiter)
in long-polling mode.  Each chat sends its messages one after another (it waits for the
reply before the next, like a person), at random moments spread over ``--duration``
seconds.  Every reply to a text quotes it, which is how replies are matched to messages.

Reports reply latency (server clock: update available → first reply received) p50/p95/max,
replies lost or duplicated (both must be zero), API errors and peak RSS of this process.

    .venv/bin/python scripts/bench_load.py                  # 200 chats × 5 messages, 60 s
    .venv/bin/python scripts/bench_load.py --chats 50 --messages 2 --duration 10
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import aiohttp
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.config import Settings  # noqa: E402
from bot.conversation.store import open_store  # noqa: E402
from bot.telegram.app import build_application  # noqa: E402
from bot.telegram.runner import run_bot  # noqa: E402

TOKEN = "424242:BENCH-token-abcdefghijklmnopqrstuvwxyz012345"
FALLBACK_QUESTIONS = [
    "孵化器有什么奖励政策？", "企业购买技术成果能补贴多少？", "市级技术创新中心怎么认定？",
    "科技服务机构有哪些支持？", "县域创新有什么政策？", "今天天气怎么样？",
]


def questions(knowledge: Path) -> list[str]:
    path = knowledge / "cases" / "questions.yaml"
    try:
        cases = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        found = [str(c["question"]) for c in cases if isinstance(c, dict) and c.get("question")]
    except (OSError, yaml.YAMLError):
        found = []
    return found or FALLBACK_QUESTIONS


class Client:
    """Pushes messages through the server's control API and matches quoted replies."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = aiohttp.ClientSession()
        self.sent_at: dict[tuple[int, int], float] = {}
        self.replies: dict[tuple[int, int], list[float]] = defaultdict(list)
        self.waiters: dict[tuple[int, int], asyncio.Event] = {}
        self.errors = 0
        self.messages_out = 0
        self._cursor = 0

    async def push(self, chat_id: int, text: str) -> tuple[int, int]:
        async with self.http.post(f"{self.base}/_control/push",
                                  json={"token": TOKEN, "chat_id": chat_id, "text": text}) as r:
            body = await r.json()
        key = (chat_id, int(body["message_id"]))
        self.sent_at[key] = float(body["t"])
        self.waiters[key] = asyncio.Event()
        return key

    async def watch(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            url = f"{self.base}/_control/wait?since={self._cursor}&timeout=1"
            async with self.http.get(url) as r:
                body = await r.json()
            self._cursor = int(body["next"])
            for call in body["calls"]:
                if call["error"]:
                    self.errors += 1
                    continue
                self.messages_out += 1
                quoted = (call["params"].get("reply_parameters") or {}).get("message_id")
                if quoted is None:
                    continue
                key = (int(call["params"]["chat_id"]), int(quoted))
                self.replies[key].append(float(call["t"]))
                if key in self.waiters:
                    self.waiters[key].set()

    async def close(self) -> None:
        await self.http.close()


async def chat(client: Client, chat_id: int, texts: list[str], times: list[float],
               start: float, reply_timeout: float) -> None:
    for text, at in zip(texts, times, strict=True):
        await asyncio.sleep(max(0.0, start + at - time.monotonic()))
        key = await client.push(chat_id, text)
        with contextlib.suppress(TimeoutError):  # counted as lost below
            await asyncio.wait_for(client.waiters[key].wait(), reply_timeout)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def bench(args: argparse.Namespace) -> int:
    from index.answering.engine import Engine

    server = subprocess.Popen(
        [sys.executable, str(REPO / "tests" / "auxil" / "bot_api_server.py"), "--port", "0"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline().split()
        if len(line) != 2 or line[0] != "PORT":
            raise SystemExit(f"bot API server did not start: {line}")
        base = f"http://127.0.0.1:{line[1]}"
        data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="policybot-bench-"))
        knowledge = Path(args.knowledge or REPO / "knowledge")
        started = time.perf_counter()
        engine = Engine(knowledge, data_dir)
        await asyncio.to_thread(engine.warm_up)
        warm = time.perf_counter() - started
        store = open_store(data_dir, args.redis)
        settings = Settings(token=TOKEN, api_base_url=base + "/bot", data_dir=data_dir,
                            rate_limit=args.rate_limit, typing_delay=args.typing_delay,
                            redis_url=args.redis)
        app = build_application(settings, engine, store)
        stop, ready = asyncio.Event(), asyncio.Event()
        runner = asyncio.create_task(run_bot(app, stop, on_ready=ready.set, poll_timeout=5))
        await asyncio.wait_for(ready.wait(), 30)
        client = Client(base)
        watch_stop = asyncio.Event()
        watcher = asyncio.create_task(client.watch(watch_stop))
        rng = random.Random(args.seed)
        pool = questions(knowledge)
        t0 = time.monotonic() + 0.5
        tasks = []
        for i in range(args.chats):
            texts = [rng.choice(pool) for _ in range(args.messages)]
            times = sorted(rng.uniform(0, args.duration) for _ in range(args.messages))
            tasks.append(chat(client, 100_000 + i, texts, times, t0, args.reply_timeout))
        await asyncio.gather(*tasks)
        wall = time.monotonic() - t0
        await asyncio.sleep(1.0)  # let late duplicates show up
        watch_stop.set()
        await asyncio.wait_for(watcher, 30)
        stop.set()
        await asyncio.wait_for(runner, 60)
        await client.close()
        store.close()
    finally:
        server.terminate()
        server.wait(10)

    latencies = [(client.replies[k][0] - t) * 1000 for k, t in client.sent_at.items()
                 if client.replies.get(k)]
    lost = sum(1 for k in client.sent_at if not client.replies.get(k))
    duplicated = sum(1 for k in client.sent_at if len(client.replies.get(k, [])) > 1)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [
        ("chats × messages", f"{args.chats} × {args.messages} = {len(client.sent_at)}"),
        ("spread over / wall", f"{args.duration:.0f} s / {wall:.1f} s"),
        ("outgoing limit", f"{args.rate_limit:g}/s (AIORateLimiter)"),
        ("store", "Redis" if args.redis else "SQLite"),
        ("engine warm-up", f"{warm:.1f} s"),
        ("messages sent by the bot", str(client.messages_out)),
        ("reply latency p50", f"{percentile(latencies, 0.50):.0f} ms"),
        ("reply latency p95", f"{percentile(latencies, 0.95):.0f} ms"),
        ("reply latency max", f"{max(latencies, default=float('nan')):.0f} ms"),
        ("reply latency mean", f"{statistics.fmean(latencies) if latencies else 0:.0f} ms"),
        ("replies lost", str(lost)),
        ("replies duplicated", str(duplicated)),
        ("Bot API errors", str(client.errors)),
        ("peak RSS (bot process)", f"{rss_mb:.0f} MB"),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"{'metric'.ljust(width)}  value")
    print(f"{'-' * width}  {'-' * 24}")
    for key, value in rows:
        print(f"{key.ljust(width)}  {value}")
    ok = lost == 0 and duplicated == 0 and client.errors == 0
    p95 = percentile(latencies, 0.95)
    print(f"\n{'PASS' if ok and p95 < args.target_p95 else 'FAIL'}: "
          f"target p95 < {args.target_p95:.0f} ms, none lost or duplicated")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--messages", type=int, default=5, help="messages per chat")
    parser.add_argument("--duration", type=float, default=60.0,
                        help="seconds over which the messages are spread")
    parser.add_argument("--rate-limit", type=float, default=30.0,
                        help="outgoing requests/s (Telegram's limit; 0 = off)")
    parser.add_argument("--typing-delay", type=float, default=0.2)
    parser.add_argument("--reply-timeout", type=float, default=30.0)
    parser.add_argument("--target-p95", type=float, default=300.0)
    parser.add_argument("--redis", metavar="URL", help="use a Redis store")
    parser.add_argument("--knowledge", metavar="DIR")
    parser.add_argument("--data-dir", metavar="DIR", help="reuse a built index")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    return asyncio.run(bench(args))


if __name__ == "__main__":
    sys.exit(main())
