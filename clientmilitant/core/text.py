"""Text helpers every layer shares: accent folding and "did you mean".

Pure and cheap to import: difflib and unicodedata are loaded when first used.
"""

from __future__ import annotations

from collections.abc import Iterable


def fold(text: str) -> str:
    """Lower case without accents: `Décembre` → `decembre`, `L'Évolution` → `l'evolution`."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate closest to a mistyped `word`, when one is close enough; else None."""
    import difflib

    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)
    return close[0] if close else None
