"""`cm stats`: words against targets for every node, subtotals per part and for the book, pages."""

from __future__ import annotations

import json
from pathlib import Path

from clientmilitant.services import stats

NODE_KEYS = {
    "number", "id", "title", "depth", "status", "words", "seeded_words", "target",
    "total_words", "total_seeded_words", "total_target", "percent", "pages", "sections",
}  # fmt: skip


def nodes(parts: list[dict]):
    for node in parts:
        yield node
        yield from nodes(node["sections"])


def stats_json(cm) -> dict:
    return json.loads(cm("stats", "--json").ok().stdout)


def test_json_shape_matches_the_readme(cm):
    data = stats_json(cm)
    assert set(data) == {"version", "words_per_page", "book", "statuses", "parts"}
    assert data["version"] == 1 and data["words_per_page"] == stats.WORDS_PER_PAGE == 250
    assert set(data["book"]) == {
        "title", "words", "seeded_words", "written_words", "target", "percent", "pages", "target_pages",
    }  # fmt: skip
    assert list(data["statuses"]) == ["idea", "draft", "revised", "final"]
    for node in nodes(data["parts"]):
        assert set(node) == NODE_KEYS
    assert [node["number"] for node in nodes(data["parts"])] == ["1", "1.1", "1.2", "2", "2.1", "2.1.1"]


def test_words_are_the_ones_outline_show_prints(cm):
    outline = json.loads(cm("outline", "show", "--json").ok().stdout)
    shown = {node["id"]: node["words"] for node in nodes(outline["parts"])}
    counted = {node["id"]: node["words"] for node in nodes(stats_json(cm)["parts"])}
    assert counted == shown
    assert counted["masses"] == 34 and counted["web20"] == 29  # comments, links, footnote marks left out


def test_parts_add_up_their_sections_and_the_book_its_parts(cm, small_book: Path):
    (small_book / "chapters" / "consommateur.md").write_text("Une introduction de cinq mots.\n", encoding="utf-8")
    data = stats_json(cm)
    part1, part2 = data["parts"]
    assert part1["words"] == 5 and part1["total_words"] == 5 + 34
    assert part1["target"] is None and part1["total_target"] == 300  # the sum of its sections' targets
    assert part1["percent"] == round(100 * 39 / 300) == 13
    web20 = part2["sections"][0]
    assert web20["total_words"] == 29 and web20["total_target"] == 100 and web20["percent"] == 29
    assert part2["total_target"] == 100
    book = data["book"]
    assert book["words"] == 39 + 29 and book["target"] == 400 and book["percent"] == 17
    assert book["pages"] == round(68 / 250, 1) and book["target_pages"] == 1.6


def test_a_part_target_of_its_own_wins_over_its_sections(cm):
    cm("section", "set", "1", "--target", "1000").ok()
    part = stats_json(cm)["parts"][0]
    assert part["target"] == 1000 and part["total_target"] == 1000 and part["percent"] == 3


def test_statuses_are_counted_over_every_node(cm):
    assert stats_json(cm)["statuses"] == {"idea": 3, "draft": 2, "revised": 1, "final": 0}
    cm("section", "set", "2.1.1", "--status", "final").ok()
    assert stats_json(cm)["statuses"] == {"idea": 2, "draft": 2, "revised": 1, "final": 1}


def test_no_target_means_no_percentage(cm):
    fidelisation = stats_json(cm)["parts"][0]["sections"][1]
    assert fidelisation["target"] is None and fidelisation["total_target"] is None and fidelisation["percent"] is None


def test_the_table_shows_bars_totals_pages_and_statuses(cm, small_book: Path):
    (small_book / "chapters" / "web20.md").write_text("mot " * 180, encoding="utf-8")  # 180% of 100
    out = cm("stats").ok().stdout
    assert "\x1b" not in out
    web20 = next(line for line in out.splitlines() if line.startswith("2.1 "))
    assert "revised" in web20 and "180" in web20 and "████████████ 180%" in web20
    masses = next(line for line in out.splitlines() if line.startswith("1.1 "))
    assert "█░░░░░░░░░░░  11%" in masses
    assert "Le petit livre" in out and "214" in out  # the book's line: 34 + 180 words
    assert "250 words a page" in out
    assert "Sections by status: 3 idea, 2 draft, 1 revised, 0 final" in out


def test_stats_on_a_book_without_text(cm, small_book: Path):
    for chapter in (small_book / "chapters").iterdir():
        chapter.unlink()
    data = stats_json(cm)
    assert data["book"]["words"] == 0 and data["book"]["pages"] == 0
    assert all(node["total_words"] == 0 for node in nodes(data["parts"]))
    assert "≈ 0 pages written at 250 words a page" in cm("stats").ok().stdout


def test_a_chapter_leading_outside_the_book_is_refused(cm, small_book: Path, tmp_path: Path):
    outside = tmp_path / "ailleurs.md"
    outside.write_text("secret\n", encoding="utf-8")
    (small_book / "chapters" / "reseaux.md").symlink_to(outside)
    result = cm("stats")
    assert result.code == 2 and "leads outside the book" in result.stderr and result.stdout == ""


def test_golden_stats(cm, golden):
    golden("stats.txt", cm("stats").ok().stdout)


def test_percent_and_pages_helpers():
    assert stats.percent(150, 100) == 150 and stats.percent(1, 3) == 33 and stats.percent(5, None) is None
    assert stats.pages(250) == 1.0 and stats.pages(0) == 0
