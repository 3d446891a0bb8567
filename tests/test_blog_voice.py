"""Blog-voice lint, repeated passages and quotes without author in `cm check`; credits in the export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Cm

from clientmilitant.services.check import voice


def findings(cm: Cm, code: str | None = None) -> list[dict]:
    result = cm("check", "--json")
    assert result.code == 0, result.stderr
    items = json.loads(result.stdout)["findings"]
    return [f for f in items if code is None or f["code"] == code]


def write(book: Path, name: str, text: str) -> None:
    (book / "chapters" / f"{name}.md").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    "rule, text, found",
    [
        ("ce-billet", "Dans ce billet, je parle du client.", "ce billet"),
        ("ce-billet", "Cet article est long.", "Cet article"),
        ("dernier-billet", "Comme dans mon dernier billet, le client change.", "mon dernier billet"),
        ("cliquez-ici", "Pour la suite, cliquez ici.", "cliquez ici"),
        ("ci-dessous-lien", "Voir la vidéo ci-dessous : [vidéo](http://exemple.org/v).", "ci-dessous"),
        ("en-commentaire", "Dites-le moi en commentaire.", "en commentaire"),
        ("hier", "Hier, j'ai vu un client.", "Hier"),
        ("aujourdhui", "Aujourd’hui le client décide.", "Aujourd’hui"),
        ("semaine-derniere", "La semaine dernière, un client a boycotté.", "La semaine dernière"),
        ("bare-url", "Lire http://exemple.org/page, puis revenir.", "http://exemple.org/page"),
        ("lien-placeholder", "Le rapport [lien] le montre.", "[lien]"),
        ("via", "Une belle étude, via @jbp.", "via @jbp"),
        ("edit-note", "Le texte.\n\nMAJ : la suite est parue.", "MAJ :"),
        ("edit-note", "Le texte.\n\nEDIT 2 : encore.", "EDIT 2 :"),
    ],
)
def test_each_rule_finds_its_mark(cm: Cm, small_book: Path, rule: str, text: str, found: str) -> None:
    write(small_book, "fidelisation", f"Une première ligne sans rien.\n{text}\n")
    hits = [f for f in findings(cm, "blog-voice") if f["rule"] == rule]
    assert len(hits) == 1, hits
    hit = hits[0]
    line = 2 + text[: text.index(found)].count("\n")
    column = text.split("\n")[line - 2].index(found) + 1
    assert (hit["file"], hit["line"], hit["column"], hit["number"]) == ("chapters/fidelisation.md", line, column, "1.2")
    assert hit["message"].startswith(f"« {found} »: ") and hit["hint"]


def test_prose_only_quotes_comments_code_and_links_are_left_alone(cm: Cm, small_book: Path) -> None:
    write(
        small_book,
        "fidelisation",
        "<!-- Dans ce billet : le plan. -->\n"
        "> Dans ce billet, disait Marie, hier.\n"
        "`http://exemple.org/code` et [un lien](http://exemple.org/ok) et <http://exemple.org/auto>\n"
        "\n[ref]: http://exemple.org/ref\n"
        "```\ncliquez ici\n```\n"
        "Le billet de blog est un genre. Un article de presse aussi.\n",
    )
    assert findings(cm, "blog-voice") == []


def test_the_terminal_line_has_place_rule_and_suggestion(cm: Cm, small_book: Path) -> None:
    write(small_book, "fidelisation", "Dans ce billet, rien.\n")
    out = cm("check").ok().stdout
    assert (
        "chapters/fidelisation.md:1:6: warning [blog-voice:ce-billet] 1.2 fidelisation: « ce billet »: "
        "the text calls itself a blog post\n"
        "    → it is a book now: « ce chapitre », « ce livre », or name the idea\n"
    ) in out


def test_rules_switched_off_and_added_in_outline_yaml(cm: Cm, small_book: Path) -> None:
    write(small_book, "fidelisation", "Aujourd'hui, sur mon site, hier.\n")
    outline = small_book / "outline.yaml"
    outline.write_text(
        outline.read_text(encoding="utf-8")
        + "lint:\n  disable:\n  - aujourdhui\n  - pas-une-regle\n  rules:\n  - id: mon-blog\n"
        "    pattern: sur (?:mon|ce) site\n    message: parle du site\n    suggestion: dites « ici »\n",
        encoding="utf-8",
    )
    hits = findings(cm)
    rules = [f["rule"] for f in hits if f["code"] == "blog-voice"]
    assert rules == ["mon-blog", "hier"]
    mine = next(f for f in hits if f["rule"] == "mon-blog")
    assert (mine["message"], mine["hint"], mine["column"]) == ("« sur mon site »: parle du site", "dites « ici »", 14)
    settings = [f for f in hits if f["code"] == "lint-settings"]
    assert len(settings) == 1 and "'pas-une-regle'" in settings[0]["message"]
    cm("section", "rename", "1.2", "Informatique").ok()  # cm keeps the lint settings when it rewrites the file
    assert "  - id: mon-blog\n    pattern: sur (?:mon|ce) site\n" in outline.read_text(encoding="utf-8")


def test_a_pattern_that_is_no_regular_expression_is_refused_with_its_place(cm: Cm, small_book: Path) -> None:
    outline = small_book / "outline.yaml"
    text = outline.read_text(encoding="utf-8") + "lint:\n  rules:\n  - id: casse\n    pattern: sur (mon blog\n"
    outline.write_text(text, encoding="utf-8")
    line = text.count("\n")
    result = cm("outline", "show")
    assert result.code == 2
    assert result.stderr.startswith(f"cm: outline.yaml:{line}:14: the pattern is not a valid regular expression")


def test_shipped_rules_compile_and_have_ids_messages_suggestions() -> None:
    rules = voice.shipped_rules()
    assert len({r.id for r in rules}) == len(rules) >= 12
    for rule in voice.active_rules(type("L", (), {"rules": [], "disable": []})()):
        assert rule.message and rule.suggestion


PASSAGE = (
    "Le client militant veut être entendu par les marques qui lui vendent des produits tous les jours "
    "sans jamais lui demander son avis sur quoi que ce soit dans la vie ordinaire."
)


def test_repeated_passage_is_reported_at_both_places(cm: Cm, small_book: Path) -> None:
    write(small_book, "fidelisation", f"Un début.\n\n{PASSAGE}\n")
    write(small_book, "reseaux", f"Autre chose d'abord. {PASSAGE.upper()} Et la suite.\n")
    hits = findings(cm, "repeated-passage")
    assert [(f["file"], f["line"], f["column"]) for f in hits] == [
        ("chapters/fidelisation.md", 3, 1),
        ("chapters/reseaux.md", 1, 22),
    ]
    assert hits[0]["message"] == "these 32 words are also in chapters/reseaux.md:1:22 (2.1.1 reseaux)"
    assert hits[1]["message"] == "these 32 words are also in chapters/fidelisation.md:3:1 (1.2 fidelisation)"


def test_a_short_shared_phrase_is_no_repeat(cm: Cm, small_book: Path) -> None:
    short = " ".join(PASSAGE.split()[:24])
    write(small_book, "fidelisation", short + "\n")
    write(small_book, "reseaux", short + "\n")
    assert findings(cm, "repeated-passage") == []


def test_quoted_post_and_comment_without_author_are_warned(cm: Cm, small_book: Path) -> None:
    write(
        small_book,
        "fidelisation",
        "Texte.\n\n<!-- cm:seed frottement quote | L'absence de frottement | | 2007-11 | -->\n\n> Le texte cité.\n\n"
        "<!-- cm:comment frottement | | 2008-01-06 -->\n\n> Un commentaire.\n\n<!-- cm:seed-end frottement -->\n",
    )
    hits = findings(cm, "quote-without-author")
    assert [(f["line"], f["message"]) for f in hits] == [
        (3, "a quoted post is quoted without its author's name (L'absence de frottement)"),
        (7, "a quoted reader's comment is quoted without its author's name (frottement)"),
    ]


def test_export_credits_quoted_posts_comments_and_feedback(cm: Cm, small_book: Path) -> None:
    write(
        small_book,
        "fidelisation",
        "<!-- cm:seed radio-head quote | Le modèle Radio Head pour la presse | JBP | 2007-12-13 | "
        "http://jbp.typepad.com/jb/2007/12/le-modle-radio.html -->\n\n> Payez ce que vous voulez.\n\n"
        "<!-- cm:comment radio-head | xgc | 2008-01-06T14:22 -->\n\n> Et la bibliographie ?\n\n"
        "<!-- cm:seed-end radio-head -->\n\n"
        "Comme l'écrit Marie : « le frottement est une chance pour le petit commerce du quartier ».\n",
    )
    cm(
        "feedback", "add", "1.2", "Le frottement est une chance pour le petit commerce du quartier, non ?",
        "--author", "Marie", "--date", "2008-01-08", "--url", "http://exemple.org/c1",
    ).ok()  # fmt: skip
    cm("feedback", "add", "1.2", "Un avis jamais cité dans le livre.", "--author", "Paul").ok()
    cm("export", "markdown", "-o", "livre.md").ok()
    text = (small_book / "livre.md").read_text(encoding="utf-8")
    credits = text[text.index("# Sources et crédits {#cm--sources .cm-part}") :]
    assert (
        "Textes cités\u00a0:\n\n- JBP, *Le modèle Radio Head pour la presse*, 2007-12-13, "
        "<http://jbp.typepad.com/jb/2007/12/le-modle-radio.html>\n"
    ) in credits
    assert (
        "Commentaires de lecteurs cités\u00a0:\n\n"  # no-break space: the French typography filter
        "- xgc, sur *Le modèle Radio Head pour la presse*, 2008-01-06T14:22, "
        "<http://jbp.typepad.com/jb/2007/12/le-modle-radio.html>\n"
        "- Marie, 2008-01-08, <http://exemple.org/c1>\n"
    ) in credits
    assert "Paul" not in credits
    cm("book", "set", "lang", "en").ok()
    cm("export", "markdown", "-o", "book.md").ok()
    english = (small_book / "book.md").read_text(encoding="utf-8")
    assert "# Sources and credits {#cm--sources .cm-part}" in english and "Quoted texts:" in english
