"""Text helpers every layer shares: accent folding, "did you mean", French stems, and titles made
clean from what a file or a user gave.

Pure and cheap to import (every command loads it through the model): difflib, unicodedata,
snowballstemmer, html.parser and the stemmer's regexes are loaded when first used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Private-use characters that Word's Symbol/Wingdings fonts leave in pasted text, and what they meant
# (the plan post and copied blog pages both hold them).
SYMBOL_FONT_CHARACTERS = {"\uf0e0": "→", "\uf0e8": "→", "\uf0df": "←", "\uf0b7": "•", "\uf0a7": "▪"}


def symbol_font_to_unicode(text: str) -> str:
    """`text` with Word's Symbol-font characters replaced by the Unicode ones they stood for."""
    for char, replacement in SYMBOL_FONT_CHARACTERS.items():
        if char in text:
            text = text.replace(char, replacement)
    return text


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


def plain_title(title: str) -> str:
    """A title as a reader sees it: markup removed and entities decoded by the standard library's
    HTML parser (`&lt;b&gt;Caf&amp;eacute;&lt;/b&gt;`, once or twice escaped, → `Café`), control
    characters dropped, white space made single spaces."""
    from html import unescape
    from html.parser import HTMLParser

    from clientmilitant.core.untrusted import strip_controls

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


# Snowball's French stop word list (snowballstem.org/algorithms/french/stop.txt), accents folded.
FRENCH_STOP_WORDS = frozenset(
    """
    au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me meme mes moi mon ne
    nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous c d
    j l a m n s t y ete etee etees etes etant etante etants etantes suis es est sommes etes sont serai seras sera
    serons serez seront serais serait serions seriez seraient etais etait etions etiez etaient fus fut fumes futes
    furent sois soit soyons soyez soient fusse fusses fut fussions fussiez fussent ayant ayante ayantes ayants eu
    eue eues eus ai as avons avez ont aurai auras aura aurons aurez auront aurais aurait aurions auriez auraient
    avais avait avions aviez avaient eut eumes eutes eurent aie aies ait ayons ayez aient eusse eusses eussions
    eussiez eussent
    """.split()
)
_WORD = r"[^\W\d_]+(?:[-][^\W\d_]+)*|\d+"
_ELISION = r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’]"


_UNSEEN = object()


class FrenchStems:
    """Text → French stems, with the surface word each stem came from (to show what matched).

    Words are folded for French: lower case, elisions cut (`d'une` → `une`), French stop words
    dropped (Snowball's list), Snowball French stems (`numérique`, `numériques` → `numer`), then
    accents folded. `cm source suggest` ranks posts with them; `cm feedback import` scores spam."""

    def __init__(self) -> None:
        import snowballstemmer

        self._stemmer = snowballstemmer.stemmer("french")
        self._word = re.compile(_WORD)
        self._elision = re.compile(_ELISION, re.I)
        self._cache: dict[str, str | None] = {}

    def words(self, text: str) -> list[tuple[str, str]]:
        """(stem, word) pairs for the content words of `text`."""
        result = []
        for raw in re.split(r"\s+", text.casefold()):
            raw = self._elision.sub("", raw.strip("«»\"'’()[]{}.,;:!?…"))
            for word in self._word.findall(raw):
                for part in word.split("-"):
                    stem = self._cache.get(part, _UNSEEN)
                    if stem is _UNSEEN:  # each distinct word is folded and stemmed once per run
                        stop = len(part) < 2 or fold(part) in FRENCH_STOP_WORDS
                        stem = self._cache[part] = None if stop else fold(self._stemmer.stemWord(part))
                    if stem is not None:
                        result.append((stem, part))
        return result


def stems(text: str) -> set[str]:
    """The stems of a text's meaningful words (French Snowball stems, elisions cut, stop words
    dropped): `consommateurs` and `consommateur` meet, so do `mondes` and `monde`. Words of one
    or two letters and numbers are not counted."""
    return {stem for stem, word in FrenchStems().words(text) if len(word) >= 3 and not word.isdigit()}
