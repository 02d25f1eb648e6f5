"""A thin, watching wrapper around the real :class:`index.answering.engine.Engine`.

Everything is the engine's own answer; the wrapper only records the questions that reach
it (``asked``), counts reloads (``reloads``) and raises on a question containing 爆炸, so
that the error path of the Telegram app can be tested with the real engine behind it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from index.answering.answer import Answer
from knowledge.reading.frame import Previous

EXPLODE = "爆炸"


class RecordingEngine:
    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.asked: list[str] = []
        self.understood: list[str] = []  # each message as the core understood it
        self.reloads = 0

    def __getattr__(self, name: str) -> Any:  # everything else is the engine's own
        return getattr(self.engine, name)

    @property
    def version(self) -> int:
        return int(self.engine.version)

    def ask(self, question: str, top_k: int = 5, as_of: date | None = None,
            today: date | None = None, previous: Previous | None = None) -> Answer:
        self.asked.append(question)
        if EXPLODE in question:
            raise RuntimeError("engine exploded")
        answer: Answer = self.engine.ask(question, top_k=top_k, as_of=as_of, today=today,
                                         previous=previous)
        self.understood.append(answer.text)
        return answer

    def reload(self) -> Any:
        self.reloads += 1
        return self.engine.reload()
