"""Counting the words a reader will see in a chapter's Markdown: the one count every command shows.

Not counted: YAML front matter, HTML comments (the chapter template's plan), fenced and inline
code, URLs and link targets, HTML tags, and Markdown markup. `l'entreprise` and `porte-monnaie`
count as one word each, as in a word processor.
"""

from __future__ import annotations

import re

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_FENCE = re.compile(r"^[ \t]*(```|~~~).*?(?:^[ \t]*\1[^\n]*$|\Z)", re.S | re.M)
_INLINE_CODE = re.compile(r"(`+).+?\1", re.S)
_LINK_TARGET = re.compile(r"\[\^[^\]\s]+\]:?|\]\([^)]*\)|\]\[[^\]]*\]|^[ \t]*\[[^\]]+\]:[^\n]*$", re.M)
_URL = re.compile(r"<?(?:https?|ftp|mailto):[^\s>)]+>?|\bwww\.[^\s)]+")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_ATTRIBUTES = re.compile(r"\{[#.][^}]*\}")
_WORD = re.compile(r"[^\W_](?:[\w’'\-.,]*[^\W_])?")


def count_words(markdown: str) -> int:
    """The number of words a reader sees once `markdown` is rendered."""
    text = _FRONT_MATTER.sub("", markdown, count=1)
    for pattern in (_COMMENT, _FENCE, _INLINE_CODE, _LINK_TARGET, _URL, _TAG, _ATTRIBUTES):
        text = pattern.sub(" ", text)
    return len(_WORD.findall(text))


def blank_out_unread(markdown: str) -> str:
    """`markdown` with front matter, comments and code replaced by spaces, line breaks kept, so
    that a match found in what remains has the same offset (and line) as in the file."""

    def blank(match: re.Match) -> str:
        return re.sub(r"[^\n]", " ", match.group())

    text = _FRONT_MATTER.sub(blank, markdown, count=1)
    for pattern in (_COMMENT, _FENCE, _INLINE_CODE):
        text = pattern.sub(blank, text)
    return text
