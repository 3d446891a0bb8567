"""The EPUB as an accessibility audit reads it (EPUB Accessibility 1.1, WCAG 2.1 AA), on fixture books.

Every defect of issue 15 that concerns the package or the structure has a test here that failed
before its fix: the accessibility metadata pandoc claimed whatever the book held, pages titled
`ch002.xhtml`, landmarks in English in a French book, headings that skipped levels, notes without
number or link back, front matter printed as a table, and no `dcterms:conformsTo`. Ace by DAISY
itself runs in `test_ace_reports_no_violation` (marked `ace`: it needs Node, npm and Chromium).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import Cm, copy_book
from test_export import EPUB_NS, OPF, XHTML, XML_LANG, Epub, epubcheck_clean

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
# every test book: each folder of tests/fixtures that holds a book
FIXTURE_BOOKS = sorted(p.parent.name for p in (Path(__file__).parent / "fixtures").glob("*/outline.yaml"))
ACE_VERSION = "1.4.6"


def export(folder: Path, *options: str) -> Epub:
    path = folder / "book.epub"
    Cm(folder)("export", "epub", "-o", str(path), *options).ok()
    return Epub(path)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Epub]:
    """Each fixture book exported once (image-book as it is: one image without alt text)."""
    root = tmp_path_factory.mktemp("a11y")
    return {name: export(copy_book(name, root)) for name in FIXTURE_BOOKS}


def metas(epub: Epub, prop: str) -> list[str]:
    return [m.text for m in epub.opf.iter(f"{OPF}meta") if m.get("property") == prop]


def headings(root) -> list[tuple[int, str]]:
    return [
        (int(e.tag[-1]), re.sub(r"[ \n]+", " ", "".join(e.itertext())).strip(" "))
        for e in root.iter()
        if re.fullmatch(rf"{re.escape(XHTML)}h[1-6]", e.tag)
    ]


@pytest.mark.parametrize("name", FIXTURE_BOOKS)
def test_every_fixture_book_passes_epubcheck(books: dict[str, Epub], name: str) -> None:
    epubcheck_clean(books[name].path)


@pytest.mark.parametrize("name", FIXTURE_BOOKS)
def test_every_page_has_its_language_and_a_real_title(books: dict[str, Epub], name: str) -> None:
    """Was `<title>ch002.xhtml</title>`: now the page's first heading (or the book's title)."""
    epub = books[name]
    for page, root in epub.pages.items():
        assert root.get("lang") and root.get("lang") == root.get(XML_LANG), page
        title = root.find(f"{XHTML}head/{XHTML}title").text or ""
        assert title.strip() and not title.endswith(".xhtml"), (page, title)
        first = headings(root)
        if first and page != epub.nav_path and "title_page" not in page:
            assert title == first[0][1], page


def test_chapter_page_title_is_the_section_number_and_title(books: dict[str, Epub]) -> None:
    epub = books["export-book"]
    titles = {root.find(f"{XHTML}head/{XHTML}title").text for root in epub.pages.values()}
    assert "2.1 Web2.0\u00a0: modularité" in titles  # as the heading is typeset
    assert "Sources et crédits" in titles  # the last chapter credits the quoted posts and readers too


@pytest.mark.parametrize("name", FIXTURE_BOOKS)
def test_headings_never_skip_a_level(books: dict[str, Epub], name: str) -> None:
    """Was h2 then h4 (a chapter's headings went below every outline level): Ace's heading-order."""
    epub = books[name]
    for page in epub.spine:
        levels = [level for level, _ in headings(epub.pages[page])] if page in epub.pages else []
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, (page, levels)


def test_one_file_per_section_whatever_the_chapter_headings(books: dict[str, Epub]) -> None:
    """A part's chapter opens with `#`: its headings (h2 now) stay in the part's file."""
    epub = books["export-book"]
    page = next(p for p in epub.body_pages() if "entreprises" in epub.ids(p))
    assert [level for level, _ in headings(epub.pages[page])] == [1, 2, 3]
    assert len([p for p in epub.body_pages() if "title_page" not in p and "cover" not in p]) == 9


def test_landmarks_and_guide_speak_the_book_language(books: dict[str, Epub]) -> None:
    """Was « Title Page », « Cover », « Table of Contents » in a French book."""
    epub = books["export-book"]
    nav = epub.pages[epub.nav_path]
    landmarks = next(n for n in nav.iter(f"{XHTML}nav") if n.get(f"{EPUB_NS}type") == "landmarks")
    labels = ["".join(a.itertext()) for a in landmarks.iter(f"{XHTML}a")]
    assert labels == ["Page de titre", "Couverture", "Table des matières"]
    guide = [reference.get("title") for reference in epub.opf.iter(f"{OPF}reference")]
    assert guide == ["Table des matières", "Couverture"]


def test_english_book_keeps_english_landmarks(tmp_path: Path) -> None:
    folder = copy_book("small-book", tmp_path)
    Cm(folder)("book", "set", "lang", "en-GB").ok()
    epub = export(folder)
    nav = epub.pages[epub.nav_path]
    assert "Table of Contents" in "".join(nav.itertext())
    assert metas(epub, "schema:accessibilitySummary")[0].startswith("Text navigable")


def test_accessibility_metadata_of_a_text_book(books: dict[str, Epub]) -> None:
    """Was pandoc's fixed claim, alternativeText included, and no summary nor conformsTo."""
    epub = books["small-book"]
    assert metas(epub, "schema:accessMode") == ["textual"]
    assert metas(epub, "schema:accessModeSufficient") == ["textual"]
    assert metas(epub, "schema:accessibilityFeature") == ["structuralNavigation", "tableOfContents", "readingOrder"]
    assert metas(epub, "schema:accessibilityHazard") == ["none"]
    summary = metas(epub, "schema:accessibilitySummary")
    assert len(summary) == 1 and summary[0].startswith("Texte navigable") and "\u202f;" in summary[0]
    assert metas(epub, "dcterms:conformsTo") == [CONFORMANCE]


def test_a_cover_makes_the_book_visual_too(books: dict[str, Epub]) -> None:
    epub = books["export-book"]
    assert metas(epub, "schema:accessMode") == ["textual", "visual"]
    assert metas(epub, "schema:accessModeSufficient") == ["textual", "textual,visual"]


def test_an_image_without_alt_text_is_not_hidden(books: dict[str, Epub]) -> None:
    epub = books["image-book"]
    assert "alternativeText" not in metas(epub, "schema:accessibilityFeature")
    assert metas(epub, "schema:accessModeSufficient") == ["textual,visual"]
    assert metas(epub, "dcterms:conformsTo") == []
    assert "Certaines images n’ont pas de texte de remplacement." in metas(epub, "schema:accessibilitySummary")[0]


def test_every_image_with_alt_text_claims_alternative_text(tmp_path: Path) -> None:
    folder = copy_book("image-book", tmp_path)
    chapter = folder / "chapters" / "sans-texte.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("![]", "![Le schéma, encore]"), encoding="utf-8")
    Cm(folder)("check").ok()
    epub = export(folder)
    assert "alternativeText" in metas(epub, "schema:accessibilityFeature")
    assert metas(epub, "dcterms:conformsTo") == [CONFORMANCE]
    epubcheck_clean(epub.path)


def test_check_names_the_image_without_alt_text(tmp_path: Path) -> None:
    folder = copy_book("image-book", tmp_path)
    result = Cm(folder)("check", "--json")
    assert result.code == 1
    findings = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "image-without-alt"]
    assert [(f["file"], f["line"]) for f in findings] == [("chapters/sans-texte.md", 3)]
    assert "../images/schema.png" in findings[0]["message"]


def test_footnotes_are_numbered_with_a_link_back_in_their_chapter(books: dict[str, Epub]) -> None:
    """Was an unnumbered note and no way back to the call."""
    epub = books["export-book"]
    pages = [p for p in epub.body_pages() if epub.pages[p].find(f".//{XHTML}aside") is not None]
    assert len(pages) == 2
    for page in pages:
        root = epub.pages[page]
        call = next(a for a in root.iter(f"{XHTML}a") if a.get(f"{EPUB_NS}type") == "noteref")
        assert call.text == "1" and call.get("href") == "#fn1"  # numbered per chapter
        note = next(a for a in root.iter(f"{XHTML}aside") if a.get(f"{EPUB_NS}type") == "footnote")
        assert note.get("id") == "fn1"
        back = note.find(f"{XHTML}p/{XHTML}a")
        assert back.text == "1" and back.get("href") == f"#{call.get('id')}" and back.get("role") == "doc-backlink"


def test_front_matter_is_never_printed_and_check_refuses_it(books: dict[str, Epub], tmp_path: Path) -> None:
    """Was a bordered table (or a heading and a rule) with `title: Un autre titre` in the book."""
    epub = books["export-book"]
    text = epub.all_text()
    assert "Un autre titre" not in text and "title:" not in text
    assert "Les réseaux sociaux relient des personnes physiques." in text
    folder = copy_book("export-book", tmp_path)
    result = Cm(folder)("check")
    assert result.code == 1
    assert "chapters/reseaux.md:1: error [front-matter]" in result.stdout
    exported = Cm(folder)("export", "markdown", "-o", "m.md").ok()
    assert "chapters/reseaux.md:1: front matter (title) left out" in exported.stderr
    assert "Un autre titre" not in (folder / "m.md").read_text(encoding="utf-8")


def test_a_rule_at_the_top_of_a_chapter_is_not_front_matter(tmp_path: Path) -> None:
    folder = copy_book("small-book", tmp_path)
    chapter = next((folder / "chapters").glob("*.md"))
    chapter.write_text("---\n\nUn texte après une ligne.\n\n---\n", encoding="utf-8")
    Cm(folder)("check").ok()
    assert "Un texte après une ligne." in export(folder).all_text()


def test_reading_order_is_the_spine_order(books: dict[str, Epub]) -> None:
    """The nav lists the sections in the spine's order; no page is left out of the spine."""
    epub = books["export-book"]
    order = [epub.resolve(epub.nav_path, href)[0] for _, _, href in epub.nav_entries()]
    positions = [epub.spine.index(page) for page in order]
    assert positions == sorted(positions)
    assert set(epub.pages) <= set(epub.spine)


# --- Ace by DAISY -------------------------------------------------------------------------------


def ace_command() -> tuple[list[str], dict[str, str]] | None:
    """`ace-puppeteer` from npm @daisy/ace, installed once in a cache folder this test suite owns
    (CM_ACE_CACHE, else ~/.cache/cm-ace), run with the system Chromium; None when Node, npm or
    Chromium is missing, or the install fails (no network)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not (chromium and shutil.which("node") and shutil.which("npm")):
        return None
    cache = Path(os.environ.get("CM_ACE_CACHE") or Path.home() / ".cache" / "cm-ace")
    runner = cache / "node_modules" / ".bin" / "ace-puppeteer"
    if not runner.exists():
        cache.mkdir(parents=True, exist_ok=True)
        # --ignore-scripts: Ace's Electron runner would download a browser at install; the system one is used
        install = ["npm", "install", "-s", "--ignore-scripts", "--no-audit", "--no-fund", f"@daisy/ace@{ACE_VERSION}"]
        env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"}
        if subprocess.run(install, cwd=cache, capture_output=True, env=env, timeout=600).returncode != 0:
            return None
    return [str(runner), "-s", "-f"], {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium}


def ace_violations(path: Path, report: Path) -> list[str]:
    found = ace_command()
    if found is None:
        pytest.skip("Ace needs node, npm and chromium (apt-get install nodejs npm chromium)")
    command, env = found
    process = subprocess.run([*command, "-o", str(report), str(path)], capture_output=True, text=True, env=env)
    assert process.returncode == 0, process.stderr[-2000:]
    data = json.loads((report / "report.json").read_text(encoding="utf-8"))
    return [
        f"{doc['earl:testSubject']['url']}: {a['earl:test']['earl:impact']}: {a['earl:test']['dct:title']}"
        for doc in data.get("assertions", [])
        for a in doc.get("assertions", [])
    ]


@pytest.mark.ace
@pytest.mark.parametrize("name", FIXTURE_BOOKS)
def test_ace_reports_no_violation(books: dict[str, Epub], name: str, tmp_path: Path) -> None:
    """Ace by DAISY 1.4.6: 0 violations of any impact (was 1: metadata-accessibilitysummary)."""
    assert ace_violations(books[name].path, tmp_path / "ace") == []
