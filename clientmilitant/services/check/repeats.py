"""Repeated passages: the same paragraph in two chapters (two posts that fed two chapters often
shared one), found by shingling.

Every run of SHINGLE words of each chapter (the words a reader sees, case and punctuation
ignored) is hashed; runs shared by two chapters are joined into passages, each reported at both
places. Linear in the book's words (a dict of hashes), not quadratic in the chapters.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from clientmilitant.core.words import read_words

SHINGLE = 25  # words: shorter shared runs are quotations, set phrases, titles


@dataclass(frozen=True)
class Passage:
    """`words` words at `offsets[0]` of chapter `first` that are also at `offsets[1]` of `second`."""

    first: str
    second: str
    offsets: tuple[int, int]
    words: int


def repeated_passages(texts: dict[str, str], shingle: int = SHINGLE) -> list[Passage]:
    """Passages of at least `shingle` words found in two chapters (chapter ids in `texts`' order)."""
    order = list(texts)
    tokenized = {cid: read_words(texts[cid]) for cid in order}
    first_seen: dict[int, list[tuple[int, int]]] = defaultdict(list)  # hash → [(chapter index, word index)]
    for index, cid in enumerate(order):
        words = tokenized[cid][0]
        seen_here: set[int] = set()
        for start in range(len(words) - shingle + 1):
            key = hash(tuple(words[start : start + shingle]))
            if key not in seen_here:
                seen_here.add(key)
                first_seen[key].append((index, start))
    pairs: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for places in first_seen.values():
        if len(places) > 1:
            (a, pos_a), (b, pos_b) = places[0], places[1]
            pairs[(a, b)].append((pos_a, pos_b))
    passages = []
    for (a, b), starts in sorted(pairs.items()):
        starts.sort()
        run_start, previous, length = starts[0], starts[0], shingle
        for current in starts[1:] + [None]:
            if current is not None and current == (previous[0] + 1, previous[1] + 1):
                previous, length = current, length + 1
                continue
            offsets = (tokenized[order[a]][1][run_start[0]], tokenized[order[b]][1][run_start[1]])
            passages.append(Passage(order[a], order[b], offsets, length))
            if current is not None:
                run_start, previous, length = current, current, shingle
    return passages
