"""Counting the words a reader will see in a chapter's Markdown: the one count every command shows.

Not counted: YAML front matter, HTML comments (the chapter template's plan), fenced and inline
code, URLs and link targets, HTML tags, and Markdown markup. `l'entreprise` and `porte-monnaie`
count as one word each, as in a word processor.
"""

from __future__ import annotations

import re

# Patterns as text, with their flags inline: `re` compiles each on first use and keeps it, so that
# a command that counts no words (a book without chapters) does not pay for nine compilations.
_FRONT_MATTER = r"(?s)\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)"
_COMMENT = r"(?s)<!--.*?(?:-->|\Z)"
_FENCE = r"(?sm)^[ \t]*(```|~~~).*?(?:^[ \t]*\1[^\n]*$|\Z)"
_INLINE_CODE = r"(?s)(`+).+?\1"
_LINK_TARGET = r"(?m)\[\^[^\]\s]+\]:?|\]\([^)]*\)|\]\[[^\]]*\]|^[ \t]*\[[^\]]+\]:[^\n]*$"
_URL = r"<?(?:https?|ftp|mailto):[^\s>)]+>?|\bwww\.[^\s)]+"
_TAG = r"</?[A-Za-z][^>]*>"
_ATTRIBUTES = r"\{[#.][^}]*\}"
_WORD = r"[^\W_](?:[\w’'\-.,]*[^\W_])?"


def count_words(markdown: str) -> int:
    """The number of words a reader sees once `markdown` is rendered."""
    text = re.sub(_FRONT_MATTER, "", markdown, count=1)
    for pattern in (_COMMENT, _FENCE, _INLINE_CODE, _LINK_TARGET, _URL, _TAG, _ATTRIBUTES):
        text = re.sub(pattern, " ", text)
    return len(re.findall(_WORD, text))


def blank_out_unread(markdown: str) -> str:
    """`markdown` with front matter, comments and code replaced by spaces, line breaks kept, so
    that a match found in what remains has the same offset (and line) as in the file."""

    def blank(match: re.Match) -> str:
        return re.sub(r"[^\n]", " ", match.group())

    text = re.sub(_FRONT_MATTER, blank, markdown, count=1)
    for pattern in (_COMMENT, _FENCE, _INLINE_CODE):
        text = re.sub(pattern, blank, text)
    return text


# A word as a reader compares it: letters and digits, inner apostrophes and hyphens (no . or ,)
_READ_WORD = re.compile(r"[^\W_](?:[\w’'-]*[^\W_])?")


def read_words(markdown: str) -> tuple[list[str], list[int]]:
    """The words a reader sees in `markdown`, case-folded with ’ as ', and where each one starts."""
    text = blank_out_unread(markdown)
    words, offsets = [], []
    for match in _READ_WORD.finditer(text):
        words.append(match.group().casefold().replace("’", "'"))
        offsets.append(match.start())
    return words, offsets
