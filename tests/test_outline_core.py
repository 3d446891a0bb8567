"""The outline core through the real `cm` command: show, restructure, points, book metadata, undo."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from conftest import Cm, snapshot

from clientmilitant.storage import outline_file


def outline_of(folder: Path):
    return outline_file.loads((folder / "outline.yaml").read_bytes())


def numbered(folder: Path) -> list[tuple[str, str]]:
    """(number, id) of every section, in reading order."""
    from clientmilitant.core.model import walk

    return [(located.number, located.section.id) for located in walk(outline_of(folder))]


# --- outline show ---------------------------------------------------------------------------------


def test_show_draws_the_tree_with_numbers_status_words_and_sources(cm):
    out = cm("outline", "show").ok().stdout
    assert "Le petit livre — Un essai de test" in out
    assert "1.1 Marché de masses, communication de masses" in out
    assert "2.1.1 Le grand chambardement des réseaux sociaux" in out
    assert "34/300 words" in out  # chapters/masses.md, without its HTML comment
    assert "2 sources" in out
    assert "→ bref intro sur la notion de commerce" in out
    assert "\x1b[" not in out  # NO_COLOR and not a terminal: no colour codes


def test_show_depth_points_and_sources_options(cm):
    out = cm("outline", "show", "--depth", "1").ok().stdout
    assert "1 Le client est un consommateur" in out and "1.1" not in out
    out = cm("outline", "show", "--no-points").ok().stdout
    assert "1.1 Marché" in out and "→" not in out
    out = cm("outline", "show", "--sources").ok().stdout
    assert "↗ radio-head: Le modèle Radio Head pour la presse (JBP, 2007-12-13)" in out
    assert "↗ frottement: http://jbp.typepad.com/jb/2007/11/labsence-de-fro.html (2007-11)" in out


def test_show_json_has_the_documented_shape(cm):
    data = json.loads(cm("outline", "show", "--json").ok().stdout)
    assert data["version"] == 1
    assert data["book"]["title"] == "Le petit livre" and data["book"]["lang"] == "fr-FR"
    assert data["book"]["date"] == "2026-01-15"  # a date stays the text written
    first = data["parts"][0]
    assert set(first) == {
        "number",
        "id",
        "title",
        "depth",
        "status",
        "target",
        "words",
        "chapter",
        "points",
        "sources",
        "notes",
        "sections",
    }
    masses, fidelisation = first["sections"]
    assert (masses["number"], masses["id"], masses["words"], masses["target"]) == ("1.1", "masses", 34, 300)
    assert masses["chapter"] == "chapters/masses.md" and masses["status"] == "draft"
    assert fidelisation["status"] == "idea" and fidelisation["chapter"] is None
    assert fidelisation["points"] == ["yes", "1.10"]  # never True or 1.1
    assert data["parts"][1]["sections"][0]["sections"][0]["number"] == "2.1.1"
    assert [s["id"] for s in data["sources"]] == ["radio-head", "frottement"]
    shallow = json.loads(cm("outline", "show", "--json", "--depth", "1").ok().stdout)
    assert all(part["sections"] == [] for part in shallow["parts"])


def test_commands_find_the_book_from_a_subfolder_or_from_option_and_env(cm, small_book, tmp_path):
    assert "Le petit livre" in cm("outline", "show", cwd=small_book / "chapters").ok().stdout
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert (
        "Le petit livre"
        in cm("--outline", str(small_book / "outline.yaml"), "outline", "show", cwd=elsewhere).ok().stdout
    )
    assert "Le petit livre" in cm("--outline", str(small_book), "outline", "show", cwd=elsewhere).ok().stdout
    assert "Le petit livre" in cm("outline", "show", cwd=elsewhere, env={"CM_OUTLINE": str(small_book)}).ok().stdout


def test_no_book_is_one_clear_line_and_status_2(tmp_path):
    result = Cm(tmp_path)("outline", "show")
    assert result.code == 2
    assert result.stderr.count("\n") == 1 and "no outline.yaml" in result.stderr and "cm init" in result.stderr
    assert list(tmp_path.iterdir()) == []


# --- section add / move / remove / rename / set --------------------------------------------------------


def test_section_add_prints_number_and_id_and_places_it(cm, small_book):
    assert "added 3 Conclusion  conclusion" in cm("section", "add", "Conclusion").ok().stdout
    assert (
        "added 1.2 Le boycott, arme du client  le-boycott-arme-du-client"
        in cm("section", "add", "Le boycott, arme du client", "--under", "1", "--position", "2").ok().stdout
    )
    cm("section", "add", "Avant tout", "--before", "masses", "--id", "avant").ok()
    cm("section", "add", "Après", "--after", "2.1.1").ok()
    assert numbered(small_book) == [
        ("1", "consommateur"),
        ("1.1", "avant"),
        ("1.2", "masses"),
        ("1.3", "le-boycott-arme-du-client"),
        ("1.4", "fidelisation"),
        ("2", "militant"),
        ("2.1", "web20"),
        ("2.1.1", "reseaux"),
        ("2.1.2", "apres"),
        ("3", "conclusion"),
    ]


def test_section_add_makes_unique_ascii_ids(cm, small_book):
    cm("section", "add", "Économie & société", "--under", "2").ok()
    cm("section", "add", "Économie & société", "--under", "2").ok()
    ids = [i for _, i in numbered(small_book)]
    assert "economie-societe" in ids and "economie-societe-2" in ids


def test_section_add_refusals_change_nothing(cm, small_book):
    before = snapshot(small_book, keep_lock=True)
    for args, message in [
        (("--id", "masses"), "the id 'masses' is already used"),
        (("--id", "../evil"), "not a valid section id"),
        (("--under", "4.9"), "no section '4.9'; the book has parts 1 to 2"),
        (("--under", "1.9"), "no section '1.9'; section 1 has sections 1.1 to 1.2"),
        (("--under", "fidelsation"), "did you mean fidelisation?"),
        (("--under", "1", "--position", "9"), "--position must be between 1 and 3"),
        (("--before", "1.1", "--after", "1.2"), "cannot be used together"),
    ]:
        result = cm("section", "add", "Nouveau", *args)
        assert result.code == 2, (args, result)
        assert message in result.stderr and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert snapshot(small_book, keep_lock=True) == before


def test_section_move_in_every_direction_keeps_ids_and_files(cm, small_book):
    chapter = (small_book / "chapters" / "web20.md").read_bytes()
    assert "moved to 1.3" in cm("section", "move", "web20", "--under", "1").ok().stdout
    cm("section", "move", "1.3", "--up").ok()
    assert numbered(small_book)[1:4] == [("1.1", "masses"), ("1.2", "web20"), ("1.2.1", "reseaux")]
    cm("section", "move", "web20", "--down").ok()
    cm("section", "move", "fidelisation", "--before", "masses").ok()
    cm("section", "move", "reseaux", "--top", "--position", "1").ok()
    cm("section", "move", "masses", "--after", "militant").ok()
    assert numbered(small_book) == [
        ("1", "reseaux"),
        ("2", "consommateur"),
        ("2.1", "fidelisation"),
        ("2.2", "web20"),
        ("3", "militant"),
        ("4", "masses"),
    ]
    assert (small_book / "chapters" / "web20.md").read_bytes() == chapter


def test_section_move_refuses_impossible_moves(cm, small_book):
    before = snapshot(small_book, keep_lock=True)
    for args, message in [
        (("2", "--under", "2.1.1"), "under itself or its own sub-section"),
        (("2.1", "--under", "2.1"), "under itself"),
        (("1.1", "--up"), "already first"),
        (("1.2", "--down"), "already last"),
        (("1.1",), "say where to move it"),
        (("1.1", "--up", "--under", "2"), "say where to move it"),
    ]:
        result = cm("section", "move", *args)
        assert result.code == 2 and message in result.stderr, (args, result)
    assert snapshot(small_book, keep_lock=True) == before


def test_section_remove_refuses_children_and_text_then_sets_text_aside(cm, small_book):
    before = snapshot(small_book, keep_lock=True)
    assert "has 1 sub-section(s)" in cm("section", "remove", "2.1").stderr
    assert "has written text" in cm("section", "remove", "masses").stderr
    assert snapshot(small_book, keep_lock=True) == before
    cm("section", "remove", "fidelisation").ok()  # a leaf without text goes quietly
    out = cm("section", "remove", "web20", "--force").ok().stdout
    assert "removed (with 1 sub-section) 2.1" in out and "removed/web20.md" in out
    assert not (small_book / "chapters" / "web20.md").exists()
    assert (small_book / "removed" / "web20.md").read_bytes() == before["chapters/web20.md"]
    assert [i for _, i in numbered(small_book)] == ["consommateur", "masses", "militant"]
    undone = cm("undo").ok().stdout
    assert "section remove web20" in undone and "back in chapters/web20.md" in undone
    assert (small_book / "chapters" / "web20.md").read_bytes() == before["chapters/web20.md"]
    assert "web20" in [i for _, i in numbered(small_book)]


def test_removing_twice_never_overwrites_set_aside_text(cm, small_book):
    cm("section", "remove", "masses", "--force").ok()
    cm("section", "add", "Encore", "--id", "masses").ok()
    (small_book / "chapters" / "masses.md").write_text("Deuxième version.\n", encoding="utf-8")
    assert "removed/masses-2.md" in cm("section", "remove", "masses", "--force").ok().stdout
    assert (small_book / "removed" / "masses.md").read_text(encoding="utf-8").startswith("<!-- Plan")


def test_rename_keeps_the_id_and_set_changes_status_target_notes(cm, small_book):
    cm("section", "rename", "1.1", "Marché  de masses").ok()
    cm("section", "set", "masses", "--status", "revised", "--target", "2000", "--notes", "relire : « ok »").ok()
    section = outline_of(small_book).parts[0].sections[0]
    assert (section.id, section.title, section.status, section.target) == (
        "masses",
        "Marché de masses",
        "revised",
        2000,
    )
    assert section.notes == "relire : « ok »"
    cm("section", "set", "masses", "--target", "0", "--notes", "").ok()
    section = outline_of(small_book).parts[0].sections[0]
    assert section.target is None and section.notes is None
    result = cm("section", "set", "masses", "--status", "drfat")
    assert result.code == 2 and "did you mean draft?" in result.stderr


# --- points ------------------------------------------------------------------------------------------


def test_points_add_move_remove(cm, small_book):
    cm("point", "add", "1.1", "le client devient juge", "--position", "1").ok()
    cm("point", "add", "masses", "Non").ok()
    cm("point", "move", "1.1", "4", "--to", "2").ok()
    assert outline_of(small_book).parts[0].sections[0].points == [
        "le client devient juge",
        "Non",
        "bref intro sur la notion de commerce",
        "développement au XXème siècle",
    ]
    assert "removed point 1 of 1.1: le client devient juge" in cm("point", "remove", "1.1", "1").ok().stdout
    result = cm("point", "remove", "1.1", "9")
    assert result.code == 2 and "has points 1 to 3; there is no point 9" in result.stderr
    assert cm("point", "remove", "2", "1").code == 2  # a part without points


# --- YAML that stays the author's text -----------------------------------------------------------------


def test_yaml_1_1_lookalikes_stay_text_both_ways(cm, small_book):
    for text in ["yes", "NO", "Non", "1.10", "012", "12:30", "2007-12-13", "null", "~", "Secteurs concernés : tout"]:
        cm("section", "add", text, "--under", "2").ok()
        cm("point", "add", "2", text).ok()
    outline = outline_of(small_book)
    titles = [s.title for s in outline.parts[1].sections[1:]]
    expected = ["yes", "NO", "Non", "1.10", "012", "12:30", "2007-12-13", "null", "~", "Secteurs concernés : tout"]
    assert titles == expected and outline.parts[1].points == expected
    import yaml  # the file is also plain, standard YAML for any other reader

    data = yaml.safe_load((small_book / "outline.yaml").read_text(encoding="utf-8"))
    assert data["parts"][1]["points"] == expected


def test_written_yaml_is_canonical_small_diff_unicode(cm, small_book):
    cm("book", "set", "rights", "© 2026").ok()  # normalise the hand-written fixture once
    before = (small_book / "outline.yaml").read_text(encoding="utf-8").splitlines()
    cm("section", "rename", "masses", "Marché de masses").ok()
    after = (small_book / "outline.yaml").read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=False) if a != b]
    assert len(before) == len(after) and changed == [
        ("    title: Marché de masses, communication de masses", "    title: Marché de masses")
    ]
    text = "\n".join(after)
    assert "\\u" not in text and "© 2026" in text and "cm rewrites this file" in text
    block = text[text.index("id: masses") :]
    assert block.index("title:") < block.index("status: draft") < block.index("target: 300") < block.index("points:")


def test_save_keeps_permissions_and_follows_a_symlinked_outline(cm, small_book, tmp_path):
    outline = small_book / "outline.yaml"
    os.chmod(outline, 0o640)
    cm("section", "add", "Un").ok()
    assert stat.S_IMODE(outline.stat().st_mode) == 0o640
    real = tmp_path / "kept-elsewhere.yaml"
    outline.rename(real)
    outline.symlink_to(real)
    cm("section", "add", "Deux").ok()
    assert outline.is_symlink() and "title: Deux" in real.read_text(encoding="utf-8")
    assert not [p for p in small_book.iterdir() if p.name.endswith(".tmp")]


def test_bad_outline_is_one_line_with_file_line_column_and_nothing_changes(cm, small_book):
    path = small_book / "outline.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "  sections:\n  - id: masses", "  sections: masses\n  - id: masses", 1
        ),
        encoding="utf-8",
    )
    before = snapshot(small_book, keep_lock=True)
    for args in (("outline", "show"), ("section", "add", "X"), ("point", "add", "1", "x")):
        result = cm(*args)
        assert result.code == 2 and result.stderr.startswith("cm: outline.yaml:"), result
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    duplicate = path.read_text(encoding="utf-8").replace(
        "sections: masses\n  - id: masses", "sections:\n  - id: masses\n    id: masses"
    )
    path.write_text(duplicate, encoding="utf-8")
    before = snapshot(small_book, keep_lock=True)
    result = cm("section", "add", "X")
    assert result.code == 2 and ":18:5: duplicate key 'id' in a section (first at line 17)" in result.stderr
    assert snapshot(small_book, keep_lock=True) == before and not (small_book / ".cm").exists()


def test_sections_must_be_a_list_message(cm, small_book):
    path = small_book / "outline.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "    sections:\n    - id: reseaux\n      title: Le grand chambardement des réseaux sociaux\n      points:\n      - Réseaux sociaux = ensemble de personnes physiques\n",
        "    sections: reseaux\n",
    )
    path.write_text(text, encoding="utf-8")
    result = cm("outline", "show")
    line = text.splitlines().index("    sections: reseaux") + 1
    assert result.stderr == f"cm: outline.yaml:{line}:15: 'sections' must be a list\n"


# --- book metadata, init, undo --------------------------------------------------------------------------


def test_book_set_and_show(cm, small_book):
    assert "book author: Jean-Baptiste Dupont" in cm("book", "set", "author", "Jean-Baptiste Dupont").ok().stdout
    cm("book", "set", "cover", "images/couverture.jpg").ok()
    meta = json.loads(cm("book", "show", "--json").ok().stdout)
    assert meta["author"] == "Jean-Baptiste Dupont" and meta["cover"] == "images/couverture.jpg"
    before = snapshot(small_book, keep_lock=True)
    for args, message in [
        (("cover", "../outside.jpg"), "points outside the book"),
        (("cover", "/etc/passwd"), "points outside the book"),
        (("lang", "français"), "not a language tag"),
        (("autor", "X"), "did you mean author?"),
        (("identifier", "urn:x"), "no book setting 'identifier'"),
    ]:
        result = cm("book", "set", *args)
        assert result.code == 2 and message in result.stderr, (args, result)
    assert snapshot(small_book, keep_lock=True) == before


def test_init_creates_a_book_and_refuses_twice(tmp_path):
    cm = Cm(tmp_path)
    assert "created outline.yaml" in cm("init", "--title", "Un autre livre", "--lang", "en-GB").ok().stdout
    assert (tmp_path / "chapters").is_dir() and (tmp_path / ".cm" / ".gitignore").exists()
    meta = json.loads(cm("book", "show", "--json").ok().stdout)
    assert meta["title"] == "Un autre livre" and meta["lang"] == "en-GB"
    assert json.loads(cm("outline", "show", "--json").ok().stdout)["parts"] == []
    result = cm("init", "--title", "Encore")
    assert result.code == 2 and "already exists" in result.stderr


def test_undo_steps_back_through_the_last_20_changes(cm, small_book):
    original = (small_book / "outline.yaml").read_bytes()
    assert "nothing to undo" in cm("undo").stderr
    for n in range(22):
        cm("section", "add", f"S{n}").ok()
    assert len(list((small_book / ".cm" / "history").glob("*.yaml"))) == 20
    for n in range(20):
        assert f"section add 'S{21 - n}'" in cm("undo").ok().stdout
    assert [t for t in (s.title for s in outline_of(small_book).parts)][-2:] == ["S0", "S1"]
    assert cm("undo").code == 2
    assert original != (small_book / "outline.yaml").read_bytes()
    assert (small_book / ".cm" / ".gitignore").read_text().strip().endswith("*")
