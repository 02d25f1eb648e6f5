"""Write docs/help.md from the ``policybot`` click help (checked by tests/bot/cli/test_main.py).

The text is wrapped at :data:`bot.cli.main.HELP_WIDTH` columns whatever the terminal, so the
file is the same on every machine.

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
