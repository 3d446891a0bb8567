"""Text helpers shared by every layer: titles made clean from what a file or a user gave. Pure."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

# C0 and C1 control characters (tab and line breaks excepted) and the Unicode replacement
# character: never part of a title, and invisible or harmful in a terminal.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """`text` without control characters (a terminal would obey them: ESC, BEL, backspace…)."""
    return _CONTROLS.sub("", text)


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_title(title: str) -> str:
    """A title as a reader sees it: markup removed and entities decoded by the standard library's
    HTML parser (`&lt;b&gt;Caf&amp;eacute;&lt;/b&gt;`, once or twice escaped, → `Café`), control
    characters dropped, white space made single spaces."""
    text = title
    for _ in range(2):  # feeds escape titles once, and some once more
        if "<" in text or "&" in text:
            parser = _TextOnly()
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
