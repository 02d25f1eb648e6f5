"""``policybot index build | ask | rules | estimate``: the engine from the command line.

Each command imports what it needs when it runs (the engine, the index, the templates),
so ``policybot ask`` never loads the Telegram, web-server or staff modules.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from bot.cli.options import DATE, Command, GlobalOptions, Group, pass_options
from knowledge.errors import PolicyBotError


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


@click.group("index", cls=Group, short_help="构建检索索引", help="构建检索索引。")
def index_group() -> None:
    """Build the search index."""


@index_group.command(
    "build", short_help="为当前知识库版本构建索引",
    help="为知识库目录构建索引；当前索引已与知识库一致时不重复构建。\n\n"
         "部署时的索引任务：每个知识库版本在共享索引卷上运行一次，各副本只读挂载。"
         "同时运行的几个任务按构建锁排队（索引目录的锁；设置 REDIS_URL 时还有 Redis 锁），"
         "一个构建，其余发现索引已是最新便退出。构建会记录它对应的知识库指纹。")
@click.option("--force", is_flag=True, help="即使当前索引已是最新也重新构建")
@pass_options
def index_build(options: GlobalOptions, force: bool) -> int:
    """Build the index of the knowledge folder, unless the live one already matches it.

    A deployment's index job: run it once per knowledge version against the shared index
    volume, which the replicas mount read-only.  Concurrent runs queue on the build lock
    (the index folder's, and Redis's when REDIS_URL is set): one builds, the others find
    the new build current and stop.  The build records the knowledge fingerprint it serves.
    """
    from bot.render import render_text
    from bot.wiring import make_engine
    from index.answering.snapshot import build_snapshot
    from index.ensure import index_version

    engine = make_engine(options)
    # the snapshot a replica loads, built the same way; never read-only (this is the
    # index job) and not warmed up (it answers nothing)
    built = build_snapshot(engine.knowledge_dir, engine.data_dir, engine.embedder,
                           progress=True, lock=engine.build_lock, force=force, warm=False)
    report = built.index
    template = "index_built.txt.j2" if report is not None else "index_current.txt.j2"
    print(render_text(template, report=report, kb=built.snapshot.kb,
                      version=index_version(engine.data_dir)))
    return 0


@click.command("ask", cls=Command, short_help="提问",
               help="回答一个问题 QUESTION；加 --jsonl 时从标准输入每行读一个问题。")
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON 对象")
@click.option("--jsonl", is_flag=True,
              help="标准输入每行一个问题，标准输出每行一个 JSON 对象")
@click.option("--top-k", type=int, default=5, metavar="K", show_default=True,
              help="引用多少个条款")
@click.option("--as-of", type=DATE, metavar="YYYY-MM-DD",
              help="按这一天判断政策是否有效（默认：今天）")
@pass_options
def ask(options: GlobalOptions, question: str | None, as_json: bool, jsonl: bool, top_k: int,
        as_of: date | None) -> int:
    """Answer one QUESTION, or one per stdin line with --jsonl."""
    from bot.conversation.presenter import answer_json
    from bot.subjects import covered_subjects
    from bot.wiring import make_engine

    if not jsonl and not question:
        raise SystemExit("policybot ask: 请给出问题，或使用 --jsonl 从标准输入逐行读取")
    engine = make_engine(options)
    if jsonl:
        from bot.render import render_text
        from bot.streams import JsonLinesWriter, iter_lines_utf8

        engine.warm_up()
        # Bytes in, decoded line by line with replacement: one invalid byte never ends
        # the stream, and every output line is valid UTF-8 JSON.
        out = JsonLinesWriter(sys.stdout.buffer)
        subjects = covered_subjects(d.get("title", "") for d in engine.documents())
        for question in iter_lines_utf8(sys.stdin.buffer):
            try:
                result = answer_json(engine.ask(question, top_k=top_k, as_of=as_of), subjects,
                                     engine)
            except Exception as exc:  # one bad line must never end the stream
                result = {
                    "question": question, "matched": False, "hits": [], "estimate": None,
                    "answer_text": render_text("error.txt.j2"), "error": type(exc).__name__,
                }
            out.write(result)
        return 0
    assert question is not None
    subjects = covered_subjects(d.get("title", "") for d in engine.documents())
    result = answer_json(engine.ask(question, top_k=top_k, as_of=as_of), subjects, engine)
    print(json.dumps(result, ensure_ascii=False, indent=2) if as_json else result["answer_text"])
    return 0


@click.command("rules", cls=Command, short_help="列出奖补规则及所需信息",
               help="列出奖补规则，以及每条规则需要的企业信息（事实项）。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出规则")
@pass_options
def rules(options: GlobalOptions, as_json: bool) -> int:
    """List the award rules and the facts each needs."""
    from bot.render import render_text
    from bot.wiring import make_engine

    engine = make_engine(options)
    award_rules = engine.snapshot.rules
    if as_json:
        print(json.dumps(award_rules.to_json(), ensure_ascii=False, indent=2))
    else:
        print(render_text("rules.txt.j2", rules=award_rules.to_json()))
    return 0


@click.command("estimate", cls=Command, short_help="按企业信息估算奖补",
               help="按一份企业信息（事实项）逐条计算所有奖补规则。")
@click.option("--facts", "facts_file", required=True, metavar="FILE.json",
              help="JSON 对象：事实名 → 值")
@click.option("--as-of", type=DATE, metavar="YYYY-MM-DD",
              help="按这一天判断政策是否有效（默认：今天）")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON 对象")
@pass_options
def estimate(options: GlobalOptions, facts_file: str, as_of: date | None, as_json: bool) -> int:
    """Evaluate every award rule for a profile of facts."""
    from bot.render import render_text
    from bot.wiring import make_engine

    try:
        facts = json.loads(Path(facts_file).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise PolicyBotError(f"无法读取事实文件 {facts_file}：{exc}") from exc
    if not isinstance(facts, dict):
        raise PolicyBotError(f"{facts_file}: 事实文件应是一个 JSON 对象（键为事实名）")
    engine = make_engine(options)
    result = engine.estimate(facts, as_of=as_of)
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(render_text("profile.txt.j2", estimate=result))
    return 0


COMMANDS: tuple[click.Command, ...] = (index_group, ask, rules, estimate)
