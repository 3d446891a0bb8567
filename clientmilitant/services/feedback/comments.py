"""`cm feedback import`: the comments kept with an archived post become feedback on a section, spam left out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clientmilitant.core import model
from clientmilitant.core.errors import NotFound, Refused
from clientmilitant.services.feedback import next_id
from clientmilitant.services.feedback.spam import SpamScore, book_vocabulary, spam_score
from clientmilitant.storage.archive import read_archive
from clientmilitant.storage.book import Book
from clientmilitant.storage.feedback_file import Feedback, editing


@dataclass(frozen=True)
class CommentResult:
    """What became of one comment: `added`, `spam` (left out) or `duplicate` (imported before)."""

    author: str
    date: str
    action: str
    feedback_id: str | None
    score: SpamScore


@dataclass(frozen=True)
class ImportReport:
    source_id: str
    section: dict[str, Any]  # id, number, title
    comments: list[CommentResult]


def import_comments(
    book: Book, source_id: str, section_ref: str | None = None, include_spam: bool = False
) -> ImportReport:
    """Turn the comments kept with an archived post into feedback on a section.

    The section is `section_ref`, else the one section that cites the post. Spam is left out
    unless `include_spam` (then kept with `spam: true`); a comment imported before is not
    imported twice."""
    outline = book.load()
    archive = read_archive(book, source_id)
    if archive is None:
        raise NotFound(f"source '{source_id}' is not archived", f"archive it first: cm source import {source_id}")
    located = _import_section(outline, source_id, section_ref)
    vocabulary = book_vocabulary(outline, archive.text)
    post_date = str(archive.meta.get("date") or "")
    results: list[CommentResult] = []
    with editing(book) as items:
        seen = {(item.source, item.author, item.date, item.text): item.id for item in items}
        for comment in archive.comments:
            author, date, text = comment.author.strip(), str(comment.date).strip(), comment.text.strip()
            score = spam_score(author, text, date, vocabulary, post_date)
            known = seen.get((source_id, author, date, text))
            if not text:
                continue
            if known:
                results.append(CommentResult(author, date, "duplicate", known, score))
            elif score.is_spam and not include_spam:
                results.append(CommentResult(author, date, "spam", None, score))
            else:
                item = Feedback(
                    next_id(items), located.section.id, text, author, date, source=source_id, spam=score.is_spam
                )
                items.append(item)
                seen[(source_id, author, date, text)] = item.id
                results.append(CommentResult(author, date, "added", item.id, score))
    section = {"id": located.section.id, "number": located.number, "title": located.section.title}
    return ImportReport(source_id, section, results)


def _import_section(outline: model.Outline, source_id: str, section_ref: str | None) -> model.Located:
    if section_ref is not None:
        return model.find(outline, section_ref)
    citing = model.sections_citing(outline, source_id)
    if len(citing) == 1:
        return citing[0]
    if not citing:
        raise Refused(
            f"no section cites source '{source_id}'", "say which section its comments concern with --section REF"
        )
    numbers = ", ".join(located.number for located in citing)
    raise Refused(f"source '{source_id}' is cited by sections {numbers}", "choose one with --section REF")
