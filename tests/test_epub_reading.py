"""The EPUB and the HTML page as a reader sees them: dates, the stylesheet rendered in a real browser,
the standalone page, and calibre's conversion (a second reading system).

Rendering tests (marked `browser`) open the EPUB's own pages in Debian's Chromium through Playwright
(as tests/test_preview.py does) and measure what the stylesheet does, so that a CSS rule that no
longer applies fails here: footnote calls above the baseline, small and not underlined (they were
full-size, underlined digits on the baseline). They are skipped where Chromium is missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import Cm, copy_book
from test_export import XHTML, Epub, epubcheck_clean

from clientmilitant.core.dates import spelled_date


def export(folder: Path, fmt: str = "epub", *options: str) -> Path:
    path = folder / f"book.{fmt}"
    Cm(folder)("export", fmt, "-o", str(path), *options).ok()
    return path


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_book("export-book", tmp_path_factory.mktemp("reading"))


@pytest.fixture(scope="module")
def epub(book: Path) -> Epub:
    return Epub(export(book))


@pytest.fixture(scope="module")
def unzipped(epub: Epub, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("unzipped")
    zipfile.ZipFile(epub.path).extractall(folder)
    return folder


# --- dates in the book's language ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("iso", "lang", "spelled"),
    [
        ("2026-01-15", "fr-FR", "15 janvier 2026"),
        ("2026-01-01", "fr-FR", "1er janvier 2026"),
        ("2007-12-13", "fr", "13 décembre 2007"),
        ("2007-08-02", "fr-CA", "2 août 2007"),
        ("2007-11", "fr-FR", "novembre 2007"),
        ("2007", "fr-FR", "2007"),
        ("2008-01-06T14:22", "fr-FR", "6 janvier 2008"),
        ("2026-01-15", "en-GB", "15 January 2026"),
        ("2026-01-01", "en", "1 January 2026"),
        ("2007-11", "en-US", "November 2007"),
        ("septembre 2007", "fr-FR", "septembre 2007"),
        ("2007-13", "fr-FR", "2007-13"),
    ],
)
def test_spelled_date(iso: str, lang: str, spelled: str) -> None:
    assert spelled_date(iso, lang) == spelled


def test_sources_and_title_page_print_dates_in_the_book_language(epub: Epub) -> None:
    """Were `2007-12-13` and `2007-11` in the Sources chapter, `2026-01-15` on the title page."""
    sources = next(p for p in epub.body_pages() if "cm--sources" in epub.ids(p))
    text = " ".join(epub.text(sources).split())
    assert "JBP, 13 décembre 2007," in text and "frottement, novembre 2007," in text
    assert "2007-12-13" not in epub.all_text() and "2007-11," not in epub.all_text()
    title_page = next(p for p in epub.pages if "title_page" in p)
    assert "15 janvier 2026" in epub.text(title_page)
    assert epub.dc("date") == ["2026-01-15"]  # the package keeps the ISO date


def test_the_first_of_the_month_is_1er(tmp_path: Path) -> None:
    folder = copy_book("export-book", tmp_path)
    Cm(folder)("book", "set", "date", "2026-02-01").ok()
    epub = Epub(export(folder))
    title_page = next(p for p in epub.pages if "title_page" in p)
    date = next(e for e in epub.pages[title_page].iter(f"{XHTML}p") if e.get("class") == "date")
    assert "".join(date.itertext()) == "1er février 2026" and date.find(f"{XHTML}sup").text == "er"
    epubcheck_clean(epub.path)


def test_an_english_book_spells_dates_in_english(tmp_path: Path) -> None:
    folder = copy_book("export-book", tmp_path)
    Cm(folder)("book", "set", "lang", "en-GB").ok()
    html = export(folder, "html").read_text(encoding="utf-8")
    assert "15 January 2026" in html and "13 December 2007" in html and "November 2007" in html


# --- the standalone HTML page --------------------------------------------------------------------


def test_html_is_one_page_with_the_stylesheet_a_title_block_a_toc_and_working_links(book: Path) -> None:
    html = export(book, "html").read_text(encoding="utf-8")
    css = (Path(__file__).parent.parent / "clientmilitant/services/export/epub.css").read_text(encoding="utf-8")
    assert "a.footnote-ref" in css and "a.footnote-ref" in html  # cm's stylesheet, embedded
    assert '<header id="title-block-header">' in html and "15 janvier 2026" in html
    assert '<nav id="TOC" role="doc-toc">' in html and "Table des matières" in html
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    targets = re.findall(r'href="#([^"]+)"', html)
    assert targets and not [t for t in targets if t not in ids]
    assert 'href="#fidelisation"' in html  # a cross-link between chapters
    assert "<script" not in html and 'src="http' not in html  # standalone


def test_html_notes_are_numbered_per_chapter_with_links_both_ways(book: Path) -> None:
    """pandoc numbers a page's notes through it and lists them all at its end: here each chapter's
    notes start at 1 and close the chapter, calls and returns linking both ways."""
    html = export(book, "html").read_text(encoding="utf-8")
    calls = re.findall(r'<a href="#([\w-]+--fn\d+)" id="([\w-]+)" class="footnote-ref"[^>]*><sup>(\d+)</sup></a>', html)
    assert [(target, number) for target, _, number in calls] == [("masses--fn1", "1"), ("web20--fn1", "1")]
    for target, call_id, _ in calls:
        assert f'id="{target}"' in html and f'href="#{call_id}" class="footnote-back"' in html
    assert html.index('id="masses--fn1"') < html.index('id="fidelisation"')  # at the end of its own chapter
    assert 'id="footnotes"' not in html


# --- in a real browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("needs Chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield launched
        launched.close()


def page_of(browser, path: Path):
    page = browser.new_page(viewport={"width": 600, "height": 900})
    page.goto(path.as_uri())
    return page


@pytest.mark.browser
def test_footnote_calls_are_superior_figures_in_the_epub(browser, epub: Epub, unzipped: Path) -> None:
    name = next(p for p in epub.body_pages() if "web20" in epub.ids(p))
    page = page_of(browser, unzipped / name)
    call = page.evaluate(
        """() => {
        const a = document.querySelector('a.footnote-ref'), p = a.closest('p');
        const s = getComputedStyle(a), ps = getComputedStyle(p);
        const r = a.getBoundingClientRect(), range = document.createRange();
        range.selectNodeContents(p.firstChild); const word = range.getBoundingClientRect();
        return {align: s.verticalAlign, size: parseFloat(s.fontSize), body: parseFloat(ps.fontSize),
                underline: s.textDecorationLine, top: r.top, bottom: r.bottom, wordBottom: word.bottom};
    }"""
    )
    assert call["align"] == "super" and call["underline"] == "none"
    assert call["size"] < 0.8 * call["body"]
    assert call["bottom"] < call["wordBottom"] - 2  # above the baseline, not on it
    note = page.evaluate("() => document.querySelector('aside a.cm-note-number').textContent")
    assert note == "1"
    page.close()


@pytest.mark.browser
def test_chapter_pages_render_like_a_book(browser, epub: Epub, unzipped: Path, tmp_path: Path) -> None:
    """Part titles centred low on their page, chapter openings with a rule and small capitals, the
    title page centred; each page rendered to a PNG (the README's picture is made the same way)."""
    part = page_of(browser, unzipped / next(p for p in epub.body_pages() if "consommateur" in epub.ids(p)))
    heading = part.evaluate("() => { const s = getComputedStyle(document.querySelector('h1.cm-part'));"
                            " return [s.textAlign, parseFloat(s.marginTop)]; }")  # fmt: skip
    assert heading[0] == "center" and heading[1] > 100
    chapter = page_of(browser, unzipped / next(p for p in epub.body_pages() if "web20" in epub.ids(p)))
    opening = chapter.evaluate(
        "() => { const h = getComputedStyle(document.querySelector('section.level2 > h2'));"
        " const p = getComputedStyle(document.querySelector('.cm-text p'), '::first-line');"
        " return [h.borderBottomStyle, p.fontVariant || p.fontVariantCaps]; }"
    )
    assert opening[0] == "solid" and "small-caps" in opening[1]
    title = page_of(browser, unzipped / next(p for p in epub.pages if "title_page" in p))
    assert title.evaluate("() => getComputedStyle(document.querySelector('.titlepage .author')).textAlign") == "center"
    for page in (part, chapter, title):
        shot = tmp_path / "page.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 5000
        page.close()


# --- calibre, a second reading system ------------------------------------------------------------


@pytest.mark.slow
def test_calibre_reads_the_epub(epub: Epub, tmp_path: Path) -> None:
    """calibre's ebook-convert (Debian `calibre`) opens the EPUB and converts it to plain text with
    every section, the notes and the French spaces in it."""
    converter = shutil.which("ebook-convert")
    if not converter:
        pytest.skip("needs calibre's ebook-convert (apt-get install calibre)")
    target = tmp_path / "book.txt"
    process = subprocess.run(
        [converter, str(epub.path), str(target)], capture_output=True, text=True, env={"QT_QPA_PLATFORM": "offscreen"}
    )
    assert process.returncode == 0, process.stderr[-2000:]
    text = target.read_text(encoding="utf-8").replace("\u00a0", " ")  # calibre's text output has no no-break space
    for title in ("Le client est un consommateur", "Web2.0 : modularité", "Pour les entreprises", "Sources"):
        assert title in text, title
    assert "Note de web20" in text and "13 décembre 2007" in text
    assert "title:" not in text
