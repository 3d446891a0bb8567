"""`cm export pdf`: the real command (pandoc → Typst) on copies of the export-book fixture; the PDF read
back with pypdf: page size, fonts, colour, metadata, bookmarks, links, French spaces, the front matter,
running heads, footnotes, reproducible bytes, bad input.

One export of the fixture (with a long chapter added, so that pages run on and footnotes fall on
several pages) is shared by most tests: Typst takes a second or two per book.
"""

from __future__ import annotations

import itertools
import os
import re
import struct
import time
import zlib
from pathlib import Path

import pytest
from conftest import Cm, copy_book, snapshot
from pypdf import PdfReader

MM = 72 / 25.4
TRIMS = {"a5": (148 * MM, 210 * MM), "6x9": (432.0, 648.0), "royal": (156 * MM, 234 * MM), "a4": (210 * MM, 297 * MM)}
BOOKMARKS = [  # the export-book fixture's parts and chapters, in outline order, then the Sources chapter
    (0, "1 Le client est un consommateur"),
    (1, "1.1 Marché de masses, communication de masses"),
    (1, "1.2 Informatique, Fidélisation"),
    (0, "2 Le client devient militant"),
    (1, "2.1 Web2.0\u00a0: modularité"),
    (2, "2.1.1 Le grand chambardement des réseaux sociaux"),
    (1, "2.2 Le boycott, arme du client"),
    (0, "3 Pour les entreprises"),
    (0, "Sources et crédits"),
]
LETTERS = "ABCDEFGHIJKL"
FILLER = (
    "Le client militant choisit ses marques et les défend devant ses amis, il écrit, il compare, il boycotte "
    "quand l'entreprise le trahit, et il revient quand elle l'écoute enfin. "
)


def long_chapter() -> str:
    """Twelve paragraphs of 2 to 7 lines, each ending on a marker word with a footnote: several
    pages, footnotes falling on each of them, page breaks at many places in a paragraph. The first
    paragraph types French punctuation the plain way."""
    paragraphs = ["Vraiment ? Le client dit : « oui » ; il insiste ! Pourquoi pas ?"]
    paragraphs.append(" ".join(f"Le client {n} dit : « non » ; il boycotte ! Pourquoi ?" for n in range(40)))
    for index, letter in enumerate(LETTERS):
        paragraphs.append(FILLER * (1 + index * 5 % 4) + f"Ici le repère jalon{letter}[^n{index}].")
    notes = [f"[^n{index}]: Note {letter} en bas de page." for index, letter in enumerate(LETTERS)]
    return "\n\n".join(paragraphs + notes) + "\n"


def grey_png(size: int = 4) -> bytes:
    """A small grey PNG, written here rather than stored (zlib and struct are all a PNG needs)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def pages_text(reader: PdfReader) -> list[str]:
    """Each page's text, words hyphenated at a line end joined again. Typst's font subset maps the
    hyphen glyph to U+00AD when the book hyphenates a word somewhere (its tagged text says `-`,
    which pypdf does not read): a U+00AD left inside a line is a hyphen."""
    texts = [re.sub(r"[-\u00ad]\n", "", page.extract_text()) for page in reader.pages]
    return [text.replace("\u00ad", "-") for text in texts]


def body_lines(page) -> list[tuple[float, str]]:
    """The page's lines of body text, top to bottom, as (left edge, text): the running head and the
    footnotes (smaller type) and headings (larger) left out."""
    runs: list[tuple[float, float, float, str]] = []

    def visit(text, cm, tm, font, size) -> None:
        if text.strip():
            runs.append((round(cm[5] + tm[5] * cm[3], 1), cm[4] + tm[4] * cm[0], size * abs(cm[3] or 1), text))

    page.extract_text(visitor_text=visit)
    sizes = [round(size, 1) for *_, size, _ in runs]
    body_size = max(set(sizes), key=sizes.count, default=0)  # the commonest: body text
    lines: dict[float, list[tuple[float, str]]] = {}
    for y, x, size, text in runs:
        if size == pytest.approx(body_size, abs=0.2):
            lines.setdefault(y, []).append((x, text))
    return [(min(x for x, _ in lines[y]), "".join(t for _, t in sorted(lines[y]))) for y in sorted(lines, reverse=True)]


def outline_entries(reader: PdfReader, items=None, depth: int = 0) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) for every bookmark, in order."""
    entries = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            entries += outline_entries(reader, item, depth + 1)
        else:
            entries.append((depth, item.title, reader.get_destination_page_number(item) + 1))
    return entries


@pytest.fixture(scope="module")
def pdf_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = copy_book("export-book", tmp_path_factory.mktemp("pdf"))
    (book / "chapters" / "boycott.md").write_text(long_chapter(), encoding="utf-8")
    Cm(book)("export", "pdf").ok()
    return book


@pytest.fixture(scope="module")
def pdf_path(pdf_book: Path) -> Path:
    return pdf_book / "build" / "le-client-militant.pdf"


@pytest.fixture(scope="module")
def reader(pdf_path: Path) -> PdfReader:
    return PdfReader(pdf_path)


@pytest.fixture(scope="module")
def texts(reader: PdfReader) -> list[str]:
    return pages_text(reader)


def test_pdf_is_written_to_build_with_the_book_slug(pdf_path: Path) -> None:
    assert pdf_path.read_bytes().startswith(b"%PDF-")


def test_pages_are_a5_by_default(reader: PdfReader) -> None:
    width, height = TRIMS["a5"]
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(width, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(height, abs=0.5)


@pytest.mark.parametrize("trim", ["6x9", "royal", "a4"])
def test_trim_from_the_book_metadata(tmp_path: Path, trim: str) -> None:
    book = copy_book("export-book", tmp_path)
    cm = Cm(book)
    cm("book", "set", "trim", trim.upper()).ok()
    assert f"trim: {trim}\n" in (book / "outline.yaml").read_text(encoding="utf-8")
    cm("export", "pdf", "--part", "1", "-o", "out/livre.pdf").ok()
    page = PdfReader(book / "out" / "livre.pdf").pages[0]
    width, height = TRIMS[trim]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (
        pytest.approx(width, abs=0.5),
        pytest.approx(height, abs=0.5),
    )


def test_every_font_is_embedded(reader: PdfReader) -> None:
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            if "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            else:
                descriptor = font["/FontDescriptor"].get_object()
            fonts[font["/BaseFont"]] = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts
    assert any("LibertinusSerif" in name for name in fonts)


def test_text_is_black_in_a_grey_colour_space(reader: PdfReader) -> None:
    """No RGB or CMYK colour anywhere: every colour space is one-component (grey), every fill is 0 (black)."""
    for page in reader.pages:
        for space in (page["/Resources"].get("/ColorSpace") or {}).values():
            space = space.get_object()
            assert space[0] == "/ICCBased" and space[1].get_object()["/N"] == 1
        content = page.get_contents().get_data() if page.get_contents() else b""
        assert not re.search(rb"\s(rg|RG|k|K)\s", content)
        assert set(re.findall(rb"cs ([\d.]+) scn", content)) <= {b"0"}


def test_metadata_title_author_language_date(reader: PdfReader) -> None:
    assert reader.metadata.title == "Le client militant"
    assert reader.metadata.author == "Jeanne Test"
    assert reader.trailer["/Root"]["/Lang"] == "fr-FR"
    assert reader.metadata["/CreationDate"] == "D:20260115000000Z"  # the book's date: 2026-01-15


def test_bookmarks_follow_parts_and_chapters(reader: PdfReader) -> None:
    entries = outline_entries(reader)
    assert [(depth, title) for depth, title, _ in entries] == BOOKMARKS
    pages = [page for _, _, page in entries]
    assert pages == sorted(pages)
    for depth, title, page in entries:
        if depth < 2:  # parts and chapters open on a right-hand page
            assert page % 2 == 1, (title, page)


def test_front_matter_half_title_title_page_copyright_contents(texts: list[str]) -> None:
    assert texts[0].split() == ["Le", "client", "militant"]
    assert texts[1].strip() == ""
    assert texts[2].splitlines() == ["Jeanne Test", "Le client militant", "1.10", "Éditions du Test"]
    assert texts[3].splitlines() == ["© 2026 Jeanne Test", "15 janvier 2026"]  # book.date: 2026-01-15
    assert texts[4].startswith("Table des matières")
    assert "2.1 Web2.0\u00a0: modularité" in texts[4]


def test_contents_and_cross_references_are_links(reader: PdfReader) -> None:
    named = reader.named_destinations
    contents = [annotation.get_object() for annotation in reader.pages[4].get("/Annots") or []]
    targets = [annotation["/Dest"] for annotation in contents if "/Dest" in annotation]
    assert targets[:3] == ["consommateur", "masses", "fidelisation"]
    assert all(target in named for target in targets)
    entries = {title: page for _, title, page in outline_entries(reader)}
    web20 = entries["2.1 Web2.0\u00a0: modularité"]
    links = [a.get_object() for a in reader.pages[web20 - 1].get("/Annots") or []]
    cross = [a["/Dest"] for a in links if a.get("/Dest") == "fidelisation"]
    assert cross, "the link to #fidelisation in chapters/web20.md"
    assert reader.get_destination_page_number(named["fidelisation"]) + 1 == entries["1.2 Informatique, Fidélisation"]


def test_french_spaces_in_the_text(texts: list[str]) -> None:
    text = "\n".join(texts)
    assert "Vraiment\u202f? Le client dit\u00a0: «\u202foui\u202f»\u202f; il insiste\u202f! Pourquoi pas\u202f?" in text
    assert "«\u202fVraiment\u202f?\u202f»" in text  # chapters/masses.md
    assert not re.search(r" [;!?»]", text)
    lines = [line.strip() for line in text.splitlines()]
    assert not [line for line in lines if re.match(r"[;:!?»]", line) or line.endswith("«")], "a mark alone"
    assert text.count("Pourquoi\u202f?") >= 40


def test_running_heads_and_folios_but_none_on_openings(reader: PdfReader, texts: list[str]) -> None:
    entries = outline_entries(reader)
    openings = {page for depth, _, page in entries if depth < 2}
    first_body = min(openings)
    chapter = "Le boycott, arme du client"
    start = next(page for _, title, page in entries if title.endswith(chapter))
    following = [page for page in sorted(openings) if page > start][0]
    assert following - start >= 4, "the long chapter runs on several pages"
    for page in range(start + 1, following):
        lines = texts[page - 1].splitlines()
        if not lines:  # the page left blank before a right-hand opening: no running head either
            assert page == following - 1 and page % 2 == 0
        elif page % 2 == 0:
            assert lines[0] == f"{page} Le client militant"  # folio, book title (small capitals)
        else:
            assert lines[0] == f"{chapter} {page}", lines[:2]  # chapter title, folio
    for page in openings:
        assert not re.match(rf"{page}\b|.*\b{page}$", texts[page - 1].splitlines()[0])
    for page in range(1, first_body):  # front matter: no folio
        first = (texts[page - 1].splitlines() or [""])[0]
        assert not first.startswith(str(page)) and not first.endswith(f" {page}")


def test_footnotes_fall_on_the_page_of_their_call_numbered_per_chapter(texts: list[str]) -> None:
    pages_used = set()
    for number, letter in enumerate(LETTERS, start=1):
        page = next(i for i, text in enumerate(texts) if f"jalon{letter}" in text)
        assert f"jalon{letter}{number}" in texts[page], f"note {letter} is number {number} in its chapter"
        assert f"{number}Note {letter} en bas de page." in texts[page].replace("\n", ""), (letter, page + 1)
        pages_used.add(page)
    assert len(pages_used) >= 3


def test_no_widows_or_orphans(tmp_path: Path) -> None:
    """Thirty paragraphs of 2 to 10 lines: across every page break, a paragraph keeps two lines or
    more on each side — no first line alone at the foot of a page (orphan), no last line alone at
    the top (widow). (With Typst's `costs: (widow: 0%, orphan: 0%)` this chapter shows widows.)
    No footnotes here: a line whose footnote does not fit can still be left alone, typst/typst#5376."""
    book = copy_book("export-book", tmp_path)
    (book / "chapters" / "boycott.md").write_text(
        "\n\n".join(FILLER * (1 + i * 3 % 5) for i in range(30)) + "\n", encoding="utf-8"
    )
    Cm(book)("export", "pdf", "--only", "2.2").ok()
    reader = PdfReader(book / "build" / "le-client-militant.pdf")
    start = next(page for _, title, page in outline_entries(reader) if title.endswith("Le boycott, arme du client"))
    pages = []
    for number in range(start, len(reader.pages) + 1):
        lines = body_lines(reader.pages[number - 1])
        if not lines:
            break
        left = min(x for x, _ in lines)
        pages.append([(x > left + 3, text) for x, text in lines])  # (indented: a paragraph's first line, text)
    breaks = 0
    for before, after in itertools.pairwise(pages):
        if after[0][0]:
            continue  # the page break falls between paragraphs
        breaks += 1
        assert not before[-1][0], f"orphan: {before[-1][1]!r} alone at the foot of a page"
        assert len(after) > 1 and not after[1][0], f"widow: {after[0][1]!r} alone at the top of a page"
    assert breaks >= 3, "the chapter breaks paragraphs across pages"


def test_two_exports_give_the_same_bytes(pdf_book: Path, pdf_path: Path, tmp_path: Path) -> None:
    first = pdf_path.read_bytes()
    chapter = pdf_book / "chapters" / "masses.md"
    later = time.time() + 3600
    os.utime(chapter, (later, later))  # a newer file: the date comes from the book, not from files
    Cm(pdf_book)("export", "pdf", "-o", str(tmp_path / "again.pdf")).ok()
    assert (tmp_path / "again.pdf").read_bytes() == first
    Cm(pdf_book)("export", "pdf", "-o", str(tmp_path / "epoch.pdf"), env={"SOURCE_DATE_EPOCH": "1199145600"}).ok()
    assert PdfReader(tmp_path / "epoch.pdf").metadata["/CreationDate"] == "D:20080101000000Z"


def test_no_date_in_the_book_takes_the_newest_file(tmp_path: Path) -> None:
    book = copy_book("export-book", tmp_path)
    cm = Cm(book)
    cm("book", "set", "date", "").ok()
    stamp = 1_200_000_000  # 2008-01-10T21:20:00Z
    for path in [book / "outline.yaml", *(book / "chapters").glob("*.md")]:
        os.utime(path, (stamp, stamp))
    cm("export", "pdf", "--part", "1").ok()
    first = (book / "build" / "le-client-militant.pdf").read_bytes()
    assert PdfReader(book / "build" / "le-client-militant.pdf").metadata["/CreationDate"] == "D:20080110212000Z"
    cm("export", "pdf", "--part", "1").ok()
    assert (book / "build" / "le-client-militant.pdf").read_bytes() == first


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chapter", "message"),
    [
        ("Texte.\n\n```{=typst}\n#let x = (\n```\n", r"chapters/boycott\.md(:\d+)?: "),
        ("Texte.\n\n![Pas une image](notes.png)\n", r"chapters/boycott\.md:3: "),
    ],
    ids=["raw-typst-error", "not-an-image"],
)
def test_a_chapter_typst_cannot_typeset_is_named_and_no_pdf_is_written(
    tmp_path: Path, chapter: str, message: str
) -> None:
    book = copy_book("export-book", tmp_path)
    (book / "chapters" / "boycott.md").write_text(chapter, encoding="utf-8")
    (book / "chapters" / "notes.png").write_text("pas un PNG", encoding="utf-8")
    (book / "build").mkdir()
    earlier = book / "build" / "le-client-militant.pdf"
    earlier.write_bytes(b"%PDF- an earlier export")
    before = snapshot(book)
    result = Cm(book)("export", "pdf")
    assert result.code == 2, result
    errors = [line for line in result.stderr.splitlines() if "chapters/" in line]
    assert len(errors) == 1 and re.search(message, errors[0]), result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(book) == before  # the earlier PDF is kept, nothing half-written beside it


@pytest.mark.parametrize(
    ("chapter", "line"),
    [("Texte.\n\n![Un schéma](images/absent.png)\n", 3), ("Texte.\n\nEncore.\n\n![Hors du livre](/etc/hostname)\n", 5)],
    ids=["missing-image", "image-outside-the-book"],
)
def test_an_image_missing_or_outside_the_book_is_left_out_with_a_warning(tmp_path: Path, chapter: str, line: int):
    """As in every export (issue 13): one warning naming chapter and line, and the rest of the book."""
    book = copy_book("export-book", tmp_path)
    (book / "chapters" / "boycott.md").write_text(chapter, encoding="utf-8")
    result = Cm(book)("export", "pdf").ok()
    assert f"chapters/boycott.md:{line}: resource " in result.stderr and "left out" in result.stderr
    assert b"hostname" not in (book / "build" / "le-client-militant.pdf").read_bytes()


def test_an_image_inside_the_book_is_typeset(tmp_path: Path) -> None:
    book = copy_book("export-book", tmp_path)
    (book / "chapters" / "images").mkdir()
    (book / "chapters" / "images" / "gris.png").write_bytes(grey_png())
    (book / "chapters" / "boycott.md").write_text(
        "Deux images.\n\n![La couverture](cover.png)\n\n![Un carré gris](images/gris.png)\n", encoding="utf-8"
    )
    Cm(book)("export", "pdf", "--only", "2.2").ok()
    reader = PdfReader(book / "build" / "le-client-militant.pdf")
    images = [
        name
        for page in reader.pages
        for name, xobject in (page["/Resources"].get("/XObject") or {}).items()
        if xobject.get_object()["/Subtype"] == "/Image"
    ]
    assert len(images) == 2


@pytest.mark.parametrize("value", ["b5", "letter", "A6"])
def test_a_trim_size_cm_does_not_know_is_refused(tmp_path: Path, value: str) -> None:
    book = copy_book("export-book", tmp_path)
    before = snapshot(book)
    result = Cm(book)("book", "set", "trim", value)
    assert result.code == 2 and f"'{value.lower()}' is not a trim size" in result.stderr
    assert "a5" in result.stderr
    assert snapshot(book, keep_lock=True) == before


def test_a_bad_trim_in_outline_yaml_names_its_line(tmp_path: Path) -> None:
    book = copy_book("export-book", tmp_path)
    outline = book / "outline.yaml"
    text = outline.read_text(encoding="utf-8").replace("  cover: cover.png\n", "  cover: cover.png\n  trim: b5\n")
    outline.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  trim: b5") + 1
    result = Cm(book)("export", "pdf")
    assert result.code == 2
    assert re.search(rf"^cm: outline\.yaml:{line}:\d+: 'b5' is not a trim size", result.stderr, re.M), result.stderr
    assert not (book / "build").exists()


def test_json_output_names_the_pdf(tmp_path: Path) -> None:
    book = copy_book("export-book", tmp_path)
    result = Cm(book)("export", "pdf", "--part", "1", "--json").ok()
    assert '"format":"pdf"' in result.stdout
    assert '"output":' in result.stdout and result.stdout.count("le-client-militant.pdf") == 1


def test_blog_posts_as_chapters_typeset_in_french(tmp_path: Path) -> None:
    """tests/fixtures/pdf-book (the README's picture): four real posts of December 2007 as chapters."""
    book = copy_book("pdf-book", tmp_path)
    Cm(book)("book", "set", "author", "Jeanne d'Arc").ok()
    Cm(book)("export", "pdf").ok()
    reader = PdfReader(book / "build" / "le-client-militant.pdf")
    assert reader.metadata.author == "Jeanne d’Arc"  # the apostrophe, as in the text and bookmarks
    text = "\n".join(pages_text(reader))
    assert "concours ;-)" in text  # an emoticon is not punctuation
    assert "type «\u202fradiohead\u202f»" in text  # "radiohead" typed with straight quotes
    assert reader.pages[2].extract_text().splitlines() == [
        "Jeanne d’Arc",
        "Le client militant",
        "Billets de décembre 2007",
        "Éditions du Test",
    ]
    assert [title for _, title, _ in outline_entries(reader)] == [
        "1 L’idée du livre",
        "1.1 J’écris un livre",
        "1.2 Le modèle Radio Head pour la presse",
        "2 Les marchés numériques",
        "2.1 Une offre de téléchargement légal",
        "2.2 Emma, Paul… etc.",
    ]
