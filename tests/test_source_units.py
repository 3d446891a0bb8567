"""The pure parts of the source library: dates, slugs, text dumps, archives."""

from __future__ import annotations

import pytest

from clientmilitant.core.dates import is_date_header, parse_date
from clientmilitant.core.errors import BookError
from clientmilitant.core.posts import Comment
from clientmilitant.core.urls import url_slug
from clientmilitant.services.sources.importer import detect_format, slug_matches
from clientmilitant.services.sources.textdump import parse_dump, settle
from clientmilitant.storage.archive import Archive, parse_archive, render_archive


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("lundi 31 décembre 2007", "2007-12-31"),
        ("samedi 1 décembre 2007", "2007-12-01"),
        ("1er janvier 2008", "2008-01-01"),
        ("06 jan 2008 à 14:22", "2008-01-06T14:22"),
        ("20 mai 2012 à 16:20", "2012-05-20T16:20"),
        ("3 févr. 2008", "2008-02-03"),
        ("15 août 2007", "2007-08-15"),
        ("juillet 12th, 2007", "2007-07-12"),
        ("December 13, 2007 at 2:22 PM", "2007-12-13T14:22"),
        ("Sept 9, 2007", "2007-09-09"),
        ("Thu, 13 Dec 2007 10:22:00 +0100", "2007-12-13T10:22"),
        ("30/05/2012", "2012-05-30"),
        ("2007-12-13T10:22:00.000+01:00", "2007-12-13T10:22"),
        ("2007-12", "2007-12"),
        ("décembre 2007", "2007-12"),
        ("31 février 2007", None),
        ("Le modèle Radio Head", None),
        ("13 truc 2007", None),
    ],
)
def test_dates_in_french_and_english(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_movable_type_dates_are_month_first() -> None:
    assert parse_date("01/31/2002 03:31:05 PM", day_first=False) == "2002-01-31T15:31"
    assert parse_date("12/01/2007 12:05:00 AM", day_first=False) == "2007-12-01T00:05"


def test_date_headers_need_their_weekday() -> None:
    assert is_date_header("mardi 11 décembre 2007") == "2007-12-11"
    assert is_date_header("11 décembre 2007") is None
    assert is_date_header("Le client militant : le plan") is None


@pytest.mark.parametrize(
    ("url", "title", "matches"),
    [
        ("http://jbp.typepad.com/jb/2007/12/le-modle-radio.html", "Le modèle Radio Head pour la presse", True),
        ("http://jbp.typepad.com/jb/2007/11/labsence-de-fro.html", "L'absence de frottement", True),
        ("http://jbp.typepad.com/jb/2007/09/tre-et-paratre.html", "Être et paraître", True),
        ("http://jbp.typepad.com/jb/2007/10/radio-head---le.html", "Radio Head - le prix libre", True),
        (
            "http://x.blogspot.com/2007/12/le-modele-radio-head-pour-la-presse.html",
            "Le modèle Radio Head pour la presse",
            True,
        ),
        ("http://jbp.typepad.com/jb/2007/12/le-modle-radio.html", "Le nouveau Fauchon est en ligne", False),
        ("http://jbp.typepad.com/jb/2007/12/le-modle-radio.html", "Le modèle", False),
    ],
)
def test_typepad_and_blogger_slugs(url: str, title: str, matches: bool) -> None:
    _, slug = url_slug(url)
    assert slug_matches(slug, title) is matches


def test_url_slug() -> None:
    assert url_slug("http://jbp.typepad.com/jb/2007/12/le-modle-radio.html") == ("2007-12", "le-modle-radio")
    assert url_slug("https://example.fr/2008/02/la-fraise/") == ("2008-02", "la-fraise")
    assert url_slug("https://example.fr/a-propos") is None


def test_formats_are_detected_from_the_content() -> None:
    assert detect_format(b'<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/">') == "wxr"
    assert detect_format(b'\xef\xbb\xbf<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">') == "feed"
    assert detect_format(b"AUTHOR: jbp\nTITLE: x\n-----\nBODY:\nx\n-----\n--------\n") == "movabletype"
    assert detect_format("lundi 31 décembre 2007\n\nLe plan\n".encode()) == "text"


def test_a_dump_with_two_posts_under_one_date_header() -> None:
    text = (
        "samedi 1 décembre 2007\n\nPremier billet\n\nSon texte, assez long pour un paragraphe.\n\n\n\n"
        "Axe 1 / un intertitre\n\n\n\nLa suite du premier billet.\n\n\n\n"
        "Second billet\n\nLe texte du second, plus long que son titre.\n"
    )
    posts = parse_dump(text, "d.txt")
    assert [(p.title, p.date, p.where) for p in posts] == [
        ("Premier billet", "2007-12-01", "d.txt:3"),
        ("Second billet", "2007-12-01", "d.txt:17"),
    ]
    assert "Axe 1 / un intertitre" in posts[0].text  # followed by several blank lines: a sub-heading, not a title


def test_a_blogger_byline_under_a_post_is_not_taken_for_a_title() -> None:
    text = (
        "mardi 11 décembre 2007\n\nUn titre\n\nLe texte du billet.\nLa dernière ligne\nPosted by JBP at 10:22 AM\n\n"
        "lundi 10 décembre 2007\n\nAutre\n\nPosted by Anne in Marketing\n\nTexte.\n"
    )
    posts = parse_dump(text, "d.txt")
    assert [(p.title, p.author, p.date) for p in posts] == [
        ("Un titre", "JBP", "2007-12-11"),
        ("Autre", "Anne", "2007-12-10"),
    ]
    assert posts[0].text == "Le texte du billet.\nLa dernière ligne"
    assert posts[1].text == "Texte."


def test_comments_after_a_heading_are_split_exactly() -> None:
    text = (
        "lundi 31 décembre 2007\n\nLe plan\n\nLe texte du billet.\n\nCommentaires\n\n"
        "Premier avis.\n\nRédigé par : xgc | 06 jan 2008 à 14:22\n\nSecond avis.\nRédigé par : Anne | 7 janvier 2008 à 09:00\n"
    )
    (post,) = parse_dump(text, "d.txt")
    assert post.pending is None and post.text == "Le texte du billet."
    assert [(c.author, c.date, c.text) for c in post.comments] == [
        ("xgc", "2008-01-06T14:22", "Premier avis."),
        ("Anne", "2008-01-07T09:00", "Second avis."),
    ]


def test_an_untitled_post_is_recognised_by_its_first_line() -> None:
    (known,) = parse_dump("lundi 31 décembre 2007\n\nLe plan\n\nLigne un.\n\n→ ligne  deux\n", "a.txt")
    (copy,) = parse_dump("Ligne un.\n-> ligne deux\nMerci !\nRédigé par : Paul | 1 jan 2008 à 10:00\n", "b.txt")
    settle(copy, [known])
    assert (copy.title, copy.date) == ("Le plan", "2007-12-31")
    assert copy.text == "Ligne un.\n-> ligne deux"
    assert [(c.author, c.text) for c in copy.comments] == [("Paul", "Merci !")]


def test_archive_round_trip_keeps_text_and_comments() -> None:
    archive = Archive(
        "le-plan",
        {"title": "Le client militant : le plan", "date": "2007-12-31", "url": "", "site": "jbp.typepad.com"},
        "Comme promis…\n\n« Pschitt marketing »",
        [Comment("xgc", "2008-01-06T14:22", "Bonjour,\nJe suis\nXgc"), Comment("yes", "2012-05-20", "1.10")],
    )
    text = render_archive(archive)
    assert text.startswith("---\ntitle: 'Le client militant : le plan'\ndate: '2007-12-31'\nsite: jbp.typepad.com\n")
    assert "text: |-\n    Bonjour,\n    Je suis\n    Xgc" in text
    again = parse_archive("le-plan", text, "sources/le-plan.md")
    assert again.text == archive.text and again.comments == archive.comments
    assert again.meta == {"title": "Le client militant : le plan", "date": "2007-12-31", "site": "jbp.typepad.com"}


def test_archive_errors_name_the_file_and_line() -> None:
    with pytest.raises(BookError, match=r"sources/x.md:3: front matter is not valid YAML"):
        parse_archive("x", "---\ntitle: a\nurl: [b\n---\n", "sources/x.md")
    with pytest.raises(BookError, match="'comments' in the front matter must be a list"):
        parse_archive("x", "---\ncomments: oui\n---\n", "sources/x.md")
    assert parse_archive("x", "Pas de front matter.\n", "sources/x.md").text == "Pas de front matter."
