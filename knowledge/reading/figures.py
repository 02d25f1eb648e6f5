"""What a figure in a message is when it is no base of an award: an award received (奖了
100万, 市里的钱账上目前到了100万) or the figure of the award asked about (两百万那个奖, 有没有
那个20万).  The amount readers leave these out and say so."""

from __future__ import annotations

import re

from knowledge.money import MoneyMention
from knowledge.reading.scope import clause_start

__all__ = ["CITY_PAID", "RECEIVED", "names_award", "received"]

# 两百万那个奖 / 有没有那个20万 / 市里给一千万 / 够不够五十万: an award's figure, no base
_NAMES_AWARD = re.compile(r"\s*的?(那个|那项|那笔|这个|这项)(奖|补助|补贴|奖补|政策)")
_ASKED_FIGURE = re.compile(
    r"(有没有|有木有|给不给|能不能有)(那个|这个|那|这)?\s*$|(市里|市级"
    r"|市财政|市政府)(会|能|要|就|总共|一共|共|合计)?(给|奖|补|拨|奖励|补助|支持)"
    r"(予|了)?\s*$|(够不够|够没够|能不能到|有没有到|到没到|超没超过)\s*$"
)
# an award received (奖了100万, 拿过200万, 领了20万): no amount an award is computed on
RECEIVED = re.compile(r"(奖了|奖过|拿了|拿过|领了|领过|发了|到账|(?:账上|已经|已)到了|收到了?)\s*$")
# 市里的钱账上目前到了100万 / 市里已经拨了50万: money from the city, received
CITY_PAID = re.compile(
    r"(?:市里|市级|市财政|市政府|市科技局)[^，,。；;省]{0,10}?"
    r"(?:给了|拨了|给过|拨过|发了|到了|兑现了|到账)\s*$"
)


def received(text: str, mention: MoneyMention) -> bool:
    """Whether ``mention`` is said as money already received (拿过200万), or paid by the
    city (市里已经拨了50万)."""
    return bool(
        RECEIVED.search(text, max(0, mention.start - 4), mention.start)
        or CITY_PAID.search(text, clause_start(text, mention.start), mention.start)
    )


def names_award(text: str, mention: MoneyMention) -> bool:
    """Whether ``mention`` is the figure of the award asked about (两百万那个奖, 市里给
    一千万吗), not an amount it is computed on."""
    return bool(
        _NAMES_AWARD.match(text, mention.end) or _ASKED_FIGURE.search(text[: mention.start])
    )
