"""bot.streams: byte-safe JSON lines for ``ask --jsonl``."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from bot.streams import JsonLinesWriter, clean_text, iter_lines_utf8

REPO = Path(__file__).resolve().parents[2]


def test_invalid_utf8_is_replaced_in_its_line_only() -> None:
    data = (b"\xef\xbb\xbf\xe7\xa7\x91\xe6\x8a\x80\n\xff\xfebad\r\n"
            b"\xe5\xa5\x96\xe5\x8a\xb1\xe2\x80\xa8x")
    assert list(iter_lines_utf8(io.BytesIO(data))) == ["科技", "\ufffd\ufffdbad", "奖励\u2028x"]


def test_empty_and_blank_lines() -> None:
    assert list(iter_lines_utf8(io.BytesIO(b""))) == []
    assert list(iter_lines_utf8(io.BytesIO(b"\n\n"))) == ["", ""]


def test_writer_emits_valid_utf8_json_lines() -> None:
    out = io.BytesIO()
    writer = JsonLinesWriter(out)
    writer.write({"question": "科技\udcff奖励", "hits": [{"t": "a\u2028b"}], "n": 1})
    writer.write({"question": "二"})
    lines = out.getvalue().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 3
    first = json.loads(lines[0].decode("utf-8"))  # strict decoding succeeds
    assert first["question"] == "科技\ufffd奖励" and first["hits"][0]["t"] == "a\u2028b"
    assert "科技".encode() in lines[0]  # not \\u-escaped
    assert clean_text("ok") == "ok"


def test_survives_strict_io_encoding_in_a_subprocess() -> None:
    """Under PYTHONIOENCODING=utf-8:strict an invalid byte on stdin kills a text reader;
    the byte reader and writer pass it through as U+FFFD."""
    script = ("import sys\nfrom bot.streams import JsonLinesWriter, iter_lines_utf8\n"
              "w = JsonLinesWriter(sys.stdout.buffer)\n"
              "for q in iter_lines_utf8(sys.stdin.buffer):\n    w.write({'q': q})\n")
    env = dict(os.environ, PYTHONIOENCODING="utf-8:strict", PYTHONPATH=str(REPO))
    data = "一\n".encode() + b"\xc3(\n" + "三\n".encode()
    proc = subprocess.run([sys.executable, "-c", script], input=data, capture_output=True,
                          env=env, cwd=REPO, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert rows == [{"q": "一"}, {"q": "\ufffd("}, {"q": "三"}]
    naive = subprocess.run([sys.executable, "-c", "import sys\nfor l in sys.stdin: pass"],
                           input=data, capture_output=True, env=env, timeout=60, check=False)
    assert naive.returncode != 0  # what iter_lines_utf8 protects against
