"""`cm diff`: the plan's structural history between git revisions, on a repository the test builds."""

from __future__ import annotations

import json
import resource
from pathlib import Path

import pytest
from conftest import Cm, copy_book, snapshot
from gitbook import GitBook

from clientmilitant.core import model
from clientmilitant.storage import outline_file


@pytest.fixture
def repo(tmp_path: Path) -> GitBook:
    book = GitBook(copy_book("small-book", tmp_path))
    (book.root / ".cm").mkdir()
    (book.root / ".cm" / ".gitignore").write_text("*\n")
    book.commit("the plan as posted", "2026-01-05T10:00:00+01:00")
    return book


def test_moves_renames_points_sources_status_target_and_words(repo: GitBook) -> None:
    cm = Cm(repo.root)
    cm("section", "move", "fidelisation", "--under", "militant", "--position", "1").ok()
    cm("section", "rename", "web20", "Web 2.0 : la modularité").ok()
    cm("section", "set", "masses", "--status", "final", "--target", "500").ok()
    cm("point", "add", "reseaux", "le client devient juge").ok()
    cm("point", "add", "masses", "un point ajouté", "--position", "1").ok()
    cm("source", "unlink", "radio-head", "web20").ok()
    cm("section", "add", "Le boycott, arme du client", "--under", "2").ok()
    repo.write("chapters/web20.md", (repo.root / "chapters/web20.md").read_text() + "\nQuatre mots de plus.\n")
    data = json.loads(cm("diff", "--json").ok().stdout)
    by_id = {s["id"]: s for s in data["sections"]}
    assert data["old"]["revision"] == "HEAD" and data["new"] == {"revision": "working tree", "commit": None}
    assert by_id["fidelisation"]["changes"] == [{"change": "moved", "old": "1.2", "new": "2.1"}]
    assert by_id["web20"]["number"] == "2.2" and by_id["web20"]["old_number"] == "2.1"
    changes = {c["change"]: c for c in by_id["web20"]["changes"]}
    assert "moved" not in changes  # shifted by an insertion above it: not a move
    assert changes["renamed"] == {"change": "renamed", "old": "Web2.0 : modularité", "new": "Web 2.0 : la modularité"}
    assert changes["source-unlinked"] == {"change": "source-unlinked", "old": "radio-head"}
    assert by_id["web20"]["words"]["new"] - by_id["web20"]["words"]["old"] == 4
    masses = by_id["masses"]["changes"]
    assert {"change": "status", "old": "draft", "new": "final"} in masses
    assert {"change": "target", "old": 300, "new": 500} in masses
    assert {"change": "point-added", "position": 1, "new": "un point ajouté"} in masses
    assert [c["change"] for c in masses].count("point-edited") == 0  # an insertion is not an edit
    assert by_id["reseaux"]["changes"] == [{"change": "point-added", "position": 2, "new": "le client devient juge"}]
    assert by_id["le-boycott-arme-du-client"]["kind"] == "added"
    assert data["summary"] == {
        "added": 1,
        "removed": 0,
        "moved": 1,
        "renamed": 1,
        "changed": 4,
        "words": {"old": 63, "new": 67},
    }
    text = cm("diff").ok().stdout
    assert "~ 2.1 Informatique, Fidélisation  (fidelisation)\n    moved from 1.2 to 2.1\n" in text
    assert "    renamed « Web2.0 : modularité » → « Web 2.0 : la modularité »\n" in text
    assert "    words: 29 → 33 (+4)\n" in text
    assert text.endswith("1 added, 0 removed, 1 moved, 1 renamed, 4 changed; words: 63 → 67 (+4)\n")


def test_two_revisions_removed_section_and_edited_point(repo: GitBook) -> None:
    cm = Cm(repo.root)
    first = repo.git("rev-parse", "HEAD").strip()
    cm("section", "remove", "reseaux").ok()
    outline = outline_file.loads((repo.root / "outline.yaml").read_bytes())
    model.find(outline, "masses").section.points[1] = "développement au XXe siècle"
    (repo.root / "outline.yaml").write_text(outline_file.dumps(outline), encoding="utf-8")
    repo.commit("second", "2026-01-06T10:00:00+01:00")
    cm("section", "rename", "masses", "Autre titre").ok()  # in the working tree only: not between the two commits
    data = json.loads(cm("diff", first, "HEAD", "--json").ok().stdout)
    assert data["new"]["revision"] == "HEAD" and data["old"]["commit"] == first
    by_id = {s["id"]: s for s in data["sections"]}
    assert by_id["reseaux"]["kind"] == "removed" and by_id["reseaux"]["old_number"] == "2.1.1"
    assert by_id["masses"]["changes"] == [
        {
            "change": "point-edited",
            "position": 2,
            "old": "développement au XXème siècle",
            "new": "développement au XXe siècle",
        }
    ]
    assert "- 2.1.1 Le grand chambardement des réseaux sociaux  (reseaux) removed" in cm("diff", first, "HEAD").stdout


def test_no_change(repo: GitBook) -> None:
    result = Cm(repo.root)("diff").ok()
    assert "no change in the plan or the chapters" in result.stdout


def test_book_in_a_subfolder_of_its_repository(tmp_path: Path) -> None:
    repo = GitBook(tmp_path)
    book = copy_book("small-book", tmp_path / "livre")
    repo.commit("one", "2026-01-05T10:00:00+01:00")
    cm = Cm(book)
    cm("section", "rename", "masses", "Nouveau").ok()
    data = json.loads(cm("diff", "--json").ok().stdout)
    assert [s["id"] for s in data["sections"]] == ["masses"]
    assert data["summary"]["words"] == {"old": 63, "new": 63}


@pytest.mark.parametrize(
    "args, message",
    [
        (("nope",), "cm: unknown revision 'nope'"),
        (("HEAD", "--", "x"), None),
        (("--", "-x"), "cm: unknown revision '-x'"),
    ],
)
def test_unknown_revision_is_one_line(repo: GitBook, args: tuple[str, ...], message: str | None) -> None:
    before = snapshot(repo.root)
    result = Cm(repo.root)("diff", *args)
    assert result.code == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    if message:
        assert result.stderr.startswith(message)
    assert snapshot(repo.root) == before


def test_outside_a_repository_and_before_the_book(tmp_path: Path) -> None:
    book = copy_book("small-book", tmp_path)
    result = Cm(book)("diff")
    assert result.code == 2 and "is not inside a git repository" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    repo = GitBook(tmp_path / "other")
    repo.write("README", "x")
    repo.commit("before the book", "2026-01-01T10:00:00+01:00")
    result = Cm(copy_book("small-book", tmp_path / "other"))("diff")
    assert (
        result.code == 2
        and result.stderr == "cm: HEAD has no outline.yaml; the book was not in this revision yet: name a later one\n"
    )


def test_broken_outline_in_a_revision_names_it(repo: GitBook) -> None:
    (repo.root / "outline.yaml").write_text("parts: [\n", encoding="utf-8")
    repo.commit("broken", "2026-01-06T10:00:00+01:00")
    fresh = copy_book("small-book", repo.root.parent / "fresh")
    (repo.root / "outline.yaml").write_bytes((fresh / "outline.yaml").read_bytes())
    result = Cm(repo.root)("diff")
    assert result.code == 2 and result.stderr.startswith("cm: HEAD:outline.yaml:")


def big_outline(count: int) -> model.Outline:
    outline = model.Outline()
    for p in range(10):
        part = model.Section(f"part-{p}", f"Partie {p}")
        part.sections = [
            model.Section(f"s-{p}-{i}", f"Section {p}.{i}", points=["un point"]) for i in range(count // 10)
        ]
        outline.parts.append(part)
    return outline


def cpu_time() -> float:
    """CPU seconds used by the finished child processes (cm and the git it ran)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def test_ten_thousand_sections_quickly(tmp_path: Path) -> None:
    root = tmp_path / "big"
    root.mkdir()
    repo = GitBook(root)
    outline = big_outline(10_000)
    (root / "outline.yaml").write_text(outline_file.dumps(outline), encoding="utf-8")
    (root / "chapters").mkdir()
    for i in range(0, 1000, 10):
        (root / "chapters" / f"s-1-{i}.md").write_text("Un texte de cinq mots.\n", encoding="utf-8")
    repo.commit("big", "2026-01-05T10:00:00+01:00")
    moved = outline.parts[0].sections.pop(5)
    outline.parts[3].sections.insert(0, moved)
    outline.parts[2].sections[7].title = "Renommée"
    (root / "outline.yaml").write_text(outline_file.dumps(outline), encoding="utf-8")
    start = cpu_time()
    data = json.loads(Cm(root)("diff", "--json").ok().stdout)
    elapsed = cpu_time() - start  # CPU seconds: the machine is shared, wall time depends on the others
    assert data["summary"]["moved"] == 1 and data["summary"]["renamed"] == 1
    assert data["summary"]["words"] == {"old": 500, "new": 500}
    assert elapsed < 6, f"cm diff on 10,000 sections took {elapsed:.1f} s"
