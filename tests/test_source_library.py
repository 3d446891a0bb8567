"""`cm source add/list/show/link/unlink/remove` on the small fixture book, and `cm outline show --sources`."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Cm, snapshot


def listing(cm: Cm, *args: str) -> list[dict]:
    return json.loads(cm("source", "list", "--json", *args).ok().stdout)["sources"]


def test_list_json_shape(cm: Cm) -> None:
    data = json.loads(cm("source", "list", "--json").ok().stdout)
    assert data["version"] == 1
    radio, frottement = data["sources"]
    assert radio == {
        "id": "radio-head",
        "url": "http://jbp.typepad.com/jb/2007/12/le-modle-radio.html",
        "title": "Le modèle Radio Head pour la presse",
        "author": "JBP",
        "date": "2007-12-13",
        "site": "jbp.typepad.com",
        "archived": False,
        "sections": [
            {"number": "1.2", "id": "fidelisation", "title": "Informatique, Fidélisation"},
            {"number": "2.1", "id": "web20", "title": "Web2.0 : modularité"},
        ],
    }
    assert frottement["id"] == "frottement" and frottement["date"] == "2007-11"


def test_list_table_and_filters(cm: Cm) -> None:
    out = cm("source", "list").ok().stdout
    assert "radio-head" in out and "Le modèle Radio Head pour la presse" in out and "1.2, 2.1" in out
    assert [r["id"] for r in listing(cm, "--section", "fidelisation")] == ["radio-head"]
    assert [r["id"] for r in listing(cm, "--section", "2.1")] == ["radio-head", "frottement"]
    assert listing(cm, "--unlinked") == []
    cm("source", "add", "--title", "Un billet seul", "--date", "3 mars 2008").ok()
    assert [r["id"] for r in listing(cm, "--unlinked")] == ["un-billet-seul"]
    missing = cm("source", "list", "--section", "9.9")
    assert missing.code == 2 and "no section '9.9'" in missing.stderr


def test_add_with_a_file_archives_it_and_links_it(cm: Cm, small_book: Path, tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text("Le texte du billet, « tel quel ».\n\nSecond paragraphe.\n", encoding="utf-8")
    result = cm(
        "source", "add", "https://www.example.fr/2008/01/etre-client.html", "--file", str(post),
        "--title", "Être client", "--author", "Anne", "--date", "January 5th, 2008", "--link", "1.1", "--link", "reseaux",
    ).ok()  # fmt: skip
    assert "added etre-client" in result.stdout and "(archived)" in result.stdout
    assert "linked to 1.1" in result.stdout and "linked to 2.1.1" in result.stdout
    shown = json.loads(cm("source", "show", "etre-client", "--json").ok().stdout)
    assert shown["site"] == "www.example.fr" and shown["date"] == "2008-01-05" and shown["archived"] is True
    assert shown["text"] == "Le texte du billet, « tel quel ».\n\nSecond paragraphe."
    assert shown["file"] == "sources/etre-client.md" and shown["comments"] == []
    archive = (small_book / "sources" / "etre-client.md").read_text(encoding="utf-8")
    assert archive.startswith("---\ntitle: Être client\n")
    tree = cm("outline", "show", "--sources").ok().stdout
    assert "etre-client: Être client (Anne, 2008-01-05)" in tree


def test_add_refusals_change_nothing(cm: Cm, small_book: Path, tmp_path: Path) -> None:
    before = snapshot(small_book, keep_lock=True)
    for args, message in [
        (("http://jbp.typepad.com/jb/2007/12/le-modle-radio.html/",), "already registered as 'radio-head'"),
        (("--title", "x", "--date", "demain"), "--date 'demain' is not a date"),
        (("--title", "x", "--link", "7"), "no section '7'"),
        (("--title", "x", "--id", "radio-head"), "the id 'radio-head' is already used"),
        (("--title", "x", "--file", str(tmp_path / "none.md")), "none.md: no such file"),
        ((), "give the post's URL, its --title or its --file"),
        (("ftp://x",), "is not a web address"),
    ]:
        result = cm("source", "add", *args)
        assert result.code == 2 and message in result.stderr, (args, result)
    assert snapshot(small_book, keep_lock=True) == before


def test_show_a_source_that_is_not_archived(cm: Cm) -> None:
    out = cm("source", "show", "frottement").ok().stdout
    assert "http://jbp.typepad.com/jb/2007/11/labsence-de-fro.html" in out
    assert "sections: 2.1 Web2.0 : modularité" in out
    assert "not archived" in out
    shown = json.loads(cm("source", "show", "frottement", "--json").ok().stdout)
    assert shown["text"] is None and shown["file"] is None and shown["archived"] is False
    missing = cm("source", "show", "radio-hed")
    assert missing.code == 2 and "no source 'radio-hed'; did you mean radio-head?" in missing.stderr


def test_show_prints_text_and_comments(cm: Cm, small_book: Path) -> None:
    (small_book / "sources").mkdir()
    (small_book / "sources" / "frottement.md").write_text(
        "---\ntitle: L'absence de frottement\ncomments:\n- author: xgc\n  date: 2008-01-06T14:22\n  text: Bravo\n---\n\n"
        "Le *frottement* crée de la valeur.\n",
        encoding="utf-8",
    )
    out = cm("source", "show", "frottement").ok().stdout
    assert "Le *frottement* crée de la valeur." in out  # piped: the Markdown as stored
    assert "1 comment" in out and "xgc  2008-01-06T14:22" in out and "Bravo" in out
    assert listing(cm)[1]["archived"] is True


def test_a_broken_archive_is_named_with_its_line(cm: Cm, small_book: Path) -> None:
    (small_book / "sources").mkdir()
    (small_book / "sources" / "frottement.md").write_text("---\ntitle: [oops\n---\ntext\n", encoding="utf-8")
    result = cm("source", "show", "frottement")
    assert result.code == 2 and "sources/frottement.md:" in result.stderr and "front matter" in result.stderr


def test_link_and_unlink(cm: Cm, small_book: Path) -> None:
    result = cm("source", "link", "frottement", "1.1", "fidelisation", "2.1").ok()
    assert "frottement linked to 1.1" in result.stdout and "already linked to 2.1" in result.stdout
    assert [s["number"] for s in listing(cm)[1]["sections"]] == ["1.1", "1.2", "2.1"]
    cm("source", "unlink", "frottement", "1.1", "1.2").ok()
    assert [s["number"] for s in listing(cm)[1]["sections"]] == ["2.1"]
    before = snapshot(small_book, keep_lock=True)
    refused = cm("source", "unlink", "frottement", "2.1", "1.1")  # 1.1 is not linked: nothing changes
    assert (
        refused.code == 2 and "source 'frottement' is not linked to section 1.1; it is linked to 2.1" in refused.stderr
    )
    missing = cm("source", "link", "nope", "1.1")
    assert missing.code == 2 and "no source 'nope'" in missing.stderr
    missing = cm("source", "link", "frottement", "4")
    assert missing.code == 2 and "no section '4'" in missing.stderr
    assert snapshot(small_book, keep_lock=True) == before


def test_remove_is_refused_while_linked_unless_forced(cm: Cm, small_book: Path) -> None:
    (small_book / "sources").mkdir()
    (small_book / "sources" / "radio-head.md").write_text("---\ntitle: Radio\n---\n\nLe texte.\n", encoding="utf-8")
    before = snapshot(small_book, keep_lock=True)
    refused = cm("source", "remove", "radio-head")
    assert refused.code == 2
    assert "source 'radio-head' is linked to section 1.2, 2.1" in refused.stderr and "--force" in refused.stderr
    assert snapshot(small_book, keep_lock=True) == before
    result = cm("source", "remove", "radio-head", "--force").ok()
    assert "unlinked from 1.2" in result.stdout and "removed/sources/radio-head.md" in result.stdout
    assert [r["id"] for r in listing(cm)] == ["frottement"]
    assert not (small_book / "sources" / "radio-head.md").exists()
    assert (small_book / "removed" / "sources" / "radio-head.md").read_text(encoding="utf-8").endswith("Le texte.\n")
    assert "radio-head" not in (small_book / "outline.yaml").read_text(encoding="utf-8")
    cm("undo").ok()  # the registry, the links and the archive come back
    assert (small_book / "sources" / "radio-head.md").exists()
    assert [s["number"] for s in listing(cm)[0]["sections"]] == ["1.2", "2.1"]


def test_remove_an_unlinked_source(cm: Cm) -> None:
    cm("source", "unlink", "frottement", "2.1").ok()
    cm("source", "remove", "frottement").ok()
    assert [r["id"] for r in listing(cm)] == ["radio-head"]


def test_every_source_command_has_help_with_an_example(cm: Cm) -> None:
    for command in ("list", "show", "add", "link", "unlink", "remove", "import", "suggest"):
        out = cm("source", command, "--help").ok().stdout
        assert "Example: cm source" in out, command


def test_add_an_html_file_archives_it_as_markdown(cm: Cm, tmp_path: Path) -> None:
    page = tmp_path / "billet.html"
    page.write_text("<p>Un <strong>billet</strong> : « le client ».</p>", encoding="utf-8")
    cm("source", "add", "--title", "Un billet", "--date", "2008-01", "--file", str(page)).ok()
    shown = json.loads(cm("source", "show", "un-billet", "--json").ok().stdout)
    assert shown["text"] == "Un **billet** : « le client »." and shown["date"] == "2008-01"
