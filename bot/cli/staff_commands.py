"""``policybot kb add|check|report``: the staff's loop for the knowledge folder.

The work is in :mod:`bot.staff` (``kb add`` in :mod:`bot.staff.kb`, ``kb check`` in
:mod:`bot.staff.check`, ``kb report`` in :mod:`bot.staff.report`), imported when a command
runs.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from bot.cli.options import DATE, GlobalOptions, Group, pass_options


@click.group("kb", cls=Group, short_help="管理知识库目录（添加、检查、报告）",
             help="管理知识库目录：添加政策文件、检查、生成报告。")
def kb() -> None:
    """Manage the knowledge folder: add documents, check it, report on it."""


@kb.command("add", short_help="添加政策文件（PDF、DOCX、HTML、TXT、MD）",
            help="把政策文件 FILE（PDF、DOCX、HTML、TXT、MD）加入 policies/，"
                 "并自动识别文号、标题、日期等信息；识别不出的用下列选项补充。")
@click.argument("file")
@click.option("--doc-number", help="文号，例如 威政办字〔2018〕107号")
@click.option("--title", help="标题")
@click.option("--issuer", help="发文机关")
@click.option("--issued", type=DATE, metavar="YYYY-MM-DD", help="发布日期")
@click.option("--effective-from", type=DATE, metavar="YYYY-MM-DD",
              help="施行日期（默认：发布日期）")
@click.option("--effective-until", type=DATE, metavar="YYYY-MM-DD", help="有效期截止日期")
@click.option("--source", help="文件来源（网址）；默认：文件名")
@click.option("--status", help="已失效、已废止 …（默认：不填，不声称任何状态）")
@click.option("--name", help="policies/ 中的文件名（默认：按文号生成）")
@click.option("--on-duplicate", type=click.Choice(["fail", "skip", "overwrite"]),
              default="fail", show_default=True, metavar="POLICY",
              help="知识库中已有同一文件（同一文号或内容几乎相同）时：fail 不添加并报错，"
                   "skip 跳过（不报错），overwrite 用新文件替换已有文件")
@click.option("--force", is_flag=True,
              help="即使知识库中似乎已有同一文件也添加（不替换已有文件）")
@click.option("--dry-run", is_flag=True, help="只显示将写入的内容，不写文件")
@pass_options
def add(options: GlobalOptions, file: str, doc_number: str | None, title: str | None,
        issuer: str | None, issued: date | None, effective_from: date | None,
        effective_until: date | None, source: str | None, status: str | None,
        name: str | None, on_duplicate: str, force: bool, dry_run: bool) -> int:
    """Add the policy FILE (PDF, DOCX, HTML, TXT, MD) to policies/ with inferred metadata."""
    from bot.render import render_text
    from bot.staff.folder import DuplicatePolicy
    from bot.staff.kb import add_document
    from bot.wiring import data_dir, knowledge_dir

    kdir = knowledge_dir(options)
    overrides = {
        "doc_number": doc_number, "title": title, "issuer": issuer, "issued": issued,
        "effective_from": effective_from, "effective_until": effective_until,
        "source": source, "status": status,
    }
    result = add_document(Path(file), kdir, overrides, force=force,
                          on_duplicate=DuplicatePolicy(on_duplicate), dry_run=dry_run,
                          name=name, cache_dir=data_dir(options) / "cache")
    target = result.target
    shown = target.relative_to(kdir.parent).as_posix() if target and \
        target.is_relative_to(kdir.parent) else str(target)
    print(render_text("kb_add.txt.j2", r=result, target=shown, dry_run=dry_run, force=force))
    return 1 if result.problems or result.refused else 0


@kb.command("check", short_help="检查知识库目录（有问题时退出码为 1）",
            help="检查知识库目录：文件信息、重复、有效期、条款编号、规则引文、金额覆盖和预设问题；"
                 "每个问题一行“文件:行号: 问题”。有错误时退出码为 1。")
@click.option("--as-of", type=DATE, metavar="YYYY-MM-DD",
              help="按这一天检查有效期（默认：今天）")
@click.option("--no-cases", is_flag=True, help="不检查预设问题（不需要索引）")
@click.option("--update-known-failures", is_flag=True,
              help="把当前未通过的预设问题记为已知问题")
@click.option("-v", "--verbose", is_flag=True, help="同时列出提示")
@pass_options
def check(options: GlobalOptions, as_of: date | None, no_cases: bool,
          update_known_failures: bool, verbose: bool) -> int:
    """Lint the knowledge folder; exit status 1 when there are errors."""
    from bot.render import render_text
    from bot.staff.cases import update_known_failures as record_known_failures
    from bot.staff.check import audit
    from bot.wiring import data_dir, embedder_spec, knowledge_dir

    result = audit(knowledge_dir(options), data_dir(options), embedder_spec(options),
                   as_of=as_of, run_cases=not no_cases, progress=_case_progress)
    if update_known_failures:
        path = record_known_failures(result)
        print(render_text("kb_known_updated.txt.j2", file=str(path),
                          count=len(result.cases.failures) if result.cases else 0))
    out = sys.stdout
    for problem in result.problems:
        if problem.severity == "error" or verbose:
            print(f"{problem.location}: {problem.message}", file=out)
    print(render_text("kb_check_summary.txt.j2", a=result, verbose=verbose), file=sys.stderr)
    return 1 if result.errors else 0


def _case_progress(done: int, total: int) -> None:
    """``kb check``'s canned questions take seconds: say where it is, on stderr (one line
    rewritten on a terminal, a line per step of ~10% otherwise)."""
    from bot.render import render_text

    step = max(1, total // 10)
    if done and done % step and done != total and not sys.stderr.isatty():
        return
    text = render_text("kb_check_progress.txt.j2", done=done, total=total)
    end = "\n" if done == total or not sys.stderr.isatty() else ""
    print(f"\r{text}" if sys.stderr.isatty() else text, end=end, file=sys.stderr, flush=True)


@kb.command("report", short_help="生成知识库的 HTML 报告",
            help="生成知识库的 HTML 报告：政策文件、有效期时间轴、规则和待处理问题。")
@click.option("--output", "-o", default="knowledge-report.html", metavar="FILE.html",
              show_default=True, help="报告写到哪里")
@click.option("--as-of", type=DATE, metavar="YYYY-MM-DD",
              help="按这一天检查有效期（默认：今天）")
@click.option("--no-cases", is_flag=True, help="不检查预设问题（不需要索引）")
@pass_options
def report(options: GlobalOptions, output: str, as_of: date | None, no_cases: bool) -> int:
    """Write an HTML report of the knowledge folder (documents, rules, problems)."""
    from bot.render import render_text
    from bot.staff.check import audit
    from bot.staff.report import render_report
    from bot.wiring import data_dir, embedder_spec, knowledge_dir

    result = audit(knowledge_dir(options), data_dir(options), embedder_spec(options),
                   as_of=as_of, run_cases=not no_cases)
    html = render_report(result)
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    print(render_text("kb_report_written.txt.j2", file=str(path.resolve()),
                      errors=len(result.errors)))
    return 0


COMMANDS: tuple[click.Command, ...] = (kb,)
