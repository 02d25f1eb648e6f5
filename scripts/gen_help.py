"""Write docs/help.md from the ``policybot`` argparse help (checked by tests/bot/test_cli.py).

Usage: .venv/bin/python scripts/gen_help.py
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.cli.main import help_markdown  # noqa: E402

if __name__ == "__main__":
    (REPO / "docs" / "help.md").write_text(help_markdown(), encoding="utf-8")
    print("wrote docs/help.md")
