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


@click.group("kb", cls=Group, short_help="manage the knowledge folder (add, check, report)")
def kb() -> None:
    """Manage the knowledge folder: add documents, check it, report on it."""


@kb.command("add", short_help="add a policy document (PDF, DOCX, HTML, TXT, MD)")
@click.argument("file")
@click.option("--doc-number", help="文号, e.g. 威政办字〔2018〕107号")
@click.option("--title", help="标题")
@click.option("--issuer", help="发文机关")
@click.option("--issued", type=DATE, metavar="YYYY-MM-DD", help="发布日期")
@click.option("--effective-from", type=DATE, metavar="YYYY-MM-DD",
              help="施行日期 (default: the issue date)")
@click.option("--effective-until", type=DATE, metavar="YYYY-MM-DD", help="有效期截止日期")
@click.option("--source", help="where the file came from (URL); default: its name")
@click.option("--status", help="已失效, 已废止 … (default: none, nothing is claimed)")
@click.option("--name", help="file name in policies/ (default: from the 文号)")
@click.option("--force", is_flag=True,
              help="add even if the same document seems to be there already")
@click.option("--dry-run", is_flag=True, help="show what would be written, write nothing")
@pass_options
def add(options: GlobalOptions, file: str, doc_number: str | None, title: str | None,
        issuer: str | None, issued: date | None, effective_from: date | None,
        effective_until: date | None, source: str | None, status: str | None,
        name: str | None, force: bool, dry_run: bool) -> int:
    """Add the policy FILE (PDF, DOCX, HTML, TXT, MD) to policies/ with inferred metadata."""
    from bot.render import render_text
    from bot.staff.kb import add_document
    from bot.wiring import knowledge_dir

    kdir = knowledge_dir(options)
    overrides = {
        "doc_number": doc_number, "title": title, "issuer": issuer, "issued": issued,
        "effective_from": effective_from, "effective_until": effective_until,
        "source": source, "status": status,
    }
    result = add_document(Path(file), kdir, overrides, force=force, dry_run=dry_run,
                          name=name)
    target = result.target
    shown = target.relative_to(kdir.parent).as_posix() if target and \
        target.is_relative_to(kdir.parent) else str(target)
    print(render_text("kb_add.txt.j2", r=result, target=shown, dry_run=dry_run, force=force))
    if result.problems or (result.duplicates and not force):
        return 1
    return 0


@kb.command("check", short_help="lint the knowledge folder (exit 1 on problems)")
@click.option("--as-of", type=DATE, metavar="YYYY-MM-DD",
              help="date for the validity checks (default: today)")
@click.option("--no-cases", is_flag=True, help="skip the canned questions (no index needed)")
@click.option("--update-known-failures", is_flag=True,
              help="record the canned questions failing now as known failures")
@click.option("-v", "--verbose", is_flag=True, help="also print warnings")
@pass_options
def check(options: GlobalOptions, as_of: date | None, no_cases: bool,
          update_known_failures: bool, verbose: bool) -> int:
    """Lint the knowledge folder; exit status 1 when there are errors."""
    from bot.render import render_text
    from bot.staff.cases import update_known_failures as record_known_failures
    from bot.staff.check import audit
    from bot.wiring import data_dir, embedder_spec, knowledge_dir

    result = audit(knowledge_dir(options), data_dir(options), embedder_spec(options),
                   as_of=as_of, run_cases=not no_cases)
    if update_known_failures:
        path = record_known_failures(result)
        print(render_text("kb_known_updated.txt.j2", file=str(path),
                          count=len(result.cases.failures) if result.cases else 0))
    out = sys.stdout
    for problem in result.problems:
        if problem.severity == "error" or verbose:
            print(f"{problem.location}: {problem.message}", file=out)
    print(render_text("kb_check_summary.txt.j2", a=result), file=sys.stderr)
    return 1 if result.errors else 0


@kb.command("report", short_help="write an HTML report of the knowledge folder")
@click.option("--output", "-o", default="knowledge-report.html", metavar="FILE.html",
              show_default=True, help="where to write the report")
@click.option("--as-of", type=DATE, metavar="YYYY-MM-DD",
              help="date for the validity checks (default: today)")
@click.option("--no-cases", is_flag=True, help="skip the canned questions (no index needed)")
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
