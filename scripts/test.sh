#!/usr/bin/env bash
# Set up (with the dev and sentence-transformers extras) and run the whole suite:
# ruff, mypy, then pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS=dev,st scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/mypy
HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 .venv/bin/python -m pytest "$@"
