"""Broken books: each is refused with exit status 2 and one line naming the file and the line or field,
no traceback, and not one file of the book changed or created (not even `.cm/`).

The corpus is tests/broken-books/<case>/ (one small book folder per case; see its README.md). Cases
that cannot be committed — a 50 MB outline, an alias bomb, links leading outside the book, a FIFO —
are generated into tmp_path by the functions in GENERATED.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import FIXTURES, Cm

BROKEN = Path(__file__).parent / "broken-books"

# Commands that load the outline: every one must refuse a broken outline.yaml.
OUTLINE_COMMANDS = [
    ("outline", "show"),
    ("outline", "show", "--json"),
    ("section", "add", "Une nouvelle section"),
    ("section", "move", "1", "--down"),
    ("book", "set", "author", "Quelqu'un d'autre"),
]
# Commands that read chapter files: they must refuse a broken chapter. `cm outline show` counts their
# words too, but shows the plan anyway and marks the section (test_broken_chapter_is_marked_by_outline_show).
CHAPTER_COMMANDS = [("stats",), ("stats", "--json")]

# case → (the line the message must name, or None when it names the field or the whole file;
#         a regular expression the rest of the message must match)
OUTLINE_CASES: dict[str, tuple[int | None, str]] = {
    "alias": (5, r"aliases"),
    "binary-garbage": (1, r"not UTF-8"),
    "bom": (1, r"byte-order mark"),
    "book-is-list": (3, r"'book' must be a mapping"),
    "cover-absolute": (10, r"book\.cover '/etc/passwd' points outside the book"),
    "cover-outside": (10, r"book\.cover '\.\./couverture\.png' points outside the book"),
    "cover-windows-drive": (10, r"book\.cover .* points outside the book"),
    "crlf-then-tab": (4, r"tab"),
    "custom-tag": (37, r"tag '!include' is not allowed"),
    "deep-flow-nesting": (3, r"nesting depth"),
    "duplicate-key": (26, r"duplicate key 'title'.*line 25"),
    "duplicate-section-id": (24, r"duplicate id 'masses'.*line 17"),
    "duplicate-source-id": (53, r"duplicate id 'radio-head'.*line 47"),
    "empty-file": (1, r"empty"),
    "empty-title": (25, r"title of 'fidelisation' must not be empty"),
    "id-absolute": (17, r"'/etc/passwd' is not a valid id"),
    "id-dot-dot": (17, r"'\.\./\.\./etc/passwd' is not a valid id"),
    "id-with-accents": (17, r"'marché' is not a valid id"),
    "id-with-slash": (17, r"'chapitres/masses' is not a valid id"),
    "invalid-unicode-escape": (3, r"escape"),
    "latin-1": (18, r"byte 0xe9 is not UTF-8"),
    "mapping-key-not-text": (25, r"key that is not text"),
    "merge-key": (53, r"merge' is not allowed"),
    "no-parts": (2, r"no 'parts'"),
    "nul-byte": (3, r"U\+0000"),
    "only-whitespace": (1, r"empty"),
    "parts-is-mapping": (13, r"'parts' must be a list"),
    "point-empty": (23, r"point of 'masses' must not be empty"),
    "point-read-as-mapping": (23, r"point of 'masses' must be text, not a mapping.*quote"),
    "points-is-text": (26, r"'points' must be a list"),
    "python-object-tag": (5, r"python/object/apply:os\.system' is not allowed"),
    "section-without-id": (24, r"has no 'id'"),
    "section-without-title": (24, r"'fidelisation' has no 'title'"),
    "sections-is-text": (33, r"'sections' must be a list"),
    "sequence-at-top": (1, r"must be a mapping"),
    "source-id-dot-dot": (53, r"'\.\./frottement' is not a valid id"),
    "status-not-in-list": (36, r"status 'done' of 'web20' must be one of idea, draft, revised, final"),
    "tab-after-dash": (23, r"YAML syntax error"),
    "tab-indent": (18, r"tab"),
    "target-huge": (20, r"'target' of section 'masses' must be a whole number"),
    "target-negative": (20, r"'target' of section 'masses' must be a whole number of words, not '-5'"),
    "target-not-a-number": (20, r"not 'beaucoup'"),
    "target-superscript": (37, r"'target' of section 'web20' must be a whole number of words, not '10²'"),
    "text-at-top": (1, r"must be a mapping"),
    "title-is-list": (32, r"title of 'militant' must be text, not a list"),
    "truncated-in-quote": (35, r"end of stream"),
    "truncated-mid-line": (26, r"YAML syntax error"),
    "two-documents": (57, r"another document"),
    "unknown-book-key": (9, r"unknown key 'editeur' in 'book'"),
    "unknown-key": (36, r"unknown key 'statut'.*did you mean 'status'"),
    "unknown-top-key": (57, r"unknown key 'chapters' in the outline"),
    "unquoted-colon-in-title": (25, r"must be quoted"),
}
# case → the chapter file the message must name, and what it must say
CHAPTER_CASES: dict[str, tuple[str, str]] = {
    "chapter-latin-1": ("chapters/masses.md", r"1: not UTF-8"),
    "chapter-binary-garbage": ("chapters/web20.md", r"1: not UTF-8"),
}


# --- books generated into tmp_path --------------------------------------------------------------


def small_book_outline() -> str:
    return (FIXTURES / "small-book" / "outline.yaml").read_text(encoding="utf-8")


def huge_outline(book: Path) -> None:
    """A 50 MB outline.yaml: refused from its size alone, before it is read into memory."""
    with open(book / "outline.yaml", "ab") as handle:
        line = b"# " + b"x" * 1022 + b"\n"
        for _ in range(50 * 1024):
            handle.write(line)


def alias_bomb(book: Path) -> None:
    """The 'billion laughs': ten levels of ten aliases would expand to 10^10 points if anything expanded them."""
    lines = ["book:", "  title: Bombe", "parts:"]
    lines += ["- id: l0", "  title: l0", "  points: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        refs = ", ".join([f"*l{level - 1}"] * 10)
        lines += [f"- id: l{level}", f"  title: l{level}", f"  points: &l{level} [{refs}]"]
    (book / "outline.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def deep_sections(book: Path) -> None:
    """Sections nested 150 levels deep: more than cm reads (its YAML dumper would exhaust the stack)."""
    text, indent = "book:\n  title: Profond\nparts:\n", ""
    for level in range(150):
        text += f"{indent}- id: s{level}\n{indent}  title: Niveau {level}\n{indent}  sections:\n"
        indent += "  "
    text += f"{indent}- id: fond\n{indent}  title: Le fond\n"
    (book / "outline.yaml").write_text(text, encoding="utf-8")


def chapter_link_outside(book: Path) -> None:
    outside = book.parent / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("Un texte qui n'est pas dans le livre.\n", encoding="utf-8")
    (book / "chapters" / "masses.md").unlink()
    (book / "chapters" / "masses.md").symlink_to(outside / "secret.md")


def chapter_link_relative_outside(book: Path) -> None:
    (book.parent / "secret.md").write_text("Hors du livre.\n", encoding="utf-8")
    (book / "chapters" / "masses.md").unlink()
    (book / "chapters" / "masses.md").symlink_to(Path("..") / ".." / "secret.md")


def chapter_link_to_system_file(book: Path) -> None:
    (book / "chapters" / "web20.md").unlink()
    (book / "chapters" / "web20.md").symlink_to("/etc/passwd")


def chapters_folder_link_outside(book: Path) -> None:
    outside = book.parent / "elsewhere"
    shutil.move(book / "chapters", outside)
    (book / "chapters").symlink_to(outside, target_is_directory=True)


def chapter_is_folder(book: Path) -> None:
    (book / "chapters" / "masses.md").unlink()
    (book / "chapters" / "masses.md").mkdir()


def chapter_is_fifo(book: Path) -> None:
    """A named pipe: reading it would block forever."""
    (book / "chapters" / "masses.md").unlink()
    os.mkfifo(book / "chapters" / "masses.md")


def chapter_link_loop(book: Path) -> None:
    (book / "chapters" / "masses.md").unlink()
    (book / "chapters" / "masses.md").symlink_to("masses.md")


# case → (how to break a copy of the small book, the commands that must refuse it, the expected message)
GENERATED: dict[str, tuple[Callable[[Path], None], list[tuple[str, ...]], str]] = {
    "outline-50-mb": (huge_outline, OUTLINE_COMMANDS, r"^outline\.yaml: 5\d\.\d MB is more than cm reads"),
    "alias-bomb": (alias_bomb, OUTLINE_COMMANDS, r"^outline\.yaml:6:\d+: YAML aliases"),
    "sections-150-deep": (
        deep_sections,
        OUTLINE_COMMANDS,
        r"^outline\.yaml:\d+:\d+: sections are nested more than 100",
    ),
    "chapter-link-outside": (chapter_link_outside, CHAPTER_COMMANDS, r"^chapters/masses\.md: .*outside the book"),
    "chapter-link-relative-outside": (
        chapter_link_relative_outside,
        CHAPTER_COMMANDS,
        r"^chapters/masses\.md: .*outside the book",
    ),
    "chapter-link-to-etc-passwd": (chapter_link_to_system_file, CHAPTER_COMMANDS, r"^chapters/web20\.md: .*outside"),
    "chapters-folder-link-outside": (
        chapters_folder_link_outside,
        CHAPTER_COMMANDS,
        r"^chapters/(masses|web20)\.md: .*outside the book",
    ),
    "chapter-is-folder": (chapter_is_folder, CHAPTER_COMMANDS, r"^chapters/masses\.md: .*not a regular file"),
    "chapter-is-fifo": (chapter_is_fifo, CHAPTER_COMMANDS, r"^chapters/masses\.md: .*not a regular file"),
    "chapter-link-loop": (chapter_link_loop, CHAPTER_COMMANDS, r"^chapters/masses\.md: cannot read"),
}


# --- checking ------------------------------------------------------------------------------------


def tree_state(folder: Path) -> dict[str, tuple[str, str]]:
    """Every entry under `folder` — files by content hash, links by target, folders, FIFOs — never
    following links or opening pipes: a refused command must leave all of it exactly as it was."""
    state: dict[str, tuple[str, str]] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            key = str(path.relative_to(folder))
            if path.is_symlink():
                state[key] = ("link", os.readlink(path))
            elif path.is_dir():
                state[key] = ("dir", "")
            elif path.is_fifo():
                state[key] = ("fifo", "")
            else:
                state[key] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
    return state


def assert_refused_everywhere(book: Path, commands: list[tuple[str, ...]], message: str) -> None:
    """Run `commands` (at once, to keep the suite quick) and check each refusal and that nothing changed."""
    watched = book.parent
    before = tree_state(watched)
    cm = Cm(book)
    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        results = list(pool.map(lambda args: (args, cm(*args)), commands))
    for args, result in results:
        shown = (
            f"cm {' '.join(args)} → exit {result.code}\nstdout: {result.stdout[:500]}\nstderr: {result.stderr[:2000]}"
        )
        assert result.code == 2, shown
        assert "Traceback" not in result.stderr + result.stdout, shown
        assert result.stdout == "", shown
        lines = result.stderr.splitlines()
        assert len(lines) == 1, shown
        assert lines[0].startswith("cm: "), shown
        assert re.search(message, lines[0][len("cm: ") :]), f"expected /{message}/\n{shown}"
    assert not (book / ".cm").exists(), "a refused command created .cm/"
    assert tree_state(watched) == before


def test_the_corpus_is_complete():
    """Every folder of the corpus has an expectation here, and every expectation its folder."""
    folders = {p.name for p in BROKEN.iterdir() if p.is_dir()}
    assert folders == set(OUTLINE_CASES) | set(CHAPTER_CASES)
    assert len(folders) + len(GENERATED) >= 30


@pytest.mark.parametrize("case", sorted(OUTLINE_CASES))
def test_broken_outline_is_refused_by_every_command(case: str, tmp_path: Path):
    book = tmp_path / case
    shutil.copytree(BROKEN / case, book)
    line, message = OUTLINE_CASES[case]
    assert_refused_everywhere(book, OUTLINE_COMMANDS, rf"^outline\.yaml:{line}:\d+: .*{message}")


@pytest.mark.parametrize("case", sorted(CHAPTER_CASES))
def test_broken_chapter_is_refused_by_commands_that_read_it(case: str, tmp_path: Path):
    book = tmp_path / case
    shutil.copytree(BROKEN / case, book)
    chapter, message = CHAPTER_CASES[case]
    assert_refused_everywhere(book, CHAPTER_COMMANDS, rf"^{re.escape(chapter)}:{message}")


@pytest.mark.parametrize("case", sorted(GENERATED))
def test_generated_broken_book_is_refused(case: str, tmp_path: Path):
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "small-book", book)
    make, commands, message = GENERATED[case]
    make(book)
    assert_refused_everywhere(book, commands, message)


@pytest.mark.parametrize("case", sorted(CHAPTER_CASES))
def test_broken_chapter_is_marked_by_outline_show(case: str, tmp_path: Path):
    """Only the commands that need a chapter fail on it: the plan is still shown, the section marked."""
    book = tmp_path / case
    shutil.copytree(BROKEN / case, book)
    chapter, _ = CHAPTER_CASES[case]
    shown = Cm(book)("outline", "show").ok().stdout
    section_id = chapter.removeprefix("chapters/").removesuffix(".md")
    assert any(f"  {section_id}  " in line and "chapter: " in line for line in shown.splitlines()), shown


def test_a_broken_chapter_does_not_block_changes_to_the_plan(tmp_path: Path):
    """Only commands that read chapters refuse a bad one: the plan can still be changed meanwhile."""
    book = tmp_path / "book"
    shutil.copytree(BROKEN / "chapter-latin-1", book)
    Cm(book)("section", "add", "Une suite").ok()
    assert "Une suite" in (book / "outline.yaml").read_text(encoding="utf-8")


# --- cm's load cache (.cm/outline-cache.json) never hides or invents anything -----------------------


def cached_book(tmp_path: Path) -> Path:
    """A book that cm has changed once, so that .cm/ holds the cache of its outline."""
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "small-book", book)
    Cm(book)("section", "add", "Une suite").ok()
    assert (book / ".cm" / "outline-cache.json").is_file()
    return book


def test_a_hand_broken_outline_is_refused_although_cached(tmp_path: Path):
    book = cached_book(tmp_path)
    text = (book / "outline.yaml").read_text(encoding="utf-8")
    (book / "outline.yaml").write_text(text.replace("  - id: masses", "  - id: ../masses"), encoding="utf-8")
    for args in OUTLINE_COMMANDS:
        result = Cm(book)(*args)
        assert result.code == 2 and "'../masses' is not a valid id" in result.stderr, result.stderr


def test_a_hand_edit_is_seen_although_cached(tmp_path: Path):
    book = cached_book(tmp_path)
    text = (book / "outline.yaml").read_text(encoding="utf-8")
    (book / "outline.yaml").write_text(text.replace("title: Une suite", "title: Une autre suite"), encoding="utf-8")
    assert "Une autre suite" in Cm(book)("outline", "show", "--json").ok().stdout


@pytest.mark.parametrize("garbage", [b"", b"\xff\xfe", b"[]", b'{"format": 1}', b"{" * 100_000])
def test_a_damaged_cache_is_ignored(tmp_path: Path, garbage: bytes):
    book = cached_book(tmp_path)
    expected = Cm(book)("outline", "show", "--json").ok().stdout
    (book / ".cm" / "outline-cache.json").write_bytes(garbage)
    assert Cm(book)("outline", "show", "--json").ok().stdout == expected


def test_a_forged_cache_is_not_trusted(tmp_path: Path):
    """A cache that matches the file but holds an id naming a path is validated, refused, ignored."""
    import json

    book = cached_book(tmp_path)
    cache = book / ".cm" / "outline-cache.json"
    kept = json.loads(cache.read_bytes())
    kept["outline"]["parts"][0]["id"] = "../../evil"
    kept["outline"]["parts"][0]["title"] = "Forged"
    cache.write_text(json.dumps(kept), encoding="utf-8")
    shown = Cm(book)("outline", "show", "--json").ok().stdout
    assert "Forged" not in shown and "evil" not in shown


def test_a_cache_from_another_schema_is_not_read(tmp_path: Path):
    """A cache written before the model gained a field would drop that field on the next save."""
    import json

    book = cached_book(tmp_path)
    cache = book / ".cm" / "outline-cache.json"
    kept = json.loads(cache.read_bytes())
    kept["schema"][0] = kept["schema"][0][:-1]
    kept["outline"]["parts"][0]["title"] = "Ancien cache"
    cache.write_text(json.dumps(kept), encoding="utf-8")
    assert "Ancien cache" not in Cm(book)("outline", "show", "--json").ok().stdout
