"""`cm source import` on the corpus of tests/fixtures/imports/: every platform's shape, every rule."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, Cm, copy_book, snapshot
from test_source_import import by_title, sources

from clientmilitant.storage.archive import read_archive
from clientmilitant.storage.book import Book

IMPORTS = FIXTURES / "imports"


def corpus(*names: str) -> list[str]:
    return [str(IMPORTS / name) for name in names]


def archive(cm: Cm, title: str):
    return read_archive(Book.at(cm.cwd), by_title(cm)[title]["id"])


@pytest.fixture
def plan_book(tmp_path: Path) -> Cm:
    return Cm(copy_book("plan-book", tmp_path))


# --- WordPress --------------------------------------------------------------------------------


def test_wordpress_6_export_with_the_https_namespace(cm: Cm) -> None:
    result = cm("source", "import", *corpus("wxr-1.2-https.xml")).ok()
    assert "WordPress export, 4 posts" in result.stdout
    assert (
        "skipped: 1 attachment, 1 draft, 1 future, 1 nav_menu_item, 1 page, 1 pending, 1 private, 1 product, "
        "1 revision, 1 trash, 1 wp_global_styles" in " ".join(result.stdout.split())
    )
    titles = set(by_title(cm))
    assert {"La Fraise & ses clients", "Le client juge – Gutenberg", "Même adresse, autre billet"} <= titles
    assert not titles & {"Brouillon", "En relecture", "Privé", "Programmé", "Jeté", "À propos", "Custom Styles"}
    fraise = archive(cm, "La Fraise & ses clients")
    # autop: a single newline is a line break, a blank line a paragraph; [caption] reduced to its content
    assert fraise.text.startswith("La Fraise fait *voter* ses clients.\\\nChaque semaine, un nouveau tee-shirt.\n\n")
    assert "Un second paragraphe, écrit « à la française »." in fraise.text
    assert (
        "![Un tee-shirt](https://marketing.example.fr/wp-content/uploads/2008/02/fraise.jpg) Le tee-shirt"
        in fraise.text
    )
    assert "[caption" not in fraise.text and "[/caption]" not in fraise.text
    assert fraise.text.endswith("- un\n- deux")
    assert (fraise.meta["categories"], fraise.meta["tags"]) == ("Marketing", "tee-shirts, communauté")
    # dc:creator holds the login (`marie`); the post is signed with the author's display name, as on the blog
    assert fraise.meta["author"] == "Marie"
    # approved comments only (no spam, no pending, no pingback), threaded
    assert [(c.author, c.ref, c.parent, c.url) for c in fraise.comments] == [
        ("Luc", "5", "", "https://luc.example.org"),
        ("marie", "6", "5", ""),
    ]
    assert fraise.comments[0].text == "Bel exemple !\\\nEt bien trouvé."
    gutenberg = archive(cm, "Le client juge – Gutenberg")
    assert gutenberg.text == (
        "Premier paragraphe d’un billet écrit avec l’éditeur de blocs.\n\n> Le client est roi, mais il vote.\n\n"
        "Un lien vers [l’étude](https://example.org/etude)."
    )


def test_two_wordpress_posts_sharing_a_link_are_kept_apart_and_said_so(cm: Cm) -> None:
    result = cm("source", "import", *corpus("wxr-1.2-https.xml")).ok()
    assert "item 3: « Même adresse, autre billet » shares its link with « La Fraise & ses clients »" in result.stderr
    assert "kept as two sources" in result.stderr
    rows = by_title(cm)
    assert rows["Même adresse, autre billet"]["id"] != rows["La Fraise & ses clients"]["id"]
    assert rows["Même adresse, autre billet"]["url"] == rows["La Fraise & ses clients"]["url"]
    assert archive(cm, "Même adresse, autre billet").text.startswith("Un autre billet")
    before = snapshot(cm.cwd, keep_lock=True)
    again = cm("source", "import", *corpus("wxr-1.2-https.xml")).ok()
    assert "nothing new: 4 unchanged" in again.stdout
    assert snapshot(cm.cwd, keep_lock=True) == before


def test_an_untitled_post_is_titled_from_its_first_words_with_a_warning(cm: Cm) -> None:
    result = cm("source", "import", *corpus("wxr-1.2-https.xml")).ok()
    assert "item 4: no title; titled from its first words « Un billet publié sans titre, comme un statut,… »" in (
        result.stderr
    )
    untitled = archive(cm, "Un billet publié sans titre, comme un statut,…")
    assert untitled.meta["title_from"] == "first words"


def test_drafts_and_pages_on_request(cm: Cm) -> None:
    result = cm("source", "import", "--drafts", "--pages", *corpus("wxr-1.2-https.xml")).ok()
    out = " ".join(result.stdout.split())
    assert "WordPress export, 9 posts" in out
    assert "skipped: 1 attachment, 1 nav_menu_item, 1 product, 1 revision, 1 trash, 1 wp_global_styles" in out
    assert "Brouillon (draft)" in out and "Privé (private)" in out
    statuses = {t: archive(cm, t).meta.get("status", "") for t in ("Brouillon", "En relecture", "Privé", "Programmé")}
    assert statuses == {"Brouillon": "draft", "En relecture": "pending", "Privé": "private", "Programmé": "future"}
    assert archive(cm, "À propos").text == "Qui suis-je ?"
    assert "status" not in archive(cm, "La Fraise & ses clients").meta


def test_wxr_1_0_and_1_1_with_the_http_namespace(cm: Cm) -> None:
    result = cm("source", "import", *corpus("wxr-1.0-http.xml", "wxr-1.1-http.xml")).ok()
    assert result.stdout.count("WordPress export, 1 post") == 2
    old = archive(cm, "Le consomacteur")
    assert old.text == "Le client devient acteur.\n\nIl **choisit**."
    assert (old.meta["date"], old.meta["author"], old.meta["categories"]) == ("2008-01-20", "jbp", "Général")
    assert [(c.author, c.url, c.text) for c in old.comments] == [("Anne", "http://anne.example.org", "D'accord.")]
    assert "Le consomacteur (1.1)" in by_title(cm)


def test_json_summary(cm: Cm) -> None:
    data = json.loads(cm("source", "import", "--json", *corpus("wxr-1.2-https.xml")).ok().stdout)
    assert data["summary"] == {
        "imported": 4, "updated": 0, "unchanged": 0,
        "skipped": {"attachment": 1, "draft": 1, "future": 1, "nav_menu_item": 1, "page": 1, "pending": 1,
                    "private": 1, "product": 1, "revision": 1, "trash": 1, "wp_global_styles": 1},
    }  # fmt: skip
    assert [f["format"] for f in data["files"]] == ["WordPress export"]
    assert {p["action"] for p in data["posts"]} == {"new"}
    assert {"where": f"{IMPORTS / 'wxr-1.2-https.xml'}: item 5", "reason": "draft", "detail": ""} in data["skipped"]
    assert any("shares its link" in w for w in data["warnings"])


# --- Movable Type / Typepad -----------------------------------------------------------------------


def test_a_typepad_export_keeps_urls_comments_and_line_breaks(plan_book: Cm) -> None:
    cm = plan_book
    result = cm("source", "import", *corpus("mt-typepad.txt")).ok()
    assert "Movable Type export, 2 posts" in result.stdout
    assert "skipped: 1 bad post, 1 draft" in result.stdout
    assert "mt-typepad.txt:92: skipped: expected 'KEY: value'" in result.stderr  # the line that is wrong
    rows = sources(cm)
    radio = rows["le-modle-radio"]  # UNIQUE URL: matched with the plan's link, not a new source
    assert (radio["title"], radio["date"], radio["archived"]) == (
        "Le modèle Radio Head pour la presse",
        "2007-12-13",
        True,
    )
    assert rows["tre-et-paratre"]["archived"] and len(rows) == 4
    radio_archive = read_archive(Book.at(cm.cwd), "le-modle-radio")
    assert radio_archive.text == (
        "Enfin une bonne nouvelle pour la presse.\\\nRadiohead montre la voie.\n\n"
        "Le prix libre, c'est *le client qui décide*.\n\nLa suite du billet, après « Lire la suite »."
    )
    assert (radio_archive.meta["categories"], radio_archive.meta["tags"]) == (
        "Médias, Musique",
        "modèle économique, presse",
    )
    comments = [(c.author, c.date, c.url, c.text) for c in radio_archive.comments]
    assert comments == [
        (
            "xgc",
            "2007-12-14T14:22",
            "http://xgc.example.org",
            "Bonjour,\\\nJe ne suis pas d'accord.\n\nCordialement,\\\nXgc",
        ),
        ("Anne", "2007-12-15T21:05", "", "Et les autres majors ?"),  # a 24-hour date
        ("Luc", "2007-12-20T18:00", "", "Un commentaire importé à part."),  # NO ENTRY: 1
    ]  # fmt: skip — the PING is not a comment
    etre = read_archive(Book.at(cm.cwd), "tre-et-paratre")
    assert etre.text == "Les valeurs d’abord.\n\nPuis l’image."  # CONVERT BREAKS: 0, HTML as is
    assert etre.comments[0].text == "Premier commentaire,\\\nsur deux lignes."  # comments keep their breaks
    assert "Un brouillon jamais publié" not in by_title(cm)


def test_windows_1252_inside_utf8_is_decoded_with_a_warning(cm: Cm) -> None:
    result = cm("source", "import", *corpus("mt-mixed-cp1252.txt")).ok()
    assert "mt-mixed-cp1252.txt:11: 2 lines in Windows-1252, not UTF-8: read as Windows-1252" in result.stderr
    cafe = archive(cm, "Café et crème")
    assert cafe.text == "Un texte en UTF-8 : été."
    assert [(c.author, c.text) for c in cafe.comments] == [
        ("René", "C’est un vieux commentaire, écrit en Windows-1252.")
    ]


def test_a_byte_that_no_charset_explains_is_refused_with_its_line(cm: Cm) -> None:
    before = snapshot(cm.cwd, keep_lock=True)
    result = cm("source", "import", *corpus("mt-bad-byte.txt"))
    assert result.code == 2 and result.stderr.count("\n") == 1
    assert "mt-bad-byte.txt:8: byte 0x81 is neither UTF-8 nor Windows-1252" in result.stderr
    assert snapshot(cm.cwd, keep_lock=True) == before


def test_movable_type_drafts_on_request(cm: Cm) -> None:
    cm("source", "import", "--drafts", *corpus("mt-typepad.txt")).ok()
    assert archive(cm, "Un brouillon jamais publié").meta["status"] == "draft"


def test_movable_type_files_as_converters_and_mt_4_write_them(cm: Cm) -> None:
    """A file opening with `--------` was read as a text dump: one invented post titled `-------- AUTHOR…`."""
    result = cm("source", "import", *corpus("mt-leading-separator.txt", "mt-single-entry.txt")).ok()
    assert result.stdout.count("Movable Type export") == 2 and "text dump" not in result.stdout
    assert set(by_title(cm)) >= {"Le client zappeur", "Le client fidèle ?", "Le boycott, arme du client"}
    assert not any("AUTHOR" in title for title in by_title(cm))
    zappeur = archive(cm, "Le client zappeur")
    assert (zappeur.meta["date"], zappeur.meta["categories"]) == ("2004-07-14", "Consommateur")
    assert zappeur.text == "Le client zappe d’une marque à l’autre.\\\nIl compare, il hésite."
    boycott = archive(cm, "Le boycott, arme du client")
    assert [(c.author, c.url, c.date) for c in boycott.comments] == [
        ("Édouard", "http://edouard.example.org", "2007-09-07T07:32"),
        ("Lise", "", "2007-09-07T10:05"),
    ]
    assert "[une étude sur le boycott](http://www.example.org/etude/)" in boycott.text
    assert boycott.text.endswith("J’y reviendrai.")


# --- Blogger ----------------------------------------------------------------------------------------


def test_blogger_classic_and_takeout_exports(cm: Cm) -> None:
    result = cm("source", "import", *corpus("blogger-classic.xml", "blogger-takeout.atom")).ok()
    assert "skipped: 1 deleted, 2 draft, 1 page" in result.stdout
    assert set(by_title(cm)) >= {"Le prix du lien", "La carte SIM & la banque"}
    assert not set(by_title(cm)) & {"Un brouillon Blogger", "Brouillon Takeout", "Supprimé", "Contact"}
    lien = archive(cm, "Le prix du lien")
    assert lien.meta["author"] == "JBP" and lien.meta["categories"] == "marketing"
    assert lien.text == "Un billet sur les liens.\\\nEt une deuxième ligne.\n\nUn autre paragraphe."
    assert [(c.author, c.url) for c in lien.comments] == [("Anonymous", ""), ("Paul", "http://paul.example.org")]
    sim = archive(cm, "La carte SIM & la banque")
    assert sim.meta["url"] == "https://clientmilitant.blogspot.com/2012/07/la-carte-sim.html"  # blogger:filename
    assert [(c.author, c.parent.rsplit("-", 1)[-1] if c.parent else "") for c in sim.comments] == [
        ("Marie", ""), ("JBP", "5")
    ]  # fmt: skip
    shown = json.dumps([c.author for a in (lien, sim) for c in a.comments] + [lien.meta["author"]])
    assert "noreply" not in shown


def test_blogger_pages_on_request(cm: Cm) -> None:
    cm("source", "import", "--pages", *corpus("blogger-takeout.atom")).ok()
    assert archive(cm, "Contact").text == "Écrivez-moi."


# --- feeds --------------------------------------------------------------------------------------------


def test_feeds_in_every_encoding(cm: Cm) -> None:
    names = ("rss-utf16-bom.xml", "rss-utf16be-nobom.xml", "rss-windows-1252.xml", "rss-iso-8859-15.xml")
    cm("source", "import", *corpus(*names)).ok()
    for label in ("UTF-16", "UTF-16BE", "Windows-1252"):
        text = archive(cm, f"Été {label} : « ça déménage »").text
        assert text == f"Les clients d’été, déçus, réclament… {label}."
    assert archive(cm, "Été à 10 € : « ça déménage »").text == "Les clients d'été, déçus, réclament l'œuvre."
    every = "".join(p.read_text(encoding="utf-8") for p in (cm.cwd / "sources").glob("*.md"))
    assert "\ufffd" not in every and "Ã" not in every


def test_rss_0_91_1_0_and_atom_0_3_1_0(cm: Cm) -> None:
    names = ("rss-0.91.xml", "rss-1.0-rdf.xml", "atom-0.3.xml", "atom-1.0.xml")
    cm("source", "import", *corpus(*names)).ok()
    rows = by_title(cm)
    assert rows["Le boycott"]["url"] == "http://vieux.example.fr/2003/05/le-boycott.html"
    assert (rows["La marque et le client"]["date"], rows["La marque et le client"]["author"]) == ("2004-02-10", "Anne")
    assert rows["Le client ambassadeur"]["date"] == "2005-03-01"
    assert archive(cm, "Le client ambassadeur").text == "Le client **ambassadeur**."
    assert archive(cm, "Le crowdsourcing & vous").text == (
        "Premier paragraphe.\n\n> Une citation.\n\n![La foule](https://atom10.example.fr/img/foule.png)"
    )


def test_titles_lose_their_tags_and_entities_and_shared_links_stay_two(cm: Cm) -> None:
    result = cm("source", "import", *corpus("rss-2.0-shared-link.xml")).ok()
    rows = by_title(cm)
    assert "Le client militant & la marque" in rows  # was « Le client <em>militant</em> &amp; la marque »
    assert "Une mise à jour du plan" in rows
    assert (
        "entry 2: « Une mise à jour du plan » shares its link with « Le client militant & la marque »" in result.stderr
    )
    assert "entry 3: no title; titled from its first words « Un billet sans titre sur la fidélité, publié… »" in (
        result.stderr
    )


def test_an_ill_formed_feed_is_refused_with_its_position_or_read_with_lenient(cm: Cm) -> None:
    before = snapshot(cm.cwd, keep_lock=True)
    refused = cm("source", "import", *corpus("rss-ill-formed.xml"))
    assert refused.code == 2 and "Traceback" not in refused.stderr
    assert "rss-ill-formed.xml:15:56: not a well-formed feed" in refused.stderr and "--lenient" in refused.stderr
    assert snapshot(cm.cwd, keep_lock=True) == before
    lenient = cm("source", "import", "--lenient", *corpus("rss-ill-formed.xml")).ok()
    assert "cm: warning: " in lenient.stderr and "--lenient: imported the 2 entries read" in lenient.stderr
    assert {"Premier billet, intact", "Second billet, abîmé"} <= set(by_title(cm))


def test_a_body_with_unclosed_markup_does_not_swallow_the_next_post(cm: Cm, tmp_path: Path) -> None:
    """An unclosed comment or list in one body must not carry the next post's text away: each body
    is parsed on its own (an unclosed `<ul><li>` is the list a browser shows)."""
    bodies = (
        "&lt;p&gt;Texte&lt;/p&gt;&lt;!-- jamais fermé",
        "&lt;p&gt;Le suivant.&lt;/p&gt;",
        "&lt;ul&gt;&lt;li&gt;un",
        "fin",
    )
    items = "".join(
        f"<item><title>Billet {n}</title><link>http://x.example.fr/{n}.html</link><description>{body}</description></item>"
        for n, body in enumerate(bodies)
    )
    feed = tmp_path / "unclosed.xml"
    feed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>')
    cm("source", "import", str(feed)).ok()
    assert [archive(cm, f"Billet {n}").text for n in (0, 1, 3)] == ["Texte", "Le suivant.", "fin"]
    assert archive(cm, "Billet 2").text == "- un"


# --- every file of the corpus ----------------------------------------------------------------------


def test_the_whole_corpus_imported_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    cm = Cm(copy_book("small-book", tmp_path))
    files = [p for p in sorted(IMPORTS.iterdir()) if p.suffix in (".xml", ".atom", ".txt") and "bad" not in p.name]
    files = [p for p in files if "ill-formed" not in p.name]
    copies = tmp_path / "in"
    copies.mkdir()
    for path in files:
        shutil.copy(path, copies / path.name)
    first = cm("source", "import", *(str(copies / p.name) for p in files)).ok()
    assert "new" in first.stdout
    before = snapshot(cm.cwd, keep_lock=True)
    second = cm("source", "import", *(str(copies / p.name) for p in files)).ok()
    assert second.stdout.splitlines()[-1].startswith("nothing new:")
    assert snapshot(cm.cwd, keep_lock=True) == before


# --- text copied from blog pages ---------------------------------------------------------------------


def test_pages_copied_in_other_layouts(cm: Cm) -> None:
    result = cm("source", "import", *corpus("dump-layouts.txt")).ok()
    assert "text dump, 4 posts" in result.stdout  # the blog's name and menu above the first post are no post
    rows = by_title(cm)
    wanted = {
        "Le plan du livre": ("2007-12-31", "JBP"),  # date line above the title, « Publié par … dans … »
        "The attention economy": ("2007-11-26", "JBP"),  # « Monday, November 26, 2007 », Blogger's byline below
        "Le client et la marque": ("2007-11-26", "JBP"),  # a second post under the same date
        "Le prix du lien": ("2012-05-30", "Marie Dupont"),  # date under the title, « Posted by X in Y »
    }
    assert {t: (rows[t]["date"], rows[t]["author"]) for t in wanted} == wanted
    plan = archive(cm, "Le plan du livre")
    assert plan.text.endswith("Il reste beaucoup à écrire.")  # « Libellés : » and the heading are not text
    assert [(c.author, c.date, c.text) for c in plan.comments] == [
        ("Anne", "2008-01-01T10:05", "Bravo pour le plan.\nEt bon courage."),  # Blogger: « NAME a dit… », text, date
        ("Paul", "2008-01-02T18:30", "Vivement la suite !"),
    ]
    lien = archive(cm, "Le prix du lien")  # WordPress: « NAME dit : », date, text
    assert [(c.author, c.date, c.text) for c in lien.comments] == [
        ("Luc", "2012-05-30T12:15", "Très juste, merci."),
        ("Marie", "2012-05-30T14:02", "Merci Luc !"),
    ]
    assert archive(cm, "Le client et la marque").text.startswith("Deux billets le même jour")
    # the sidebar is left out, and the line that could not be read is named
    assert "dump-layouts.txt:66: not read: text after the sidebar that starts line 58" in result.stderr
    every = "".join(p.read_text(encoding="utf-8") for p in (cm.cwd / "sources").glob("*.md"))
    assert "Archives" not in every and "colonne latérale" not in every and "Powered" not in every
