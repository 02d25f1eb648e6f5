"""Follow-ups through the real Telegram Application: two replicas sharing Redis."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import Running, with_replicas
from recording import RecordingEngine


@pytest.mark.redis
def test_a_follow_up_is_read_on_the_other_replica(tmp_path: Path, bot_engine: RecordingEngine,
                                                  redis_url: str) -> None:
    async def scenario(a: Running, b: Running, *_: object) -> None:
        sent = await a.say(41, "企业牵头建设市级技术创新中心能获得多少补助？")
        assert "200万元" in sent[0].params["text"]
        sent = await b.say(41, "那省级的呢")
        assert "500万元" in sent[0].params["text"]
        assert "省级技术创新中心" in sent[0].params["text"]
        sent = await a.say(41, "这个找哪个部门申请？")
        assert "市科技局" in sent[0].params["text"]
        assert not [c for c in a.server.calls if c.error]
    with_replicas(tmp_path, bot_engine, redis_url, scenario)
