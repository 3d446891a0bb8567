"""`cm source import`: the author's real text dumps, feeds, WXR and Movable Type exports, merging."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import COMMITTED_BOOK, SAMPLES, Cm, copy_book, snapshot

from clientmilitant.storage.archive import read_archive
from clientmilitant.storage.book import Book

DUMP = SAMPLES / "blog-jbp-2007-12.txt"
PLAN_POST = SAMPLES / "plan-post-with-comments.txt"

# The ten posts of December 2007, in the order of the dump; two under the header of 1 December.
DECEMBER_POSTS = [
    ("Le client militant : le plan", "2007-12-31"),
    ("Meilleurs voeux 2008", "2007-12-28"),
    ("J'écris un livre : le client militant", "2007-12-14"),
    ("Le modèle Radio Head pour la presse", "2007-12-13"),
    ("Le nouveau Fauchon est en ligne", "2007-12-12"),
    ("Qui connaît le Blox Notes ?", "2007-12-11"),
    ("Inciter au développement d'une offre de téléchargement légal", "2007-12-07"),
    ("Emma, Paul...etc.", "2007-12-05"),
    ("Inspirational Stores", "2007-12-01"),
    ("Les services bancaires dans votre carte SIM", "2007-12-01"),
]


@pytest.fixture
def book_copy(tmp_path: Path) -> Path:
    """The plan as committed before any import: its sections and the four typepad posts it cites.

    tests/fixtures/plan-book/outline.yaml is the repository's outline.yaml of that time (the one
    in the repository now also holds the imported December posts)."""
    return copy_book("plan-book", tmp_path)


def sources(cm: Cm) -> dict[str, dict]:
    return {row["id"]: row for row in json.loads(cm("source", "list", "--json").ok().stdout)["sources"]}


def by_title(cm: Cm) -> dict[str, dict]:
    return {row["title"]: row for row in sources(cm).values() if row["title"]}


def test_the_december_dump_gives_its_ten_posts_with_titles_and_dates(book_copy: Path) -> None:
    cm = Cm(book_copy)
    result = cm("source", "import", str(DUMP)).ok()
    assert "10 posts" in result.stdout
    rows = by_title(cm)
    assert [(t, rows[t]["date"]) for t, _ in DECEMBER_POSTS] == DECEMBER_POSTS
    assert all(rows[t]["archived"] for t, _ in DECEMBER_POSTS)
    book = Book.at(book_copy)
    services = read_archive(book, rows["Les services bancaires dans votre carte SIM"]["id"])
    assert services.text.startswith("C'est ce que nous apprend l'Atelier")
    assert services.text.endswith("Nos banques nationales me semblent vraiment à la ramasse...")
    stores = read_archive(book, rows["Inspirational Stores"]["id"])
    assert "Les services bancaires" not in stores.text  # the second post of the day is not in the first
    plan = read_archive(book, rows["Le client militant : le plan"]["id"])
    assert plan.text.startswith("Comme promis, voici le fil conducteur")
    assert "Wikimedia → appel aux dons" in plan.text  # the Symbol-font arrow, as in the outline
    assert "vendredi 28 décembre 2007" not in plan.text and "Meilleurs voeux" not in plan.text
    assert plan.meta["imported_from"] == "blog-jbp-2007-12.txt:3"


def test_the_radio_head_post_merges_with_the_plans_link(book_copy: Path) -> None:
    cm = Cm(book_copy)
    result = cm("source", "import", str(DUMP)).ok()
    assert "merged (url slug)" in result.stdout
    radio = sources(cm)["le-modle-radio"]
    assert radio["title"] == "Le modèle Radio Head pour la presse"
    assert radio["date"] == "2007-12-13"
    assert radio["url"] == "http://jbp.typepad.com/jb/2007/12/le-modle-radio.html"
    assert radio["archived"] is True
    assert [s["id"] for s in radio["sections"]] == ["modeles-economiques"]
    assert read_archive(Book.at(book_copy), "le-modle-radio").text.startswith("Enfin un bonne nouvelle")
    # one source, not two: no other source carries the title
    assert [r["id"] for r in sources(cm).values() if r["title"] == radio["title"]] == ["le-modle-radio"]
    # the three other plan links are not in the dump: metadata only, not archived, still linked
    for source_id in ("labsence-de-fro", "radio-head-le", "tre-et-paratre"):
        row = sources(cm)[source_id]
        assert row["archived"] is False and row["sections"] and row["title"] == ""


def test_a_second_import_adds_nothing(book_copy: Path) -> None:
    cm = Cm(book_copy)
    cm("source", "import", str(DUMP), str(PLAN_POST)).ok()
    before = snapshot(book_copy, keep_lock=True)
    result = cm("source", "import", str(DUMP), str(PLAN_POST)).ok()
    assert "nothing new: 11 unchanged" in result.stdout
    assert snapshot(book_copy, keep_lock=True) == before
    assert len(sources(cm)) == 4 + 9


def test_the_plan_post_with_comments_gives_one_post_with_two_comments(book_copy: Path) -> None:
    cm = Cm(book_copy)
    cm("source", "import", str(DUMP)).ok()
    result = cm("source", "import", str(PLAN_POST)).ok()
    assert "comments" in result.stdout and "(+2)" in result.stdout
    assert len(sources(cm)) == 4 + 9  # the same post: no new source
    shown = json.loads(cm("source", "show", "le-client-militant-le-plan", "--json").ok().stdout)
    assert [(c["author"], c["date"]) for c in shown["comments"]] == [
        ("xgc", "2008-01-06T14:22"),
        ("spécialiste adwords google", "2012-05-20T16:20"),
    ]
    first, second = (c["text"] for c in shown["comments"])
    assert first.startswith("Bonjour,\nJe suis justement") and first.endswith("En vous remerciant,\nXgc")
    assert second.startswith("après le web 2.0") and second.endswith("perspectives concrétisées")
    assert "Rédigé par" not in shown["text"] and "Bonjour" not in shown["text"]
    assert shown["text"].startswith("Comme promis")


def test_the_plan_post_alone_needs_its_title_or_takes_it_from_the_options(book_copy: Path) -> None:
    cm = Cm(book_copy)
    before = snapshot(book_copy, keep_lock=True)
    refused = cm("source", "import", str(PLAN_POST))
    assert refused.code == 2
    assert "plan-post-with-comments.txt:1: a post without a title line" in refused.stderr
    assert "--title" in refused.stderr
    assert snapshot(book_copy, keep_lock=True) == before
    cm("source", "import", str(PLAN_POST), "--title", "Le client militant : le plan", "--date", "31 décembre 2007").ok()
    shown = json.loads(cm("source", "show", "le-client-militant-le-plan", "--json").ok().stdout)
    assert shown["date"] == "2007-12-31"
    assert [c["author"] for c in shown["comments"]] == ["xgc", "spécialiste adwords google"]
    assert shown["comments"][0]["text"].startswith("Bonjour,")  # the greeting starts the first comment
    assert shown["text"].rstrip().endswith("lubie baba-cool.")
    # the dump imported afterwards is the same post: no duplicate, comments kept
    cm("source", "import", str(DUMP)).ok()
    assert [r["id"] for r in sources(cm).values() if r["title"] == "Le client militant : le plan"] == [
        "le-client-militant-le-plan"
    ]


def test_dry_run_prints_the_table_and_changes_nothing(book_copy: Path) -> None:
    cm = Cm(book_copy)
    before = snapshot(book_copy, keep_lock=True)
    result = cm("source", "import", "--dry-run", str(DUMP)).ok()
    assert "dry run: 9 new, 1 merged; nothing was changed" in result.stdout
    assert "Inspirational Stores" in result.stdout
    assert snapshot(book_copy, keep_lock=True) == before


def test_import_into_the_small_book_matches_on_title_and_date(cm: Cm, small_book: Path) -> None:
    result = cm("source", "import", str(DUMP)).ok()
    assert "merged (title+date)" in result.stdout
    radio = sources(cm)["radio-head"]
    assert radio["archived"] and [s["number"] for s in radio["sections"]] == ["1.2", "2.1"]


def test_chrome_footers_and_posted_by_lines(tmp_path: Path, cm: Cm) -> None:
    dump = tmp_path / "mixed.txt"
    dump.write_text(
        "jump to navigation\n\n"
        "Le prix du lien\n30/05/2012\nPosted by Marie Dupont in Marketing\n\n"
        "Un billet sur les liens.\n\nBookmark and Share\n\n"
        "Le prix du lien was last modified: juillet 12th, 2012 by Marie Dupont\n\n"
        "Un autre billet\n\nIl parle d'autre chose, longuement.\nPublicités\n\nPowered By Blogger\n",
        encoding="utf-8",
    )
    cm("source", "import", str(dump)).ok()
    rows = by_title(cm)
    first = rows["Le prix du lien"]
    assert (first["date"], first["author"]) == ("2012-05-30", "Marie Dupont")
    text = read_archive(Book.at(cm.cwd), first["id"]).text
    assert text == "Un billet sur les liens."
    other = read_archive(Book.at(cm.cwd), rows["Un autre billet"]["id"]).text
    assert other == "Il parle d'autre chose, longuement."


# --- other formats, built here ------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Le blog de JBP</title><link>http://jbp.typepad.com/jb/</link>
<item><title>Le modèle Radio Head pour la presse</title>
<link>http://jbp.typepad.com/jb/2007/12/le-modle-radio.html</link>
<pubDate>Thu, 13 Dec 2007 10:22:00 +0100</pubDate><author>jbp@example.com (JBP)</author>
<description>&lt;p&gt;Enfin une &lt;strong&gt;bonne&lt;/strong&gt; nouvelle : « Presse et Pluralisme ».&lt;/p&gt;</description></item>
<item><title>Être et paraître</title><link>http://jbp.typepad.com/jb/2007/09/tre-et-paratre.html</link>
<pubDate>Mon, 10 Sep 2007 08:00:00 +0200</pubDate>
<description>&lt;p&gt;Les valeurs d’abord.&lt;/p&gt;&lt;ul&gt;&lt;li&gt;un&lt;/li&gt;&lt;/ul&gt;</description></item>
</channel></rss>
"""

BLOGGER = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">
<id>tag:blogger.com,1999:blog-7</id><title>Blog</title>
<link rel="alternate" type="text/html" href="http://clientmilitant.blogspot.com/"/>
<entry><id>tag:blogger.com,1999:blog-7.settings.1</id><published>2007-01-01T00:00:00.000+01:00</published>
<category scheme="http://schemas.google.com/g/2005#kind" term="http://schemas.google.com/blogger/2008/kind#settings"/>
<title>BLOG_NAME</title><content type="text">Blog</content></entry>
<entry><id>tag:blogger.com,1999:blog-7.post-1</id><published>2007-11-20T09:00:00.000+01:00</published>
<category scheme="http://schemas.google.com/g/2005#kind" term="http://schemas.google.com/blogger/2008/kind#post"/>
<title type="text">L'absence de frottement</title>
<content type="html">&lt;p&gt;Le frottement &lt;em&gt;crée&lt;/em&gt; de la valeur.&lt;/p&gt;</content>
<link rel="alternate" type="text/html" href="http://clientmilitant.blogspot.com/2007/11/labsence-de-frottement.html"/>
<author><name>JBP</name></author></entry>
<entry><id>tag:blogger.com,1999:blog-7.post-2</id><published>2007-11-21T18:05:00.000+01:00</published>
<category scheme="http://schemas.google.com/g/2005#kind" term="http://schemas.google.com/blogger/2008/kind#comment"/>
<thr:in-reply-to href="http://x" ref="tag:blogger.com,1999:blog-7.post-1" type="text/html"/>
<content type="html">Tout à fait d’accord.</content><author><name>Paul</name></author></entry>
</feed>
"""

WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Marketing</title><link>https://marketing.example.fr</link><wp:wxr_version>1.2</wp:wxr_version>
<item><title>La Fraise et ses clients</title><link>https://marketing.example.fr/2008/02/la-fraise/</link>
<dc:creator><![CDATA[marie]]></dc:creator>
<content:encoded><![CDATA[<p>La Fraise fait <em>voter</em> ses clients.</p>]]></content:encoded>
<wp:post_date><![CDATA[2008-02-03 11:15:00]]></wp:post_date><wp:status><![CDATA[publish]]></wp:status>
<wp:post_type><![CDATA[post]]></wp:post_type>
<wp:comment><wp:comment_author><![CDATA[Luc]]></wp:comment_author>
<wp:comment_date><![CDATA[2008-02-04 08:30:00]]></wp:comment_date>
<wp:comment_content><![CDATA[Bel exemple !]]></wp:comment_content><wp:comment_approved><![CDATA[1]]></wp:comment_approved></wp:comment>
<wp:comment><wp:comment_author><![CDATA[spam]]></wp:comment_author>
<wp:comment_date><![CDATA[2008-02-04 09:00:00]]></wp:comment_date>
<wp:comment_content><![CDATA[Achetez]]></wp:comment_content><wp:comment_approved><![CDATA[spam]]></wp:comment_approved></wp:comment>
</item>
<item><title>Brouillon</title><wp:status>draft</wp:status><wp:post_type>post</wp:post_type>
<content:encoded><![CDATA[<p>pas fini</p>]]></content:encoded></item>
<item><title>À propos</title><wp:status>publish</wp:status><wp:post_type>page</wp:post_type>
<content:encoded><![CDATA[<p>une page</p>]]></content:encoded></item>
</channel></rss>
"""

MT = """AUTHOR: jbp
TITLE: Radio Head - le prix libre
BASENAME: radio-head---le
STATUS: Publish
CONVERT BREAKS: 1
DATE: 10/11/2007 03:31:05 PM
-----
BODY:
Radiohead laisse ses fans choisir le prix.
Une deuxième ligne.

Un second paragraphe.
-----
EXTENDED BODY:
-----
EXCERPT:
-----
KEYWORDS:
-----
COMMENT:
AUTHOR: Anne
EMAIL: anne@example.com
IP: 127.0.0.1
URL:
DATE: 10/12/2007 09:05:00 AM
Et les autres majors ?
-----
--------
AUTHOR: jbp
TITLE: Brouillon
STATUS: Draft
DATE: 10/13/2007 10:00:00 AM
-----
BODY:
pas fini
-----
--------
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_rss_feed_imports_and_matches_the_plans_links_by_url(book_copy: Path, tmp_path: Path) -> None:
    cm = Cm(book_copy)
    result = cm("source", "import", str(write(tmp_path, "feed.xml", RSS))).ok()
    assert "RSS/Atom feed, 2 posts" in result.stdout
    assert "merged (url)" in result.stdout
    rows = sources(cm)
    assert rows["le-modle-radio"]["title"] == "Le modèle Radio Head pour la presse"
    assert rows["le-modle-radio"]["date"] == "2007-12-13"
    assert rows["tre-et-paratre"]["title"] == "Être et paraître" and rows["tre-et-paratre"]["archived"]
    text = read_archive(Book.at(book_copy), "le-modle-radio").text
    assert text == "Enfin une **bonne** nouvelle : « Presse et Pluralisme »."
    assert read_archive(Book.at(book_copy), "tre-et-paratre").text == "Les valeurs d’abord.\n\n- un"
    assert len(rows) == 4
    # then the dump: the Radio Head post is already archived (title and date): nothing duplicated
    cm("source", "import", str(DUMP)).ok()
    assert len(sources(cm)) == 4 + 9


def test_a_blogger_export_imports_posts_with_their_comments(book_copy: Path, tmp_path: Path) -> None:
    cm = Cm(book_copy)
    cm("source", "import", str(write(tmp_path, "blog.xml", BLOGGER))).ok()
    rows = by_title(cm)
    assert set(rows) == {"L'absence de frottement"}
    post = rows["L'absence de frottement"]
    assert (post["date"], post["author"], post["site"]) == ("2007-11-20", "JBP", "clientmilitant.blogspot.com")
    archive = read_archive(Book.at(book_copy), post["id"])
    assert archive.text == "Le frottement *crée* de la valeur."
    assert [(c.author, c.date, c.text) for c in archive.comments] == [
        ("Paul", "2007-11-21T18:05", "Tout à fait d’accord.")
    ]
    # a post with its own address on another blog is not the plan's typepad post of the same name
    assert sources(cm)["labsence-de-fro"]["archived"] is False


def test_a_wordpress_export_imports_published_posts_and_approved_comments(book_copy: Path, tmp_path: Path) -> None:
    cm = Cm(book_copy)
    result = cm("source", "import", str(write(tmp_path, "export.xml", WXR))).ok()
    assert "WordPress export, 1 post" in result.stdout
    post = by_title(cm)["La Fraise et ses clients"]
    assert (post["date"], post["author"], post["url"]) == (
        "2008-02-03",
        "marie",
        "https://marketing.example.fr/2008/02/la-fraise/",
    )
    archive = read_archive(Book.at(book_copy), post["id"])
    assert archive.text == "La Fraise fait *voter* ses clients."
    assert [(c.author, c.date, c.text) for c in archive.comments] == [("Luc", "2008-02-04T08:30", "Bel exemple !")]
    assert "Brouillon" not in by_title(cm) and "À propos" not in by_title(cm)


def test_a_movable_type_export_imports_and_merges_with_the_plans_link(book_copy: Path, tmp_path: Path) -> None:
    cm = Cm(book_copy)
    result = cm("source", "import", str(write(tmp_path, "export.txt", MT))).ok()
    assert "Movable Type export, 1 post" in result.stdout
    radio = sources(cm)["radio-head-le"]  # …/2007/10/radio-head---le.html ← « Radio Head - le prix libre »
    assert (radio["title"], radio["date"], radio["author"]) == ("Radio Head - le prix libre", "2007-10-11", "jbp")
    archive = read_archive(Book.at(book_copy), "radio-head-le")
    assert archive.text == "Radiohead laisse ses fans choisir le prix.\\\nUne deuxième ligne.\n\nUn second paragraphe."
    assert [(c.author, c.date, c.text) for c in archive.comments] == [
        ("Anne", "2007-10-12T09:05", "Et les autres majors ?")
    ]
    assert len(sources(cm)) == 4


# --- bad files ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", "\n\n   \nPowered By Blogger\n", "empty.txt: no post found in this text dump"),
        (
            "empty.xml",
            '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
            "empty.xml: no post found in this RSS/Atom feed",
        ),
        (
            "broken.xml",
            '<?xml version="1.0"?>\n<rss xmlns:wp="http://wordpress.org/export/1.2/">\n<channel><item></channel></rss>',
            "broken.xml:3:",
        ),
        (
            "bad.txt",
            "Un titre\n\nDu texte, encore du texte.\nRédigé par : Paul | le 45 truc 2008\n",
            "bad.txt:4: the comment's date",
        ),
        (
            "mt.txt",
            "AUTHOR: x\nTITLE: t\nnot a key\n-----\nBODY:\nx\n-----\n--------\n",
            "mt.txt:3: expected 'KEY: value'",
        ),
        (
            "page.html",
            "<!DOCTYPE html>\n<html><body><p>Un billet</p></body></html>",
            "page.html: a web page, not a feed",
        ),
    ],
)
def test_bad_files_are_refused_with_file_and_line(
    book_copy: Path, tmp_path: Path, name: str, content: str, message: str
) -> None:
    cm = Cm(book_copy)
    path = write(tmp_path, name, content)
    good = write(tmp_path, "good.xml", RSS)
    before = snapshot(book_copy, keep_lock=True)
    result = cm("source", "import", str(good), str(path))  # the good file is not imported either
    assert result.code == 2, result
    assert result.stderr.startswith("cm: ") and message in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(book_copy, keep_lock=True) == before


def test_not_utf8_and_missing_files(book_copy: Path, tmp_path: Path) -> None:
    cm = Cm(book_copy)
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Titre\n\nCaf\u00e9 cr\u00e8me, du texte.\n".encode("latin-1"))
    result = cm("source", "import", str(latin))
    assert result.code == 2 and "latin1.txt:3: byte 0xe9 is not UTF-8" in result.stderr
    result = cm("source", "import", str(tmp_path / "nope.txt"))
    assert result.code == 2 and "nope.txt: no such file" in result.stderr


def test_every_format_imported_twice_adds_nothing(book_copy: Path, tmp_path: Path) -> None:
    cm = Cm(book_copy)
    files = [
        str(write(tmp_path, name, text))
        for name, text in (("f.xml", RSS), ("b.xml", BLOGGER), ("w.xml", WXR), ("m.txt", MT))
    ]
    cm("source", "import", *files).ok()
    before = snapshot(book_copy, keep_lock=True)
    result = cm("source", "import", *files).ok()
    assert "nothing new: 5 unchanged" in result.stdout
    assert snapshot(book_copy, keep_lock=True) == before


def test_an_import_undone_then_redone_finds_its_archives_again(book_copy: Path) -> None:
    cm = Cm(book_copy)
    cm("source", "import", str(DUMP)).ok()
    ids = set(sources(cm))
    cm("undo").ok()  # the registry is back to the plan's four links; the archives stay on disk
    assert set(sources(cm)) == {"labsence-de-fro", "radio-head-le", "le-modle-radio", "tre-et-paratre"}
    result = cm("source", "import", str(DUMP)).ok()
    assert set(sources(cm)) == ids  # the same ids, no `-2` copies
    assert not list((book_copy / "sources").glob("*-2.md"))
    assert "merged" in result.stdout


def test_the_committed_book_holds_the_december_posts_and_the_plans_four_links() -> None:
    """The frozen copy of the repository's book: what `cm source import blog-jbp-2007-12.txt` left there."""
    from clientmilitant.storage import outline_file

    outline = outline_file.loads((COMMITTED_BOOK / "outline.yaml").read_bytes())
    book = Book.at(COMMITTED_BOOK)
    by_title = {s.title: s for s in outline.sources if s.title}
    for title, date in DECEMBER_POSTS:
        source = by_title[title]
        assert source.date == date
        assert read_archive(book, source.id) is not None, title
    by_url = {s.url: s for s in outline.sources if s.url}
    plan_links = {
        "http://jbp.typepad.com/jb/2007/11/labsence-de-fro.html": False,
        "http://jbp.typepad.com/jb/2007/10/radio-head---le.html": False,
        "http://jbp.typepad.com/jb/2007/12/le-modle-radio.html": True,
        "http://jbp.typepad.com/jb/2007/09/tre-et-paratre.html": False,
    }
    assert set(by_url) == set(plan_links)
    for url, archived in plan_links.items():
        assert (read_archive(book, by_url[url].id) is not None) is archived, url
    assert by_url["http://jbp.typepad.com/jb/2007/12/le-modle-radio.html"].id == "le-modle-radio"
    assert len(outline.sources) == 4 + 9
