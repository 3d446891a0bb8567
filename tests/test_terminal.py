"""No control character from a book, a feed or an argument ever reaches the terminal raw (issue 13).

A hostile book (tests/fixtures/small-book, with colour codes, a terminal-title sequence, a screen
clear, a C1 CSI and a bidi override in its titles, points, notes, sources, feedback, chapter text
and a chapter's file name) is walked by many commands, each run by cm's real entry point both in
a pipe and on a pseudo-terminal (rich then draws colours and tables), by tests/forked.py (the
real `main()` in one forked child per command, so that fifty runs take seconds). Nothing but cm's own colour codes may come out raw.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import Cm, copy_book
from forked import run_all

from clientmilitant.storage import outline_file

HOSTILE = "\x1b[31mROUGE \x1b]0;pwned\x07 \x1b[2J \x9b1mC1 \u202egauche"
RAW = ("\x1b[31mROUGE", "\x1b]", "\x07", "\x1b[2J", "\x9b", "\u202e")
# what cm's renderer (rich) writes itself on a terminal: colours, and the cursor shown/hidden
OWN_CODES = re.compile(r"\x1b\[[0-9;]*m|\x1b\[\?25[hl]|\x1b\[2K|\x1b\[1A|\r")


def leaks(output: str) -> list[str]:
    """Raw control characters in `output` that are not cm's own colour codes."""
    rest = OWN_CODES.sub("", output)
    found = [raw for raw in RAW if raw in output]
    found += [f"\\x{ord(c):02x}" for c in rest if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0]
    return found


@pytest.fixture
def hostile_book(tmp_path: Path) -> Path:
    book = copy_book("small-book", tmp_path)
    outline = outline_file.loads((book / "outline.yaml").read_bytes())
    outline.book.title = f"Livre {HOSTILE}"
    outline.book.author = f"Auteur {HOSTILE}"
    for part in outline.parts:
        part.title += f" {HOSTILE}"
        for section in part.sections:
            section.title += f" {HOSTILE}"
            section.points = [*section.points, f"point {HOSTILE}"]
            section.notes = f"note {HOSTILE}"
    for source in outline.sources:
        source.title += f" {HOSTILE}"
        source.author = f"{source.author} {HOSTILE}"
    (book / "outline.yaml").write_text(outline_file.dumps(outline), encoding="utf-8")
    with (book / "chapters" / "web20.md").open("a", encoding="utf-8") as chapter:
        chapter.write(f"\nVoir [ceci](#perdu{HOSTILE}) et ![image](/etc/{HOSTILE}.png).\n\n> « Citation {HOSTILE} »\n")
    (book / "chapters" / "orphelin\x1b[31mROUGE.md").write_text("Texte sans section.\n", encoding="utf-8")
    return book


READING = [
    ["outline", "show"],
    ["outline", "show", "--feedback"],
    ["stats"],
    ["check"],
    ["book", "show"],
    ["source", "list"],
    ["source", "show", "radio-head"],
    ["feedback", "list"],
    ["feedback", "list", "--json"],
    ["chapter", "path", "web20"],
    ["source", "suggest", "web20"],
    ["export", "markdown", "-o", "build/livre.md"],
]
WRITING = [
    ["section", "rename", "masses", f"Masses {HOSTILE}"],
    ["point", "add", "masses", f"Un point {HOSTILE}"],
    ["feedback", "add", "web20", f"Un avis {HOSTILE}", "--author", f"Lecteur {HOSTILE}"],
    ["section", "set", f"x{HOSTILE}", "--status", "draft"],
    ["section", "set", "masses", "--target", f"1{HOSTILE}"],
    ["section", "add", "Une section", "--id", f"x{HOSTILE}"],
    [f"inconnu{HOSTILE}"],
    ["outline", "import", f"/nulle/part/{HOSTILE}.txt"],
]


@pytest.mark.parametrize("commands", [READING, WRITING], ids=["reading", "writing"])
def test_no_command_lets_a_control_character_reach_the_terminal(hostile_book: Path, commands: list[list[str]]):
    results = run_all(hostile_book, commands, terminal=True)
    problems = []
    for result in results:
        found = leaks(result["output"])
        if found or "Traceback" in result["output"]:
            where = "terminal" if result["terminal"] else "pipe"
            problems.append(f"{' '.join(result['args'])!r} ({where}): {found} {result['output'][-300:]!r}")
    assert not problems, "\n".join(problems)
    shown = "".join(result["output"] for result in results)
    assert "\\x1b[31mROUGE" in shown and "\\x1b]0;pwned" in shown and "\\u202e" in shown
    if commands is READING:
        assert "\x1b[1m" in results[1]["output"]  # on the terminal, cm's own colours are still drawn


def test_json_escapes_every_control_character_itself(hostile_book: Path):
    commands = [["outline", "show", "--json"], ["stats", "--json"], ["check", "--json"]]
    results = run_all(hostile_book, commands, terminal=True)
    assert not any(leaks(result["output"]) for result in results)
    for result in results[:4]:  # outline show and stats, in a pipe and on a terminal
        assert "\\u009b1mC1 \\u202egauche" in result["output"], result["args"]
        assert HOSTILE in strings(json.loads(result["output"])), result["args"]  # the same text, once read


def strings(data: object) -> set[str]:
    """Every string in a JSON document, and every substring they are made of that matters here."""
    if isinstance(data, dict):
        return set().union(*(strings(value) for value in data.values())) if data else set()
    if isinstance(data, list):
        return set().union(*(strings(value) for value in data)) if data else set()
    return {part for part in (str(data), str(data).removeprefix("Livre ")) if isinstance(data, str)}


def test_an_outline_error_quoting_the_file_is_escaped(tmp_path: Path):
    book = copy_book("small-book", tmp_path)
    with (book / "outline.yaml").open("a", encoding="utf-8") as outline:
        outline.write('"cl\\x1b[31mROUGE\\x1b]0;pwned\\x07": 1\n')
    result = Cm(book)("outline", "show")
    assert result.code == 2 and not leaks(result.stderr), result.stderr
    assert "\\x1b[31mROUGE" in result.stderr
