"""What a button stands for, kept in the store: ``ref:<token>`` records.

Callback data holds 64 bytes, so a button carries a short token and the store keeps what
it means: the clause shown and the question it answered (a clause button), the rules and
facts of an estimate, the folded "不适用" items.  A clause reference has a digest of the
clause as shown, so a later press tells whether the clause changed since; its token is
derived from what it holds (replicas write the same record), the others are random.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from typing import Any

from bot.conversation.store import Conflict, StateStore
from index.answering.answer import AnswerHit

__all__ = ["REF_TTL", "Refs", "digest"]

REF_TTL = 30 * 24 * 3600
MAX_TOKEN = 24


def digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


class Refs:
    """The references of one store."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    def put(self, data: dict[str, Any]) -> str:
        token = secrets.token_hex(6)
        self.store.put(f"ref:{token}", data, 0, ttl=REF_TTL)
        return token

    def get(self, token: str) -> dict[str, Any] | None:
        if not token or len(token) > MAX_TOKEN:
            return None
        return self.store.get(f"ref:{token}").data

    def clause(self, hit: AnswerHit, question: str, by: str) -> str:
        """The clause as shown (its digest: a later press tells whether it changed) and
        the question it answered (to ask again; ``by`` whom: /unsubscribe erases it)."""
        shown = digest(hit.text)
        ident = f"{hit.doc_number}#{hit.clause_path}#{shown}#{question}"
        token = hashlib.sha1(ident.encode("utf-8")).hexdigest()[:12]
        record = self.store.get(f"ref:{token}")
        if record.data is None:
            data = {"doc": hit.doc_number, "path": hit.clause_path, "title": hit.title,
                    "digest": shown, "q": question, "by": by}
            with contextlib.suppress(Conflict):  # another replica wrote the same reference
                self.store.put(f"ref:{token}", data, record.version, ttl=REF_TTL)
        return token
