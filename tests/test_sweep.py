"""`cm check --sweep`: what a killed cm leaves is settled safely (issue 13, point 4).

Each state is made as a kill makes it (a journal written, files half moved, cm's temp files), on
a copy of tests/fixtures/small-book; then the real `cm` runs. Without --sweep, cm check changes
nothing; with it, it does what the next write command would do, deletes only cm's own temp files
(never a look-alike, never through a link, never outside the book), puts back set-aside text only
when nothing else could be meant (and `cm undo` reverses it), and never deletes a file of removed/.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import time
from pathlib import Path

from conftest import Cm, copy_book, snapshot
from test_crash import kill_after, lock_is_free, start

OLD = time.time() - 3600  # an hour ago: no cm can still be writing the file


def interrupted_removal(book: Path) -> None:
    """`cm section remove masses --force` killed after moving the file, before saving the outline."""
    digest = hashlib.sha256((book / "outline.yaml").read_bytes()).hexdigest()
    (book / ".cm").mkdir(exist_ok=True)
    moves = [{"source": "chapters/masses.md", "target": "removed/masses.md"}]
    (book / ".cm" / "pending.json").write_text(json.dumps({"before": digest, "moves": moves, "back": ""}))
    (book / "removed").mkdir()
    (book / "chapters" / "masses.md").rename(book / "removed" / "masses.md")


def aged(path: Path, text: str = "à moitié écrit") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, (OLD, OLD))
    return path


def swept(result) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith("swept: ")]


def test_check_without_sweep_changes_nothing_and_names_the_sweep(small_book: Path):
    interrupted_removal(small_book)
    aged(small_book / ".outline.yaml.k3j9x0a_.tmp")
    before = snapshot(small_book)
    result = Cm(small_book)("check")
    assert result.code == 1 and snapshot(small_book) == before
    assert "interrupted-change" in result.stdout and "temp-file" in result.stdout
    assert result.stdout.count("cm check --sweep") >= 2, result.stdout


def test_sweep_settles_an_interrupted_change_as_the_next_command_would(tmp_path: Path):
    swept_book, settled_book = copy_book("small-book", tmp_path / "a"), copy_book("small-book", tmp_path / "b")
    for book in (swept_book, settled_book):
        interrupted_removal(book)
    result = Cm(swept_book)("check", "--sweep")
    assert swept(result) == [
        "swept: rolled back .cm/pending.json (a change a kill interrupted)",
        "swept: moved chapters/masses.md (back from removed/masses.md)",
    ], result.stdout
    Cm(settled_book)("section", "set", "masses", "--status", "draft").ok()  # a no-op write command settles it

    def text(book: Path) -> dict[str, bytes]:  # the plan is rewritten by the write command, not by the sweep
        return {k: v for k, v in snapshot(book).items() if k.startswith(("chapters/", "removed/", ".cm/pending"))}

    assert text(swept_book) == text(settled_book) and (swept_book / "chapters" / "masses.md").is_file()
    assert not (swept_book / ".cm" / "pending.json").exists() and not (swept_book / ".cm" / "history").exists()


def test_sweep_deletes_only_the_temp_files_cm_writes(small_book: Path, tmp_path: Path):
    ours = [
        ".outline.yaml.k3j9x0a_.tmp",
        "chapters/.web20.md.abcdefgh.tmp",
        "removed/.masses.md.0123abcd.tmp",
        ".cm/history/.000001.json.zz99zz99.tmp",
        "build/.le-petit-livre.epub.q1w2e3r4.tmp",
    ]
    look_alikes = [
        ".outline.yaml.tmp",  # no random part
        "chapters/.web20.md.abc.tmp",  # 3 characters, not mkstemp's 8
        "chapters/.web20.md.ABCDEFGH.tmp",  # mkstemp never uses capitals
        "chapters/brouillon.tmp",
        "chapters/.web20.md.abcdefgh.tmp.md",
        "images/.photo.png.abcdefgh.tmp",  # not a folder cm writes into
    ]
    for name in ours + look_alikes:
        aged(small_book / name)
    outside = aged(tmp_path / "ailleurs" / ".notes.md.abcdefgh.tmp", "hors du livre")
    (small_book / "sources").symlink_to(outside.parent)  # a folder leading out: never swept through
    (small_book / "chapters" / ".lien.md.abcdefgh.tmp").symlink_to(outside)  # a link: not a file of cm's
    (small_book / "chapters" / ".dossier.md.abcdefgh.tmp").mkdir()
    fresh = small_book / "build" / ".livre.html.a1b2c3d4.tmp"  # an export may be writing it right now
    fresh.write_text("en cours")
    result = Cm(small_book)("check", "--sweep")
    assert sorted(swept(result)) == sorted(
        [f"swept: deleted {name} (a temporary file of an interrupted save)" for name in ours]
        + ["swept: left build/.livre.html.a1b2c3d4.tmp (less than a minute old: a cm may still be writing it;"
           " sweep again later)"]
    ), result.stdout  # fmt: skip
    for name in ours:
        assert not (small_book / name).exists(), name
    for name in look_alikes:
        assert (small_book / name).read_text(encoding="utf-8") == "à moitié écrit", name
    assert outside.read_text(encoding="utf-8") == "hors du livre" and fresh.exists()
    assert (small_book / "chapters" / ".lien.md.abcdefgh.tmp").is_symlink()
    assert (small_book / "chapters" / ".dossier.md.abcdefgh.tmp").is_dir()


def test_sweep_puts_set_aside_text_back_and_undo_reverses_it(small_book: Path):
    text = (small_book / "chapters" / "masses.md").read_bytes()
    (small_book / "removed").mkdir()
    (small_book / "chapters" / "masses.md").rename(small_book / "removed" / "masses.md")
    outline = (small_book / "outline.yaml").read_bytes()
    cm = Cm(small_book)
    result = cm("check", "--json", "--sweep")
    assert json.loads(result.stdout)["swept"] == [
        {
            "action": "restored",
            "file": "chapters/masses.md",
            "detail": "from removed/masses.md: its section is in the plan",
        }
    ]
    assert (small_book / "chapters" / "masses.md").read_bytes() == text
    assert not (small_book / "removed" / "masses.md").exists()
    assert (small_book / "outline.yaml").read_bytes() == outline  # the plan is not rewritten
    cm("undo").ok()
    assert (small_book / "removed" / "masses.md").read_bytes() == text
    assert not (small_book / "chapters" / "masses.md").exists()


def test_sweep_leaves_ambiguous_set_aside_text_and_says_what_to_do(small_book: Path):
    (small_book / "removed").mkdir()
    (small_book / "chapters" / "masses.md").rename(small_book / "removed" / "masses.md")
    (small_book / "removed" / "masses-2.md").write_text("Une autre version.\n", encoding="utf-8")
    before = snapshot(small_book, keep_lock=True)
    result = Cm(small_book)("check", "--sweep")
    lines = swept(result)
    assert len(lines) == 2 and all(line.startswith("swept: left removed/masses") for line in lines), result.stdout
    assert "compare them; if it is the section's text: mv removed/masses.md chapters/masses.md" in result.stdout
    assert snapshot(small_book, keep_lock=True) == before
    assert not (small_book / ".cm" / "history").exists()


def test_orphans_in_removed_are_reported_never_deleted(small_book: Path):
    cm = Cm(small_book)
    cm("section", "remove", "masses", "--force").ok()
    (small_book / "removed" / "sources").mkdir()
    (small_book / "removed" / "sources" / "vieux.md").write_text("Un vieux billet.\n", encoding="utf-8")
    (small_book / "removed" / "ancien.md").write_text("Un ancien chapitre.\n", encoding="utf-8")
    result = cm("check", "--json", "--sweep")
    orphans = [f["file"] for f in json.loads(result.stdout)["findings"] if f["code"] == "removed-orphan"]
    assert orphans == ["removed/ancien.md", "removed/sources/vieux.md"]  # masses.md: its undo entry knows it
    assert (small_book / "removed" / "ancien.md").is_file() and (
        small_book / "removed" / "sources" / "vieux.md"
    ).is_file()
    assert "removed/ancien.md: warning [removed-orphan]" in cm("check").stdout


def test_a_sweep_with_nothing_to_do_changes_nothing(small_book: Path):
    before = snapshot(small_book)
    result = Cm(small_book)("check", "--sweep").ok()
    assert swept(result) == ["swept: nothing to do"]
    assert snapshot(small_book) == before and not (small_book / ".cm").exists()


def test_a_sweep_killed_at_random_moments_is_finished_by_the_next(tmp_path: Path):
    rng = random.Random(13)
    template = copy_book("small-book", tmp_path / "template")
    text = (template / "chapters" / "masses.md").read_bytes()
    (template / "removed").mkdir()
    (template / "chapters" / "masses.md").rename(template / "removed" / "masses.md")  # set aside by an old cm
    (template / "chapters" / "web20.md").rename(template / "removed" / "web20.md")
    digest = hashlib.sha256((template / "outline.yaml").read_bytes()).hexdigest()
    (template / ".cm").mkdir()
    moves = [{"source": "chapters/web20.md", "target": "removed/web20.md"}]  # and a removal killed midway
    (template / ".cm" / "pending.json").write_text(json.dumps({"before": digest, "moves": moves, "back": ""}))
    trial = tmp_path / "trial"
    shutil.copytree(template, trial, symlinks=True)
    started = time.perf_counter()
    assert start(trial, ["check", "--sweep"]).wait(timeout=60) == 0
    span = max(time.perf_counter() - started, 0.1)  # kills spread over one whole sweep
    killed = 0
    for kill in range(5):
        book = tmp_path / f"book-{kill}"
        shutil.copytree(template, book, symlinks=True)
        aged(book / ".outline.yaml.k3j9x0a_.tmp")
        code = kill_after(start(book, ["check", "--sweep"]), rng.uniform(0, span))
        killed += code == -signal.SIGKILL
        Cm(book)("check", "--sweep")
        assert lock_is_free(book)
        assert not (book / ".cm" / "pending.json").exists(), kill
        assert not (book / ".outline.yaml.k3j9x0a_.tmp").exists(), kill
        assert (book / "chapters" / "masses.md").read_bytes() == text, kill
        assert (book / "chapters" / "web20.md").is_file() and not list((book / "removed").iterdir()), kill
    assert swept(Cm(book)("check", "--sweep")) == ["swept: nothing to do"]
    assert killed >= 2
