#!/usr/bin/env python3
"""Score a blind question batch through the ``policybot ask --jsonl`` contract.

The batch (``knowledge/cases/blind.yaml``) was written from the policy texts alone by
someone who had not seen the code or the canned questions.  It is held out: never tune
on it.  The script talks to the CLI as a subprocess, so the same batch can score any
checkout (``--tree DIR``: an older commit's working tree, for before/after figures).

Measures, overall and per class:
- recall@1 / recall@5 / MRR over questions with an expected clause: a hit counts when its
  document and clause path are the expected ones (strict) — and, for the doc-level
  figure, when its document is the expected one or its twin (107号 and 106号 repeat
  several awards word for word);
- estimates exact: questions with ``expect_yuan`` whose answer has an estimate with that
  ``total_yuan``;
- out of scope rejected: ``class: out_of_scope`` questions answered ``matched: false``;
- validity right: questions with ``expect_in_force`` whose best hit says the same.

Follow-ups (``prev``) are asked on their own by default (the CLI has no conversation).
With ``--context`` they are read as the chat reads them: the previous question is asked
first and the follow-up is asked against it (``Engine.ask(previous=…)``, the same call the
Telegram conversation makes).  ``scripts/bench_chat.py`` scores whole dialogues through
the conversation core itself.
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


def ask_all(questions: list[str], tree: Path, data_dir: Path, python: str) -> list[dict[str, Any]]:
    env = dict(os.environ, PYTHONPATH=str(tree), POLICYBOT_DATA_DIR=str(data_dir),
               PYTHONIOENCODING="utf-8")
    env.pop("POLICYBOT_KNOWLEDGE_DIR", None)
    stdin = "".join(q.replace("\n", " ") + "\n" for q in questions)
    proc = subprocess.run([python, "-m", "bot.cli", "--knowledge", str(tree / "knowledge"),
                           "ask", "--jsonl"], input=stdin, capture_output=True, text=True,
                          cwd=tree, env=env, check=False)
    if proc.returncode != 0:
        sys.exit(f"ask --jsonl failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    if len(lines) != len(questions):
        sys.exit(f"expected {len(questions)} answers, got {len(lines)}")
    return lines


# Runs inside the scored tree (its PYTHONPATH): one JSON line in ({"q", "prev"}), one out.
CONTEXT_DRIVER = r"""
import json, sys
from pathlib import Path
from bot.conversation import context as cx
from bot.conversation.presenter import answer_json
from bot.subjects import covered_subjects
from index.answering.engine import Engine

engine = Engine(Path(sys.argv[1]), Path(sys.argv[2]))
subjects = covered_subjects(d.get("title", "") for d in engine.documents())
for line in sys.stdin:
    case = json.loads(line)
    previous = None
    if case.get("prev"):
        first = engine.ask(case["prev"])
        previous = cx.context_of(first).previous() if first.matched else None
    answer = engine.ask(case["q"], previous=previous)
    result = answer_json(answer, subjects)
    result["asked"] = answer.text
    print(json.dumps(result, ensure_ascii=False), flush=True)
"""


def ask_in_context(cases: list[dict[str, Any]], tree: Path, data_dir: Path, python: str
                   ) -> list[dict[str, Any]]:
    by_id = {c["id"]: c for c in cases}
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONIOENCODING="utf-8")
    stdin = "".join(json.dumps({"q": c["question"], "prev": by_id[c["prev"]]["question"]
                                if c.get("prev") in by_id else None}, ensure_ascii=False)
                    + "\n" for c in cases)
    proc = subprocess.run([python, "-c", CONTEXT_DRIVER, str(tree / "knowledge"),
                           str(data_dir)], input=stdin, capture_output=True, text=True,
                          cwd=tree, env=env, check=False)
    if proc.returncode != 0:
        sys.exit(f"context driver failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    if len(lines) != len(cases):
        sys.exit(f"expected {len(cases)} answers, got {len(lines)}")
    return lines


def rank(case: dict[str, Any], hits: list[dict[str, Any]], lenient: bool) -> int | None:
    doc, path = case.get("expect_doc"), case.get("expect_clause")
    for i, hit in enumerate(hits, 1):
        same_doc = hit["doc_number"] == doc
        if lenient and (same_doc or hit["doc_number"] == TWINS.get(str(doc))):
            return i
        if same_doc and (not path or hit["clause_path"] == path):
            return i
    return None


def score(cases: list[dict[str, Any]], answers: list[dict[str, Any]]) -> dict[str, Any]:
    buckets: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for case, answer in zip(cases, answers, strict=True):
        for key in ("all", case.get("class", "?")):
            b = buckets[key]
            if case.get("class") == "out_of_scope":
                b["oos_rejected"].append(float(not answer["matched"]))
                continue
            hits = answer["hits"] if answer["matched"] else []
            if case.get("expect_doc"):
                for name, lenient in (("strict", False), ("doc", True)):
                    r = rank(case, hits, lenient)
                    b[f"{name}_r1"].append(float(r == 1))
                    b[f"{name}_r5"].append(float(r is not None and r <= 5))
                    b[f"{name}_mrr"].append(1.0 / r if r else 0.0)
            if "expect_yuan" in case:
                est = answer.get("estimate")
                b["exact"].append(float(est is not None
                                        and est.get("total_yuan") == case["expect_yuan"]))
            if "expect_in_force" in case and hits:
                b["validity"].append(float(hits[0]["in_force"] == case["expect_in_force"]))
    out: dict[str, Any] = {}
    for key, b in sorted(buckets.items(), key=lambda kv: (kv[0] != "all", kv[0])):
        out[key] = {m: {"value": round(sum(v) / len(v), 3), "n": len(v)} for m, v in b.items()}
    return out


def table(result: dict[str, Any]) -> str:
    cols = ["strict_r1", "strict_r5", "strict_mrr", "doc_r1", "doc_r5", "exact",
            "oos_rejected", "validity"]
    rows = ["| class | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for key, metrics in result.items():
        cells = []
        for c in cols:
            m = metrics.get(c)
            cells.append(f"{m['value']:.3f} ({m['n']})" if m else "—")
        rows.append(f"| {key} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch", type=Path, default=REPO / "knowledge/cases/blind.yaml")
    parser.add_argument("--tree", type=Path, default=REPO, help="checkout whose code to score")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--context", action="store_true",
                        help="read follow-ups against the previous question, as the chat does")
    args = parser.parse_args()
    cases = yaml.safe_load(args.batch.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        if args.context:
            answers = ask_in_context(cases, args.tree.resolve(), Path(tmp), args.python)
        else:
            answers = ask_all([c["question"] for c in cases], args.tree.resolve(), Path(tmp),
                              args.python)
    result = score(cases, answers)
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
