"""Readers' feedback on the plan: stored in feedback.yaml, tied to sections by id, spam kept out.

The author wrote the book in the open and asked readers what was missing; their answers are kept
here, each on the section it concerns. feedback.yaml lives beside outline.yaml, not inside it:
readers' words stay apart from the author's plan (whose diffs stay about the plan, and whose undo
history does not bring back or lose a reader's comment), and a broken feedback file never stops
`cm outline show`. It is read as strictly as outline.yaml (storage/strict_yaml.py: YAML nodes, file:line:col
errors, no aliases, tags or duplicate keys) and written under the same lock with an atomic write.

Each item names its section by the section's stable id, so it follows the section when the section
is moved, renumbered or renamed. Ids are `f1`, `f2`…, never renumbered.

Comments imported from an archived post get a spam score (see `spam_score`): the sum of a few
signals anyone can check, each with its reason; a comment scoring SPAM_THRESHOLD or more is left
out unless asked for, and flagged `spam: true` when kept.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clientmilitant.core import model
from clientmilitant.core.errors import CmError, NotFound, Refused
from clientmilitant.core.text import fold
from clientmilitant.storage.book import Book
from clientmilitant.storage.files import atomic_write, display_path, locked
from clientmilitant.storage.strict_yaml import StrictReader

FEEDBACK_NAME = "feedback.yaml"
SCHEMA_VERSION = 1
STATES = ("open", "done")
KEYS = ("id", "section", "author", "date", "text", "url", "state", "note", "source", "spam")
ID_PATTERN = re.compile(r"f[1-9][0-9]*")
HEADER = (
    "# Readers' feedback on the plan, kept by cm (`cm feedback list`). Each item names its section by id,\n"
    "# so it follows the section when it moves or is renamed. cm rewrites this file: comments are not kept.\n"
)


@dataclass
class Feedback:
    """What a reader said about a section, and what the author did with it."""

    id: str
    section: str  # the section's id
    text: str
    author: str = ""
    date: str = ""  # ISO 8601: 2008-01-06 or 2008-01-06T14:22
    url: str = ""
    state: str = "open"  # open | done
    note: str = ""  # the author's
    source: str = ""  # the archived post it was imported from
    spam: bool = False  # imported although its spam score flagged it


# --- storage -------------------------------------------------------------------------------------


def feedback_path(book: Book) -> Path:
    return book.root / FEEDBACK_NAME


def load(book: Book) -> list[Feedback]:
    """The book's feedback, in the order it was added; none when feedback.yaml does not exist."""
    path = feedback_path(book)
    if not path.exists() and not path.is_symlink():
        return []
    text = book.read_text(path, FEEDBACK_NAME)
    return loads(text.encode("utf-8"), display_path(path))


def loads(data: bytes, filename: str = FEEDBACK_NAME) -> list[Feedback]:
    """Parse feedback.yaml strictly; raise BookError naming `filename:line:col`."""
    if not data.strip():
        return []
    reader = FeedbackReader(filename)
    root = reader.compose(reader.decode(data))
    entries = reader.mapping(root, FEEDBACK_NAME, ("feedback",))
    if "feedback" not in entries:
        return []
    items: list[Feedback] = []
    lines: dict[str, int] = {}
    for node in reader.sequence(entries["feedback"][1], "feedback"):
        items.append(_item(reader, node, lines))
    return items


class FeedbackReader(StrictReader):
    """The strict reader of outline.yaml, its messages naming feedback.yaml."""

    where = f"in {FEEDBACK_NAME}"


def _item(reader: Any, node: Any, lines: dict[str, int]) -> Feedback:
    entries = reader.mapping(node, "a feedback item", KEYS)
    for key in ("id", "section", "text"):
        if key not in entries:
            raise reader.fail(node, f"a feedback item has no '{key}'")
    id_node = entries["id"][1]
    item_id = reader.text(id_node, "a feedback id", required=True)
    if not ID_PATTERN.fullmatch(item_id):
        raise reader.fail(id_node, f"'{item_id}' is not a feedback id (f1, f2…)")
    if item_id in lines:
        raise reader.fail(id_node, f"duplicate feedback id '{item_id}' (first at line {lines[item_id]})")
    lines[item_id] = id_node.start_mark.line + 1
    values: dict[str, Any] = {"id": item_id}
    for key, (_, value_node) in entries.items():
        if key == "id":
            continue
        where = f"'{key}' of feedback {item_id}"
        value = reader.text(value_node, where, required=key in ("section", "text"))
        if key == "section" and not model.is_valid_id(value):
            raise reader.fail(value_node, f"{where}: '{value}' is not a section id")
        if key == "state" and value not in STATES:
            raise reader.fail(value_node, f"{where} must be one of {', '.join(STATES)}, not '{value}'")
        if key == "spam":
            if value.lower() not in ("true", "false"):
                raise reader.fail(value_node, f"{where} must be true or false, not '{value}'")
            values[key] = value.lower() == "true"
            continue
        values[key] = value
    values.setdefault("state", "open")
    return Feedback(**values)


def dumps(items: list[Feedback]) -> str:
    """The canonical text of feedback.yaml: keys in a fixed order, empty ones left out, a reader's
    text of several lines written as a `|` block so that it reads as it was written."""
    import yaml

    class Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
        pass

    def text(dumper: Any, value: str) -> Any:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)

    Dumper.add_representer(str, text)
    data = {"feedback": [_item_data(item) for item in items]}
    body = yaml.dump(
        data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=1_000_000, default_flow_style=False
    )
    return HEADER + body


def _item_data(item: Feedback) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in KEYS:
        value = getattr(item, key)
        if value or key in ("id", "section", "text", "state"):
            data[key] = value
    return data


@contextlib.contextmanager
def editing(book: Book) -> Iterator[list[Feedback]]:
    """The feedback list, changed by the caller under the book's lock, then saved atomically.

    Nothing is written when the caller raises."""
    with locked(book.state_dir / "lock"):
        items = load(book)
        yield items
        ids = [item.id for item in items]
        if len(set(ids)) != len(ids):
            raise CmError("internal error: duplicate feedback ids")
        atomic_write(feedback_path(book), dumps(items))


# --- reading -------------------------------------------------------------------------------------


def entry(item: Feedback, outline: model.Outline, places: dict[str, model.Located] | None = None) -> dict[str, Any]:
    """One feedback item as plain data (the JSON shape), with its section's current number and title;
    both are null when the section was removed from the plan."""
    if places is None:
        places = {located.section.id: located for located in model.walk(outline)}
    located = places.get(item.section)
    return {
        "id": item.id,
        "section": item.section,
        "number": located.number if located else None,
        "title": located.section.title if located else None,
        "author": item.author,
        "date": item.date,
        "text": item.text,
        "url": item.url,
        "state": item.state,
        "note": item.note,
        "source": item.source or None,
        "spam": item.spam,
    }


def list_feedback(book: Book, section_ref: str | None = None, open_only: bool = False) -> list[dict[str, Any]]:
    """Feedback in plan order (then in the order it came), optionally on one section and the
    sections under it, optionally the open items only."""
    outline = book.load()
    items = load(book)
    places = {located.section.id: located for located in model.walk(outline)}
    order = {section_id: i for i, section_id in enumerate(places)}
    if section_ref is not None:
        wanted = {section.id for section in model.subtree(model.find(outline, section_ref).section)}
        items = [item for item in items if item.section in wanted]
    if open_only:
        items = [item for item in items if item.state == "open"]
    items.sort(key=lambda item: order.get(item.section, len(order)))  # stable: removed sections last
    return [entry(item, outline, places) for item in items]


def open_counts(book: Book) -> dict[str, int]:
    """Open feedback per section id (sections without any are absent)."""
    counts: dict[str, int] = {}
    for item in load(book):
        if item.state == "open":
            counts[item.section] = counts.get(item.section, 0) + 1
    return counts


def mark_open_feedback(book: Book, nodes: list[dict[str, Any]]) -> None:
    """Add `open_feedback` (a count, 0 when none) to every node of the outline's data
    (outline.outline_data), for `cm outline show --feedback`."""
    counts = open_counts(book)

    def mark(node: dict[str, Any]) -> None:
        node["open_feedback"] = counts.get(node["id"], 0)
        for child in node["sections"]:
            mark(child)

    for node in nodes:
        mark(node)


def open_by_part(book: Book, outline: model.Outline) -> list[dict[str, Any]]:
    """Every part with its open feedback, counting the feedback on all the part's sections."""
    counts = open_counts(book)
    return [
        {
            "number": str(i),
            "id": part.id,
            "title": part.title,
            "open_feedback": sum(counts.get(node.id, 0) for node in model.subtree(part)),
        }
        for i, part in enumerate(outline.parts, start=1)
    ]


# --- changing ------------------------------------------------------------------------------------


def next_id(items: list[Feedback]) -> str:
    numbers = [int(item.id[1:]) for item in items]
    return f"f{max(numbers, default=0) + 1}"


def find_item(items: list[Feedback], item_id: str) -> Feedback:
    for item in items:
        if item.id == item_id:
            return item
    known = ", ".join(item.id for item in items[-5:])
    hint = f"the last ones are {known}" if known else "there is no feedback yet"
    raise NotFound(f"no feedback '{item_id}'", hint + " (see `cm feedback list`)")


def check_date(value: str) -> str:
    """An ISO 8601 date or date and time (2008-01-06, 2008-01-06T14:22), as written."""
    value = value.strip()
    try:
        if len(value) == 10:
            datetime.date.fromisoformat(value)
        else:
            datetime.datetime.fromisoformat(value)
    except ValueError:
        raise CmError(f"'{value}' is not an ISO 8601 date", "write it like 2008-01-06 or 2008-01-06T14:22") from None
    return value


def check_url(value: str) -> str:
    value = value.strip()
    if value and not re.match(r"https?://\S+$", value):
        raise CmError(f"'{value}' is not a web address", "give the comment's address, like https://…")
    return value


def add_feedback(
    book: Book, ref: str, text: str, author: str = "", date: str | None = None, url: str = ""
) -> dict[str, Any]:
    """Add a reader's feedback on the section REF; the date defaults to today."""
    text = text.strip()
    if not text:
        raise CmError("the feedback needs some text")
    date = check_date(date) if date else datetime.date.today().isoformat()
    url = check_url(url)
    outline = book.load()
    section = model.find(outline, ref).section
    with editing(book) as items:
        item = Feedback(next_id(items), section.id, text, author.strip(), date, url)
        items.append(item)
    return entry(item, outline)


def mark_done(book: Book, item_id: str, note: str | None = None) -> dict[str, Any]:
    """Mark feedback as dealt with, with the author's note (kept when not given)."""
    outline = book.load()
    with editing(book) as items:
        item = find_item(items, item_id)
        item.state = "done"
        if note is not None:
            item.note = note.strip()
    return entry(item, outline)


def move_feedback(book: Book, item_id: str, ref: str) -> dict[str, Any]:
    """Put feedback on another section (or back on a section after its own was removed)."""
    outline = book.load()
    section = model.find(outline, ref).section
    with editing(book) as items:
        item = find_item(items, item_id)
        item.section = section.id
    return entry(item, outline)


def remove_feedback(book: Book, item_id: str) -> dict[str, Any]:
    outline = book.load()
    with editing(book) as items:
        item = find_item(items, item_id)
        items.remove(item)
    return entry(item, outline)


# --- words: what a comment shares with the book ---------------------------------------------------

def plain_words(text: str) -> list[str]:
    """Lower-case words without accents: `L'Évolution` → `l`, `evolution`."""
    return re.findall(r"[a-z0-9]+", fold(text))


def stems(text: str) -> set[str]:
    """The stems of a text's meaningful words, as `cm source suggest` finds them (French Snowball
    stems, elisions cut, stop words dropped): `consommateurs` and `consommateur` meet, so do
    `mondes` and `monde`. Words of one or two letters and numbers are not counted."""
    from clientmilitant.services.sources.suggest import Analyzer

    return {stem for stem, word in Analyzer().words(text) if len(word) >= 3 and not word.isdigit()}


def book_vocabulary(outline: model.Outline, post_text: str = "") -> set[str]:
    """The stems of the book's own words: its title, every section's title and points, and the
    text of the post the comments were written under."""
    texts = [outline.book.title, post_text]
    for located in model.walk(outline):
        texts.append(located.section.title)
        texts.extend(located.section.points)
    return stems("\n".join(texts))


# --- spam ----------------------------------------------------------------------------------------

SPAM_THRESHOLD = 3
# Words that make an author's "name" an advertisement (accents removed).
COMMERCIAL_NAME_WORDS = frozenset(
    """
    adwords adsense seo sem referencement referenceur netlinking backlink backlinks google agence
    agency webmarketing specialiste expert casino poker viagra cialis pharmacie pharmacy credit
    pret loans loan assurance rachat voyance promo cheap discount replica shop boutique achat vente
    immobilier hebergement hosting escort rencontre dating
    """.split()
)
# Sales-pitch phrases (accents removed, whole words): business words the book itself uses
# (marketing, produit, service, entreprise, marque) are deliberately not here.
ADVERTISING_PHRASES = (
    "achetez", "commandez", "cliquez", "visitez", "decouvrez", "gratuit", "gratuitement", "pas cher",
    "meilleur prix", "prix imbattable", "code promo", "promotion", "reduction", "offre speciale",
    "livraison", "mon site", "notre site", "notre agence", "nos services", "nouvelle technologie",
    "nouvelle ere", "nouvelles perspectives", "buy", "cheap", "discount", "free", "click here",
    "check out", "my site", "my website", "best price",
)
_LINK = re.compile(r"https?://|\bwww\.", re.I)
_DOMAIN = re.compile(r"\b[\w-]+\.(?:com|net|org|fr|info|biz|eu|be|ch|io)\b", re.I)
LATE_DAYS = 365


@dataclass(frozen=True)
class SpamScore:
    """The sum of the signals a comment shows, each with the reason a person can check."""

    points: int
    reasons: tuple[str, ...] = field(default=())

    @property
    def is_spam(self) -> bool:
        return self.points >= SPAM_THRESHOLD


def parse_day(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def spam_score(author: str, text: str, date: str, vocabulary: set[str], post_date: str | None = None) -> SpamScore:
    """Score a comment; SPAM_THRESHOLD (3) or more is spam. The signals, in points:

    - the author's name holds commercial words (adwords, google, casino…) or a domain: +2
    - links in the text: +1 each, at most +2
    - sales-pitch phrases (achetez, gratuit, nouvelle technologie…): +1 each, at most +2
    - written more than a year after the post: +1
    - no word in common with the book's vocabulary: +2; only one: +1

    No signal reaches the threshold alone, not even a commercial name (a reader may sign
    « Jean, spécialiste SEO »): a reader who posts a link, or who writes years later, or briefly,
    is not spam for that; two signals together are."""
    points = 0
    reasons: list[str] = []
    name_words = sorted({w for w in plain_words(author) if w in COMMERCIAL_NAME_WORDS})
    domain = _DOMAIN.search(author)
    if name_words or domain:
        points += 2
        what = ", ".join(name_words) or domain.group(0)  # type: ignore[union-attr]
        reasons.append(f"the author's name is advertising ({what}): +2")
    links = len(_LINK.findall(text))
    if links:
        points += min(links, 2)
        reasons.append(f"{links} link{'s' if links > 1 else ''} in the text: +{min(links, 2)}")
    flat = " ".join(plain_words(text))
    phrases = [p for p in ADVERTISING_PHRASES if re.search(rf"\b{p}\b", flat)]
    if phrases:
        points += min(len(phrases), 2)
        reasons.append(f"sales-pitch words ({', '.join(phrases)}): +{min(len(phrases), 2)}")
    written, posted = parse_day(date), parse_day(post_date or "")
    if written and posted and (written - posted).days > LATE_DAYS:
        years = (written - posted).days / 365.25
        points += 1
        reasons.append(f"written {years:.1f} years after the post: +1")
    shared = sorted(stems(text) & vocabulary)
    if len(shared) < 2:
        points += 2 - len(shared)
        reasons.append(
            f"only one word in common with the book ({shared[0]}): +1"
            if shared
            else "no word in common with the book: +2"
        )
    return SpamScore(points, tuple(reasons))


# --- importing the comments of an archived post ----------------------------------------------------


@dataclass(frozen=True)
class CommentResult:
    """What became of one comment: `added`, `spam` (left out) or `duplicate` (imported before)."""

    author: str
    date: str
    action: str
    feedback_id: str | None
    score: SpamScore


@dataclass(frozen=True)
class ImportReport:
    source_id: str
    section: dict[str, Any]  # id, number, title
    comments: list[CommentResult]


def import_comments(
    book: Book, source_id: str, section_ref: str | None = None, include_spam: bool = False
) -> ImportReport:
    """Turn the comments kept with an archived post into feedback on a section.

    The section is `section_ref`, else the one section that cites the post. Spam is left out
    unless `include_spam` (then kept with `spam: true`); a comment imported before is not
    imported twice."""
    from clientmilitant.storage.archive import read_archive

    outline = book.load()
    archive = read_archive(book, source_id)
    if archive is None:
        raise NotFound(f"source '{source_id}' is not archived", f"archive it first: cm source import {source_id}")
    located = _import_section(outline, source_id, section_ref)
    vocabulary = book_vocabulary(outline, archive.text)
    post_date = str(archive.meta.get("date") or "")
    results: list[CommentResult] = []
    with editing(book) as items:
        seen = {(item.source, item.author, item.date, item.text): item.id for item in items}
        for comment in archive.comments:
            author, date, text = comment.author.strip(), str(comment.date).strip(), comment.text.strip()
            score = spam_score(author, text, date, vocabulary, post_date)
            known = seen.get((source_id, author, date, text))
            if not text:
                continue
            if known:
                results.append(CommentResult(author, date, "duplicate", known, score))
            elif score.is_spam and not include_spam:
                results.append(CommentResult(author, date, "spam", None, score))
            else:
                item = Feedback(
                    next_id(items), located.section.id, text, author, date, source=source_id, spam=score.is_spam
                )
                items.append(item)
                seen[(source_id, author, date, text)] = item.id
                results.append(CommentResult(author, date, "added", item.id, score))
    section = {"id": located.section.id, "number": located.number, "title": located.section.title}
    return ImportReport(source_id, section, results)


def _import_section(outline: model.Outline, source_id: str, section_ref: str | None) -> model.Located:
    if section_ref is not None:
        return model.find(outline, section_ref)
    citing = model.sections_citing(outline, source_id)
    if len(citing) == 1:
        return citing[0]
    if not citing:
        raise Refused(
            f"no section cites source '{source_id}'", "say which section its comments concern with --section REF"
        )
    numbers = ", ".join(located.number for located in citing)
    raise Refused(f"source '{source_id}' is cited by sections {numbers}", "choose one with --section REF")

