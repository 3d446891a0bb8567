"""`cm source suggest`: BM25 over French stems, on the repository's plan and the author's December posts."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import COMMITTED_BOOK, SAMPLES, Cm, snapshot

from clientmilitant.core.text import FrenchStems as Analyzer
from clientmilitant.services.sources.suggest import rank


@pytest.fixture(scope="module")
def december_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the committed plan (tests/fixtures/committed-book) with the December dump imported."""
    folder = tmp_path_factory.mktemp("suggest") / "book"
    folder.mkdir()
    shutil.copy(COMMITTED_BOOK / "outline.yaml", folder / "outline.yaml")
    Cm(folder)("source", "import", str(SAMPLES / "blog-jbp-2007-12.txt")).ok()
    return folder


def test_the_post_on_legal_downloads_ranks_first_for_secteurs_concernes(december_book: Path) -> None:
    cm = Cm(december_book)
    data = json.loads(cm("source", "suggest", "secteurs-concernes", "--json").ok().stdout)
    assert data["section"]["title"].startswith("Secteurs concernés")
    best = data["suggestions"][0]
    assert best["title"] == "Inciter au développement d'une offre de téléchargement légal"
    assert best["matched"][:2] == ["distribution", "numérique"]
    scores = [s["score"] for s in data["suggestions"]]
    assert scores == sorted(scores, reverse=True) and len(scores) <= 5
    out = cm("source", "suggest", "3.6", "--limit", "2").ok().stdout
    assert "inciter-au-developpement-d-une-offre-de" in out and "distribution, numérique" in out
    assert out.count("\n") < 10


def test_linked_sources_are_not_suggested(december_book: Path) -> None:
    cm = Cm(december_book)
    data = json.loads(cm("source", "suggest", "modeles-economiques", "--json", "--limit", "50").ok().stdout)
    ids = [s["id"] for s in data["suggestions"]]
    assert "le-modle-radio" not in ids and "radio-head-le" not in ids  # already linked to 3.5
    assert ids  # the plan post, at least, shares words with it


def test_link_links_the_best(tmp_path: Path, december_book: Path) -> None:
    folder = tmp_path / "book"
    shutil.copytree(december_book, folder)
    cm = Cm(folder)
    result = cm("source", "suggest", "3.6", "--link").ok()
    assert "linked inciter-au-developpement-d-une-offre-de to 3.6" in result.stdout
    listed = json.loads(cm("source", "list", "--section", "3.6", "--json").ok().stdout)["sources"]
    assert [s["id"] for s in listed] == ["inciter-au-developpement-d-une-offre-de"]
    again = json.loads(cm("source", "suggest", "3.6", "--json").ok().stdout)
    assert again["suggestions"][0]["id"] != "inciter-au-developpement-d-une-offre-de"


def test_a_section_sharing_no_word_gets_no_suggestion(cm: Cm, small_book: Path) -> None:
    before = snapshot(small_book, keep_lock=True)
    result = cm("source", "suggest", "reseaux", "--link").ok()
    assert "no unlinked source shares a word with 2.1.1" in result.stdout
    assert snapshot(small_book, keep_lock=True) == before


def test_french_analysis_folds_case_accents_elisions_and_stop_words() -> None:
    words = Analyzer().words("Les Secteurs concernés : d'une offre l’échelle, NUMÉRIQUES et numérique")
    stems = [stem for stem, _ in words]
    assert stems == ["secteur", "concern", "offre", "echel", "numer", "numer"]
    assert [word for _, word in words][:2] == ["secteurs", "concernés"]


def test_bm25_prefers_rare_terms_and_short_documents() -> None:
    documents = {
        "short": Counter({"numer": 2, "client": 1}),
        "long": Counter({"numer": 2, "client": 1, "autre": 40}),
        "none": Counter({"client": 3}),
    }
    ranked = rank(documents, ["numer", "client"], exclude=set())
    assert [doc for doc, _, _ in ranked] == ["short", "long", "none"]
    assert ranked[0][2] == ["numer", "client"]  # the rarer term weighs more
    assert [doc for doc, _, _ in rank(documents, ["numer"], exclude={"short"})] == ["long"]
    assert rank(documents, [], exclude=set()) == []
