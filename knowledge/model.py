"""Plain data shared by every layer: documents, clauses, responsible offices.

``knowledge`` imports neither ``index`` nor ``bot``; these types are the contract.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

DEFAULT_REGION = "威海市"
REPEALED_STATUSES = ("已废止", "废止")


@dataclass(frozen=True)
class DocumentMeta:
    """Metadata of one policy document (from the front matter of its knowledge file)."""

    doc_number: str  # normalised 文号, no spaces: 威政办字〔2018〕106号
    title: str
    issuer: str
    issued: date
    effective_from: date | None = None  # None: from the issue date
    effective_until: date | None = None  # None: no end stated
    source: str = ""
    # free text from staff, never shown as a validity claim; 已废止 (repealed) without a
    # ``repealed_on`` ends the document on every date
    status: str = ""
    file: str = ""  # knowledge file it was loaded from (relative path)
    # staff checked with the issuer that a document without an end date is still in force
    confirmed_in_force_on: date | None = None
    supersedes: tuple[str, ...] = ()  # 文号 this document replaces (from its metadata)
    # set when the knowledge base is loaded (from either side's metadata): the 文号 and
    # title of the replacing document and the date the replacement takes effect
    superseded_by: str = ""
    superseded_by_title: str = ""
    superseded_from: date | None = None
    # the area the document governs (front matter ``region``); a deployment may keep only
    # its own region's documents (index.focus.set_deployment_regions)
    region: str = DEFAULT_REGION
    # the date a repeal takes effect (front matter ``repealed_on``) and where it is stated
    repealed_on: date | None = None
    repeal_source: str = ""
    # False: the document has no 文号 (yet); ``doc_number`` is then its title-and-date key
    numbered: bool = True

    def is_repealed(self, on: date) -> bool:
        """Whether the document is repealed on ``on`` (before ``repealed_on`` it stands)."""
        if self.repealed_on is not None:
            return on >= self.repealed_on
        return self.status in REPEALED_STATUSES

    def in_force(self, on: date) -> bool:
        """Whether the document is in force on ``on`` (not repealed, expired or replaced)."""
        # Repeal ends a document on every date; 已失效 (expired) only records that the end
        # date has passed, so an as-of date inside the validity window still counts.
        if self.is_repealed(on):
            return False
        if self.is_superseded(on):
            return False
        start = self.effective_from or self.issued
        if on < start:
            return False
        return self.effective_until is None or on <= self.effective_until

    def is_superseded(self, on: date) -> bool:
        """Whether a replacing document has taken effect on ``on``."""
        if not self.superseded_by:
            return False
        return self.superseded_from is None or on >= self.superseded_from

    def validity(self, on: date) -> str:
        """The state on ``on``, claiming only what the metadata says (for templates).

        In force: ``in_force_until`` (an end date is stated and not passed),
        ``confirmed`` (no end date, staff recorded ``confirmed_in_force_on``) or
        ``unstated`` (no end date stated: ask the issuer).  Not in force: ``not_yet``,
        ``expired``, ``repealed`` or ``superseded`` (see ``superseded_by``).
        """
        if self.in_force(on):
            if self.effective_until is not None:
                return "in_force_until"
            return "confirmed" if self.confirmed_in_force_on is not None else "unstated"
        if self.is_repealed(on):
            return "repealed"
        if self.is_superseded(on):
            return "superseded"
        start = self.effective_from or self.issued
        return "not_yet" if on < start else "expired"

    def summary(self, on: date) -> dict[str, object]:
        """Plain values of the metadata with the validity on ``on``."""
        return {
            "doc_number": self.doc_number,
            "title": self.title,
            "issuer": self.issuer,
            "issued": self.issued.isoformat(),
            "effective_from": (self.effective_from or self.issued).isoformat(),
            "effective_until": self.effective_until.isoformat() if self.effective_until else None,
            "status": self.status,
            "in_force": self.in_force(on),
            "validity": self.validity(on),
            "numbered": self.numbered,
            "repealed_on": self.repealed_on.isoformat() if self.repealed_on else None,
            "repeal_source": self.repeal_source,
            "confirmed_in_force_on": (self.confirmed_in_force_on.isoformat()
                                      if self.confirmed_in_force_on else None),
            "supersedes": list(self.supersedes),
            "superseded_by": ({"doc_number": self.superseded_by,
                               "title": self.superseded_by_title,
                               "from": (self.superseded_from.isoformat()
                                        if self.superseded_from else None)}
                              if self.superseded_by else None),
        }


@dataclass(frozen=True)
class Responsible:
    """The （牵头单位：…；责任单位：…） note of a clause."""

    lead: tuple[str, ...] = ()
    units: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.lead or self.units)


@dataclass(frozen=True)
class Clause:
    """One numbered provision of a document, the unit of retrieval and citation.

    ``path`` is the numbering trail as printed, normalised to full-width brackets and
    ASCII dots after arabic numbers: ``二、（四）1.``; ``序言`` for text before the first
    number; ``第三条`` style for documents numbered by article.  ``headings`` holds the
    heading text of every level of the trail (``("重点任务", "全面落实创新优惠政策",
    "推进技术研发和转移机构建设")``).  ``text`` is the cleaned body of this clause only
    (its children are clauses of their own), without the responsible-office note.
    A clause longer than the cap is split into chunks that share ``path``; ``part``
    numbers them from 0 and ``clause_id`` stays the same for all of them.
    """

    doc: DocumentMeta
    path: str
    headings: tuple[str, ...]
    text: str
    responsible: Responsible = field(default_factory=Responsible)
    line: int = 0  # 1-based line in the knowledge file where the clause starts
    part: int = 0

    @property
    def doc_number(self) -> str:
        return self.doc.doc_number

    @property
    def clause_id(self) -> str:
        """Stable id of the clause (all chunks of a capped clause share it)."""
        return f"{self.doc.doc_number}#{self.path}"

    @property
    def chunk_id(self) -> str:
        return f"{self.clause_id}@{self.part}"

    def embedding_text(self) -> str:
        """What is embedded and tokenised: title and heading trail with the body."""
        trail = " > ".join(h for h in self.headings if h)
        return f"{self.doc.title}｜{self.path} {trail}\n{self.text}"

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.embedding_text().encode("utf-8")).hexdigest()
