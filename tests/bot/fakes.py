"""An in-memory engine that behaves like index.answering.engine.Engine on two tiny award rules.

Rules (amounts in yuan):
- ``platform``: 技术创新中心 — ``platform_level`` (city 50万 / province 100万 / national:
  一事一议), only when ``lead_type`` is ``enterprise``.
- ``purchase``: 购买技术 — needs ``is_high_tech`` True, then 10% of ``purchase_yuan``,
  at most 100万.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from knowledge.errors import FactError

DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
          "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}


def zh_number(text: str) -> int:
    total, current = 0, 0
    for ch in text:
        if ch in DIGITS:
            current = DIGITS[ch]
        elif ch in UNITS:
            total += (current or 1) * UNITS[ch]
            current = 0
        else:
            raise ValueError(ch)
    return total + current


def parse_money(text: str) -> int:
    t = text.strip().replace(",", "").replace("，", "").removesuffix("元")
    scale = 1
    if t.endswith("万"):
        t, scale = t[:-1], 10_000
    elif t.endswith("亿"):
        t, scale = t[:-1], 100_000_000
    try:
        value = float(t) if re.fullmatch(r"\d+(\.\d+)?", t) else zh_number(t)
    except ValueError:
        raise FactError("money", "无法识别的金额") from None
    if value <= 0:
        raise FactError("money", "金额应大于零")
    return round(value * scale)


@dataclass(frozen=True)
class FakeSpec:
    name: str
    kind: str
    question: str
    choices: list[tuple[Any, str]] = field(default_factory=list)
    example: str = ""

    def parse(self, text: str) -> Any:
        if self.kind == "money":
            try:
                return parse_money(text)
            except FactError as exc:
                raise FactError(self.name, exc.message) from None
        if self.kind == "bool":
            if text.strip() in ("是", "有", "对"):
                return True
            if text.strip() in ("否", "不是", "没有", "无"):
                return False
        for value, label in self.choices:
            if text.strip() == label:
                return value
        raise FactError(self.name, "无法识别的回答")


SPECS = {
    "platform_level": FakeSpec("platform_level", "choice", "创新中心是哪一级认定的？",
                               [("city", "市级"), ("province", "省级"), ("national", "国家级")]),
    "lead_type": FakeSpec("lead_type", "choice", "牵头单位是什么性质？",
                          [("enterprise", "企业"), ("public", "公益性单位")]),
    "is_high_tech": FakeSpec("is_high_tech", "bool", "贵单位是高新技术企业吗？"),
    "purchase_yuan": FakeSpec("purchase_yuan", "money", "购买技术成果的合同金额是多少？",
                              example="120万元"),
}
RULE_FACTS = {"platform": ["lead_type", "platform_level"],
              "purchase": ["is_high_tech", "purchase_yuan"]}
CITES = {"platform": ("威政办字〔2018〕106号", "二、（一）1."),
         "purchase": ("威科字〔2018〕58号", "三、（二）")}
CLAUSES = {
    CITES["platform"]: "对新认定的市级技术创新中心给予50万元补助，省级给予100万元补助。",
    CITES["purchase"]: "企业购买技术成果的，按合同金额的10%给予补助，最高100万元。",
}


class FakeEngine:
    """Same methods and JSON shapes as index.answering.engine.Engine; deterministic and fast."""

    def __init__(self) -> None:
        self.version = 1
        self.reloads = 0
        self.fail_next = False
        self.asked: list[str] = []
        self.long_clauses = False

    def warm_up(self) -> None:
        pass

    # -- calculator ----------------------------------------------------------------
    def _needs(self, rule: str, facts: dict[str, Any]) -> list[str]:
        if rule == "platform":
            if facts.get("lead_type") == "public":
                return []
            return [f for f in RULE_FACTS[rule] if f not in facts]
        if facts.get("is_high_tech") is False:
            return []
        return [f for f in RULE_FACTS[rule] if f not in facts]

    def next_questions(self, facts: dict[str, Any], as_of: date | None = None,
                       rule_ids: list[str] | None = None) -> list[FakeSpec]:
        names: list[str] = []
        for rule in rule_ids or list(RULE_FACTS):
            names += [n for n in self._needs(rule, facts) if n not in names]
        return [SPECS[n] for n in names]

    def _item(self, rule: str, facts: dict[str, Any], as_of: date) -> dict[str, Any]:
        doc, path = CITES[rule]
        item: dict[str, Any] = {
            "rule_id": rule, "label": "技术创新中心补助" if rule == "platform" else "技术购买补助",
            "outcome": "need_info", "explanation": "", "in_force": True,
            "citations": [{"doc_number": doc, "clause_path": path,
                           "quote": CLAUSES[(doc, path)][:20]}],
        }
        if self._needs(rule, facts):
            return item
        if rule == "platform":
            if facts["lead_type"] != "enterprise":
                item.update(outcome="ineligible", explanation="牵头单位须为企业")
            elif facts["platform_level"] == "national":
                item.update(outcome="case_by_case", explanation="国家级：一事一议")
            else:
                amount = 500_000 if facts["platform_level"] == "city" else 1_000_000
                item.update(outcome="eligible", amount_yuan=amount,
                            explanation=f"{facts['platform_level']}级 → {amount}元")
        elif not facts["is_high_tech"]:
            item.update(outcome="ineligible", explanation="须为高新技术企业")
        else:
            raw = facts["purchase_yuan"] // 10
            amount = min(raw, 1_000_000)
            item.update(outcome="eligible", amount_yuan=amount,
                        explanation=f"{facts['purchase_yuan']}元 × 10% = {raw}元，"
                                    f"上限1000000元 → {amount}元")
        return item

    def estimate(self, facts: dict[str, Any], as_of: date | None = None,
                 rule_ids: list[str] | None = None) -> dict[str, Any]:
        when = as_of or date.today()
        items = [self._item(r, facts, when) for r in (rule_ids or list(RULE_FACTS))]
        missing = [{"fact": s.name, "question": s.question}
                   for s in self.next_questions(facts, when, rule_ids)]
        total = sum(i.get("amount_yuan", 0) for i in items if i["outcome"] == "eligible")
        return {"as_of": when.isoformat(), "total_yuan": total, "items": items,
                "missing": missing, "warnings": []}

    # -- questions -------------------------------------------------------------------
    def extract(self, question: str, today: date | None = None) -> Any:
        facts: dict[str, Any] = {}
        match = re.search(r"(\d+)万", question)
        if match and "购买" in question:
            facts["purchase_yuan"] = int(match.group(1)) * 10_000
        if "高新" in question:
            facts["is_high_tech"] = True
        rules = [r for r, key in (("platform", "创新中心"), ("purchase", "购买"))
                 if key in question]
        return type("Extraction", (), {"facts": facts, "as_of": None,
                                       "is_amount_question": "多少" in question,
                                       "candidate_rules": rules})()

    def ask(self, question: str, top_k: int = 5, as_of: date | None = None) -> dict[str, Any]:
        self.asked.append(question)
        if "爆炸" in question:
            raise RuntimeError("engine exploded")
        when = as_of or date.today()
        ex = self.extract(question)
        hits = []
        for rule in ex.candidate_rules:
            doc, path = CITES[rule]
            hits.append({"doc_number": doc, "title": f"{rule}政策<文件>", "clause_path": path,
                         "text": CLAUSES[(doc, path)] + ("很长的条款。" * 900
                                                          if "长" in question else ""),
                         "score": 0.9, "in_force": True, "validity": "in_force",
                         "effective_until": None, "headings": [],
                         "responsible": {"lead": ["市科技局"], "units": []}})
        matched = bool(hits)
        estimate = None
        if matched and ex.is_amount_question:
            estimate = self.estimate(ex.facts, when, ex.candidate_rules)
        return {"question": question, "matched": matched, "as_of": when.isoformat(),
                "hits": hits[:top_k], "estimate": estimate, "answer_text": ""}

    def clause_text(self, doc_number: str, clause_path: str) -> str | None:
        text = CLAUSES.get((doc_number, clause_path))
        if text and self.long_clauses:  # several thousand characters with sentence ends
            text = "\n\n".join(f"{i}. {text}" * 8 for i in range(40))
        return text

    def documents(self, as_of: date | None = None) -> list[dict[str, Any]]:
        return [{"doc_number": doc, "title": f"{rule}政策", "issuer": "威海市科技局",
                 "issued": "2018-06-01", "effective_from": "2018-06-01",
                 "effective_until": "2023-06-01" if rule == "purchase" else None,
                 "in_force": rule != "purchase",
                 "validity": "in_force" if rule != "purchase" else "expired"}
                for rule, (doc, _) in CITES.items()]

    def reload(self) -> Any:
        self.reloads += 1
        if self.fail_next:
            self.fail_next = False
            return type("R", (), {"ok": False, "message": "bad file", "version": self.version})()
        self.version += 1
        return type("R", (), {"ok": True, "message": "reloaded", "version": self.version})()

    def stats(self) -> dict[str, Any]:
        return {"version": self.version, "questions": len(self.asked)}
