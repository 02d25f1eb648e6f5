"""The ``policybot`` command line.

Subcommands: ``index build``, ``ask``, ``rules``, ``estimate``, ``chat``, ``serve``,
``kb add|check|report``.  Errors meant for people (:class:`PolicyBotError`) become one
line on stderr and exit status 2; nothing prints a traceback at a user.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.cli import chat
from bot.paths import parse_date
from bot.render import answer_json, render_text
from bot.staff import kb
from bot.telegram import app as telegram_app
from bot.wiring import make_engine
from knowledge.errors import PolicyBotError


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def cmd_index_build(args: argparse.Namespace) -> int:
    """Build or incrementally update the index."""
    from index.build import build_index
    from knowledge.sources.base import load_knowledge

    engine = make_engine(args)
    knowledge = load_knowledge(engine.knowledge_dir)
    report = build_index(knowledge, engine.data_dir, engine.embedder, progress=True)
    print(render_text("index_built.txt.j2", report=report, kb=knowledge))
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one question, or one per stdin line with --jsonl."""
    engine = make_engine(args)
    if args.jsonl:
        engine.warm_up()
        for line in sys.stdin:
            question = line.rstrip("\r\n")
            try:
                result = answer_json(engine.ask(question, top_k=args.top_k, as_of=args.as_of))
            except Exception as exc:  # one bad line must never end the stream
                result = {
                    "question": question, "matched": False, "hits": [], "estimate": None,
                    "answer_text": render_text("error.txt.j2"), "error": type(exc).__name__,
                }
            sys.stdout.write(_dump(result) + "\n")
            sys.stdout.flush()
        return 0
    if not args.question:
        raise SystemExit("policybot ask: 请给出问题，或使用 --jsonl 从标准输入逐行读取")
    result = answer_json(engine.ask(args.question, top_k=args.top_k, as_of=args.as_of))
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else result["answer_text"])
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    """List the award rules and the facts each needs."""
    engine = make_engine(args)
    rules = engine.snapshot.rules
    if args.json:
        print(json.dumps(rules.to_json(), ensure_ascii=False, indent=2))
    else:
        print(render_text("rules.txt.j2", rules=rules.to_json()))
    return 0


def cmd_estimate(args: argparse.Namespace) -> int:
    """Evaluate every rule for a profile of facts."""
    try:
        facts = json.loads(Path(args.facts).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise PolicyBotError(f"无法读取事实文件 {args.facts}：{exc}") from exc
    if not isinstance(facts, dict):
        raise PolicyBotError(f"{args.facts}: 事实文件应是一个 JSON 对象（键为事实名）")
    engine = make_engine(args)
    result = engine.estimate(facts, as_of=args.as_of)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(render_text("profile.txt.j2", estimate=result))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policybot",
        description="Weihai S&T policy assistant: cited answers and award estimates.",
    )
    parser.add_argument("--knowledge", metavar="DIR",
                        help="knowledge folder (default: $POLICYBOT_KNOWLEDGE_DIR or ./knowledge)")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="index and state folder (default: $POLICYBOT_DATA_DIR)")
    parser.add_argument("--embedder", metavar="SPEC",
                        help="'use' (default) or 'st:<model name or path>' "
                             "(default: $POLICYBOT_EMBEDDER)")
    sub = parser.add_subparsers(dest="command", required=True)

    index_p = sub.add_parser("index", help="build the search index")
    index_sub = index_p.add_subparsers(dest="index_command", required=True)
    build_p = index_sub.add_parser("build", help="build or incrementally update the index")
    build_p.set_defaults(func=cmd_index_build)

    ask_p = sub.add_parser("ask", help="ask a question")
    ask_p.add_argument("question", nargs="?", help="the question (omit with --jsonl)")
    ask_p.add_argument("--json", action="store_true", help="print the JSON object")
    ask_p.add_argument("--jsonl", action="store_true",
                       help="one question per stdin line, one JSON object per stdout line")
    ask_p.add_argument("--top-k", type=int, default=5, metavar="K")
    ask_p.add_argument("--as-of", type=parse_date, metavar="YYYY-MM-DD")
    ask_p.set_defaults(func=cmd_ask)

    rules_p = sub.add_parser("rules", help="list award rules and the facts they need")
    rules_p.add_argument("--json", action="store_true")
    rules_p.set_defaults(func=cmd_rules)

    est_p = sub.add_parser("estimate", help="estimate awards for a profile of facts")
    est_p.add_argument("--facts", required=True, metavar="FILE.json")
    est_p.add_argument("--as-of", type=parse_date, metavar="YYYY-MM-DD")
    est_p.add_argument("--json", action="store_true")
    est_p.set_defaults(func=cmd_estimate)

    for module in (chat, telegram_app, kb):
        module.register_cli(sub)
    return parser


def help_markdown() -> str:
    """Every command's ``--help`` as Markdown (docs/help.md), so the docs cannot drift."""
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"  # argparse wraps to the terminal; the file must not vary
    try:
        return _help_markdown(build_parser())
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved


def _help_markdown(parser: argparse.ArgumentParser) -> str:
    sections = [("policybot", parser)]
    pending = [("policybot", parser)]
    while pending:
        prefix, current = pending.pop(0)
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    sections.append((f"{prefix} {name}", sub))
                    pending.append((f"{prefix} {name}", sub))
    out = ["# `policybot` command reference", "",
           "Generated by `scripts/gen_help.py`; `tests/bot/test_cli.py` fails when it drifts.", ""]
    for title, sub in sections:
        out += [f"## `{title}`", "", "```", sub.format_help().rstrip(), "```", ""]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except PolicyBotError as exc:
        print(f"policybot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # no traceback at a user; POLICYBOT_DEBUG=1 shows it
        if os.environ.get("POLICYBOT_DEBUG"):
            raise
        print(f"policybot: 内部错误（{type(exc).__name__}: {exc}）。"
              "设置 POLICYBOT_DEBUG=1 可查看详细信息。", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
