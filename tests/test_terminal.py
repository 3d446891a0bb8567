"""No control character from a book, a feed or an argument ever reaches the terminal raw (issue 13).

A hostile book (tests/fixtures/small-book, with colour codes, a terminal-title sequence, a screen
clear, a C1 CSI and a bidi override in its titles, points, notes, sources, feedback, chapter text
and a chapter's file name) is walked by many commands, each run by cm's real entry point both in
a pipe and on a pseudo-terminal (rich then draws colours and tables). The commands run in one
Python process that forks one child per command (the real `main()`, with the command line in
sys.argv), so that sixty runs take seconds. Nothing but cm's own colour codes may come out raw.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Cm, copy_book

from clientmilitant.storage import outline_file

HOSTILE = "\x1b[31mROUGE \x1b]0;pwned\x07 \x1b[2J \x9b1mC1 \u202egauche"
RAW = ("\x1b[31mROUGE", "\x1b]", "\x07", "\x1b[2J", "\x9b", "\u202e")
# what cm's renderer (rich) writes itself on a terminal: colours, and the cursor shown/hidden
OWN_CODES = re.compile(r"\x1b\[[0-9;]*m|\x1b\[\?25[hl]|\x1b\[2K|\x1b\[1A|\r")

DRIVER = r"""
import json, os, pty, sys
sys.path.insert(0, os.getcwd())
from clientmilitant.cli import app

def run(args, terminal):
    if terminal:
        master, slave = pty.openpty()
    else:
        master, slave = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.dup2(slave, 1)
        os.dup2(slave, 2)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
        sys.argv = ["cm", *args]
        code = 0
        try:
            app.main()
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
        sys.stdout.flush(); sys.stderr.flush()
        os._exit(code)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the pseudo-terminal's other side is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    _, status = os.waitpid(pid, 0)
    return {"args": args, "terminal": terminal, "code": os.waitstatus_to_exitcode(status),
            "output": b"".join(chunks).decode("utf-8", "replace")}

commands = json.loads(sys.argv[1])
print(json.dumps([run(args, terminal) for args in commands for terminal in (False, True)]))
"""


def run_all(book: Path, commands: list[list[str]]) -> list[dict]:
    """Each command run by cm's `main()`, in a pipe and on a pseudo-terminal: exit status and output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CM_", "NO_COLOR", "FORCE_COLOR", "TTY_"))}
    env.update({"COLUMNS": "100", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color", "EDITOR": "true"})
    env["PYTHONPATH"] = str(Path(__file__).parent.parent)
    process = subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps(commands)],
        cwd=book,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
    )
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout)


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
    results = run_all(hostile_book, commands)
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
    results = run_all(hostile_book, [["outline", "show", "--json"], ["stats", "--json"], ["check", "--json"]])
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
