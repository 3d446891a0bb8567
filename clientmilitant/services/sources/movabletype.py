"""The Movable Type / Typepad export format: plain text, one entry after another.

    AUTHOR: jbp
    TITLE: Le modèle Radio Head pour la presse
    BASENAME: le-modle-radio
    STATUS: Publish
    ALLOW COMMENTS: 1
    CONVERT BREAKS: 1
    DATE: 12/13/2007 10:22:00 AM
    PRIMARY CATEGORY: Marketing
    CATEGORY: Marketing
    TAGS: "presse",musique
    UNIQUE URL: http://jbp.typepad.com/jb/2007/12/le-modle-radio.html
    -----
    BODY:
    <p>Enfin une bonne nouvelle…</p>
    -----
    EXTENDED BODY:
    -----
    COMMENT:
    AUTHOR: xgc
    URL: http://xgc.example
    DATE: 01/06/2008 02:22:00 PM
    Bonjour…
    -----
    PING:
    TITLE: Un blog qui en parle
    ...
    -----
    --------

Entries end with a line of 8 dashes, sections with a line of 5. Every key is read, in any case;
keys the format does not define (`CF50_BASENAME`, Typepad's own) are kept out of the way, never
refused. Dates are month first (`12/13/2007 10:22:00 AM`, or 24-hour `12/13/2007 22:22:00`).
`CONVERT BREAKS` 1 or `__default__`: the text is written with line breaks, which become paragraphs
and `<br />` as Movable Type shows them; 0 (and rich text): HTML as is; `markdown`: kept as written.
Comments keep their line breaks. PING sections are trackbacks, not comments: not kept.
`STATUS: Draft` is not a published post (imported with --drafts, marked). `NO ENTRY: 1` holds
comments for an entry of the same title. An entry that cannot be read is skipped and reported.

Old exports mix encodings: Windows-1252 lines inside a UTF-8 file. Such bytes are decoded as
Windows-1252 (with a warning naming the first line); a byte that is neither is refused with its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from clientmilitant.core.dates import parse_date
from clientmilitant.core.errors import BookError
from clientmilitant.core.posts import Comment, Post, Skipped
from clientmilitant.services.sources.markdown import html_to_markdown
from clientmilitant.services.sources.posts import Found, ReadOptions

ENTRY_END = "--------"
SECTION_END = "-----"
_KEY = re.compile(r"([A-Za-z][A-Za-z0-9_ ]*?)\s*:(?:\s(.*)|)$")
SECTIONS = {"BODY", "EXTENDED BODY", "EXCERPT", "KEYWORDS", "COMMENT", "PING"}
COMMENT_KEYS = {"AUTHOR", "EMAIL", "URL", "IP", "DATE"}
PING_KEYS = {"TITLE", "URL", "IP", "BLOG NAME", "DATE"}
_STARTS = re.compile(
    r"(?:AUTHOR|TITLE|DATE|BASENAME|STATUS|PRIMARY CATEGORY|CATEGORY|ALLOW COMMENTS|CONVERT BREAKS):", re.I
)


def looks_like_mt(text: str) -> bool:
    """The first line that is neither blank nor a separator is an MT key, and the file has MT's
    separators (some exporters open the file with the `--------` that ends an entry)."""
    for line in text.splitlines():
        if line.strip().lstrip("\ufeff") not in ("", ENTRY_END, SECTION_END):
            return bool(_STARTS.match(line.lstrip("\ufeff"))) and re.search(r"^-{5}\s*$", text, re.M) is not None
    return False


def decode_mt(data: bytes, filename: str) -> tuple[str, list[str]]:
    """The file's text: UTF-8, where bytes that are not UTF-8 are read as Windows-1252."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16"), []
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    pieces, lines, position = [], [], 0
    while position < len(data):
        try:
            pieces.append(data[position:].decode("utf-8-sig" if position == 0 else "utf-8"))
            break
        except UnicodeDecodeError as error:
            bad = position + error.start
            pieces.append(data[position:bad].decode("utf-8-sig" if position == 0 else "utf-8"))
            line = data.count(b"\n", 0, bad) + 1
            try:
                pieces.append(data[bad : bad + 1].decode("cp1252"))
            except UnicodeDecodeError:
                raise BookError(
                    f"{filename}:{line}: byte 0x{data[bad]:02x} is neither UTF-8 nor Windows-1252; "
                    "save the file as UTF-8"
                ) from None
            lines.append(line)
            position = bad + 1
    text = "".join(pieces)
    count = len(set(lines))
    return text, [
        f"{filename}:{lines[0]}: {count} line{'s' * (count > 1)} in Windows-1252, not UTF-8: read as Windows-1252"
    ]


@dataclass
class _Entry:
    line: int
    keys: dict[str, str] = field(default_factory=dict)
    categories: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    comments: list[tuple[dict[str, str], list[str]]] = field(default_factory=list)
    error: str = ""
    error_line: int = 0


def _entries(text: str) -> list[_Entry]:
    # long: one pass over the lines, a small state machine (entry header, between sections, in a
    # section); splitting it would scatter its four state variables over several functions
    entries: list[_Entry] = []
    entry: _Entry | None = None
    section: str | None = None  # None: the entry's header; '' between sections; else the open section
    target: list[str] | None = None
    meta: dict[str, str] | None = None  # the open comment's or ping's keys, while they are read
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if line.strip() == ENTRY_END:
            entry, section, target, meta = None, None, None, None
            continue
        if entry is None:
            if not line.strip():
                continue
            entry, section = _Entry(number), None
            entries.append(entry)
        if entry.error:
            continue
        if line.strip() == SECTION_END:
            section, target, meta = "", None, None
            continue
        if section is None:  # the entry's header: KEY: value lines
            if line.strip():
                _header(entry, line, number)
            continue
        if section == "":
            if not line.strip():
                continue
            section = line.strip().rstrip(":").upper()
            if not line.strip().endswith(":"):
                entry.error = f"expected a section such as BODY: or COMMENT:, not '{line[:40]}'"
                entry.error_line = number
            elif section == "COMMENT":
                entry.comments.append(({}, []))
                meta, target = entry.comments[-1]
            elif section in ("BODY", "EXTENDED BODY"):
                target, meta = entry.body, None
                if section == "EXTENDED BODY" and entry.body:
                    entry.body.append("")
            else:  # excerpt, keywords, pings, unknown sections: read, not kept
                target, meta = [], ({} if section == "PING" else None)
            continue
        if meta is not None and not target and (match := _KEY.match(line)):
            keys = COMMENT_KEYS if section == "COMMENT" else PING_KEYS
            if match[1].upper() in keys and match[1].upper() not in meta:
                meta[match[1].upper()] = (match[2] or "").strip()
                continue
        if meta is not None and not target and not line.strip():
            continue  # a blank line between a comment's keys and its text
        if target is not None:
            target.append(line)
    return entries


def _header(entry: _Entry, line: str, number: int) -> None:
    match = _KEY.match(line)
    if not match:
        entry.error = f"expected 'KEY: value' in a Movable Type entry header, not '{line[:40]}'"
        entry.error_line = number
        return
    key, value = match[1].upper(), (match[2] or "").strip()
    if key in ("CATEGORY", "PRIMARY CATEGORY"):
        if value and value not in entry.categories:
            entry.categories.append(value)
    else:
        entry.keys.setdefault(key, value)


def _html(lines: list[str], convert_breaks: str) -> str:
    text = "\n".join(lines).strip("\n")
    if convert_breaks in ("1", "__default__", "convert_breaks", ""):
        paragraphs = re.split(r"\n\s*\n", text)
        return "".join(f"<p>{'<br />'.join(p.splitlines())}</p>\n" for p in paragraphs if p.strip())
    return text


def _url(keys: dict[str, str]) -> str:
    return keys.get("UNIQUE URL") or keys.get("UNIQUEURL", "")


def _tags(value: str) -> list[str]:
    return [tag.strip().strip('"').strip() for tag in re.findall(r'"[^"]*"|[^,]+', value) if tag.strip().strip('"')]


def _breaks(entry: _Entry) -> str:
    return entry.keys.get("CONVERT BREAKS", "1").strip().lower()


def _comment_breaks(lines: list[str]) -> str:
    """Comments are plain text with line breaks, whatever the entry's setting; HTML ones stay HTML."""
    return "0" if re.search(r"<(?:p|br|div)\b", "\n".join(lines), re.I) else "1"


def _select(entries: list[_Entry], filename: str, options: ReadOptions, found: Found) -> list[_Entry]:
    kept, by_title = [], {}
    for entry in entries:
        where = f"{filename}:{entry.line}"
        status = entry.keys.get("STATUS", "Publish").strip().lower()
        date = entry.keys.get("DATE", "")
        if not entry.error and date and not parse_date(date, day_first=False):
            entry.error = f"the entry's DATE '{date}' is not a date cm can read"
        if entry.error:
            found.skipped.append(Skipped(f"{filename}:{entry.error_line or entry.line}", "bad post", entry.error))
        elif entry.keys.get("NO ENTRY", "0").strip() == "1":
            target = by_title.get(entry.keys.get("TITLE", ""))
            if target is None:
                found.skipped.append(Skipped(where, "no entry", "NO ENTRY: 1 names no entry of this file"))
            else:
                target.comments += entry.comments
        elif status in ("publish", "") or (options.drafts and status in ("draft", "future", "review")):
            kept.append(entry)
            by_title.setdefault(entry.keys.get("TITLE", ""), entry)
        else:
            found.skipped.append(Skipped(where, status))
    return kept


def parse_movabletype(text: str, filename: str, options: ReadOptions | None = None) -> Found:
    """The entries of an MT/Typepad export, with their comments; drafts and bad entries skipped."""
    options = options or ReadOptions()
    found = Found([])
    entries = _select(_entries(text), filename, options, found)
    for number, entry in enumerate(entries, start=1):
        # each entry converted in turn and its lines dropped: memory holds the Markdown, not the
        # lines, their HTML and their Markdown at once (a 221 MB export peaked at 1.6 GB)
        htmls = ["" if _breaks(entry).startswith("markdown") else _html(entry.body, _breaks(entry))]
        htmls += [_html(lines, _comment_breaks(lines)) for _, lines in entry.comments]
        places, bases = [f"{filename}:{entry.line}"] * len(htmls), [_url(entry.keys)] * len(htmls)
        texts = iter(html_to_markdown(htmls, None, bases, places, found.warnings))
        if number % 200 == 0 or number == len(entries):
            options.tell("converting", number, len(entries))
        keys = entry.keys
        url = _url(keys)
        body = next(texts)
        if _breaks(entry).startswith("markdown"):
            body = "\n".join(entry.body).strip("\n")
        status = keys.get("STATUS", "Publish").strip().lower()
        post = Post(keys.get("TITLE", ""), (parse_date(keys.get("DATE", ""), day_first=False) or "")[:10], body,
                    f"{filename}:{entry.line}", keys.get("AUTHOR", ""), url, urlsplit(url).netloc,
                    status="" if status in ("publish", "") else status, categories=entry.categories,
                    tags=_tags(keys.get("TAGS", "")))  # fmt: skip
        for meta, _ in entry.comments:
            date = parse_date(meta.get("DATE", ""), day_first=False) or ""
            post.comments.append(Comment(meta.get("AUTHOR", ""), date, next(texts), meta.get("URL", "")))
        entry.body, entry.comments = [], []
        found.posts.append(post)
    return found
