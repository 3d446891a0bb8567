"""Reading files of posts: the format recognised from the content, the bytes decoded, the posts
read by the format's module, and what every format shares (clean titles, untitled posts).

Formats are recognised from the content, not the file name: XML with `wp:` fields is a WordPress
export (WXR); other XML (RSS, Atom, RDF) a feed, Blogger's export included; text starting with
Movable Type keys (`AUTHOR:`, `TITLE:`…) and `-----` separators an MT/Typepad export; anything
else a plain-text dump copied from blog pages.
"""

from __future__ import annotations

import re
from pathlib import Path

from clientmilitant.core.errors import BookError, NotFound
from clientmilitant.core.text import first_words, plain_title
from clientmilitant.core.untrusted import strip_controls
from clientmilitant.services.sources.posts import Found, ReadOptions
from clientmilitant.storage.files import display_path

FEED, WXR, MT, TEXT = "feed", "wxr", "movabletype", "text"
FORMAT_NAMES = {FEED: "RSS/Atom feed", WXR: "WordPress export", MT: "Movable Type export", TEXT: "text dump"}
MAX_FILE_BYTES = 2 * 1024**3

_UTF16 = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be", b"<\x00": "utf-16-le", b"\x00<": "utf-16-be"}


def head_text(data: bytes, size: int = 200_000) -> str:
    """The start of the file as text, for recognising its format: UTF-16 (with or without BOM) or else
    UTF-8-ish (a legacy charset only spoils accents, never the ASCII markup looked at)."""
    encoding = _UTF16.get(data[:2])
    if encoding:
        return data[: size * 2].decode(encoding, "replace").lstrip("\ufeff")
    return data[:size].decode("utf-8", "replace").lstrip("\ufeff")


def detect_format(data: bytes) -> str:
    head = head_text(data)
    if head.lstrip(" \t\r\n").startswith("<"):
        return WXR if "wordpress.org/export/" in head else FEED
    from clientmilitant.services.sources.movabletype import looks_like_mt

    return MT if looks_like_mt(head) else TEXT


def decode_text(data: bytes, filename: str) -> str:
    """A text file's content: UTF-8 (a BOM allowed) or UTF-16 with its BOM; anything else is refused
    with the line and byte that are not UTF-8."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise BookError(
            f"{filename}:{line}: byte 0x{data[error.start]:02x} is not UTF-8; save the file as UTF-8"
        ) from None


def read_bytes(path: Path) -> bytes:
    filename = display_path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise BookError(f"{filename}: larger than {MAX_FILE_BYTES // 2**30} GB; is this the right file?")
        return path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"{filename}: no such file") from None
    except IsADirectoryError:
        raise BookError(f"{filename}: is a folder; give the files to import") from None
    except OSError as error:
        raise BookError(f"{filename}: cannot read: {error.strerror}") from None


def read_posts(path: Path, options: ReadOptions | None = None) -> tuple[str, Found]:
    """The format of a file and what it holds; a file with no post at all is an error."""
    options = options or ReadOptions()
    filename = display_path(path)
    data = read_bytes(path)
    kind = detect_format(data)
    if kind == FEED and re.match(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)", head_text(data, 4096), re.I | re.S):
        raise BookError(
            f"{filename}: a web page, not a feed or an export",
            "import the blog's feed or export, or copy the page's text into a .txt file",
        )
    found = _parse(kind, data, filename, options)
    for post in found.posts:
        post.title = plain_title(post.title)
        post.author = plain_title(post.author)
        post.url, post.site = strip_controls(post.url), strip_controls(post.site)
        for comment in post.comments:
            comment.author, comment.url = plain_title(comment.author), strip_controls(comment.url)
            comment.text = strip_controls(comment.text)
        if isinstance(post.text, str):
            post.text = strip_controls(post.text)
    bad = [skipped for skipped in found.skipped if skipped.reason == "bad post"]
    if not found.posts and bad:
        raise BookError(f"{bad[0].where}: {bad[0].detail}")  # nothing could be read: the first reason why
    if not found.posts and not found.skipped:
        raise NotFound(f"{filename}: no post found in this {FORMAT_NAMES[kind]}")
    return kind, found


def _parse(kind: str, data: bytes, filename: str, options: ReadOptions) -> Found:
    if kind == FEED:
        from clientmilitant.services.sources.feeds import parse_feed

        return parse_feed(data, filename, options)
    if kind == WXR:
        from clientmilitant.services.sources.wxr import parse_wxr

        return parse_wxr(data, filename, options)
    if kind == MT:
        from clientmilitant.services.sources.movabletype import decode_mt, parse_movabletype

        text, warnings = decode_mt(data, filename)
        found = parse_movabletype(text, filename, options)
        found.warnings[:0] = warnings
        return found
    from clientmilitant.services.sources.textdump import parse_dump

    return parse_dump(decode_text(data, filename), filename)


def title_untitled(found: Found) -> None:
    """A post the file gives no title gets its first words, and a warning says so."""
    for post in found.posts:
        if not post.title and post.text.strip():
            post.title = first_words(post.text)
            post.titled_from_text = True
            found.warnings.append(f"{post.where}: no title; titled from its first words « {post.title} »")
