#!/usr/bin/env bash
# Create .venv at the project root and install the project (idempotent).
#   EXTRAS=dev,st scripts/setup.sh   installs the test tools and the sentence-transformers extra.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-${EXTRAS:-base}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    if [ -n "${EXTRAS:-}" ]; then
        .venv/bin/python -m pip install --quiet -e ".[${EXTRAS}]"
    else
        .venv/bin/python -m pip install --quiet -e .
    fi
    touch "$stamp"
fi
