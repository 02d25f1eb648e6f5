"""Container health check: GET /healthz on the webhook port.

In polling mode (no WEBHOOK_URL) the bot serves no HTTP, so the process being alive is
all there is to check and this script reports healthy.
Exit status 0 = healthy, 1 = unhealthy (what Docker's HEALTHCHECK expects).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    if not os.environ.get("WEBHOOK_URL"):
        return 0
    port = os.environ.get("WEBHOOK_PORT", "8080")
    url = os.environ.get("HEALTHCHECK_URL", f"http://127.0.0.1:{port}/healthz")
    try:
        with urllib.request.urlopen(url, timeout=4) as response:
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"unhealthy: {url}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
