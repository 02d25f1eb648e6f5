"""Run the ``policybot`` console script the way users and CI do (a subprocess)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def policybot_command() -> list[str]:
    exe = Path(sys.executable).with_name("policybot")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("policybot")
    if found:
        return [found]
    return [sys.executable, "-m", "bot.cli"]


def run_jsonl(lines: list[str], data_dir: Path, *extra: str) -> list[dict[str, Any]]:
    """Pipe ``lines`` through ``policybot ask --jsonl``: one parsed object per line, in order."""
    env = dict(os.environ, POLICYBOT_DATA_DIR=str(data_dir))
    env.pop("POLICYBOT_KNOWLEDGE_DIR", None)
    proc = subprocess.run(
        [*policybot_command(), "ask", "--jsonl", *extra], input="\n".join(lines) + "\n",
        capture_output=True, text=True, encoding="utf-8", cwd=REPO, env=env, timeout=300,
        check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout.split("\n")  # not splitlines(): JSON may hold U+2028 or \x85
    assert out[-1] == ""
    out = out[:-1]
    assert len(out) == len(lines), (len(out), len(lines), proc.stderr[-2000:])
    return [json.loads(line) for line in out]


def run_cli(argv: list[str], capsys: Any) -> tuple[int, str, str]:
    """``policybot …`` in-process through the real CLI entry point; (status, stdout, stderr).

    ``capsys`` is pytest's fixture of the calling test.
    """
    from bot.cli.main import main

    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def line_of(path: Path, needle: str) -> int:
    """1-based number of the first line of ``path`` containing ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")
