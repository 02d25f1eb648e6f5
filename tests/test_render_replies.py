"""scripts/render_replies.py: typical replies rendered at phone width by headless chromium."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.chromium, pytest.mark.slow]


@pytest.mark.skipif(shutil.which("chromium") is None and not Path("/usr/bin/chromium").exists(),
                    reason="no chromium")
def test_render_replies_writes_phone_width_pngs(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(REPO / "scripts" / "render_replies.py"), str(tmp_path)],
                   check=True, timeout=300, cwd=REPO)
    names = ["1_amount_answer", "1b_centre_answer", "2_expired_answer", "3_clause_answer",
             "3b_overview_question", "3c_overview_with_lapsed_award", "4_estimate_result",
             "4b_unfolded_rest", "5_interview_question", "5a_question_with_progress",
             "5b_review", "5c_typed_answer_and_review", "5d_interview_after_back",
             "6_policies", "7_clause_view", "8_subscription_confirmation",
             "8b_subscription_estimate", "9_greeting", "9b_suggestion", "9c_not_stated",
             "9d_follow_up", "9e_several_years"]
    for name in names:
        png = tmp_path / f"{name}.png"
        assert png.exists(), name
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(data[16:20], "big") == 390  # the IHDR width: a phone
        assert len(data) > 10_000, name  # text was drawn, not a blank page
        assert "<b>" in (tmp_path / f"{name}.html").read_text(encoding="utf-8")
