"""Whom the book quotes: posts by other authors (seeded with `cm chapter seed --quote`), readers'
comments seeded with `--comments`, and readers' feedback (feedback.yaml) whose words a chapter
quotes. The export credits them in « Sources et crédits »; `cm check` warns when one has no author.

A feedback item counts as quoted when a run of QUOTE_WORDS of its words (all of them, when it is
shorter) appears in a chapter, case and punctuation ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

from clientmilitant.core import model, seeds
from clientmilitant.core.words import read_words

QUOTE_WORDS = 8


@dataclass(frozen=True)
class Credit:
    """One quoted text: a post (`kind` post), a comment on a post (comment) or a reader's feedback (feedback)."""

    kind: str
    author: str
    date: str
    url: str
    title: str  # the post's title (a comment's: the post it was left on)
    chapter: str  # the chapter (section id) that quotes it
    offset: int  # where, in that chapter's text


def _registry(outline: model.Outline) -> dict[str, model.Source]:
    return {source.id: source for source in outline.sources}


def seeded_credits(outline: model.Outline, texts: dict[str, str]) -> list[Credit]:
    registry = _registry(outline)
    credits = []
    for chapter, text in texts.items():
        for seed in seeds.seeds(text):
            if seed.quote:
                title, author, date, url = (seed.fields + ("", "", "", ""))[:4]
                source = registry.get(seed.source_id, model.Source(seed.source_id))
                author, date, url = author or source.author, date or source.date, url or source.url
                credits.append(Credit("post", author, date, url, title, chapter, seed.start))
        for comment in seeds.quoted_comments(text):
            source = registry.get(comment.source_id, model.Source(comment.source_id))
            title = source.title or comment.source_id
            credits.append(Credit("comment", comment.author, comment.date, source.url, title, chapter, comment.offset))
    return credits


def feedback_credits(outline: model.Outline, texts: dict[str, str], feedback: list) -> list[Credit]:
    """The feedback items (services.feedback.Feedback) whose words a chapter quotes."""
    windows: dict[tuple[str, ...], tuple[str, int]] = {}
    for chapter, text in texts.items():
        words, offsets = read_words(text)
        for start in range(max(0, len(words) - QUOTE_WORDS + 1)):
            windows.setdefault(tuple(words[start : start + QUOTE_WORDS]), (chapter, offsets[start]))
    registry = _registry(outline)
    credits = []
    for item in feedback:
        words, _ = read_words(item.text)
        if len(words) < 3:
            continue
        runs = [tuple(words[i : i + QUOTE_WORDS]) for i in range(max(1, len(words) - QUOTE_WORDS + 1))]
        place = next((windows[run] for run in runs if run in windows), None)
        if place is None and len(words) < QUOTE_WORDS:
            place = _short_quote(words, texts)
        if place:
            source = registry.get(item.source) if item.source else None
            title = source.title if source else ""
            url = item.url or (source.url if source else "")
            credits.append(Credit("feedback", item.author, item.date, url, title, place[0], place[1]))
    return credits


def _short_quote(words: list[str], texts: dict[str, str]) -> tuple[str, int] | None:
    for chapter, text in texts.items():
        chapter_words, offsets = read_words(text)
        for start in range(len(chapter_words) - len(words) + 1):
            if chapter_words[start : start + len(words)] == words:
                return chapter, offsets[start]
    return None


def book_credits(outline: model.Outline, texts: dict[str, str], feedback: list) -> list[Credit]:
    """Every quoted post, comment and feedback, in the order of the book."""
    return seeded_credits(outline, texts) + feedback_credits(outline, texts, feedback)
