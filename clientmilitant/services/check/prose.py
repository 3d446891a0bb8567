"""The chapters' prose in `cm check`: blog-voice rules, passages repeated in two chapters, quoted
posts and comments without an author. (Findings of the rest of the book: the package's __init__.)"""

from __future__ import annotations

from collections.abc import Iterator

from clientmilitant.core import model
from clientmilitant.core.errors import BookError
from clientmilitant.services.check import repeats, voice
from clientmilitant.services.check.findings import WARNING, Finding
from clientmilitant.services.check.findings import chapter_file as _chapter_file
from clientmilitant.services.check.links import _column, _line
from clientmilitant.services.credits import book_credits
from clientmilitant.storage.book import Book


def prose_findings(book: Book, outline: model.Outline, texts: dict[str, str]) -> Iterator[Finding]:
    owned = {located.section.id: located for located in model.walk(outline)}
    chapters = {cid: texts[cid] for cid in owned if cid in texts}  # book order; orphans are not the book
    yield from _voice(outline, chapters)
    yield from _repeats(chapters, owned)
    yield from _credits(book, outline, chapters)


def _at(text: str, offset: int) -> tuple[int, int]:
    return _line(text, offset), _column(text, offset)


def _voice(outline: model.Outline, chapters: dict[str, str]) -> Iterator[Finding]:
    for rule_id in voice.unknown_disabled(outline.lint):
        yield Finding(
            WARNING,
            "lint-settings",
            f"lint.disable names '{rule_id}', which is no blog-voice rule",
            "see the rule ids in the README (cm check, blog voice); a rule of your own goes under lint.rules",
            "outline.yaml",
        )
    rules = voice.active_rules(outline.lint)
    for cid, text in chapters.items():
        for match in voice.matches(text, rules):
            line, column = _at(text, match.offset)
            shown = " ".join(match.text.split())
            shown = shown if len(shown) <= 40 else shown[:39] + "…"
            yield Finding(
                WARNING,
                "blog-voice",
                f"« {shown} »: {match.rule.message}",
                match.rule.suggestion,
                _chapter_file(cid),
                line,
                column,
                rule=match.rule.id,
            )


def _repeats(chapters: dict[str, str], owned: dict[str, model.Located]) -> Iterator[Finding]:
    for passage in repeats.repeated_passages(chapters):
        places = ((passage.first, passage.offsets[0]), (passage.second, passage.offsets[1]))
        for (here, offset), (there, other) in (places, places[::-1]):
            line, column = _at(chapters[here], offset)
            other_line, other_column = _at(chapters[there], other)
            located = owned[there]
            yield Finding(
                WARNING,
                "repeated-passage",
                f"these {passage.words} words are also in {_chapter_file(there)}:{other_line}:{other_column}"
                f" ({located.number} {there})",
                f"keep the passage in one chapter; from the other, link to it: [voir](#{there})",
                _chapter_file(here),
                line,
                column,
            )


def _credits(book: Book, outline: model.Outline, chapters: dict[str, str]) -> Iterator[Finding]:
    from clientmilitant.services import feedback

    try:
        items = feedback.load(book)
    except BookError:
        items = []  # a broken feedback.yaml is reported by `cm feedback`; the book is checked without it
    for credit in book_credits(outline, chapters, items):
        if credit.author.strip() and credit.author.strip() != "?":
            continue
        what = {"post": "a quoted post", "comment": "a quoted reader's comment", "feedback": "a reader's feedback"}
        line, column = _at(chapters[credit.chapter], credit.offset)
        yield Finding(
            WARNING,
            "quote-without-author",
            f"{what[credit.kind]} is quoted without its author's name" + (f" ({credit.title})" if credit.title else ""),
            "the credits list every quoted text by its author: give the source an `author:` in outline.yaml,"
            " or the comment or feedback its author",
            _chapter_file(credit.chapter),
            line,
            column,
        )
