"""The book's real plan: the committed outline.yaml holds the post of 31 December 2007 line for line,
and `cm outline import` rebuilds it from the post, pasted with or without its blank lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import COMMITTED_BOOK, SAMPLES, Cm, snapshot

from clientmilitant.core import model
from clientmilitant.storage import outline_file

BLOG = SAMPLES / "blog-jbp-2007-12.txt"
WITH_COMMENTS = SAMPLES / "plan-post-with-comments.txt"
PLAN_URLS = {
    "http://jbp.typepad.com/jb/2007/11/labsence-de-fro.html": "La valeur du frottement",
    "http://jbp.typepad.com/jb/2007/10/radio-head---le.html": "Nouveaux modèles économiques",
    "http://jbp.typepad.com/jb/2007/12/le-modle-radio.html": "Nouveaux modèles économiques",
    "http://jbp.typepad.com/jb/2007/09/tre-et-paratre.html": "Pour les entreprises",
}
# The one deliberate change to the author's words: the post misspells the title of part 1.
CORRECTED = {"Le client est un consonmmateur": "Le client est un consommateur"}


def plan_lines() -> list[str]:
    """The plan post's lines, from the first part heading to the « Nota » that ends it."""
    text = BLOG.read_text(encoding="utf-8")
    start = text.index("1 - Le client est un consonmmateur")
    end = text.index("lubie baba-cool.") + len("lubie baba-cool.")
    return [line.strip() for line in text[start:end].splitlines() if line.strip()]


def expected_texts(lines: list[str]) -> list[str]:
    """Each line's text as the author wrote it, without the plan's markers (numbers, `->`, `- `),
    its `(cf. URL)` citations and a heading's trailing colon; Symbol-font arrows as →."""
    texts = []
    for line in lines:
        if re.fullmatch(r"https?://\S+", line):
            continue
        line = re.sub(r"^(\d+(\.\d+)*\.?\s*-?\s+|->\s*|-\s+)", "", line)
        line = re.sub(r"\s*\((cf\. )?https?://[^)]+\)", "", line)
        line = line.replace("\uf0e0", "→").rstrip(" :")
        texts.append(CORRECTED.get(line, line))
    return texts


def reading_order(outline: model.Outline) -> list[str]:
    """Titles and points as a reader of the plan meets them: a section, its points, its sub-sections."""
    return [text for located in model.walk(outline) for text in (located.section.title, *located.section.points)]


def committed() -> model.Outline:
    return outline_file.loads((COMMITTED_BOOK / "outline.yaml").read_bytes())


def test_committed_outline_holds_every_line_of_the_plan_post_in_order():
    lines = plan_lines()
    assert len(lines) == 50 and lines[-1].startswith("Nota sur la racine de militant")
    assert reading_order(committed()) == expected_texts(lines)


def test_committed_outline_has_the_three_parts_the_numbered_sections_and_part_3_headings():
    outline = committed()
    assert outline.book.title == "Le client militant" and outline.book.lang == "fr-FR"
    assert outline.book.author == ""  # not in the samples: left for `cm book set author`
    assert [p.title for p in outline.parts] == [
        "Le client est un consommateur",
        "Le client devient consomacteur",
        "Le client devient militant",
    ]
    numbered = {located.number: located.section.title for located in model.walk(outline)}
    assert numbered["1.3"] == "Arrivée du Web et dialogue de sourds"
    assert numbered["2.2"] == "La valeur du frottement"
    assert [s.title for s in outline.parts[2].sections] == [
        "évolution de la notion de militantisme",
        "Le grand chambardement des réseaux sociaux",
        "apparté sur l'animisme (plusieurs mondes, plusieurs identités)",
        "Nouveaux défis pour les entreprises",
        "Nouveaux modèles économiques",
        "Secteurs concernés : tout ce qui relève de la distribution numérique",
        "Pour les entreprises",
    ]
    assert outline.parts[2].points[0].startswith("Le modèle n’est pas nouveau : associatif")
    assert "\uf0e0" not in (COMMITTED_BOOK / "outline.yaml").read_text(encoding="utf-8")
    assert "Wikimedia → appel aux dons" in outline.parts[2].sections[4].points


def test_committed_outline_links_the_four_cited_posts_to_the_sections_that_cite_them():
    outline = committed()
    by_url = {source.url: source for source in outline.sources}
    for url, title in PLAN_URLS.items():
        source = by_url[url]
        assert source.site == "jbp.typepad.com"
        citing = [located.section.title for located in model.sections_citing(outline, source.id)]
        assert citing == [title], url


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.txt"
    text = BLOG.read_text(encoding="utf-8")
    path.write_text(text[: text.index("vendredi 28 décembre 2007")], encoding="utf-8")  # the post, intro included
    return path


def test_import_rebuilds_the_committed_plan_from_the_post(tmp_path, plan_file):
    book = tmp_path / "livre"
    book.mkdir()
    out = Cm(book)("outline", "import", str(plan_file), "--title", "Le client militant").ok().stdout
    assert "3 parts, 13 sections, 4 sources (5 lines before the first part skipped)" in out
    imported = outline_file.loads((book / "outline.yaml").read_bytes())
    expected = expected_texts(plan_lines())
    expected[0] = "Le client est un consonmmateur"  # the importer keeps the author's text as written
    assert reading_order(imported) == expected
    assert [s.url for s in imported.sources] == list(PLAN_URLS)
    assert [s.date for s in imported.sources] == ["2007-11", "2007-10", "2007-12", "2007-09"]
    shape = lambda o: [(x.number, len(x.section.points), len(x.section.sources)) for x in model.walk(o)]  # noqa: E731
    assert shape(imported) == shape(committed())


def test_import_gives_the_same_outline_with_or_without_blank_lines_and_indentation(tmp_path, plan_file):
    pasted = tmp_path / "pasted.txt"
    text = WITH_COMMENTS.read_text(encoding="utf-8")
    pasted.write_text(text[: text.index("Bonjour,")], encoding="utf-8")  # the plan, without readers' comments
    results = []
    for name, source in (("a", plan_file), ("b", pasted)):
        folder = tmp_path / name
        folder.mkdir()
        Cm(folder)("outline", "import", str(source)).ok()
        results.append(json.loads(Cm(folder)("outline", "show", "--json").ok().stdout)["parts"])
    flat = json.dumps(results[0], ensure_ascii=False)
    # the comments file lost the Symbol-font arrows when it was copied; all else is identical
    assert json.dumps(results[1], ensure_ascii=False) == flat.replace("Wikimedia → appel", "Wikimedia appel").replace(
        "militantis → militaire", "militantis militaire"
    )


def test_import_refuses_to_replace_a_plan_without_force_then_replaces_it(small_book, plan_file):
    cm = Cm(small_book)
    before = snapshot(small_book, keep_lock=True)
    result = cm("outline", "import", str(plan_file))
    assert result.code == 2 and "already holds a plan; use --force" in result.stderr
    assert snapshot(small_book, keep_lock=True) == before
    assert (
        "replaced the plan in outline.yaml: 3 parts" in cm("outline", "import", str(plan_file), "--force").ok().stdout
    )
    data = json.loads(cm("outline", "show", "--json").ok().stdout)
    assert data["book"]["title"] == "Le petit livre" and len(data["parts"]) == 3
    cm("undo").ok()
    assert snapshot(small_book, keep_lock=True)["outline.yaml"] == before["outline.yaml"]


def test_import_of_a_file_without_a_plan_says_so(tmp_path):
    empty = tmp_path / "notes.txt"
    empty.write_text("Juste une idée, sans plan.\n- un tiret\n", encoding="utf-8")
    result = Cm(tmp_path)("outline", "import", str(empty))
    assert result.code == 2 and "no numbered part heading" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_import_of_a_plan_that_is_not_utf8_names_the_line(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_bytes(b"1 - Le client\n-> un point\n-> le caf" + b"\xe9\n")
    folder = tmp_path / "livre"
    folder.mkdir()
    result = Cm(folder)("outline", "import", str(plan))
    assert result.code == 2 and "plan.txt:3: not UTF-8" in result.stderr
    assert list(folder.iterdir()) == []
