"""`cm source suggest`: the sources that could feed a section, ranked by Okapi BM25.

Offline and explainable. Words are folded for French: lower case, elisions cut (`d'une` →
`une`), French stop words dropped (Snowball's list), Snowball French stems (`numérique`,
`numériques` → `numer`), then accents folded. The query is the section's title, its points and
its chapter text; each candidate is a source not yet linked to the section, represented by its
title and archived text (a source that is not archived has only its title).

    score(source) = Σ over the query's distinct stems t found in the source:
                    idf(t) · tf(t)·(k1 + 1) / (tf(t) + k1·(1 − b + b·len/avglen))
    idf(t) = ln(1 + (N − n(t) + 0.5) / (n(t) + 0.5))

with k1 = 1.2, b = 0.75, N the number of registered sources, n(t) those containing t, tf the
count of t in the source and len its length in stems. Rare words shared with the section weigh
most; a long post does not win by length alone.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from clientmilitant.core import model
from clientmilitant.core.text import FrenchStems
from clientmilitant.storage.archive import archived_ids, read_archive
from clientmilitant.storage.book import Book

K1 = 1.2
B = 0.75


@dataclass
class Suggestion:
    source: model.Source
    score: float
    matched: list[str]  # the section's words found in the source, weightiest first
    archived: bool


def section_query(book: Book, located: model.Located) -> str:
    section = located.section
    chapter = book.chapter_text(section.id) or ""
    return "\n".join([section.title, *section.points, chapter])


def suggest(book: Book, ref: str, limit: int = 5) -> tuple[model.Located, list[Suggestion]]:
    """The sources not linked to section `ref`, best first; those sharing no word are left out."""
    outline = book.load()
    located = model.find(outline, ref)
    analyzer = FrenchStems()
    archived = archived_ids(book)
    documents: dict[str, Counter[str]] = {}
    for source in outline.sources:
        archive = read_archive(book, source.id) if source.id in archived else None
        text = source.title + "\n" + (archive.text if archive else "")
        documents[source.id] = Counter(stem for stem, _ in analyzer.words(text))
    query_words = analyzer.words(section_query(book, located))
    surface: dict[str, str] = {}
    for stem, word in query_words:
        surface.setdefault(stem, word)
    ranked = rank(documents, list(surface), exclude=set(located.section.sources))
    by_id = {s.id: s for s in outline.sources}
    suggestions = [
        Suggestion(by_id[source_id], score, [surface[t] for t in terms], source_id in archived)
        for source_id, score, terms in ranked[:limit]
    ]
    return located, suggestions


def rank(documents: dict[str, Counter[str]], query: list[str], exclude: set[str]) -> list[tuple[str, float, list[str]]]:
    """BM25 over `documents` (stem counts by id): (id, score, matched stems by weight), best first."""
    count = len(documents)
    if not count or not query:
        return []
    lengths = {doc_id: sum(counts.values()) for doc_id, counts in documents.items()}
    average = sum(lengths.values()) / count or 1.0
    frequency = Counter(term for counts in documents.values() for term in set(counts))
    results = []
    for doc_id, counts in documents.items():
        if doc_id in exclude:
            continue
        contributions = {}
        for term in set(query):
            tf = counts.get(term, 0)
            if not tf:
                continue
            n = frequency[term]
            idf = math.log(1 + (count - n + 0.5) / (n + 0.5))
            contributions[term] = idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[doc_id] / average))
        if contributions:
            terms = sorted(contributions, key=lambda t: (-contributions[t], t))
            results.append((doc_id, sum(contributions.values()), terms))
    results.sort(key=lambda r: (-r[1], r[0]))
    return results


@dataclass
class SuggestReport:
    """`cm source suggest`: the section, its ranked sources, and the one linked (with --link)."""

    located: model.Located
    suggestions: list[Suggestion]
    linked: str | None = None

    def data(self) -> dict[str, Any]:
        """The JSON shape of `cm source suggest --json`."""
        section = self.located.section
        return {
            "section": {"number": self.located.number, "id": section.id, "title": section.title},
            "suggestions": [
                {"id": s.source.id, "title": s.source.title, "date": s.source.date, "score": round(s.score, 3),
                 "matched": s.matched, "archived": s.archived}
                for s in self.suggestions
            ],
        }  # fmt: skip


def suggest_sources(book: Book, ref: str, limit: int = 5, link_best: bool = False) -> SuggestReport:
    """The sources that fit section `ref` best; with `link_best`, the first is linked to it."""
    from clientmilitant.services.sources.library import link_sections

    located, suggestions = suggest(book, ref, limit)
    report = SuggestReport(located, suggestions)
    if link_best and suggestions:
        report.linked = suggestions[0].source.id
        link_sections(book, report.linked, [located.section.id])
    return report
