"""feedback.yaml: readers' feedback on the sections, read strictly and written atomically under the book's lock.

It lives beside outline.yaml, not inside it: readers' words stay apart from the author's plan (whose
diffs stay about the plan, and whose undo history does not bring back or lose a reader's comment),
and a broken feedback file never stops `cm outline show`. It is read as strictly as outline.yaml
(strict_yaml.py: YAML nodes, file:line:col errors, no aliases, tags or duplicate keys).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientmilitant.core import model
from clientmilitant.core.errors import BookError, CmError
from clientmilitant.storage.files import atomic_write, display_path, inside
from clientmilitant.storage.strict_yaml import StrictReader

if TYPE_CHECKING:
    from clientmilitant.storage.book import Book

FEEDBACK_NAME = "feedback.yaml"
MAX_FEEDBACK_BYTES = 16 * 1024 * 1024  # years of readers' comments fit in far less; more is not feedback
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


def feedback_path(book: Book) -> Path:
    return book.root / FEEDBACK_NAME


def load(book: Book) -> list[Feedback]:
    """The book's feedback, in the order it was added; none when feedback.yaml does not exist."""
    path = feedback_path(book)
    if not path.exists() and not path.is_symlink():
        return []
    real = inside(book.root, path, FEEDBACK_NAME)
    with contextlib.suppress(OSError):  # read_text says what is wrong with a file it cannot read
        if real.is_file() and real.stat().st_size > MAX_FEEDBACK_BYTES:
            raise too_large(display_path(path), real.stat().st_size)  # never read it into memory
    text = book.read_text(path, FEEDBACK_NAME)
    return loads(text.encode("utf-8"), display_path(path))


def too_large(filename: str, size: int) -> CmError:
    return BookError(
        f"{filename}: {size / 1e6:.1f} MB is more than cm reads in a feedback file "
        f"({MAX_FEEDBACK_BYTES // (1024 * 1024)} MB); is this the right file?"
    )


def loads(data: bytes, filename: str = FEEDBACK_NAME) -> list[Feedback]:
    """Parse feedback.yaml strictly; raise BookError naming `filename:line:col`."""
    if len(data) > MAX_FEEDBACK_BYTES:
        raise too_large(filename, len(data))
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
    with book.lock():  # refused, before anything is created, when .cm/ leads out of the book
        items = load(book)
        yield items
        ids = [item.id for item in items]
        if len(set(ids)) != len(ids):
            raise CmError("internal error: duplicate feedback ids")
        data = dumps(items).encode("utf-8")
        if len(data) > MAX_FEEDBACK_BYTES:  # never write what cm would refuse to read back
            raise too_large(display_path(feedback_path(book)), len(data))
        atomic_write(feedback_path(book), data)
