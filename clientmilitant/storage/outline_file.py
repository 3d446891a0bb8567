"""outline.yaml ⇄ the model: strict loading with file:line:col errors (strict_yaml.py), canonical dumping.

A title written `yes`, `1.10` or `2007-12-13` stays the text the author typed, and is quoted when written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from clientmilitant.core.errors import BookError, CmError
from clientmilitant.core.model import (
    BOOK_KEYS,
    LINT_KEYS,
    LINT_RULE_KEYS,
    STATUSES,
    BookMeta,
    Lint,
    LintRule,
    Outline,
    Section,
    Source,
    check_pattern,
    check_relative_path,
    check_trim,
    is_valid_id,
)
from clientmilitant.core.validate import MAX_DEPTH, MAX_TARGET_DIGITS
from clientmilitant.storage.strict_yaml import StrictReader

# A plan is small, but every imported post is a source: 100,000 posts (issue 14) make a 22 MB outline.
MAX_OUTLINE_BYTES = 40 * 1024 * 1024
HEADER = (
    "# The plan of the book, kept by cm.\n"
    "# cm rewrites this file on every change: comments are not kept. Write remarks in `notes:` fields.\n"
)
OPTIONAL_BOOK_KEYS = ("trim",)  # written only when set: a book that never set one keeps its file as it was
SECTION_KEYS = tuple(f.name for f in fields(Section))
SOURCE_KEYS = tuple(f.name for f in fields(Source))
TOP_KEYS = ("book", "parts", "sources", "lint")


def loads(data: bytes, filename: str = "outline.yaml") -> Outline:
    """Parse and validate an outline; raise BookError naming `filename:line:col`."""
    reader = OutlineReader(filename)
    text = reader.decode(data)
    root = reader.compose(text)
    return reader.outline(root)


@dataclass(frozen=True)
class Lines:
    """Where things are written in outline.yaml (1-based lines), so that messages can point there."""

    sections: dict[str, int]  # section id → the line of its `id:`
    sources: dict[str, int]  # source id → the line of its `id:`
    book: dict[str, int]  # book key → its line


def lines(data: bytes, filename: str = "outline.yaml") -> Lines:
    """The lines of the sections, sources and book keys of a valid outline (used by `cm check`)."""
    reader = OutlineReader(filename)
    reader.outline(reader.compose(reader.decode(data)))
    return Lines(dict(reader.section_lines), dict(reader.source_lines), dict(reader.book_lines))


def too_large(filename: str, size: int) -> BookError:
    """The refusal of an outline bigger than MAX_OUTLINE_BYTES (checked before reading it, by its size)."""
    return BookError(
        f"{filename}: {size / 1e6:.1f} MB is more than cm reads in an outline "
        f"({MAX_OUTLINE_BYTES // (1024 * 1024)} MB); is this the right file?"
    )


def dumps(outline: Outline) -> str:
    """The canonical text of an outline: key order kept, unicode kept, one line per value."""
    try:
        return _Emitter().outline(outline)
    except _NeedsYaml:
        return yaml_dumps(outline)


def yaml_dumps(outline: Outline) -> str:
    """dumps() through PyYAML: the reference the fast emitter is tested against, byte for byte."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    body = yaml.dump(
        to_data(outline), Dumper=dumper, sort_keys=False, allow_unicode=True, width=1_000_000, default_flow_style=False
    )
    return HEADER + body


# Text PyYAML always writes plain (unquoted) in block context: a letter first, then letters, digits,
# spaces and punctuation that is no YAML indicator, not ending with a space. Anything else, PyYAML
# itself renders (one line at a time, remembered); the words it reads as booleans or null also.
# (as text: `re` compiles it on the first save, not on every start of cm)
_PLAIN = r"[A-Za-zÀ-ÖØ-öø-ÿ](?:[A-Za-z0-9À-ÖØ-öø-ÿ ,.;()'’«»—–…/+=_-]*[A-Za-z0-9À-ÖØ-öø-ÿ,.;()'’«»—–…/+=_-])?"
_RESOLVED_WORDS = frozenset(
    "y Y n N yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF null Null NULL".split()
)
_LINE_BREAKS = "[\r\n\x85\u2028\u2029]"
_MAX_FAST_SCALAR = 10_000  # longer text: PyYAML might fold it at its width, which depends on the column


class _NeedsYaml(Exception):
    """A value whose rendering depends on its place in the file (several lines): PyYAML writes the file."""


class _Emitter:
    """Writes the canonical outline.yaml ~10× faster than PyYAML's representer and emitter, with the
    same bytes (tests/test_fast_dump.py compares the two on random outlines)."""

    def __init__(self) -> None:
        self.lines: list[str] = [HEADER]
        self.rendered: dict[str, str] = {}

    def scalar(self, value: str) -> str:
        if re.fullmatch(_PLAIN, value) and value not in _RESOLVED_WORDS:
            return value
        rendered = self.rendered.get(value)
        if rendered is None:
            if re.search(_LINE_BREAKS, value) or len(value) > _MAX_FAST_SCALAR:
                raise _NeedsYaml
            import yaml

            dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
            text = yaml.dump({"k": value}, Dumper=dumper, allow_unicode=True, width=1_000_000, default_flow_style=False)
            if not text.startswith("k: ") or text.count("\n") != 1:
                raise _NeedsYaml
            rendered = self.rendered[value] = text[3:-1]
        return rendered

    def outline(self, outline: Outline) -> str:
        lines = self.lines
        lines.append("book:\n")
        for key in BOOK_KEYS:
            if getattr(outline.book, key) or key not in OPTIONAL_BOOK_KEYS:
                lines.append(f"  {key}: {self.scalar(getattr(outline.book, key))}\n")
        if outline.parts:
            lines.append("parts:\n")
            for part in outline.parts:
                self.section(part, "")
        else:
            lines.append("parts: []\n")
        if outline.sources:
            lines.append("sources:\n")
            for source in outline.sources:
                lines.append(f"- id: {self.scalar(source.id)}\n")
                for key in SOURCE_KEYS[1:]:
                    value = getattr(source, key)
                    if value:
                        lines.append(f"  {key}: {self.scalar(value)}\n")
        else:
            lines.append("sources: []\n")
        self.lint(outline.lint)
        return "".join(lines)

    def lint(self, lint: Lint) -> None:
        if not lint:
            return
        lines = self.lines
        lines.append("lint:\n")
        if lint.disable:
            lines.append("  disable:\n")
            lines.extend(f"  - {self.scalar(rule_id)}\n" for rule_id in lint.disable)
        if lint.rules:
            lines.append("  rules:\n")
            for rule in lint.rules:
                lines.append(f"  - id: {self.scalar(rule.id)}\n")
                for key in LINT_RULE_KEYS[1:]:
                    if getattr(rule, key):
                        lines.append(f"    {key}: {self.scalar(getattr(rule, key))}\n")

    def section(self, section: Section, pad: str) -> None:
        lines, inner = self.lines, pad + "  "
        lines.append(f"{pad}- id: {self.scalar(section.id)}\n{inner}title: {self.scalar(section.title)}\n")
        if section.status:
            lines.append(f"{inner}status: {self.scalar(section.status)}\n")
        if section.target:
            lines.append(f"{inner}target: {int(section.target)}\n")
        if section.notes:
            lines.append(f"{inner}notes: {self.scalar(section.notes)}\n")
        for key in ("points", "sources"):
            items = getattr(section, key)
            if items:
                lines.append(f"{inner}{key}:\n")
                lines.extend(f"{inner}- {self.scalar(item)}\n" for item in items)
        if section.sections:
            lines.append(f"{inner}sections:\n")
            for child in section.sections:
                self.section(child, inner)


def to_data(outline: Outline) -> dict[str, Any]:
    """The outline as plain data, empty keys left out: what dumps() writes and book's load cache keeps."""
    data: dict[str, Any] = {
        "book": {k: v for k in BOOK_KEYS if (v := getattr(outline.book, k)) or k not in OPTIONAL_BOOK_KEYS},
        "parts": [_section_data(part) for part in outline.parts],
        "sources": [_source_data(source) for source in outline.sources],
    }
    if outline.lint:
        rules = [{k: getattr(r, k) for k in LINT_RULE_KEYS if getattr(r, k)} for r in outline.lint.rules]
        data["lint"] = {k: v for k, v in (("disable", list(outline.lint.disable)), ("rules", rules)) if v}
    return data


def from_data(data: dict[str, Any]) -> Outline:
    """An outline back from to_data(): only for data cm itself made from a validated outline."""
    return Outline(
        book=BookMeta(**{key: data["book"].get(key, "") for key in BOOK_KEYS}),
        parts=[_section_from(part) for part in data["parts"]],
        sources=[Source(**{key: item.get(key, "") for key in SOURCE_KEYS}) for item in data["sources"]],
        lint=Lint(
            disable=list(data.get("lint", {}).get("disable", ())),
            rules=[LintRule(**rule) for rule in data.get("lint", {}).get("rules", ())],
        ),
    )


def _section_from(data: dict[str, Any]) -> Section:
    return Section(
        id=data["id"],
        title=data["title"],
        points=list(data.get("points", ())),
        sources=list(data.get("sources", ())),
        status=data.get("status"),
        target=data.get("target"),
        notes=data.get("notes"),
        sections=[_section_from(child) for child in data.get("sections", ())],
    )


def _section_data(section: Section) -> dict[str, Any]:
    data: dict[str, Any] = {"id": section.id, "title": section.title}
    if section.status:
        data["status"] = section.status
    if section.target:
        data["target"] = section.target
    if section.notes:
        data["notes"] = section.notes
    if section.points:
        data["points"] = list(section.points)
    if section.sources:
        data["sources"] = list(section.sources)
    if section.sections:
        data["sections"] = [_section_data(child) for child in section.sections]
    return data


def _source_data(source: Source) -> dict[str, Any]:
    data: dict[str, Any] = {"id": source.id}
    data.update({key: value for key in SOURCE_KEYS[1:] if (value := getattr(source, key))})
    return data


class OutlineReader(StrictReader):
    """outline.yaml's schema over the strict reader; it notes where each id and book key is written."""

    where = "in an outline"

    def __init__(self, filename: str) -> None:
        super().__init__(filename)
        self.section_lines: dict[str, int] = {}
        self.source_lines: dict[str, int] = {}
        self.book_lines: dict[str, int] = {}

    def decode(self, data: bytes) -> str:
        if len(data) > MAX_OUTLINE_BYTES:
            raise too_large(self.filename, len(data))
        text = super().decode(data)
        if not text.strip():
            raise BookError(f"{self.filename}:1:1: the file is empty; it must hold 'book' and 'parts' (see `cm init`)")
        return text

    def integer(self, node: Any, what: str) -> int | None:
        if self.is_null(node):
            self.visit(node)
            return None
        value = self.text(node, what)
        # isascii: '²' and '٣' are digits to str.isdigit() but not to int() or to a reader.
        if not (value.isascii() and value.isdigit()) or len(value) > MAX_TARGET_DIGITS:
            shown = value if len(value) <= 20 else value[:20] + "…"
            raise self.fail(node, f"{what} must be a whole number of words, not '{shown}'")
        return int(value)

    def outline(self, root: Any) -> Outline:
        entries = self.mapping(root, "the outline", TOP_KEYS)
        if "parts" not in entries:
            raise self.fail(root, "the outline has no 'parts' list")
        outline = Outline(
            book=self.book(entries["book"][1]) if "book" in entries else BookMeta(),
            sources=[self.source(node) for node in self.sequence(entries["sources"][1], "sources")]
            if "sources" in entries
            else [],
        )
        outline.parts = [self.section(node) for node in self.sequence(entries["parts"][1], "parts")]
        if "lint" in entries:
            outline.lint = self.lint(entries["lint"][1])
        return outline

    def lint(self, node: Any) -> Lint:
        """`lint:` — `disable:` rule ids switched off, `rules:` the author's own (id, pattern, message, suggestion)."""
        lint = Lint()
        if self.is_null(node):
            return lint
        entries = self.mapping(node, "'lint'", LINT_KEYS)
        if "disable" in entries:
            ids = self.sequence(entries["disable"][1], "disable")
            lint.disable = [self.text(n, "a rule id of lint.disable", True) for n in ids]
        seen: dict[str, int] = {}
        for rule_node in self.sequence(entries["rules"][1], "rules") if "rules" in entries else []:
            rule_entries = self.mapping(rule_node, "a lint rule", LINT_RULE_KEYS)
            rule_id = self.identifier(rule_entries, rule_node, "a lint rule", seen)
            if "pattern" not in rule_entries:
                raise self.fail(rule_node, f"lint rule '{rule_id}' has no 'pattern'")
            rule = LintRule(rule_id, self.text(rule_entries["pattern"][1], f"the pattern of '{rule_id}'", True))
            self.check(rule_entries["pattern"][1], lambda rule=rule: check_pattern(rule.pattern))
            for key in ("message", "suggestion"):
                setattr(rule, key, self.text(rule_entries[key][1], key) if key in rule_entries else "")
            lint.rules.append(rule)
        return lint

    def book(self, node: Any) -> BookMeta:
        entries = self.mapping(node, "'book'", BOOK_KEYS)
        meta = BookMeta()
        for key, (key_node, value_node) in entries.items():
            self.book_lines[key] = key_node.start_mark.line + 1
            value = self.text(value_node, f"book.{key}")
            if key == "cover" and value:
                self.check(value_node, lambda value=value: check_relative_path(value, "book.cover"))
            if key == "trim":
                self.check(value_node, lambda value=value: check_trim(value))
            setattr(meta, key, value)
        return meta

    def check(self, node: Any, validation: Callable[[], None]) -> None:
        try:
            validation()
        except CmError as error:
            raise self.fail(node, str(error)) from None

    def identifier(self, entries: dict, owner: Any, what: str, lines: dict[str, int]) -> str:
        if "id" not in entries:
            raise self.fail(owner, f"{what} has no 'id'")
        node = entries["id"][1]
        value = self.text(node, f"{what} id", required=True)
        if not is_valid_id(value):
            raise self.fail(
                node,
                f"'{value}' is not a valid id: use lower-case ASCII letters (at least one), digits and single hyphens",
            )
        if value in lines:
            raise self.fail(node, f"duplicate id '{value}' (first at line {lines[value]})")
        lines[value] = node.start_mark.line + 1
        return value

    def section(self, node: Any, depth: int = 1) -> Section:
        if depth > MAX_DEPTH:
            raise self.fail(node, f"sections are nested more than {MAX_DEPTH} levels deep")
        entries = self.mapping(node, "a section", SECTION_KEYS)
        section_id = self.identifier(entries, node, "a section", self.section_lines)
        if "title" not in entries:
            raise self.fail(node, f"section '{section_id}' has no 'title'")
        section = Section(id=section_id, title=self.text(entries["title"][1], f"the title of '{section_id}'", True))
        for key, (_, value_node) in entries.items():
            where = f"'{key}' of section '{section_id}'"
            if key == "points":
                section.points = [
                    self.text(n, f"a point of '{section_id}'", True) for n in self.sequence(value_node, key)
                ]
            elif key == "sources":
                section.sources = [
                    self.text(n, f"a source of '{section_id}'", True) for n in self.sequence(value_node, key)
                ]
            elif key == "status":
                status = self.text(value_node, where) or None
                if status is not None and status not in STATUSES:
                    raise self.fail(
                        value_node, f"status '{status}' of '{section_id}' must be one of {', '.join(STATUSES)}"
                    )
                section.status = status
            elif key == "target":
                section.target = self.integer(value_node, where) or None
            elif key == "notes":
                section.notes = self.text(value_node, where) or None
            elif key == "sections":
                section.sections = [self.section(child, depth + 1) for child in self.sequence(value_node, key)]
        return section

    def source(self, node: Any) -> Source:
        entries = self.mapping(node, "a source", SOURCE_KEYS)
        source = Source(id=self.identifier(entries, node, "a source", self.source_lines))
        for key, (_, value_node) in entries.items():
            if key != "id":
                setattr(source, key, self.text(value_node, f"'{key}' of source '{source.id}'"))
        return source
