"""Eight `cm` at once on one book: every change lands, none overwrites another, the file stays valid.

Each process reads the outline, waits for the lock (flock on .cm/lock), re-reads the file if
another process replaced it meanwhile, applies its change and saves: the last save holds all eight.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import Cm

from clientmilitant.core import model
from clientmilitant.storage import outline_file

PROCESSES = 8


def run_at_once(book: Path, commands: list[list[str]]) -> list[subprocess.CompletedProcess]:
    """Start every command before waiting for any, so that they really overlap."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CM_")}
    env.update({"NO_COLOR": "1", "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8"})
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "clientmilitant", *args],
            cwd=book,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        for args in commands
    ]
    results = []
    for args, process in zip(commands, processes, strict=True):
        stdout, stderr = process.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(args, process.returncode, stdout, stderr))
    return results


def load(book: Path) -> model.Outline:
    return outline_file.loads((book / "outline.yaml").read_bytes())


def test_eight_section_adds_at_once_all_land(small_book: Path):
    before = load(small_book)
    titles = [f"Section simultanée n° {n} : « à garder »" for n in range(1, PROCESSES + 1)]
    results = run_at_once(small_book, [["section", "add", title, "--under", "militant"] for title in titles])
    for result in results:
        assert result.returncode == 0, result.stderr
    after = load(small_book)
    militant = model.find(after, "militant").section
    added = [s.title for s in militant.sections if s.title in titles]
    assert sorted(added) == sorted(titles)  # all eight, each once
    ids = [located.section.id for located in model.walk(after)]
    assert len(ids) == len(set(ids))
    # nothing else changed: removing the eight new sections gives back the book as it was
    militant.sections = [s for s in militant.sections if s.title not in titles]
    assert after == before
    assert len(list((small_book / ".cm" / "history").glob("*.yaml"))) == PROCESSES


def test_eight_adds_of_the_same_title_get_eight_ids(small_book: Path):
    """Ids are chosen under the lock, from the outline as the previous process left it."""
    results = run_at_once(small_book, [["section", "add", "Conclusion"]] * PROCESSES)
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]
    ids = sorted(part.id for part in load(small_book).parts if part.title == "Conclusion")
    assert ids == sorted(["conclusion"] + [f"conclusion-{n}" for n in range(2, PROCESSES + 1)])


def test_moves_and_adds_at_once_keep_every_section(small_book: Path):
    """Four moves and four adds interleaved: every section present exactly once, in a valid file."""
    before_ids = {located.section.id for located in model.walk(load(small_book))}
    commands = []
    for n in range(PROCESSES // 2):
        commands.append(["section", "move", "fidelisation", "--under", "militant" if n % 2 == 0 else "consommateur"])
        commands.append(["section", "add", f"Ajout {n}", "--under", "web20"])
    results = run_at_once(small_book, commands)
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]
    after = load(small_book)
    after_ids = [located.section.id for located in model.walk(after)]
    assert len(after_ids) == len(set(after_ids))
    assert set(after_ids) == before_ids | {f"ajout-{n}" for n in range(PROCESSES // 2)}
    Cm(small_book)("outline", "show").ok()
