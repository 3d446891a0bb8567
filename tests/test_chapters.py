"""`cm chapter edit` and `cm chapter path`: the template, the editor, idea → draft, paths for scripts."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from xml.dom import minidom

import pytest
from conftest import snapshot

from clientmilitant.core import model
from clientmilitant.core.errors import CmError
from clientmilitant.services import chapters


def editor_script(folder: Path, body: str) -> Path:
    """A tiny 'editor' for VISUAL: a shell script run with the chapter's path as its last argument."""
    script = folder / "fake-editor.sh"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def appending_editor(folder: Path, text: str) -> dict[str, str]:
    script = editor_script(folder, f'for last; do :; done; printf "%s\\n" "{text}" >> "$last"')
    return {"VISUAL": str(script)}


def section_json(cm, ref: str) -> dict:
    data = json.loads(cm("outline", "show", "--json").ok().stdout)

    def find(nodes):
        for node in nodes:
            if ref in (node["number"], node["id"]):
                return node
            found = find(node["sections"])
            if found:
                return found
        return None

    return find(data["parts"])


def comment_is_valid_xml(text: str) -> None:
    """The template's comment as an XHTML page would hold it: `--` inside makes this raise."""
    start, end = text.index("<!--"), text.index("-->") + 3
    minidom.parseString(f"<p>{text[start:end]}</p>".encode())


# --- the template -------------------------------------------------------------------------------


def test_template_holds_the_plan_in_one_comment(small_book: Path):
    from clientmilitant.storage.book import Book

    outline = Book.at(small_book).load()
    text = chapters.template(outline, model.find(outline, "2.1"))
    assert text.startswith("<!--\n") and text.count("<!--") == 1 and text.count("-->") == 1
    assert "2.1 Web2.0 : modularité  (web20)" in text
    assert "Le modèle Radio Head pour la presse — http://jbp.typepad.com/jb/2007/12/le-modle-radio.html" in text
    assert "http://jbp.typepad.com/jb/2007/11/labsence-de-fro.html" in text  # a source without a title: its url
    comment_is_valid_xml(text)


def test_template_never_holds_a_double_hyphen():
    section = model.Section(
        id="tirets",
        title="Le client -- militant",
        points=["avant --> après", "<!-- pas un commentaire -->", "trois --- tirets", "fin -"],
    )
    outline = model.Outline(parts=[section])
    text = chapters.template(outline, model.find(outline, "1"))
    body = text[len("<!--") : text.index("-->")]
    assert "--" not in body
    assert "avant \u2010\u2010> après" in body  # the point is still readable
    assert "trois \u2010\u2010\u2010 tirets" in body
    comment_is_valid_xml(text)


# --- cm chapter edit ----------------------------------------------------------------------------


def test_edit_creates_the_chapter_drafts_the_section_and_runs_the_editor(cm, small_book: Path):
    assert section_json(cm, "fidelisation")["status"] == "idea"
    result = cm("chapter", "edit", "1.2", env=appending_editor(small_book, "Le client fidèle, « vraiment » ?")).ok()
    chapter = small_book / "chapters" / "fidelisation.md"
    text = chapter.read_text(encoding="utf-8")
    assert text.startswith("<!--\n1.2 Informatique, Fidélisation  (fidelisation)")
    assert "  • yes\n  • 1.10\n" in text  # points as typed
    assert "Le modèle Radio Head pour la presse" in text
    assert text.endswith("-->\n\nLe client fidèle, « vraiment » ?\n")
    assert "created chapters/fidelisation.md" in result.stdout and "idea → draft" in result.stdout
    assert "4 words" in result.stdout  # the comment is not counted
    node = section_json(cm, "1.2")
    assert node["status"] == "draft" and node["words"] == 4 and node["chapter"] == "chapters/fidelisation.md"


def test_editing_again_keeps_the_text_and_the_status(cm, small_book: Path):
    chapter = small_book / "chapters" / "web20.md"
    before = chapter.read_text(encoding="utf-8")
    result = cm("chapter", "edit", "web20", env=appending_editor(small_book, "Une phrase de plus.")).ok()
    assert chapter.read_text(encoding="utf-8") == before + "Une phrase de plus.\n"
    assert "created" not in result.stdout
    assert section_json(cm, "web20")["status"] == "revised"
    assert not (small_book / ".cm" / "history").exists()  # outline.yaml untouched: nothing to undo


def test_a_section_past_idea_keeps_its_status(cm, small_book: Path):
    cm("section", "set", "2.1.1", "--status", "revised").ok()
    cm("chapter", "edit", "2.1.1", env=appending_editor(small_book, "Texte.")).ok()
    assert (small_book / "chapters" / "reseaux.md").exists()
    assert section_json(cm, "reseaux")["status"] == "revised"


def test_undo_brings_the_status_back(cm, small_book: Path):
    cm("chapter", "edit", "reseaux", env=appending_editor(small_book, "Texte.")).ok()
    assert section_json(cm, "reseaux")["status"] == "draft"
    cm("undo").ok()
    assert section_json(cm, "reseaux")["status"] == "idea"


def test_editor_command_with_arguments_and_the_editor_variable(cm, small_book: Path):
    # $EDITOR is used when $VISUAL is unset; its arguments are split as a shell would split them.
    script = editor_script(small_book, 'printf "%s|" "$@" > "$(dirname "$0")/args.txt"; printf "Mot\\n" >> "$2"')
    env = {"VISUAL": "", "EDITOR": f"{script} '--wait here'"}
    cm("chapter", "edit", "1.2", env=env).ok()
    args = (small_book / "args.txt").read_text(encoding="utf-8").split("|")
    assert args[0] == "--wait here"
    assert Path(args[1]).resolve() == (small_book / "chapters" / "fidelisation.md").resolve()


def test_editor_fallback_order():
    assert chapters.editor_command({"VISUAL": "sh -c 'x'", "EDITOR": "ls"}) == ["sh", "-c", "x"]
    assert chapters.editor_command({"VISUAL": "  ", "EDITOR": "ls -l"}) == ["ls", "-l"]


def test_editor_fallback_is_nano_then_vi(monkeypatch):
    on_path: set[str] = {"nano", "vi"}
    monkeypatch.setattr(chapters.shutil, "which", lambda name: f"/usr/bin/{name}" if name in on_path else None)
    assert chapters.editor_command({}) == ["nano"]
    on_path.discard("nano")
    assert chapters.editor_command({"VISUAL": "", "EDITOR": " "}) == ["vi"]
    on_path.clear()
    with pytest.raises(CmError, match="no editor found"):
        chapters.editor_command({})


def test_missing_editor_is_refused_before_anything_is_created(cm, small_book: Path):
    before = snapshot(small_book)
    result = cm("chapter", "edit", "1.2", env={"VISUAL": "no-such-editor-xyz --wait"})
    assert result.code == 2
    assert result.stderr.startswith("cm: the editor 'no-such-editor-xyz' (from $VISUAL) is not on your PATH")
    assert "Traceback" not in result.stderr
    assert snapshot(small_book) == before


def test_an_editor_that_fails_exits_1(cm, small_book: Path):
    script = editor_script(small_book, "exit 3")
    result = cm("chapter", "edit", "web20", env={"VISUAL": str(script)})
    assert result.code == 1
    assert "exited with status 3" in result.stderr


def test_bad_ref_is_refused(cm, small_book: Path):
    before = snapshot(small_book)
    result = cm("chapter", "edit", "9.9", env=appending_editor(small_book, "x"))
    assert result.code == 2 and result.stderr.startswith("cm: no section '9.9'")
    after = snapshot(small_book)
    after.pop("fake-editor.sh")
    assert after == before


def test_edit_refuses_a_chapter_linked_outside_the_book(cm, small_book: Path, tmp_path: Path):
    outside = tmp_path / "ailleurs.md"
    outside.write_text("secret\n", encoding="utf-8")
    os.symlink(outside, small_book / "chapters" / "reseaux.md")
    result = cm("chapter", "edit", "reseaux", env=appending_editor(small_book, "x"))
    assert result.code == 2 and "leads outside" in result.stderr
    assert outside.read_text(encoding="utf-8") == "secret\n"


def test_edit_refuses_a_dangling_link_outside_the_book(cm, small_book: Path, tmp_path: Path):
    target = tmp_path / "would-be-created.md"
    os.symlink(target, small_book / "chapters" / "reseaux.md")
    result = cm("chapter", "edit", "reseaux", env=appending_editor(small_book, "x"))
    assert result.code == 2 and "leads outside" in result.stderr
    assert not target.exists()


# --- cm chapter path ----------------------------------------------------------------------------


def test_path_prints_the_chapter_path_for_scripts(cm, small_book: Path):
    assert cm("chapter", "path", "2.1").ok().stdout == "chapters/web20.md\n"
    assert cm("chapter", "path", "reseaux").ok().stdout == "chapters/reseaux.md\n"  # not written yet
    assert not (small_book / "chapters" / "reseaux.md").exists()  # printing the path creates nothing
    below = small_book / "chapters"
    assert cm("chapter", "path", "1.1", cwd=below).ok().stdout == "masses.md\n"  # relative to where you are
    elsewhere = cm("--outline", str(small_book), "chapter", "path", "1.1", cwd=small_book.parent.parent).ok().stdout
    assert (small_book.parent.parent / elsewhere.strip()).resolve() == (below / "masses.md").resolve()


def test_path_json(cm):
    data = json.loads(cm("chapter", "path", "2.1.1", "--json").ok().stdout)
    assert data == {"number": "2.1.1", "id": "reseaux", "path": "chapters/reseaux.md", "exists": False}


@pytest.mark.parametrize("ref", ["3", "2.9", "web-20"])
def test_path_of_an_unknown_section(cm, ref: str):
    result = cm("chapter", "path", ref)
    assert result.code == 2 and result.stdout == "" and result.stderr.startswith(f"cm: no section '{ref}'")


def test_editor_command_rejects_unbalanced_quotes():
    with pytest.raises(CmError, match="cannot be read as a command"):
        chapters.editor_command({"VISUAL": "code 'oops"})
