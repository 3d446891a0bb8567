"""Sections rendered to HTML fragments, for `cm preview`: the export's own Markdown, Lua filters
(chapters.lua, french.lua) and pandoc, a batch of sections per pandoc run.

Each section comes from `assemble.section_block`, exactly as in an export. A batch is one pandoc
process; its HTML is cut back into sections at their headings. Footnotes are put at the end of each
section (`--reference-location=section`) and renumbered from 1 in every section, with ids prefixed
by the section's, so that a fragment reads the same whether it was rendered alone (after a save) or
in a batch (the first build). A batch that fails is split in two until the failing section is
alone: that one gets an error box naming its file and line, the others render.
"""

from __future__ import annotations

import html
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from clientmilitant.core.errors import Failed
from clientmilitant.services.export import CHAPTERS_FILTER, FRENCH_FILTER, SAFETY_FILTER, assemble, pandoc
from clientmilitant.services.export.sanitize import clean_html
from clientmilitant.services.resources import media_map
from clientmilitant.storage.book import Book

_SECTION_HEADING = re.compile(r'<h[1-6]\b[^>]*?\sid="([^"]+)"')
_NOTE_NUMBER = re.compile(r'href="#fn(\d+)" class="footnote-ref"')
_NOTE_IDS = re.compile(r'(id="|href="#)(fn|fnref)(\d+)"')
_NOTE_MARK = re.compile(r'(class="footnote-ref" id="[^"]*" role="doc-noteref"><sup>)(\d+)(</sup>)')
_NOTE_LIST = re.compile(r'<ol start="\d+">(\s*<li id="[^"]*--cm-fn(\d+)")')
_NOTES_BOX = re.compile(r'id="footnotes(?:-\d+)?"')
_LINE = re.compile(r"\bline (\d+)")
_DANGLING = re.compile(r"^(chapters/[^:\s]+\.md): the link to #(\S+) leads nowhere")


@dataclass
class Job:
    """One section to render: its id, its Markdown (`assemble.section_block`), its chapter's text."""

    section_id: str
    markdown: str
    chapter: str | None = None


@dataclass
class Fragment:
    """A section's HTML, or the error box saying why pandoc could not render it."""

    html: str
    error: str = ""  # `chapters/x.md:3: …` when pandoc failed
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Setup:
    """What every batch shares: the pandoc to run, the book's language, every section id of the book."""

    program: str
    lang: str
    known: tuple[str, ...]
    french: bool = True
    book: Book | None = None  # where images are looked for: none is shown without it


def render(jobs: list[Job], setup: Setup, workers: int = 2) -> dict[str, Fragment]:
    """Every job's fragment, by section id: `workers` pandoc processes at once, one batch each."""
    if not jobs:
        return {}
    size = -(-len(jobs) // max(1, workers))
    batches = [jobs[start : start + size] for start in range(0, len(jobs), size)]
    if len(batches) == 1:
        return render_batch(batches[0], setup)
    fragments: dict[str, Fragment] = {}
    with ThreadPoolExecutor(len(batches)) as pool:
        for result in pool.map(lambda batch: render_batch(batch, setup), batches):
            fragments.update(result)
    return fragments


def arguments(setup: Setup) -> list[str]:
    """The export's own reading: chapters.lua, then safety.lua (a preview never shows what an export
    refuses: active content, a file outside the book, a remote image), then french.lua."""
    filters = [CHAPTERS_FILTER, SAFETY_FILTER, FRENCH_FILTER] if setup.french else [CHAPTERS_FILTER, SAFETY_FILTER]
    options = ["-f", "markdown", *(f"--lua-filter={path}" for path in filters)]
    return options + ["-t", "html5", "--wrap=none", "--reference-location=section"]


def render_batch(jobs: list[Job], setup: Setup) -> dict[str, Fragment]:
    """One pandoc run for `jobs`; on failure, halves until the failing section is alone."""
    header = assemble.metadata_block({"lang": setup.lang}) + "\n" + known_block(setup.known)
    document = header + "\n" + "\n".join(job.markdown for job in jobs)
    texts = {f"chapters/{job.section_id}.md": job.chapter for job in jobs if job.chapter}
    media = media_map(setup.book, list(texts.values())) if setup.book is not None else {}
    env = {**os.environ, "CM_MEDIA": json.dumps(media)}  # safety.lua keeps only these images
    try:
        run = pandoc.run(setup.program, arguments(setup), document, env, texts)
    except Failed as error:
        if len(jobs) > 1:
            half = len(jobs) // 2
            return {**render_batch(jobs[:half], setup), **render_batch(jobs[half:], setup)}
        message = place_error(error.message, jobs[0])
        return {jobs[0].section_id: Fragment(error_box(message), error=message)}
    pieces = cut(run.output.decode("utf-8", "replace"), [job.section_id for job in jobs])
    fragments = {}
    for job in jobs:
        own = [warning for warning in run.warnings if warning.startswith(f"chapters/{job.section_id}.md")]
        fragments[job.section_id] = Fragment(
            clean_html(own_notes(pieces.get(job.section_id, ""), job.section_id)), "", own
        )
    return fragments


def known_block(known: tuple[str, ...]) -> str:
    """The book's section ids for chapters.lua (links to sections outside the batch are not dangling)."""
    return "```{.cm-known}\n" + "\n".join(known) + "\n```\n"


def cut(output: str, section_ids: list[str]) -> dict[str, str]:
    """pandoc's HTML for a batch → each section's part, cut at the sections' own headings."""
    wanted = set(section_ids)
    starts = [(m.start(), m[1]) for m in _SECTION_HEADING.finditer(output) if m[1] in wanted]
    pieces = {}
    for index, (start, section_id) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(output)
        pieces[section_id] = output[start:end]
    return pieces


def own_notes(fragment: str, section_id: str) -> str:
    """The section's footnotes numbered from 1, with ids of its own (`<id>--cm-fn1`)."""
    numbers: dict[str, int] = {}
    for match in _NOTE_NUMBER.finditer(fragment):
        numbers.setdefault(match[1], len(numbers) + 1)
    if not numbers:
        return fragment

    def local(number: str) -> int:
        return numbers.get(number, int(number))

    fragment = _NOTE_IDS.sub(lambda m: f'{m[1]}{section_id}--cm-{m[2]}{local(m[3])}"', fragment)
    marks = iter(range(1, len(numbers) + 1))
    fragment = _NOTE_MARK.sub(lambda m: f"{m[1]}{next(marks, m[2])}{m[3]}", fragment)
    fragment = _NOTE_LIST.sub(lambda m: ("<ol>" if m[2] == "1" else f'<ol start="{m[2]}">') + m[1], fragment)
    boxes = iter(range(1, fragment.count('id="footnotes') + 1))
    return _NOTES_BOX.sub(lambda m: f'id="{section_id}--cm-footnotes{next(boxes)}"', fragment)


def place_error(message: str, job: Job) -> str:
    """pandoc's failure as `chapters/<id>.md:LINE: …`, finding the line when pandoc gave none."""
    file = f"chapters/{job.section_id}.md"
    dangling = _DANGLING.match(message)
    if dangling and job.chapter:
        lines = [line for line, target in assemble.section_links(job.chapter) if target == dangling[2]]
        if lines:
            return f"{file}:{lines[0]}:{message[len(file) + 1 :]}"
    if message.startswith(file + ":") and not message[len(file) + 1 :].lstrip()[:1].isdigit():
        line = _LINE.search(message)
        if line:
            return f"{file}:{line[1]}:{message[len(file) + 1 :]}"
    return message if file in message else f"{file}: {message}"


def error_box(message: str) -> str:
    """What the page shows instead of a section pandoc could not render."""
    return f'<div class="cm-error" role="alert"><strong>pandoc:</strong> <code>{html.escape(message)}</code></div>'
