"""Reading and validating rule files (the schema is documented in :mod:`knowledge.awards.rules`)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from knowledge.awards import rule_fields as rf
from knowledge.awards.passages import closest_passage
from knowledge.awards.replacement import read_replaced, resolve_replacements
from knowledge.awards.rule_parts import applicants, check_figures, read_condition, read_figures
from knowledge.awards.rules import (
    AUTHORITY_RANK,
    KINDS,
    Citation,
    ClauseText,
    NotAward,
    Rule,
    RuleDocument,
    RuleSet,
    match_text,
)
from knowledge.awards.vocabulary import Vocabulary, default_vocabulary
from knowledge.errors import RuleError
from knowledge.links import link_problem
from knowledge.model import DocumentMeta
from knowledge.sources.parsing import normalize_path
from knowledge.yamlio import Y, load_yaml

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_COMMON = {"id", "label", "kind", "applicant_types", "conditions", "citations", "topics",
           "same_award", "notes", "selective", "basis", "cap_text", "office", "window",
           "replaces", "each_time"}
_KIND_KEYS: dict[str, tuple[set[str], set[str]]] = {  # kind: (required, optional)
    "fixed": ({"amount_yuan"}, set()),
    "up_to": (set(), {"max_yuan", "max_fact"}),
    "at_least": ({"min_yuan"}, set()),
    "percentage": ({"rate_percent", "base_fact"}, {"cap_yuan", "up_to"}),
    "per_unit": ({"unit_yuan", "count_fact"}, {"cap_yuan"}),
    "matching": ({"ratio", "base_fact"}, {"cap_yuan"}),
    "cost_sharing": ({"max_yuan", "shares"}, {"exceptions", "granted_fact", "asked_level_fact"}),
    "case_by_case": ({"basis"}, set()),
}
_DOC_KEYS = {"doc_number", "title", "issuer", "authority", "issued", "effective_from",
             "effective_until", "status", "replaces"}


def read_rule_files(rules_dir: Path, clause_text: ClauseText,
                    documents: Callable[[str], DocumentMeta | None] | None,
                    vocabulary: Vocabulary | None = None
                    ) -> tuple[RuleSet | None, list[RuleError]]:
    vocabulary = vocabulary or default_vocabulary()
    problems: list[RuleError] = []
    rules: list[Rule] = []
    docs: dict[str, RuleDocument] = {}
    not_awards: list[NotAward] = []
    if not rules_dir.is_dir():
        return RuleSet((), vocabulary=vocabulary), []
    paths = sorted(p for p in rules_dir.iterdir()
                   if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))
    for path in paths:
        f = rf.File(path, f"{rules_dir.name}/{path.name}", vocabulary=vocabulary)
        if (link := link_problem(path, rules_dir)) is not None:
            problems.append(RuleError(link, f.name, None))
            continue
        try:
            root = load_yaml(path)
        except RuleError as exc:
            problems.append(RuleError(exc.message, f.name, exc.line))
            continue
        file_rules, doc, file_na = _read_file(f, root, clause_text, documents)
        if f.problems:
            problems.extend(f.problems)
            continue
        if doc is not None:
            known = docs.get(doc.doc_number)
            if known is not None and _window(known) != _window(doc):
                problems.append(RuleError(
                    f"{doc.doc_number} 已在 {known.file} 中声明，但发文机关级别或有效期不同："
                    f"请让两个文件的 document 部分一致",
                    f.name, doc.line))
                continue
            docs.setdefault(doc.doc_number, doc)
        rules.extend(file_rules)
        not_awards.extend(file_na)
    problems.extend(_cross_checks(rules))
    if not problems:
        rules, replacing = resolve_replacements(rules, list(docs.values()))
        problems.extend(replacing)
    problems.sort(key=lambda e: (e.file or "", e.line or 0))
    if problems:
        return None, problems
    return RuleSet(tuple(rules), docs, tuple(not_awards), vocabulary), []


def _window(doc: RuleDocument) -> tuple[object, ...]:
    return (doc.authority, doc.meta.issued, doc.start, doc.meta.effective_until, doc.meta.status)


def _cross_checks(rules: list[Rule]) -> list[RuleError]:
    problems: list[RuleError] = []
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            first = seen[rule.id]
            problems.append(RuleError(
                f"规则 id“{rule.id}”重复（第一次定义在 {first.file}:{first.line}）：请改用新的 id",
                rule.file, rule.line))
        seen.setdefault(rule.id, rule)
    groups: dict[str, list[Rule]] = {}
    for rule in rules:
        if rule.same_award:
            groups.setdefault(rule.same_award, []).append(rule)
    for key, members in groups.items():
        head = members[0]
        for other in members[1:]:
            if (sorted(other.applicant_types) != sorted(head.applicant_types)
                    or sorted(c.key() for c in other.conditions)
                    != sorted(c.key() for c in head.conditions)):
                problems.append(RuleError(
                    f"same_award“{key}”的各条规则，applicant_types 和 conditions 必须与"
                    f"“{head.id}”（{head.file}:{head.line}）相同：请改成一致；若并非同一奖励，"
                    f"请改用另一个 same_award", other.file, other.line))
    return problems


def _read_file(f: rf.File, root: Y, clause_text: ClauseText,
               documents: Callable[[str], DocumentMeta | None] | None
               ) -> tuple[list[Rule], RuleDocument | None, list[NotAward]]:
    top = root.mapping
    if top is None:
        f.err("规则文件应是含 document、rules、not_awards 的“键: 值”映射", root.line)
        return [], None, []
    for key in top:
        if key not in ("document", "rules", "not_awards"):
            f.err(f"未知的顶层键“{key}”（可用：document、rules、not_awards）", top[key].line)
    doc = _read_document(f, top["document"], documents) if "document" in top else None
    if doc is None and "document" not in top:
        f.err("缺少“document”（写明这些规则出自哪份文件）", root.line)
    rules: list[Rule] = []
    if doc is not None:
        for item in rf.seq(f, top.get("rules"), "rules"):
            rule = _read_rule(f, item, doc, clause_text)
            if rule is not None:
                rules.append(rule)
    not_awards = [na for item in rf.seq(f, top.get("not_awards"), "not_awards")
                  if (na := _read_not_award(f, item, doc, clause_text)) is not None]
    return rules, doc, not_awards


def _read_document(f: rf.File, y: Y, documents: Callable[[str], DocumentMeta | None] | None
                   ) -> RuleDocument | None:
    m = rf.keys(f, y, {"doc_number", "authority", "issued"}, _DOC_KEYS, "document")
    if m is None:
        return None
    before = len(f.problems)
    number = rf.text(f, m.get("doc_number"), "doc_number")
    authority = rf.text(f, m.get("authority"), "authority")
    if authority and authority not in AUTHORITY_RANK:
        f.err(f"authority“{authority}”未知：应是 {'、'.join(AUTHORITY_RANK)} 之一",
              m["authority"].line)
    dates: dict[str, date | None] = {}
    for key in ("issued", "effective_from", "effective_until"):
        value = m[key].value if key in m else None
        if value is not None and not isinstance(value, date):
            f.err(f"“{key}”应是 YYYY-MM-DD 格式的日期或 null，现为 {value!r}", m[key].line)
            value = None
        dates[key] = value
    if len(f.problems) > before or dates["issued"] is None:
        return None
    meta = DocumentMeta(
        doc_number=number, title=str(m["title"].value) if "title" in m else "",
        issuer=str(m["issuer"].value) if "issuer" in m else "", issued=dates["issued"],
        effective_from=dates["effective_from"], effective_until=dates["effective_until"],
        status=str(m["status"].value) if "status" in m else "", file=f.name)
    stops = tuple(r for item in rf.seq(f, m["replaces"], "replaces")
                  if (r := read_replaced(f, item))) if "replaces" in m else ()
    doc = RuleDocument(meta, authority, f.name, y.line, stops)
    if documents is not None:
        known = documents(number)
        if known is None:
            f.err(f"{number} 不是知识库中的文件：请核对 doc_number，或先用 policybot kb add "
                  f"加入该文件", y.line)
        elif ((known.effective_from or known.issued) != doc.start
              or known.effective_until != meta.effective_until):
            f.err(f"有效期 {doc.start}–{meta.effective_until or '未载明'} 与知识库中该文件的"
                  f"元数据（{known.effective_from or known.issued}–"
                  f"{known.effective_until or '未载明'}）不一致：请把 issued、effective_from、"
                  f"effective_until 改成与 policies/ 中的文件相同", y.line)
        else:  # the knowledge base's metadata: confirmation and supersession included
            doc = dataclasses.replace(doc, meta=known)
    return doc


def _read_citation(f: rf.File, y: Y, doc: RuleDocument | None, clause_text: ClauseText
                   ) -> Citation | None:
    m = rf.keys(f, y, {"clause_path", "quote"}, {"doc_number", "clause_path", "quote"},
              "citations 条目")
    if m is None:
        return None
    number = rf.text(f, m["doc_number"], "doc_number") if "doc_number" in m else (
        doc.doc_number if doc else "")
    path = rf.text(f, m.get("clause_path"), "clause_path")
    quote = rf.text(f, m.get("quote"), "quote")
    if not (number and path and quote):
        return None
    if len(match_text(quote)) < 4:
        f.err("引文太短：请从条款中逐字复制至少 4 个字", m["quote"].line)
        return None
    path = normalize_path(path)  # 二、(二)1． as people type it → 二、（二）1.
    text = clause_text(number, path)
    if text is None:
        f.err(f"{number} 中没有条款“{path}”：请核对 clause_path（写法如 二、（二）1.，"
              f"半角全角均可）", m["clause_path"].line)
        return None
    if match_text(quote) not in match_text(text):
        f.err(f"引文在 {number} {path} 中找不到原文：“{quote}”。条款中最接近的一段是："
              f"“{closest_passage(quote, text)}”——请照原文逐字复制 quote",
              m["quote"].line)
        return None
    return Citation(number, path, quote, f.name, y.line)


def _read_not_award(f: rf.File, y: Y, doc: RuleDocument | None, clause_text: ClauseText
                    ) -> NotAward | None:
    m = rf.keys(f, y, {"clause_path", "quote", "reason"},
              {"doc_number", "clause_path", "quote", "reason"}, "not_awards 条目")
    if m is None:
        return None
    reason = rf.text(f, m.get("reason"), "reason")
    cite = _read_citation(f, Y({k: v for k, v in m.items() if k != "reason"}, y.line), doc,
                          clause_text)
    if cite is None or not reason:
        return None
    return NotAward(cite.doc_number, cite.clause_path, cite.quote, reason, f.name, y.line)


def _read_rule(f: rf.File, y: Y, doc: RuleDocument, clause_text: ClauseText) -> Rule | None:
    header = _rule_header(f, y)
    if header is None:
        return None
    kind, m = header
    before = len(f.problems)
    rule_id = rf.text(f, m.get("id"), "id")
    if rule_id and not _ID_RE.match(rule_id):
        f.err(f"id“{rule_id}”只能由小写字母 a-z、数字 0-9 和 _ . - 组成", m["id"].line)
    fields: dict[str, object] = {"id": rule_id, "label": rf.text(f, m.get("label"), "label"),
                                 "kind": kind, "document": doc, "file": f.name, "line": y.line,
                                 "vocabulary": f.vocabulary}
    citations = [c for item in rf.seq(f, m.get("citations"), "citations")
                 if (c := _read_citation(f, item, doc, clause_text)) is not None]
    if not citations and len(f.problems) == before:
        f.err("规则至少需要一条 citations（clause_path 和逐字引文 quote）", y.line)
    fields["citations"] = tuple(citations)
    fields["applicant_types"] = applicants(f, m.get("applicant_types"))
    fields["conditions"] = tuple(cond for item in rf.seq(f, m.get("conditions"), "conditions")
                                 if (cond := read_condition(f, item)) is not None)
    _read_words(f, m, fields)
    read_figures(f, m, kind, fields)
    if len(f.problems) > before:
        return None
    rule = Rule(**fields)  # type: ignore[arg-type]
    check_figures(f, rule)
    return rule if len(f.problems) == before else None


def _rule_header(f: rf.File, y: Y) -> tuple[str, dict[str, Y]] | None:
    """The kind of a rule entry and its keys, checked against that kind's."""
    m0 = y.mapping
    if m0 is None:
        f.err("每条规则应是“键: 值”的映射", y.line)
        return None
    kind_y = m0.get("kind")
    kind = kind_y.value if kind_y is not None else None
    if kind not in KINDS:
        f.err(f"“kind”应是 {'、'.join(KINDS)} 之一，现为 {kind!r}",
              kind_y.line if kind_y else y.line)
        return None
    assert isinstance(kind, str)
    required, optional = _KIND_KEYS[kind]
    m = rf.keys(f, y, {"id", "label", "kind", "citations"} | required,
                _COMMON | required | optional, f"规则（{kind}）")
    return None if m is None else (kind, m)


def _read_words(f: rf.File, m: dict[str, Y], fields: dict[str, object]) -> None:
    """Topics, notes, the same-award key, where and when to apply, what it replaces."""
    topics = tuple(str(t.value) for t in rf.seq(f, m.get("topics"), "topics"))
    for t in topics:
        if t not in f.vocabulary.topics:
            f.err(f"未知的主题“{t}”（新主题请在 vocabulary/topics.yaml 中声明；已有："
                  f"{'、'.join(f.vocabulary.topics)}）", m["topics"].line)
    fields["topics"] = topics
    fields["notes"] = tuple(str(n.value) for n in rf.seq(f, m.get("notes"), "notes"))
    for key in ("same_award", "basis", "cap_text", "office", "window"):
        if key in m:
            fields[key] = rf.text(f, m[key], key)
    if "replaces" in m:
        fields["replaces"] = tuple(r for item in rf.seq(f, m["replaces"], "replaces")
                                   if (r := read_replaced(f, item)))
    if "selective" in m:
        if not isinstance(m["selective"].value, bool):
            f.err("“selective”只能是 true 或 false", m["selective"].line)
        fields["selective"] = m["selective"].value is True
    if "each_time" in m:
        if not isinstance(m["each_time"].value, bool):
            f.err("“each_time”只能是 true 或 false", m["each_time"].line)
        fields["each_time"] = m["each_time"].value is True
