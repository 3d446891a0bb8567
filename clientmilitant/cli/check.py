"""`cm check`: lint the whole book; exit status 1 when it finds an error (warnings alone: 0)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from clientmilitant.cli.common import JSON_OPTION, console, current_book, escape, print_json, say
from clientmilitant.core.errors import Failed

if TYPE_CHECKING:
    from clientmilitant.services.check import Report

LEVEL_STYLES = {"error": "bold red", "warning": "yellow"}


SWEEP_OPTION = typer.Option(
    False,
    "--sweep",
    help="First settle what a killed cm left: complete or roll back an interrupted change, delete cm's own "
    "temporary files, put back set-aside text whose section is in the plan (cm undo reverses it). "
    "One line per file.",
)


def check(as_json: bool = JSON_OPTION, sweep: bool = SWEEP_OPTION) -> None:
    """Check the whole book: outline, chapter files, links between chapters, sources, cover.

    Errors (exit status 1): an invalid outline (file:line:col), duplicate ids, sources missing
    from the registry, links to a #id that does not exist, a missing cover, a chapter file
    leading outside chapters/, a chapter that is not UTF-8. Warnings (exit status 0): chapter
    files no section owns, drafted sections without text, sources linked nowhere, a book without
    a title, chapters over 150% of their target, a heading whose {#id} is a section's id; text that
    still speaks like a blog (rules in voice_rules.toml, switched off or extended in outline.yaml's
    `lint:`), passages of 25 words or more shared by two chapters, quotes without an author; what a
    killed cm left (an interrupted change, temporary files, set-aside text, orphans in removed/).

    Without --sweep, cm check changes nothing. With --sweep, it first settles what a killed cm left,
    under the book's lock, and prints one line per file it touched (`swept` in --json); files in
    removed/ are never deleted.

    Example: cm check --json | jq '.findings[] | select(.level == "error")'

    Example: cm check --sweep
    """
    from clientmilitant.services.check import check_book

    report = check_book(current_book(), sweep=sweep)
    if as_json:
        print_json(report.data())
    else:
        show_swept(report)
        show_report(report)
    if report.errors:
        count = len(report.errors)
        raise Failed(f"check found {count} error{'s' if count > 1 else ''}")


def show_swept(report: Report) -> None:
    """What --sweep did: one line per file, before the findings that remain."""
    if report.swept is None:
        return
    for item in report.swept:
        say(f"swept: {item['action']} {escape(item['file'])} ({escape(item['detail'])})")
    if not report.swept:
        say("swept: nothing to do")


def show_report(report: Report) -> None:
    """One line per finding, `place: level [code] section: message`, and what to do under it."""
    out = console()
    for finding in report.findings:
        style = LEVEL_STYLES[finding.level]
        head = f"[bold]{escape(finding.place)}[/bold]: " if finding.place else ""
        section = f"{escape(finding.section)}: " if finding.section else ""
        code = f"{finding.code}:{finding.rule}" if finding.rule else finding.code
        line = f"{head}[{style}]{finding.level}[/{style}] [dim]\\[{code}][/dim] {section}{escape(finding.message)}"
        out.print(line, soft_wrap=True)  # one finding, one line: grep and editors read it whole
        out.print(f"    → {escape(finding.hint)}", style="dim", soft_wrap=True)
    errors, warnings = len(report.errors), len(report.warnings)
    if not report.findings:
        out.print("[green]no problems found[/green]")
    else:
        out.print(f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}")
