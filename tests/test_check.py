"""`cm check`: each kind of error and warning, with its place and advice; exit 1 on errors only."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import Cm, snapshot

from clientmilitant.services.check import pandoc_identifier

FINDING_KEYS = {"level", "code", "message", "hint", "file", "line", "column", "number", "id", "rule"}


def check_json(cm) -> tuple[int, dict]:
    result = cm("check", "--json")
    data = json.loads(result.stdout)
    assert set(data) == {"version", "ok", "errors", "warnings", "findings"}
    for finding in data["findings"]:
        assert set(finding) == FINDING_KEYS
        assert finding["level"] in ("error", "warning") and finding["message"] and finding["hint"]
    assert data["errors"] == sum(f["level"] == "error" for f in data["findings"])
    assert data["warnings"] == sum(f["level"] == "warning" for f in data["findings"])
    assert data["ok"] == (data["errors"] == 0) == (result.code == 0)
    return result.code, data


def only(data: dict, code: str) -> list[dict]:
    return [f for f in data["findings"] if f["code"] == code]


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


# --- clean books --------------------------------------------------------------------------------


def test_the_small_book_is_clean(cm, small_book: Path):
    before = snapshot(small_book)
    result = cm("check").ok()
    assert result.stdout == "no problems found\n" and result.stderr == ""
    code, data = check_json(cm)
    assert code == 0 and data == {"version": 1, "ok": True, "errors": 0, "warnings": 0, "findings": []}
    assert snapshot(small_book) == before  # check never writes


def test_the_committed_book_passes(committed_book: Path):
    """The frozen copy of the repository's book (tests/fixtures/committed-book), copied again."""
    result = Cm(committed_book)("check")
    assert result.code == 0, result.stdout + result.stderr


# --- errors (exit 1) ----------------------------------------------------------------------------


def test_schema_error_with_line_and_column(cm, small_book: Path):
    replace_in(small_book / "outline.yaml", "    target: 300", "    target: beaucoup")
    code, data = check_json(cm)
    assert code == 1
    [finding] = data["findings"]
    assert finding["code"] == "schema" and finding["file"] == "outline.yaml"
    assert finding["line"] == line_of(small_book / "outline.yaml", "target: beaucoup") and finding["column"] == 13
    assert "whole number" in finding["message"]
    result = cm("check")
    assert result.code == 1
    assert result.stdout.startswith(f"outline.yaml:{finding['line']}:13: error [schema] ")
    assert result.stderr == "cm: check found 1 error\n"


def test_duplicate_section_id(cm, small_book: Path):
    replace_in(small_book / "outline.yaml", "  - id: fidelisation", "  - id: masses")
    code, data = check_json(cm)
    assert code == 1
    [finding] = data["findings"]
    masses_lines = [
        i for i, line in enumerate((small_book / "outline.yaml").read_text().splitlines(), 1) if "id: masses" in line
    ]
    assert finding["code"] == "duplicate-id" and finding["line"] == masses_lines[1]
    assert "duplicate id 'masses'" in finding["message"]


def test_two_headings_with_the_same_id(cm, small_book: Path):
    chapter = small_book / "chapters" / "web20.md"
    chapter.write_text("## Un {#meme}\n\n## Deux {#meme}\n\nVoir [ici](#meme).\n", encoding="utf-8")
    code, data = check_json(cm)
    assert code == 1
    [finding] = only(data, "duplicate-id")
    assert finding["file"] == "chapters/web20.md" and finding["line"] == 3 and "first at line 1" in finding["message"]
    assert finding["number"] == "2.1"


def test_heading_id_taking_a_section_id_is_a_warning(cm, small_book: Path):
    chapter = small_book / "chapters" / "web20.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n## Retour {#masses}\n", encoding="utf-8")
    code, data = check_json(cm)
    assert code == 0
    [finding] = only(data, "hidden-section")
    assert finding["level"] == "warning" and finding["line"] == line_of(chapter, "{#masses}")
    assert finding["number"] == "2.1" and "section 1.1" in finding["message"]


def test_dangling_source(cm, small_book: Path):
    replace_in(small_book / "outline.yaml", "    - frottement\n", "    - frotement\n")
    code, data = check_json(cm)
    assert code == 1
    [finding] = only(data, "dangling-source")
    assert finding["file"] == "outline.yaml" and finding["line"] == line_of(small_book / "outline.yaml", "id: web20")
    assert (finding["number"], finding["id"]) == ("2.1", "web20")
    assert "'frotement'" in finding["message"] and "did you mean 'frottement'" in finding["hint"]
    assert only(data, "unused-source")[0]["message"].startswith("the source 'frottement'")  # and it is now unused


def test_broken_links_name_the_line_and_column(cm, small_book: Path):
    chapter = small_book / "chapters" / "masses.md"
    chapter.write_text(
        "# Le commerce\n"
        "Voir [plus haut](#le-commerce), [web](#web20) et [la suite](#web-20).\n"
        "Mais [pas ça](#2.1) ni [ça](web20.md).\n"
        "```\n[dans du code](#nulle-part)\n```\n"
        "<!-- [en commentaire](#nulle-part) -->\n"
        "[ref]: #absent\n"
        "Un lien externe [ok](https://example.org/#x).\n",
        encoding="utf-8",
    )
    code, data = check_json(cm)
    assert code == 1
    broken = only(data, "broken-link")
    assert [(f["line"], f["column"]) for f in broken] == [(2, 61), (3, 15), (3, 29), (8, 8)]
    assert all(f["file"] == "chapters/masses.md" and f["number"] == "1.1" for f in broken)
    assert "did you mean (#web20)" in broken[0]["hint"]
    assert "(#web20)" in broken[1]["hint"] and "never changes" in broken[1]["hint"]  # a number, not an id
    assert "[text](#web20)" in broken[2]["hint"]  # a link to a file
    text = cm("check").stdout
    assert "chapters/masses.md:2:61: error [broken-link] 1.1 masses: the link to '#web-20' leads nowhere" in text


def test_links_to_headings_of_the_same_chapter(cm, small_book: Path):
    chapter = small_book / "chapters" / "web20.md"
    chapter.write_text(
        "## Émotions et « réseaux »\n\n## Conclusion\n\n## Conclusion\n\n## Fin {#la-fin .unnumbered}\n\n"
        "Titre souligné\n==============\n\n"
        "[a](#émotions-et-réseaux) [b](#conclusion) [c](#conclusion-1) [d](#la-fin) [e](#titre-souligné)\n",
        encoding="utf-8",
    )
    code, data = check_json(cm)
    assert code == 0, data
    (small_book / "chapters" / "masses.md").write_text("[vers une autre](#conclusion)\n", encoding="utf-8")
    code, data = check_json(cm)
    assert code == 1 and only(data, "broken-link")[0]["file"] == "chapters/masses.md"  # headings are per chapter


def test_links_to_anchors_of_the_chapter_only(cm, small_book: Path):
    (small_book / "chapters" / "web20.md").write_text(
        "## Conclusion\n\nUn [passage]{#passage} et ::: {#encadre .note}\n", encoding="utf-8"
    )
    (small_book / "chapters" / "masses.md").write_text(
        "[a](#passage) [b](#web20--conclusion) [c](#web20)\n", encoding="utf-8"
    )
    code, data = check_json(cm)  # as the export: a chapter's ids are not known from another chapter
    assert [(f["file"], f["column"]) for f in only(data, "broken-link")] == [
        ("chapters/masses.md", 5),
        ("chapters/masses.md", 19),
    ]
    (small_book / "chapters" / "masses.md").write_text("Sans lien.\n", encoding="utf-8")
    (small_book / "chapters" / "web20.md").write_text(
        "## Titre\n\n[ici](#encadre) [là](#masses--nulle) [ok](#titre)\n", encoding="utf-8"
    )
    code, data = check_json(cm)
    assert [f["message"].split(":")[0] for f in only(data, "broken-link")] == [
        "the link to '#encadre' leads nowhere",
        "the link to '#masses--nulle' leads nowhere",
    ]


def test_missing_cover(cm, small_book: Path):
    cm("book", "set", "cover", "images/couverture.jpg").ok()
    code, data = check_json(cm)
    assert code == 1
    [finding] = only(data, "missing-cover")
    assert finding["line"] == line_of(small_book / "outline.yaml", "cover:")
    assert "'images/couverture.jpg' does not exist" in finding["message"]
    (small_book / "images").mkdir()
    (small_book / "images" / "couverture.jpg").write_bytes(b"\xff\xd8\xff")
    assert check_json(cm)[0] == 0


def test_chapter_leading_outside_chapters(cm, small_book: Path, tmp_path: Path):
    outside = tmp_path / "ailleurs.md"
    outside.write_text("secret\n", encoding="utf-8")
    os.symlink(outside, small_book / "chapters" / "reseaux.md")
    code, data = check_json(cm)
    assert code == 1
    [finding] = only(data, "outside-chapters")
    assert finding["file"] == "chapters/reseaux.md" and "outside chapters/" in finding["message"]
    assert (finding["number"], finding["id"]) == ("2.1.1", "reseaux")


def test_chapters_folder_leading_outside_the_book(cm, small_book: Path, tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    shutil.move(small_book / "chapters", elsewhere)
    os.symlink(elsewhere, small_book / "chapters")
    code, data = check_json(cm)
    assert code == 1
    assert sorted(f["file"] for f in only(data, "outside-chapters")) == ["chapters/masses.md", "chapters/web20.md"]


def test_chapter_that_is_not_utf8(cm, small_book: Path):
    (small_book / "chapters" / "reseaux.md").write_bytes("Première ligne\nDeuxième é\n".encode("latin-1"))
    code, data = check_json(cm)
    assert code == 1
    [finding] = only(data, "unreadable-chapter")
    assert finding["file"] == "chapters/reseaux.md" and finding["line"] == 1 and "UTF-8" in finding["hint"]


# --- warnings (exit 0) --------------------------------------------------------------------------


def test_warnings_alone_exit_0(cm, small_book: Path):
    outline = small_book / "outline.yaml"
    (small_book / "chapters" / "ancien.md").write_text("Un texte oublié.\n", encoding="utf-8")
    replace_in(outline, "  title: Le petit livre", "  title: ''")
    replace_in(outline, "  title: Informatique, Fidélisation", "  title: Informatique, Fidélisation\n    status: final")
    replace_in(outline, "    - radio-head\n    - frottement\n", "    - radio-head\n")
    cm("section", "set", "2.1", "--target", "10").ok()
    result = cm("check")
    assert result.code == 0 and result.stderr == ""
    code, data = check_json(cm)
    assert code == 0 and data["errors"] == 0
    codes = [f["code"] for f in data["findings"]]
    assert sorted(codes) == sorted(["empty-title", "empty-chapter", "unused-source", "orphan-chapter", "over-target"])
    [orphan] = only(data, "orphan-chapter")
    assert orphan["file"] == "chapters/ancien.md" and "--id ancien" in orphan["hint"]
    [empty] = only(data, "empty-chapter")
    assert (empty["number"], empty["id"]) == ("1.2", "fidelisation") and "cm chapter edit 1.2" in empty["hint"]
    [untitled] = only(data, "empty-title")
    assert untitled["message"] == "the book has no title" and untitled["line"] == line_of(outline, "title: ''")
    [unused] = only(data, "unused-source")
    assert unused["line"] == line_of(outline, "- id: frottement")
    [over] = only(data, "over-target")
    assert over["file"] == "chapters/web20.md" and "29 words, 290%" in over["message"]
    assert over["hint"].endswith("cm section set 2.1 --target 100")
    assert "1 error" not in result.stdout and result.stdout.rstrip().endswith("0 errors, 5 warnings")


def test_a_part_whose_sections_have_text_is_not_empty(cm, small_book: Path):
    # part 1 is 'draft' with no chapter of its own: its sections' text counts
    code, data = check_json(cm)
    assert not only(data, "empty-chapter")
    (small_book / "chapters" / "masses.md").unlink()
    code, data = check_json(cm)
    assert code == 0
    assert [(f["number"], f["id"]) for f in only(data, "empty-chapter")] == [("1", "consommateur"), ("1.1", "masses")]


def test_errors_come_before_warnings(cm, small_book: Path):
    (small_book / "chapters" / "ancien.md").write_text("Texte.\n", encoding="utf-8")
    cm("book", "set", "cover", "absente.png").ok()
    code, data = check_json(cm)
    assert [f["level"] for f in data["findings"]] == ["error", "warning"]


def test_check_without_a_book(tmp_path: Path):
    result = Cm(tmp_path)("check")
    assert result.code == 2 and result.stderr.startswith("cm: no outline.yaml")


@pytest.mark.parametrize(
    ("heading", "identifier"),
    [
        ("Le client, « militant » !", "le-client-militant"),
        ("Web2.0 : modularité", "web2.0-modularité"),
        ("*Emphase* et `code`", "emphase-et-code"),
        ("1. Premier [lien](http://x.org)", "premier-lien"),
        ("2007", "section"),
        ("Note[^abc] fin", "noteabc-fin"),
        ("Le _client_ snake_case", "le-client-snake_case"),
        ("L’entreprise, c’est « nous »", "lentreprise-cest-nous"),
        ("Émotions -- et -- tirets", "émotions-et-tirets"),
    ],
)
def test_heading_identifiers_follow_pandoc(heading: str, identifier: str):
    """Each expected id is what pandoc 3.9 (`pandoc -f markdown -t html`) gives the heading."""
    assert pandoc_identifier(heading) == identifier


def test_an_outline_with_another_name(cm, small_book: Path):
    (small_book / "outline.yaml").rename(small_book / "plan.yaml")
    replace_in(small_book / "plan.yaml", "    - frottement\n", "    - frotement\n")
    result = cm("--outline", "plan.yaml", "check")
    assert result.code == 1
    assert result.stdout.startswith(
        f"plan.yaml:{line_of(small_book / 'plan.yaml', 'id: web20')}: error [dangling-source]"
    )


def test_findings_follow_the_book(cm, small_book: Path):
    for name in ("web20", "masses"):
        (small_book / "chapters" / f"{name}.md").write_text("[a](#x)\n\n[b](#y)\n", encoding="utf-8")
    code, data = check_json(cm)
    places = [(f["file"], f["line"]) for f in only(data, "broken-link")]
    assert places == [
        ("chapters/masses.md", 1),
        ("chapters/masses.md", 3),
        ("chapters/web20.md", 1),
        ("chapters/web20.md", 3),
    ]
