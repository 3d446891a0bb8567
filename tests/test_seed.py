"""`cm chapter seed`: a chapter started from the archived posts linked to its section."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Cm, snapshot

OWN = """---
title: Mon billet
url: http://example.org/mon-billet
date: '2007-12-01'
comments:
- author: xgc
  date: 2008-01-06T14:22
  text: |-
    Bonjour,
    Et la bibliographie ?
---

Le modèle de Radiohead : « payez ce que vous voulez ».

La presse devrait y réfléchir.
"""
OLDER = """---
title: Un billet plus ancien
date: '2007-11-20'
---

Un texte d'avant, écrit en novembre.
"""
MARIE = """---
title: Le billet de Marie
url: http://example.org/marie
author: Marie Curie
date: '2007-11-02'
---

Le frottement, dit Marie, est une chance.
"""


@pytest.fixture
def book(small_book: Path) -> Path:
    """The small book with three archived posts linked to section 1.2 (status idea, no chapter yet)."""
    (small_book / "sources").mkdir()
    for name, text in (("mon-billet", OWN), ("plus-ancien", OLDER), ("marie", MARIE)):
        (small_book / "sources" / f"{name}.md").write_text(text, encoding="utf-8")
    outline = small_book / "outline.yaml"
    text = outline.read_text(encoding="utf-8")
    text = text.replace("    sources:\n    - radio-head\n- id: militant", "    sources:\n    - radio-head\n"
                        "    - mon-billet\n    - plus-ancien\n    - marie\n- id: militant")  # fmt: skip
    text += (
        "- id: mon-billet\n  url: http://example.org/mon-billet\n  title: Mon billet\n  date: '2007-12-01'\n"
        "- id: plus-ancien\n  title: Un billet plus ancien\n  author: Jeanne Test\n  date: '2007-11-20'\n"
        "- id: marie\n  url: http://example.org/marie\n  title: Le billet de Marie\n  author: Marie Curie\n"
        "  date: '2007-11-02'\n"
    )
    outline.write_text(text, encoding="utf-8")
    return small_book


def chapter(book: Path) -> str:
    return (book / "chapters" / "fidelisation.md").read_text(encoding="utf-8")


def test_own_posts_by_date_under_markers_status_draft_and_undo(book: Path) -> None:
    cm = Cm(book)
    result = cm("chapter", "seed", "1.2", "--source", "mon-billet", "--source", "plus-ancien", "--by-date").ok()
    assert "seeded: plus-ancien" in result.stdout and "1.2 moved from idea to draft" in result.stdout
    text = chapter(book)
    assert text.startswith("<!--\n1.2 Informatique, Fidélisation  (fidelisation)")  # the plan template first
    older = text.index("<!-- cm:seed plus-ancien | Un billet plus ancien | 2007-11-20 | -->")
    newer = text.index("<!-- cm:seed mon-billet | Mon billet | 2007-12-01 | http://example.org/mon-billet -->")
    assert older < newer
    assert "\nLe modèle de Radiohead : « payez ce que vous voulez ».\n\nLa presse devrait y réfléchir.\n" in text
    assert "<!-- cm:seed-end mon-billet -->" in text and "Bonjour" not in text  # comments only with --comments
    assert "status: draft" in (book / "outline.yaml").read_text().split("id: fidelisation")[1].split("- id:")[0]
    cm("undo").ok()
    assert not (book / "chapters" / "fidelisation.md").exists()
    assert "status" not in (book / "outline.yaml").read_text().split("id: fidelisation")[1].split("- id:")[0]


def test_existing_text_stays_first_never_twice_and_undo_restores_it(book: Path) -> None:
    cm = Cm(book)
    (book / "chapters" / "fidelisation.md").write_text("Mon début, écrit à la main.\n", encoding="utf-8")
    cm("chapter", "seed", "fidelisation", "--source", "mon-billet").ok()
    text = chapter(book)
    assert text.startswith("Mon début, écrit à la main.\n\n<!-- cm:seed mon-billet ")
    history = sorted((book / ".cm" / "history").glob("*.json"))
    again = cm("chapter", "seed", "fidelisation", "--source", "mon-billet").ok()
    assert "skipped: mon-billet (already seeded)" in again.stdout and "nothing new to seed" in again.stdout
    assert chapter(book) == text
    assert sorted((book / ".cm" / "history").glob("*.json")) == history  # no empty undo step
    cm("undo").ok()
    assert chapter(book) == "Mon début, écrit à la main.\n"


def test_undo_refused_when_the_chapter_changed_since(book: Path) -> None:
    cm = Cm(book)
    cm("chapter", "seed", "1.2", "--source", "mon-billet").ok()
    (book / "chapters" / "fidelisation.md").write_text(chapter(book) + "Une phrase nouvelle.\n", encoding="utf-8")
    before = snapshot(book)
    result = cm("undo")
    assert result.code == 2 and "chapters/fidelisation.md changed since `chapter seed 1.2`" in result.stderr
    assert snapshot(book) == before


def test_another_authors_post_is_refused_without_quote(book: Path) -> None:
    cm = Cm(book)
    before = snapshot(book)
    result = cm("chapter", "seed", "1.2")
    assert result.code == 2
    assert result.stderr == (
        "cm: 'marie' is a post by Marie Curie, not by the book's author; seed it as a quotation with its "
        "attribution: cm chapter seed fidelisation --source marie --quote\n"
    )
    assert snapshot(book, keep_lock=True) == before


def test_quote_comments_and_stats(book: Path) -> None:
    cm = Cm(book)
    result = cm("chapter", "seed", "1.2", "--quote", "--comments").ok()
    assert "skipped: radio-head (not archived)" in result.stdout
    text = chapter(book)
    # all linked posts, oldest first: Marie (2007-11-02), plus-ancien (Jeanne Test is the book's author), mon-billet
    assert text.index("cm:seed marie quote") < text.index("cm:seed plus-ancien |") < text.index("cm:seed mon-billet")
    assert (
        "<!-- cm:seed marie quote | Le billet de Marie | Marie Curie | 2007-11-02 | http://example.org/marie -->\n\n"
        "> Le frottement, dit Marie, est une chance.\n>\n"
        "> — Marie Curie, « Le billet de Marie », 2007-11-02, <http://example.org/marie>\n"
    ) in text
    assert (
        "<!-- cm:comment mon-billet | xgc | 2008-01-06T14:22 -->\n\n> Bonjour,\n> Et la bibliographie ?\n>\n"
        "> — xgc, 2008-01-06T14:22\n"
    ) in text
    (book / "chapters" / "fidelisation.md").write_text(text + "\nTrois mots neufs.\n", encoding="utf-8")
    data = json.loads(cm("stats", "--json").ok().stdout)
    node = data["parts"][0]["sections"][1]
    assert node["seeded_words"] == node["words"] - 3 > 30  # the template's plan comment counts no word
    assert data["book"]["written_words"] == data["book"]["words"] - data["book"]["seeded_words"]
    assert "are still the seeded posts' text" in cm("stats").ok().stdout


def test_dry_run_prints_and_changes_nothing(book: Path) -> None:
    cm = Cm(book)
    before = snapshot(book)
    result = cm("chapter", "seed", "1.2", "--source", "mon-billet", "--dry-run").ok()
    assert "<!-- cm:seed mon-billet | Mon billet" in result.stdout
    assert "would be seeded: mon-billet" in result.stdout and "1.2 would move from idea to draft" in result.stdout
    assert snapshot(book, keep_lock=True) == before


@pytest.mark.parametrize(
    "args, message",
    [
        (("--source", "frottement"), "cm: the source 'frottement' is not linked to this section; link it first"),
        (("--source", "radio-head"), "cm: the source 'radio-head' is not archived: cm has only its address"),
        (("--source", "nope"), "cm: no source 'nope'"),
    ],
)
def test_refusals_change_nothing(book: Path, args: tuple[str, ...], message: str) -> None:
    before = snapshot(book)
    result = Cm(book)("chapter", "seed", "1.2", *args)
    assert result.code == 2 and result.stderr.startswith(message), result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert snapshot(book, keep_lock=True) == before


def test_section_without_sources(book: Path) -> None:
    result = Cm(book)("chapter", "seed", "1.1")
    assert result.code == 2 and result.stderr.startswith("cm: section 1.1 (masses) has no linked source post")
