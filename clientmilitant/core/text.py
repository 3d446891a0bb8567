"""Text helpers every layer shares: accent folding, "did you mean", and titles made clean from what
a file or a user gave.

Pure and cheap to import: difflib, unicodedata and html.parser are loaded when first used.
"""

from __future__ import annotations

import re
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


# C0 and C1 control characters (tab and line breaks excepted): never part of a title, and
# invisible or harmful in a terminal.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """`text` without control characters (a terminal would obey them: ESC, BEL, backspace…)."""
    return _CONTROLS.sub("", text)


def plain_title(title: str) -> str:
    """A title as a reader sees it: markup removed and entities decoded by the standard library's
    HTML parser (`&lt;b&gt;Caf&amp;eacute;&lt;/b&gt;`, once or twice escaped, → `Café`), control
    characters dropped, white space made single spaces."""
    from html import unescape
    from html.parser import HTMLParser

    class TextOnly(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    text = title
    for _ in range(2):  # feeds escape titles once, and some once more
        if "<" in text or "&" in text:
            parser = TextOnly()
            parser.feed(text)
            parser.close()
            text = "".join(parser.parts)
    text = unescape(text) if "&" in text else text
    return " ".join(strip_controls(text).split())


def first_words(text: str, limit: int = 8) -> str:
    """A title made from the first words of a post's text (Markdown marks dropped): at most
    `limit` words, cut at the first sentence's end, followed by `…` when cut."""
    words = re.sub(r"[*_`#>\[\]]|\(http\S*\)|!\[[^\]]*\]", " ", text).split()
    chosen: list[str] = []
    for word in words[:limit]:
        chosen.append(word)
        if word.endswith((".", "!", "?")) and len(chosen) >= 3:
            return " ".join(chosen).rstrip(".")
    return " ".join(chosen) + ("…" if len(words) > limit else "")
