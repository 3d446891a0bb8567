"""SIGKILL during the changes that move files: `section remove --force`, `undo`, `chapter edit`.

A kill used to split `cm section remove REF --force` (10 of 50 kills at 100–150 ms): the chapter in
removed/, the section still in the outline, no undo entry, and `cm check` silent. After every kill
here, the next command that changes the book settles what the kill interrupted (storage/journal.py),
and then the book must be consistent: a section is in the outline exactly when its text is in
chapters/ (else it is in removed/, and the last undo entry knows the move), no text is lost or
changed, no journal or lock is left, and `cm check` finds no error. Before settling, `cm check`
reports the interrupted change.

The default run kills 20 + 10 + 10 times; `pytest -m slow tests/test_kill_moves.py` runs 200 kills
of `remove --force` (kill moments spread over one uninterrupted run, as in test_crash.py).
"""

from __future__ import annotations

import json
import random
import shutil
import signal
from pathlib import Path

import pytest
from conftest import FIXTURES, Cm
from test_crash import full_run_seconds, kill_after, lock_is_free, start

from clientmilitant.core import model
from clientmilitant.storage import outline_file
from clientmilitant.storage.history import HISTORY_KEEP


def grown_book(tmp_path: Path, sections: int) -> Path:
    """The small book with a part of `sections` sections, each with its chapter."""
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "small-book", book)
    outline = outline_file.loads((book / "outline.yaml").read_bytes())
    part = model.Section(id="tuees", title="Sections à tuer", status="draft")
    part.sections = [model.Section(id=f"k-{i}", title=f"Section {i}", status="draft") for i in range(1, sections + 1)]
    outline.parts.append(part)
    (book / "outline.yaml").write_text(outline_file.dumps(outline), encoding="utf-8")
    for i in range(1, sections + 1):
        (book / "chapters" / f"k-{i}.md").write_text(f"# Texte {i}\n\nÀ garder, mot pour mot.\n" * 40, encoding="utf-8")
    return book


def original(i: int) -> bytes:
    return (f"# Texte {i}\n\nÀ garder, mot pour mot.\n" * 40).encode("utf-8")


def settle_and_check(book: Path, ids: range, kill: int) -> None:
    """Run a later command, then check that each section and its text agree."""
    cm = Cm(book)
    if (book / ".cm" / "pending.json").exists():
        codes = [f["code"] for f in json.loads(cm("check", "--json").stdout)["findings"]]
        assert "interrupted-change" in codes, f"kill {kill}: cm check does not report the interrupted change"
    cm("section", "set", "tuees", "--status", "draft").ok()  # a no-op change: it settles, adds nothing
    assert not (book / ".cm" / "pending.json").exists(), f"kill {kill}: the journal was not settled"
    outline = outline_file.loads((book / "outline.yaml").read_bytes())
    present = {located.section.id for located in model.walk(outline)}
    history = sorted((book / ".cm" / "history").glob("*.json")) if (book / ".cm" / "history").is_dir() else []
    moved = [m["source"] for h in history for m in json.loads(h.read_text(encoding="utf-8"))["moves"]]
    for i in ids:
        chapter, aside = book / "chapters" / f"k-{i}.md", book / "removed" / f"k-{i}.md"
        if f"k-{i}" in present:
            assert chapter.read_bytes() == original(i) and not aside.exists(), f"kill {kill}: k-{i} split"
        else:
            assert aside.read_bytes() == original(i) and not chapter.exists(), f"kill {kill}: k-{i} lost"
            # one undo entry per removal, and only the last HISTORY_KEEP are kept
            if i > kill - HISTORY_KEEP:
                assert f"chapters/k-{i}.md" in moved, f"kill {kill}: no undo entry knows where k-{i} went"
    errors = json.loads(cm("check", "--json").stdout)["errors"]
    assert errors == 0, f"kill {kill}: cm check finds {errors} errors"
    assert lock_is_free(book)


def kill_removes(tmp_path: Path, kills: int, seed: int) -> int:
    book = grown_book(tmp_path, kills + 3)
    span = max(full_run_seconds(book, ["section", "add", "Mesure"]), 0.05)  # about as long as a removal
    rng = random.Random(seed)
    killed = 0
    for i in range(1, kills + 1):
        code = kill_after(start(book, ["section", "remove", f"k-{i}", "--force"]), rng.uniform(0, span * 1.1))
        killed += code == -signal.SIGKILL
        assert code in (0, -signal.SIGKILL), f"kill {i}: exit {code}"
        settle_and_check(book, range(1, kills + 1), i)
    return killed


def test_section_remove_force_killed_at_random_moments(tmp_path: Path):
    assert kill_removes(tmp_path, 20, seed=13) >= 8


@pytest.mark.slow
def test_section_remove_force_killed_200_times(tmp_path: Path):
    assert kill_removes(tmp_path, 200, seed=2026) >= 100


def test_undo_of_a_removal_killed_at_random_moments(tmp_path: Path):
    kills = 10
    book = grown_book(tmp_path, kills)
    cm = Cm(book)
    for i in range(1, kills + 1):
        cm("section", "remove", f"k-{i}", "--force").ok()
    span = max(full_run_seconds(book, ["section", "add", "Mesure"]), 0.05)
    rng = random.Random(7)
    for i in range(1, kills + 1):
        code = kill_after(start(book, ["undo"]), rng.uniform(0, span * 1.1))
        assert code in (0, -signal.SIGKILL)
        settle_and_check(book, range(1, kills + 1), i)


def test_chapter_edit_killed_at_random_moments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("EDITOR", "true")  # the editor returns at once: kills land in cm's own work
    kills = 10
    book = grown_book(tmp_path, 0)
    outline = outline_file.loads((book / "outline.yaml").read_bytes())
    outline.parts[-1].sections = [model.Section(id=f"e-{i}", title=f"À écrire {i}") for i in range(1, kills + 1)]
    (book / "outline.yaml").write_text(outline_file.dumps(outline), encoding="utf-8")
    span = max(full_run_seconds(book, ["chapter", "path", "e-1"]) * 1.5, 0.05)
    rng = random.Random(11)
    for i in range(1, kills + 1):
        process = start(book, ["chapter", "edit", f"e-{i}"])
        code = kill_after(process, rng.uniform(0, span * 1.1))
        assert code in (0, -signal.SIGKILL)
        Cm(book)("section", "set", "tuees", "--status", "draft").ok()
        chapter = book / "chapters" / f"e-{i}.md"
        if chapter.exists():  # whole, or not there at all
            text = chapter.read_text(encoding="utf-8")
            assert text.startswith("<!--\n") and text.endswith("-->\n\n"), f"kill {i}: half a chapter"
        outline_file.loads((book / "outline.yaml").read_bytes())
        assert json.loads(Cm(book)("check", "--json").stdout)["errors"] == 0
        assert lock_is_free(book)
