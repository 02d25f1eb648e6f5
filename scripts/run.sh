#!/usr/bin/env bash
# Set up and start the main job: the Telegram bot when TELEGRAM_BOT_TOKEN is set
# (environment or .env), otherwise the same conversation in the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ -z "${TELEGRAM_BOT_TOKEN:-}" ] && [ -f .env ]; then
    TELEGRAM_BOT_TOKEN="$(grep -E '^TELEGRAM_BOT_TOKEN=' .env | tail -1 | cut -d= -f2- || true)"
fi
if [ -n "${TELEGRAM_BOT_TOKEN:-}" ]; then
    exec .venv/bin/policybot serve "$@"
fi
echo "未设置 TELEGRAM_BOT_TOKEN：在终端中启动同样的对话（输入 /quit 退出）。" >&2
exec .venv/bin/policybot chat "$@"
