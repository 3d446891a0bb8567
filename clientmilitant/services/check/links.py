"""`cm check`'s links: `#id` links must lead to a section or a heading of the same chapter, as the
export resolves them; links to another chapter's file are written by id instead."""

from __future__ import annotations

import re
from collections.abc import Iterator

from clientmilitant.core import model
from clientmilitant.core.errors import NotFound
from clientmilitant.core.text import did_you_mean
from clientmilitant.core.words import blank_out_unread
from clientmilitant.services.check.findings import ERROR, WARNING, Finding, chapter_file

# Cross-links between chapters are written [text](#section-id); pandoc's reference links too.
_INLINE_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)")
_REFERENCE_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\]]+\]:[ \t]*<?(\S+?)>?(?:[ \t].*)?$", re.M)
_HTML_HREF = re.compile(r"""<a\s[^>]*href\s*=\s*["']([^"']*)["']""", re.I)
_ATX_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*$", re.M)
_SETEXT_UNDERLINE = re.compile(r"^[ \t]{0,3}(?:=+|-+)[ \t]*$")
_ATTRIBUTES = re.compile(r"[ \t]*\{([^}]*)\}[ \t]*$")
_CLOSING_HASHES = re.compile(r"[ \t]+#+$")
_ATTRIBUTE_ID = re.compile(r"\{[^{}\n]*?#([^\s{}#]+)[^{}\n]*\}")  # `[texte]{#ici}`, `::: {#encadre .note}`
_LOCAL_MARKDOWN = re.compile(r"^(?:\.?/)?(?:chapters/)?([^/#?]+)\.md(?:#.*)?$")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


# long: one pass over each chapter's headings and links, each finding written out in full
def check_links(outline: model.Outline, texts: dict[str, str]) -> Iterator[Finding]:
    """Links to `#id` must name a section or a heading of the same chapter, as the export resolves
    them (each chapter's ids are its own: the export prefixes them with the section's id). Inside a
    chapter, two headings must not be given the same {#id}, and one that takes a section's id hides
    that section from the chapter's links."""
    by_id = {located.section.id: located for located in model.walk(outline)}
    # Orphan files are left out: not part of the book, never exported (reported as orphans).
    owned = sorted((file_id for file_id in texts if file_id in by_id), key=lambda file_id: by_id[file_id].path)
    visible = {file_id: blank_out_unread(texts[file_id]) for file_id in owned}
    headings = {file_id: list(_headings(visible[file_id])) for file_id in owned}
    local_ids = {
        file_id: {heading_id for heading_id, _, _ in headings[file_id]} | set(_ATTRIBUTE_ID.findall(visible[file_id]))
        for file_id in owned
    }
    for file_id in owned:
        file, number, section_id = chapter_file(file_id), by_id[file_id].number, file_id
        explicit_lines: dict[str, int] = {}
        for heading_id, explicit, offset in headings[file_id]:
            if not explicit:
                continue
            line = _line(visible[file_id], offset)
            if heading_id in explicit_lines:
                yield Finding(
                    ERROR,
                    "duplicate-id",
                    f"two headings of this chapter have the id '#{heading_id}' (the first at line "
                    f"{explicit_lines[heading_id]})",
                    "give this heading another {#id}: links could not tell them apart",
                    file,
                    line,
                    None,
                    number,
                    section_id,
                )
            elif heading_id in by_id and heading_id != file_id:
                yield Finding(
                    WARNING,
                    "hidden-section",
                    f"the heading id '#{heading_id}' is also the id of section {by_id[heading_id].number}: "
                    f"in this chapter, links to #{heading_id} lead to this heading",
                    "give this heading another {#id} if links here should reach the section",
                    file,
                    line,
                    None,
                    number,
                    section_id,
                )
            explicit_lines.setdefault(heading_id, line)
        anchors = set(by_id) | local_ids[file_id]  # the export knows a chapter's own ids inside it only
        for target, offset in _link_targets(visible[file_id]):
            problem = _link_problem(target, anchors, outline)
            if problem:
                message, hint = problem
                line, column = _line(visible[file_id], offset), _column(visible[file_id], offset)
                yield Finding(ERROR, "broken-link", message, hint, file, line, column, number, section_id)


def _link_problem(target: str, anchors: set[str], outline: model.Outline) -> tuple[str, str] | None:
    """Why a link target is broken (message, hint), or None when it is fine or not a book link."""
    if target.startswith("#"):
        anchor = target[1:]
        if anchor in anchors:
            return None
        message = f"the link to '{target}' leads nowhere: no section, and nothing in this chapter, has that id"
        if model.NUMBER_PATTERN.fullmatch(anchor):
            try:
                located = model.find(outline, anchor)
                return message, f"link by id, which never changes: (#{located.section.id})"
            except NotFound:
                pass
        close = did_you_mean(anchor, anchors)
        hint = f"did you mean (#{close})? " if close else ""
        return message, hint + "link to a section as [text](#section-id); `cm outline show` lists the ids"
    local = _LOCAL_MARKDOWN.match(target)
    if local and not _SCHEME.match(target):
        return (
            f"the link to '{target}' points to a file, which does not exist in the exported book",
            f"link to the section instead: [text](#{local.group(1)})",
        )
    return None


def _link_targets(visible: str) -> Iterator[tuple[str, int]]:
    for pattern in (_INLINE_LINK, _REFERENCE_DEFINITION, _HTML_HREF):
        for match in pattern.finditer(visible):
            yield match.group(1), match.start(1)


def _headings(visible: str) -> Iterator[tuple[str, bool, int]]:
    """(id, written explicitly?, offset) of each heading, ids made as pandoc's auto_identifiers
    makes them (duplicates get -1, -2…)."""
    found: list[tuple[str, int]] = []
    for match in _ATX_HEADING.finditer(visible):
        found.append((_CLOSING_HASHES.sub("", match.group(1)), match.start()))
    lines = visible.split("\n")
    offset = 0
    for index, line in enumerate(lines[:-1]):
        following = lines[index + 1]
        previous = lines[index - 1] if index else ""
        if (
            line.strip()
            and not previous.strip()
            and _SETEXT_UNDERLINE.match(following)
            and not line.lstrip().startswith(("#", "-", "*", ">"))
        ):
            found.append((line.strip(), offset))
        offset += len(line) + 1
    used: dict[str, int] = {}
    for text, start in sorted(found, key=lambda item: item[1]):
        attributes = _ATTRIBUTES.search(text)
        explicit = None
        if attributes:
            text = text[: attributes.start()]
            explicit = next((a[1:] for a in attributes.group(1).split() if a.startswith("#")), None)
        if explicit:
            yield explicit, True, start
            continue
        base = pandoc_identifier(text)
        count = used.get(base, 0)
        used[base] = count + 1
        yield (f"{base}-{count}" if count else base), False, start


def pandoc_identifier(heading: str) -> str:
    """The id pandoc's auto_identifiers extension gives a heading (pandoc manual, "Extension:
    auto_identifiers"): formatting and link targets dropped, only letters, digits and `_-.` kept,
    spaces to hyphens, lower case, nothing before the first letter; `section` if nothing is left.
    Checked against pandoc 3.9: a footnote mark leaves its label (`Note[^a]` → `notea`), and
    `--`/`---` are dashes (smart typography) that disappear."""
    text = re.sub(r"\[\^([^\]]*)\]", r"\1", heading)
    text = re.sub(r"-{2,}", "", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*`]|(?<!\w)_+|_+(?!\w)", "", text)
    text = "".join(c for c in text if c.isalnum() or c in "_-. \t\n")
    text = re.sub(r"\s+", "-", text.strip()).lower()
    first_letter = next((i for i, c in enumerate(text) if c.isalpha()), len(text))
    return text[first_letter:] or "section"


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _column(text: str, offset: int) -> int:
    return offset - (text.rfind("\n", 0, offset) + 1) + 1
