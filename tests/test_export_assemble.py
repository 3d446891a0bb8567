"""The pure half of the export: the book → one Markdown document (clientmilitant/services/export/assemble.py),
and the reading of pandoc's messages (clientmilitant/services/export/pandoc.py), without running an export."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, Cm, copy_book

from clientmilitant.core.errors import CmError, Failed
from clientmilitant.services.export import assemble, pandoc
from clientmilitant.storage import outline_file


def outline():
    return outline_file.loads((FIXTURES / "export-book" / "outline.yaml").read_bytes())


def chapters() -> dict[str, str]:
    return {
        path.stem: path.read_text(encoding="utf-8") for path in (FIXTURES / "export-book" / "chapters").glob("*.md")
    }


def read_back(markdown: str) -> dict:
    process = subprocess.run(
        [pandoc.find_pandoc(), "-f", "markdown", "-t", "json"], input=markdown.encode(), capture_output=True, check=True
    )
    return json.loads(process.stdout)


def plain(inlines: list) -> str:
    out = []
    for inline in inlines:
        if inline["t"] == "Str":
            out.append(inline["c"])
        elif inline["t"] in ("Space", "SoftBreak"):
            out.append(" ")
        elif inline["t"] == "Quoted":
            quote = '"' if inline["c"][0]["t"] == "DoubleQuote" else "'"
            out.append(quote + plain(inline["c"][1]) + quote)
        else:
            raise AssertionError(f"markup where plain text was expected: {inline}")
    return "".join(out)


TRICKY = [
    "- une liste ?",
    "1. un numéro",
    "1.10",
    "NO",
    "*pas d'italique*",
    "[pas un lien](#web20)",
    "Web2.0 : modularité {#faux-id}",
    "# pas un titre",
    "<b>pas du HTML</b> & co",
    "a_b_c ~x~ ^y^ $z$ @cite `code` \\ | > <",
]


def test_markdown_text_reads_back_as_the_same_text() -> None:
    """Titles and points are the author's plain text: pandoc must give back exactly what was typed."""
    document = read_back("\n".join(f"- {assemble.markdown_text(text)}" for text in TRICKY))
    items = document["blocks"][0]["c"]
    assert [plain(item[0]["c"]).replace("’", "'") for item in items] == TRICKY  # ’: smart apostrophe


def test_metadata_block_keeps_strings_strings() -> None:
    block = assemble.metadata_block({"title": "NO", "subtitle": "1.10", "date": "2007-12-13", "rights": ""})
    assert "rights" not in block  # empty values are left out
    meta = read_back(block + "\nTexte.\n")["meta"]
    assert {key: plain(value["c"]) for key, value in meta.items()} == {
        "title": "NO",
        "subtitle": "1.10",
        "date": "2007-12-13",
    }


def test_select_keeps_ancestors_as_headings_only() -> None:
    chosen = assemble.select(outline(), assemble.Selection(refs=("reseaux",)))
    assert [(e.located.number, e.full) for e in chosen] == [("2", False), ("2.1", False), ("2.1.1", True)]
    by_status = assemble.select(outline(), assemble.Selection(statuses=("revised",)))
    assert [(e.located.number, e.full) for e in by_status] == [("2", False), ("2.1", True), ("3", True)]
    part = assemble.select(outline(), assemble.Selection(parts=("1",)))
    assert [e.located.section.id for e in part] == ["consommateur", "masses", "fidelisation"]


def test_select_refuses_a_section_given_as_a_part() -> None:
    with pytest.raises(CmError, match="section 2.1 is not a part"):
        assemble.select(outline(), assemble.Selection(parts=("2.1",)))


def test_section_links_skip_comments_and_code() -> None:
    text = (
        "<!-- [pas](#masses)\n-- ni ça -->\n"
        'Voir [ici](#web20) et [là](#masses "titre").\n'
        "```\n[code](#reseaux)\n```\n"
        "Et [encore](#fidelisation).\n"
        "[ref]: #boycott\n"
    )
    assert assemble.section_links(text) == [(3, "web20"), (3, "masses"), (7, "fidelisation"), (8, "boycott")]


def test_check_links_names_file_and_line_of_a_link_left_out() -> None:
    book = outline()
    chosen = assemble.select(book, assemble.Selection(parts=("3",)))
    with pytest.raises(Failed) as error:
        assemble.check_links(book, chosen, chapters())
    assert str(error.value).startswith("chapters/entreprises.md:11: links to section 1.1 (masses)")


def test_has_text_ignores_the_template_comment() -> None:
    assert not assemble.has_text(None)
    assert not assemble.has_text("<!-- Plan -- acheter, c'est voter -->\n\n")
    assert assemble.has_text("<!-- plan -->\nUn mot.\n")


def test_a_chapter_cannot_close_its_fence() -> None:
    text = chapters()["entreprises"]
    fence = assemble.fence_for(text)
    assert len(fence) == 5  # the chapter holds a ```` fence
    book = outline()
    assembly = assemble.assemble(book, assemble.select(book, assemble.Selection(parts=("1", "3"))), chapters())
    blocks = read_back(assembly.markdown)["blocks"]
    chapter_blocks = [b for b in blocks if b["t"] == "CodeBlock" and "cm-chapter" in b["c"][0][1]]
    assert chapter_blocks[-1]["c"][1] == text.rstrip("\n")


def test_assembly_input_is_in_outline_order_with_typed_metadata() -> None:
    book = outline()
    assembly = assemble.assemble(book, assemble.select(book, assemble.Selection()), chapters(), identifier="urn:uuid:x")
    assert assembly.depth == 3
    assert assembly.chapter_files == [
        "chapters/consommateur.md",
        "chapters/masses.md",
        "chapters/web20.md",
        "chapters/reseaux.md",
        "chapters/entreprises.md",
    ]
    assert assembly.metadata["identifier"] == "urn:uuid:x"
    assert assembly.metadata["toc-title"] == "Table des matières"
    assert [s.id for s in assembly.sources] == ["radio-head", "frottement"]  # order of first use
    assert 'level="4"' in assembly.markdown  # chapter headings start below the deepest outline level


def test_pandoc_messages_name_the_chapter() -> None:
    stderr = (
        "cm-chapter\tchapters/a.md\n"
        "[WARNING] Note with key 'x' defined at line 7 column 1 but not used.\n"
        "cm-chapter-end\n"
        "[WARNING] Could not fetch resource image.png: replacing image with description\n"
    )
    assert pandoc.read_messages(stderr) == [
        "chapters/a.md:7: Note with key 'x' defined but not used.",
        "Could not fetch resource image.png: replacing image with description",
    ]


def test_a_heading_that_took_a_section_id_receives_the_chapter_links(tmp_path: Path) -> None:
    """As `cm check` warns (hidden-section): inside that chapter, `#fidelisation` is its own heading."""
    folder = copy_book("small-book", tmp_path)
    (folder / "chapters" / "web20.md").write_text(
        "Voir [plus bas](#fidelisation).\n\n## La fidélisation {#fidelisation}\n\nTexte.\n", encoding="utf-8"
    )
    (folder / "chapters" / "masses.md").write_text("Voir [la section](#fidelisation).\n", encoding="utf-8")
    Cm(folder)("export", "markdown", "-o", "out.md").ok()
    text = (folder / "out.md").read_text(encoding="utf-8")
    assert "[plus bas](#web20--fidelisation)" in text
    assert "[la section](#fidelisation)" in text
