#!/usr/bin/env bash
# Set up (with the dev and sentence-transformers extras) and run the whole suite:
# ruff, then mypy and pytest side by side (two cores: mypy's type check overlaps the
# tests instead of adding to them); pytest on two workers (PYTEST_WORKERS). Extra
# arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS=dev,st scripts/setup.sh
echo "ruff: lint" >&2
.venv/bin/ruff check .
echo "mypy: type check (in the background) and pytest" >&2
mypy_log="$(mktemp)"
.venv/bin/mypy >"$mypy_log" 2>&1 &
mypy_pid=$!
status=0
HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" "$@" || status=$?
mypy_status=0
wait "$mypy_pid" || mypy_status=$?
cat "$mypy_log"
rm -f "$mypy_log"
if [ "$mypy_status" -ne 0 ]; then
    echo "mypy failed" >&2
    exit "$mypy_status"
fi
exit "$status"
