#!/usr/bin/env python3
"""Score a blind batch through the chat path: the conversation core the Telegram
application runs (``bot.conversation.core.Conversation`` over a real SQLite store), one
chat per item, every turn of a dialogue in order.

A batch item has ``turns`` (each ``say`` with its expectation) or, for a single question,
``question`` with the expectation at the top level (the amount batch's shape).  Each
turn is classified from what the owner would see:

- ``verdict``: the answer's own (``answer`` / ``suggest`` / ``refuse`` / ``greeting``;
  a checkout without verdicts: matched → answer, else refuse), or ``interview`` when the
  message went to a running interview and no question was answered;
- ``not_stated``: the answer's first line says the documents do not state what was asked
  (or refuses: the owner learns the documents do not cover it);
- hits, suggestions and the estimate's total; a missed total is either ``asks_back`` (the
  estimate asks for a missing fact, or an interview is running) or ``wrong_total``.

A turn is right when:
- ``expect: answer`` — answered with the expected document (or its twin) among the
  first five clauses, and the expected total when one is given (the total may also be
  stated in a reply of a finished interview); ``suggest`` with the expected document
  among the suggestions counts as *answered or suggested*, reported apart;
- ``expect: refuse`` — refused;
- ``expect: not_stated`` — said up front;
- ``expect: greeting`` — greeted.

The batch is held out: never tune on it.  ``--tree DIR`` scores another checkout (an
older commit's worktree) for before/after figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
D107, D106 = "威政办字〔2018〕107号", "威政办字〔2018〕106号"
TWINS = {D107: D106, D106: D107}
NOT_STATED_WORDS = ("没有规定", "未作规定", "没有找到适用的条款", "没有写明", "并未规定",
                    "没有明确规定", "未规定", "未载明申报时间", "没有列出")

# Runs inside the scored tree: one JSON item per line in, one JSON list of turns out.
DRIVER = r"""
import json, re, sys
from pathlib import Path
from bot.cli.chat import plain
from bot.conversation.core import Conversation, Who
from bot.conversation.store import SQLiteStore
from index.answering.engine import Engine

engine = Engine(Path(sys.argv[1]), Path(sys.argv[2]))
store = SQLiteStore(Path(sys.argv[2]) / "chat.sqlite3")
conv = Conversation(engine, store, flood_limit=10**9)
captured = []
ask = engine.ask
def spy(*a, **k):
    answer = ask(*a, **k)
    captured.append(answer)
    return answer
engine.ask = spy
for n, line in enumerate(sys.stdin, 1):
    item = json.loads(line)
    who = Who(chat_id=n, user_id=n)
    out = []
    for say in item["turns"]:
        captured.clear()
        outcome = conv.text(who, say)
        texts = [plain(r.html) for r in outcome.replies]
        if outcome.edit_html:
            texts.insert(0, plain(outcome.edit_html))
        answer = captured[-1] if captured else None
        turn = {"text": "\n".join(texts)}
        if answer is None:
            turn["verdict"] = "interview"
        else:
            verdict = getattr(answer, "verdict", None)
            turn["verdict"] = verdict or ("answer" if answer.matched else "refuse")
            turn["hits"] = [[h.doc_number, h.clause_path] for h in answer.hits]
            turn["suggestions"] = [[s.doc_number, s.clause_path]
                                   for s in getattr(answer, "suggestions", ()) or ()]
            est = answer.estimate
            turn["total_yuan"] = est.total_yuan if est is not None else None
            top = getattr(answer, "ceiling", None)  # "最多能给多少": the ceiling stated
            turn["ceiling_yuan"] = top.yuan if top is not None else None
            turn["asks"] = bool(est is not None and est.missing)
            turn["asked"] = answer.question
        out.append(turn)
    print(json.dumps(out, ensure_ascii=False), flush=True)
"""


def normalise(item: dict[str, Any]) -> dict[str, Any]:
    """An item with ``turns`` (the amount batch's single questions become one turn)."""
    if "turns" in item:
        return item
    turn = {k: v for k, v in item.items() if k not in ("id", "class")}
    turn["say"] = turn.pop("question")
    turn.setdefault("expect", "answer")
    if "expect_items" in turn and "expect_doc" not in turn and turn["expect_items"]:
        turn["expect_doc"] = turn["expect_items"][0]["doc"]
    return {"id": item["id"], "class": item.get("class", "?"), "turns": [turn]}


def run(items: list[dict[str, Any]], tree: Path, python: str) -> list[list[dict[str, Any]]]:
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONIOENCODING="utf-8")
    env.pop("POLICYBOT_KNOWLEDGE_DIR", None)
    stdin = "".join(json.dumps({"turns": [t["say"] for t in i["turns"]]}, ensure_ascii=False)
                    + "\n" for i in items)
    with tempfile.TemporaryDirectory() as data:
        proc = subprocess.run([python, "-c", DRIVER, str(tree / "knowledge"), data],
                              input=stdin, capture_output=True, text=True, cwd=tree, env=env,
                              check=False)
    if proc.returncode != 0:
        sys.exit(f"chat driver failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    if len(lines) != len(items):
        sys.exit(f"expected {len(items)} items, got {len(lines)}")
    return lines


def _rank(turn: dict[str, Any], pairs: list[list[str]], strict: bool) -> int | None:
    doc, path = turn.get("expect_doc"), turn.get("expect_clause")
    for i, (d, p) in enumerate(pairs, 1):
        if strict and d == doc and p == path:
            return i
        if not strict and (d == doc or d == TWINS.get(str(doc))):
            return i
    return None


def _amount_said(expect: int, text: str) -> bool:
    """Whether a reply states ``expect`` as its bottom line (an interview's end, a
    ceiling 最高100万元): on the line that says 合计, or in the first item when no total
    was computed — not anywhere in the reply (another item's figure is no answer)."""
    wan = expect / 10000
    shown = f"{wan:g}万元" if expect % 100 == 0 else f"{expect}元"
    lines = [line for line in text.split("\n") if line.strip()]
    first_item = next((line for line in lines if line.startswith("1. ")), "")
    return expect != 0 and (any("合计" in line and shown in line for line in lines)
                            or shown in first_item)


def judge(turn: dict[str, Any], got: dict[str, Any]) -> dict[str, bool]:
    """What one turn scored: ``right`` and, where they apply, the finer measures."""
    expect = turn.get("expect", "answer")
    verdict = got["verdict"]
    lines = [line for line in got["text"].strip().split("\n") if line.strip()]
    if lines and lines[0].startswith("按“") and lines[0].endswith("理解："):
        lines = lines[1:]  # a follow-up's "按“…”理解：" comes before the answer's own line
    first = lines[0] if lines else ""
    hits = got.get("hits", []) if verdict == "answer" else []
    out: dict[str, bool] = {}
    if expect == "answer":
        doc_ok = not turn.get("expect_doc") or _rank(turn, hits[:5], False) is not None
        yuan_ok = True
        if "expect_yuan" in turn:
            # a ceiling or a total said in the text counts only when no total was computed
            # (最多能给多少; an interview's end), never beside a different total
            total = got.get("total_yuan")
            yuan_ok = (total == turn["expect_yuan"]
                       or (not total and (got.get("ceiling_yuan") == turn["expect_yuan"]
                                          or _amount_said(int(turn["expect_yuan"]),
                                                          got["text"]))))
            out["exact"] = yuan_ok and verdict in ("answer", "interview")
            # a miss is either an honest question back (facts asked for) or a wrong total
            out["asks_back"] = not out["exact"] and bool(got.get("asks") or verdict == "interview")
            out["wrong_total"] = not out["exact"] and not out["asks_back"]
        # an interview's result (the owner answered the fact asked back): its items cite
        # their clauses ("依据：威政办字〔2018〕106号 …") and its bottom line is the total
        cited = verdict == "interview" and "expect_yuan" in turn and yuan_ok and (
            not turn.get("expect_doc") or any(
                line.startswith("依据：") and turn["expect_doc"] in line for line in lines))
        out["right"] = (verdict == "answer" and doc_ok and yuan_ok) or cited
        suggested = verdict == "suggest" and (
            not turn.get("expect_doc")
            or _rank(turn, got.get("suggestions", []), False) is not None)
        out["answered_or_suggested"] = (verdict == "answer" and doc_ok) or suggested
    elif expect == "refuse":
        out["right"] = verdict == "refuse"
    elif expect == "not_stated":
        out["right"] = verdict == "refuse" or any(w in first for w in NOT_STATED_WORDS)
    elif expect == "greeting":
        out["right"] = verdict == "greeting"
    elif expect == "ask":
        # a fact asked back before any total: questions, and no total stated
        out["right"] = verdict in ("answer", "interview") and bool(got.get("asks")) \
            and not got.get("total_yuan")
    else:
        out["right"] = False
    return out


def score(items: list[dict[str, Any]], results: list[list[dict[str, Any]]]
          ) -> dict[str, Any]:
    buckets: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for item, turns in zip(items, results, strict=True):
        dialogue = len(item["turns"]) > 1
        for turn, got in zip(item["turns"], turns, strict=True):
            marks = judge(turn, got)
            for key in ("all", item.get("class", "?")):
                b = buckets[key]
                b["right"].append(float(marks["right"]))
                if "answered_or_suggested" in marks:
                    b["answered_or_suggested"].append(float(marks["answered_or_suggested"]))
                if "exact" in marks:
                    b["exact"].append(float(marks["exact"]))
                    b["asks_back"].append(float(marks["asks_back"]))
                    b["wrong_total"].append(float(marks["wrong_total"]))
                if dialogue:
                    b["dialogue_steps"].append(float(marks["right"]))
                if turn.get("expect", "answer") == "answer" and turn.get("expect_clause") \
                        and not dialogue:
                    r = _rank(turn, got.get("hits", []) if got["verdict"] == "answer" else [],
                              True)
                    b["r1"].append(float(r == 1))
                    b["r5"].append(float(r is not None and r <= 5))
                    b["mrr"].append(1.0 / r if r else 0.0)
    return {key: {m: {"value": round(sum(v) / len(v), 3), "n": len(v)} for m, v in b.items()}
            for key, b in sorted(buckets.items(), key=lambda kv: (kv[0] != "all", kv[0]))}


def table(result: dict[str, Any]) -> str:
    cols = ["right", "answered_or_suggested", "dialogue_steps", "exact", "asks_back",
            "wrong_total", "r1", "r5", "mrr"]
    rows = ["| class | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for key, metrics in result.items():
        cells = [f"{metrics[c]['value']:.3f} ({metrics[c]['n']})" if c in metrics else "—"
                 for c in cols]
        rows.append(f"| {key} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch", type=Path, default=REPO / "knowledge/cases/blind3.yaml")
    parser.add_argument("--tree", type=Path, default=REPO, help="checkout whose code to score")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--dump", type=Path, help="write every turn's reply here (JSON lines)")
    args = parser.parse_args()
    items = [normalise(i) for i in yaml.safe_load(args.batch.read_text(encoding="utf-8"))]
    results = run(items, args.tree.resolve(), args.python)
    result = score(items, results)
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as fh:
            for item, turns in zip(items, results, strict=True):
                for turn, got in zip(item["turns"], turns, strict=True):
                    fh.write(json.dumps({"id": item["id"], "class": item.get("class"),
                                         "say": turn["say"], **judge(turn, got), **got},
                                        ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
