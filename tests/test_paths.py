"""No id, path or metadata value can make cm read or write outside the book's folder.

Every test puts the book at tmp_path/book and a decoy folder beside it, watches the whole of
tmp_path, and checks that a refused command changed nothing there — inside or outside the book.
Links planted in the book (chapters/, a chapter, removed/, .cm/) are refused where cm would follow
them. (outline.yaml itself may be a link: cm then updates its target, on purpose — see fsutil.)
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, Cm
from test_bad_input import tree_state


@pytest.fixture
def book(tmp_path: Path) -> Path:
    folder = tmp_path / "book"
    shutil.copytree(FIXTURES / "small-book", folder)
    decoy = tmp_path / "decoy"
    decoy.mkdir()
    (decoy / "secret.md").write_text("Texte hors du livre : ne pas toucher.\n", encoding="utf-8")
    return folder


EMPTY_LOCK = {"book/.cm": ("dir", ""), "book/.cm/lock": ("file", hashlib.sha256(b"").hexdigest())}


def refused(book: Path, *args: str, says: str) -> str:
    """Run cm in the book; it must refuse with one line matching `says` and change nothing anywhere."""
    watched = book.parent
    before = tree_state(watched)
    result = Cm(book)(*args)
    assert result.code == 2, f"cm {' '.join(args)}: exit {result.code}\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert says in result.stderr, result.stderr
    after = tree_state(watched)
    for entry, state in EMPTY_LOCK.items():  # a valid book's refused change may leave its empty lock file
        if entry not in before and after.get(entry) == state:
            del after[entry]
    assert after == before
    return result.stderr


@pytest.mark.parametrize(
    "bad_id", ["../evil", "../../tmp/evil", "/tmp/evil", "a/b", "..", ".", "a\\b", "chapitre.md", ""]
)
def test_section_ids_cannot_name_a_path(book: Path, bad_id: str):
    refused(book, "section", "add", "Évasion", "--id", bad_id, says="not a valid section id")


@pytest.mark.parametrize(
    "cover", ["../couverture.png", "/etc/passwd", "images/../../x.png", "C:\\x.png", "\\\\server\\x.png"]
)
def test_cover_cannot_point_outside(book: Path, cover: str):
    refused(book, "book", "set", "cover", cover, says="points outside the book")


def test_cover_inside_the_book_is_accepted(book: Path):
    Cm(book)("book", "set", "cover", "images/couverture.png").ok()
    assert "cover: images/couverture.png" in (book / "outline.yaml").read_text(encoding="utf-8")


def test_titles_that_look_like_paths_make_safe_ids(book: Path):
    """A title is free text; the id made from it is a slug, so the chapter file stays in chapters/."""
    result = Cm(book)("section", "add", "../../etc/passwd", "--under", "militant").ok()
    assert "etc-passwd" in result.stdout
    Cm(book)("section", "add", "/tmp/x : C:\\y", "--under", "militant").ok()
    militant = json.loads(Cm(book)("outline", "show", "--json").ok().stdout)["parts"][1]
    assert {"etc-passwd", "tmp-x-c-y"} <= {section["id"] for section in militant["sections"]}


def test_chapters_folder_linked_outside_is_not_read(book: Path):
    shutil.rmtree(book / "chapters")
    (book / "chapters").symlink_to(book.parent / "decoy", target_is_directory=True)
    (book.parent / "decoy" / "masses.md").write_text("Hors du livre.\n", encoding="utf-8")
    refused(book, "stats", "--json", says="leads outside the book")
    shown = json.loads(Cm(book)("outline", "show", "--json").ok().stdout)  # the plan, the section marked
    assert "outside the book" in shown["parts"][0]["sections"][0]["chapter_problem"]
    assert shown["parts"][0]["sections"][0]["words"] == 0  # the decoy is never read


def test_remove_does_not_pull_a_chapter_in_from_outside(book: Path):
    """`section remove --force` moves chapter text to removed/: never a file that lives elsewhere."""
    (book / "chapters" / "masses.md").unlink()
    (book / "chapters" / "masses.md").symlink_to(book.parent / "decoy" / "secret.md")
    refused(book, "section", "remove", "masses", "--force", says="leads outside the book")


def test_remove_does_not_push_a_chapter_out_of_the_book(book: Path):
    (book / "removed").symlink_to(book.parent / "decoy", target_is_directory=True)
    refused(book, "section", "remove", "masses", "--force", says="leads outside the book")
    assert (book / "chapters" / "masses.md").is_file()


@pytest.mark.parametrize("command", [("section", "add", "Nouvelle"), ("book", "set", "author", "X"), ("undo",)])
def test_state_folder_linked_outside_is_refused(book: Path, command: tuple[str, ...]):
    """.cm/ holds the lock and the undo history: a link taking it elsewhere is not followed."""
    decoy = book.parent / "decoy"
    (decoy / "history").mkdir()
    (decoy / "history" / "000001.yaml").write_bytes((book / "outline.yaml").read_bytes())  # bait for undo
    (book / ".cm").symlink_to(decoy, target_is_directory=True)
    refused(book, *command, says="leads outside the book")


def test_history_folder_linked_outside_is_refused(book: Path):
    Cm(book)("book", "set", "author", "Avant").ok()
    shutil.rmtree(book / ".cm" / "history")
    (book / ".cm" / "history").symlink_to(book.parent / "decoy", target_is_directory=True)
    refused(book, "section", "add", "Nouvelle", says="leads outside the book")


def test_outline_given_elsewhere_keeps_the_book_there(book: Path, tmp_path: Path):
    """--outline names the book: its folder, not the current one, is the book cm works in."""
    elsewhere = tmp_path / "decoy"
    Cm(elsewhere)("--outline", str(book / "outline.yaml"), "section", "add", "Ailleurs").ok()
    assert sorted(p.name for p in elsewhere.iterdir()) == ["secret.md"]
    assert (book / ".cm" / "history").is_dir()


def test_cache_linked_outside_is_neither_read_nor_written(book: Path):
    Cm(book)("book", "set", "author", "Avant").ok()  # .cm/ exists now
    decoy = book.parent / "decoy" / "cache.json"
    decoy.write_text('{"format": 1}', encoding="utf-8")
    (book / ".cm" / "outline-cache.json").unlink()
    (book / ".cm" / "outline-cache.json").symlink_to(decoy)
    Cm(book)("section", "add", "Nouvelle").ok()
    Cm(book)("outline", "show").ok()
    assert decoy.read_text(encoding="utf-8") == '{"format": 1}'
    assert (book / ".cm" / "outline-cache.json").is_symlink()


def test_undo_with_nothing_to_undo_creates_nothing(book: Path):
    refused(book, "undo", says="nothing to undo")
    assert not (book / ".cm").exists()
