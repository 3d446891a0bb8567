"""`cm feedback …` and `cm outline show --feedback`: readers' feedback kept on the sections it
concerns, in feedback.yaml; the comments of an archived post imported with spam left out.

The fixture book `feedback-book` is the committed plan plus the plan post archived in
sources/le-client-militant-le-plan.md with its two comments, in the format of
clientmilitant/storage/archive.py (front matter `comments:` with author, date, text)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Cm, copy_book, snapshot

from clientmilitant.services.feedback import spam
from clientmilitant.storage import feedback_file, outline_file

PLAN_POST = "le-client-militant-le-plan"
XGC_TEXT = (
    "Bonjour,\n\nJe suis justement à la recherche d'ouvrages traitant de l'évolution du rôle du consommateur vers "
    'le "consomacteur". Avez-vous une "bibliographie" à me conseiller ? ou a défaut pouvez-vous me tenir informé '
    "de la publication de votre ouvrage en cours de rédaction ? En vous remerciant,\n\nXgc"
)
ENTRY_KEYS = {"id", "section", "number", "title", "author", "date", "text", "url", "state", "note", "source", "spam"}


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return copy_book("feedback-book", tmp_path)


@pytest.fixture
def cm(book: Path) -> Cm:
    return Cm(book)


def listed(cm: Cm, *options: str) -> list[dict]:
    data = json.loads(cm("feedback", "list", "--json", *options).ok().stdout)
    assert data["version"] == 1
    return data["feedback"]


# --- importing the comments of an archived post ------------------------------------------------------


def test_import_turns_the_sample_comments_into_feedback_and_leaves_the_spam_out(cm, book):
    out = cm("feedback", "import", PLAN_POST, "--section", "2").ok().stdout
    assert "→ 2 Le client devient consomacteur" in out
    assert "xgc, 2008-01-06T14:22: added as f1" in out
    assert "spécialiste adwords google, 2012-05-20T16:20: left out, spam" in out
    assert "the author's name is advertising (adwords, google, specialiste): +2" in out
    assert "1 added, 1 left out as spam" in out
    (item,) = listed(cm)
    assert set(item) == ENTRY_KEYS
    assert (item["id"], item["section"], item["number"], item["title"]) == (
        "f1",
        "consomacteur",
        "2",
        "Le client devient consomacteur",
    )
    assert (item["author"], item["date"], item["text"]) == ("xgc", "2008-01-06T14:22", XGC_TEXT)
    assert (item["state"], item["source"], item["spam"], item["note"], item["url"]) == (
        "open",
        PLAN_POST,
        False,
        "",
        "",
    )
    # the reader's text is stored as written, a readable block with its accents and quotes
    stored = (book / "feedback.yaml").read_text(encoding="utf-8")
    assert "  text: |-\n    Bonjour,\n\n    Je suis justement à la recherche d'ouvrages" in stored


def test_import_all_keeps_the_spam_flagged_and_never_imports_twice(cm, book):
    cm("feedback", "import", PLAN_POST, "--section", "2").ok()
    out = cm("feedback", "import", PLAN_POST, "--section", "2", "--all").ok().stdout
    assert "xgc, 2008-01-06T14:22: already imported as f1" in out
    assert "spécialiste adwords google, 2012-05-20T16:20: added as f2 (flagged spam)" in out
    first, spam = listed(cm)
    assert first["author"] == "xgc" and not first["spam"]
    assert (spam["id"], spam["author"], spam["date"], spam["spam"]) == (
        "f2",
        "spécialiste adwords google",
        "2012-05-20T16:20",
        True,
    )
    assert "spam: true" in (book / "feedback.yaml").read_text(encoding="utf-8")
    out = cm("feedback", "import", PLAN_POST, "--section", "2", "--all").ok().stdout
    assert "0 added" in out and len(listed(cm)) == 2


def test_import_needs_a_section_when_no_section_cites_the_post(cm, book):
    before = snapshot(book, keep_lock=True)
    result = cm("feedback", "import", PLAN_POST)
    assert result.code == 2
    assert result.stderr == (
        f"cm: no section cites source '{PLAN_POST}'; say which section its comments concern with --section REF\n"
    )
    result = cm("feedback", "import", "radio-head-le")
    assert result.code == 2 and "source 'radio-head-le' is not archived" in result.stderr
    assert snapshot(book, keep_lock=True) == before


def test_import_goes_to_the_section_citing_the_post(cm, book):
    (book / "sources" / "labsence-de-fro.md").write_text(
        "---\ntitle: L'absence de frottement\ndate: '2007-11-20'\ncomments:\n"
        "- author: Marie\n  date: '2007-11-21'\n"
        "  text: Le frottement entre le client et l'entreprise, c'est aussi la valeur du service après-vente.\n"
        "---\nLe billet.\n",
        encoding="utf-8",
    )
    out = cm("feedback", "import", "labsence-de-fro").ok().stdout
    assert "→ 2.2 La valeur du frottement" in out
    (item,) = listed(cm)
    assert (item["section"], item["author"], item["date"]) == ("valeur-du-frottement", "Marie", "2007-11-21")


# --- feedback follows its section --------------------------------------------------------------------


def test_feedback_survives_moving_and_renaming_its_section(cm):
    cm("feedback", "add", "2.2", "Et le frottement chez les libraires ?", "--author", "Marie").ok()
    cm("section", "move", "2.2", "--under", "3", "--position", "1").ok()
    cm("section", "rename", "3.1", "Le frottement a de la valeur").ok()
    (item,) = listed(cm)
    assert (item["section"], item["number"], item["title"]) == (
        "valeur-du-frottement",
        "3.1",
        "Le frottement a de la valeur",
    )
    cm("section", "move", "3", "--top", "--position", "1").ok()
    (item,) = listed(cm)
    assert item["number"] == "1.1"
    out = cm("outline", "show", "--feedback", "--no-points").ok().stdout
    (line,) = [line for line in out.splitlines() if "open feedback" in line]
    assert "1.1 Le frottement a de la valeur" in line and "1 open feedback" in line


def test_outline_show_feedback_counts_open_feedback_per_section(cm):
    cm("feedback", "add", "web2-0", "Premier avis").ok()
    cm("feedback", "add", "web2-0", "Deuxième avis").ok()
    cm("feedback", "add", "militant", "Sur la partie 3").ok()
    cm("feedback", "done", "f3").ok()
    out = cm("outline", "show", "--feedback", "--no-points").ok().stdout
    marked = [line for line in out.splitlines() if "open feedback" in line]
    assert len(marked) == 1 and "2.1 Web2.0 : modularité" in marked[0] and "2 open feedback" in marked[0]
    assert "open feedback" not in cm("outline", "show").ok().stdout  # only when asked
    data = json.loads(cm("outline", "show", "--feedback", "--json").ok().stdout)
    web20 = data["parts"][1]["sections"][0]
    assert (web20["id"], web20["open_feedback"], data["parts"][2]["open_feedback"]) == ("web2-0", 2, 0)
    assert "open_feedback" not in json.loads(cm("outline", "show", "--json").ok().stdout)["parts"][0]


def test_feedback_on_a_removed_section_is_kept_and_can_be_moved(cm):
    cm("feedback", "add", "3.3", "L'animisme, vraiment ?").ok()
    cm("section", "remove", "3.3").ok()
    (item,) = listed(cm)
    assert (item["section"], item["number"], item["title"]) == ("animisme", None, None)
    assert "section animisme removed: cm feedback move f1 REF" in cm("feedback", "list").ok().stdout
    cm("feedback", "move", "f1", "3.2").ok()
    (item,) = listed(cm)
    assert (item["section"], item["number"]) == ("reseaux-sociaux", "3.2")


# --- add, list, done, move, remove ----------------------------------------------------------------------


def test_add_list_done_move_remove(cm, book):
    out = (
        cm(
            "feedback",
            "add",
            "2.1",
            "Il manque « La Fraise » !",
            "--author",
            "Paul",
            "--date",
            "2008-01-08T09:30",
            "--url",
            "http://jbp.typepad.com/jb/2007/12/le-client-militant-le-plan.html#comment-1",
        )
        .ok()
        .stdout
    )
    assert out.startswith("added f1  2.1 Web2.0 : modularité et pouvoir de la périphérie  open  Paul, 2008-01-08T09:30")
    cm("feedback", "add", "1", "Et la VPC ?").ok()
    first, second = listed(cm)  # plan order: part 1 before section 2.1
    assert (first["id"], first["section"], first["author"]) == ("f2", "consommateur", "")
    assert len(first["date"]) == 10 and first["date"][4] == "-"  # today, ISO 8601
    assert second["url"].endswith("#comment-1") and second["text"] == "Il manque « La Fraise » !"

    out = cm("feedback", "done", "f1", "--note", "ajouté en 2.1").ok().stdout
    assert out.startswith("done: f1")
    assert [i["id"] for i in listed(cm, "--open")] == ["f2"]
    done = [i for i in listed(cm) if i["id"] == "f1"][0]
    assert (done["state"], done["note"]) == ("done", "ajouté en 2.1")
    assert "note: ajouté en 2.1" in cm("feedback", "list").ok().stdout

    cm("feedback", "move", "f2", "1.3").ok()
    assert [i["id"] for i in listed(cm, "--section", "1")] == ["f2"]  # a part lists its sections' feedback
    assert [i["id"] for i in listed(cm, "--section", "2.1")] == ["f1"]
    assert listed(cm, "--section", "1.1") == []
    assert "no feedback on section 1.1" in cm("feedback", "list", "--section", "1.1").ok().stdout

    cm("feedback", "remove", "f1").ok()
    assert [i["id"] for i in listed(cm)] == ["f2"]
    cm("feedback", "add", "3", "Encore un avis").ok()
    assert [i["id"] for i in listed(cm)] == ["f2", "f3"]  # ids are never renumbered
    assert "no feedback" not in cm("feedback", "list").ok().stdout


def test_bad_input_is_refused_and_changes_nothing(cm, book):
    cm("feedback", "add", "2", "Un avis").ok()
    before = snapshot(book, keep_lock=True)
    cases = [
        (("feedback", "add", "9.9", "x"), "cm: no section '9.9'; the book has parts 1 to 3\n"),
        (("feedback", "add", "2", "   "), "cm: the feedback needs some text\n"),
        (("feedback", "add", "2", "x", "--date", "06/01/2008"), "cm: '06/01/2008' is not an ISO 8601 date"),
        (("feedback", "add", "2", "x", "--url", "pas une adresse"), "cm: 'pas une adresse' is not a web address"),
        (("feedback", "done", "f9"), "cm: no feedback 'f9'; the last ones are f1"),
        (("feedback", "move", "f1", "consomacteurs"), "cm: no section 'consomacteurs'; did you mean consomacteur?"),
        (("feedback", "remove", "f7"), "cm: no feedback 'f7'"),
        (("feedback", "list", "--section", "4"), "cm: no section '4'"),
    ]
    for args, message in cases:
        result = cm(*args)
        assert result.code == 2, args
        assert result.stderr.startswith(message), (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert snapshot(book, keep_lock=True) == before


# --- feedback.yaml is read strictly -------------------------------------------------------------------


ITEM = "feedback:\n- id: f1\n  section: web2-0\n"


@pytest.mark.parametrize(
    "body, message",
    [
        (ITEM + "  text: a\n  text: b\n", "feedback.yaml:5:3: duplicate key 'text'"),
        (ITEM + "  txt: a\n", "feedback.yaml:4:3: unknown key 'txt'"),
        (ITEM, "feedback.yaml:2:3: a feedback item has no 'text'"),
        ("feedback:\n- id: 1\n  section: web2-0\n  text: a\n", "feedback.yaml:2:7: '1' is not a feedback id"),
        (
            ITEM + "  text: &t a\n- id: f2\n  section: web2-0\n  text: *t\n",
            "feedback.yaml:4:9: YAML aliases (*name) are not allowed in feedback.yaml",
        ),
        (ITEM + "  text: a\n  state: fini\n", "feedback.yaml:5:10: 'state' of feedback f1 must be one of open, done"),
        (ITEM + "  text: !!python/object:os.system a\n", "feedback.yaml:4:9: the tag"),
        (
            ITEM + "  text: a\n- id: f1\n  section: web2-0\n  text: b\n",
            "feedback.yaml:5:7: duplicate feedback id 'f1' (first at line 2)",
        ),
        ("feedback:\n- id: f1\n\tsection: web2-0\n", "feedback.yaml:3:1: YAML syntax error"),
    ],
)
def test_a_broken_feedback_file_is_refused_with_its_line(cm, book, body, message):
    (book / "feedback.yaml").write_text(body, encoding="utf-8")
    before = snapshot(book, keep_lock=True)
    for args in (("feedback", "list"), ("feedback", "add", "2", "x"), ("outline", "show", "--feedback")):
        result = cm(*args)
        assert result.code == 2, args
        assert result.stderr.startswith(f"cm: {message}"), result.stderr
    assert snapshot(book, keep_lock=True) == before
    cm("outline", "show").ok()  # the plan itself never depends on the readers' file


def test_feedback_file_round_trip_keeps_french_text_exactly():
    items = [
        feedback_file.Feedback("f1", "web2-0", "Ligne 1 : « oui »\nl’autre ligne\n\n  indentée", "Zoé", "2008-01-06"),
        feedback_file.Feedback("f2", "militant", "yes", "1.10", "2007-12-13", state="done", note="NON", spam=True),
        feedback_file.Feedback("f3", "militant", "fin avec espace \nsuite", source="le-plan"),
    ]
    text = feedback_file.dumps(items)
    assert feedback_file.loads(text.encode("utf-8")) == items
    assert "\n  text: |-\n    Ligne 1 : « oui »\n" in text


# --- the spam score ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def vocabulary() -> set[str]:
    outline = outline_file.loads((Path(__file__).parent / "fixtures" / "feedback-book" / "outline.yaml").read_bytes())
    return spam.book_vocabulary(outline)


SPAM = [
    (
        "spécialiste adwords google",
        "après le web 2.0, ensuite le web3.0 qui ont modifié profondément le monde du web, nous entrons dans une "
        "nouvelle ère dans la toile marqué par la naissance du web 4.0. Cette nouvelle technologie a ouvert des "
        "nouvelles perspectives concrétisées",
        "2012-05-20T16:20",
    ),
    ("chaussures pas cher", "Achetez vos baskets au meilleur prix sur http://baskets.example.com !", "2008-01-02"),
    ("John", "Great post! Check out my website http://pills.example.com and http://casino.example.net", "2009-03-01"),
    ("Julie", "Découvrez notre offre spéciale : livraison gratuite sur tout le site.", "2010-06-01"),
    ("www.rachat-credit.fr", "Très intéressant.", "2008-01-03"),
]
LEGIT = [
    (
        "xgc",
        "Bonjour, Je suis justement à la recherche d'ouvrages traitant de l'évolution du rôle du consommateur "
        'vers le "consomacteur". Avez-vous une "bibliographie" à me conseiller ?',
        "2008-01-06T14:22",
    ),
    (
        "Marie",
        "Il manque le boycott dans la partie 3 : Nike n'est pas le seul exemple, pensez aux réseaux sociaux.",
        "2008-01-03",
    ),
    ("Paul", "Relu quatre ans après : le militantisme post-it des réseaux sociaux est bien arrivé.", "2012-01-10"),
    ("Julie", "Voir aussi http://fr.wikipedia.org/wiki/Consomacteur sur le consomacteur.", "2008-01-04"),
    ("Pierre", "Merci, j'attends la suite !", "2008-01-01"),
    ("Marketing Pro", "La fidélisation par l'informatique, c'est le cœur du CRM : bon plan.", "2008-01-05"),
]


@pytest.mark.parametrize("author, text, date", SPAM, ids=[s[0] for s in SPAM])
def test_spam_is_flagged(vocabulary, author, text, date):
    score = spam.spam_score(author, text, date, vocabulary, "2007-12-31")
    assert score.is_spam, score
    assert score.reasons and all(reason.endswith(("+1", "+2")) for reason in score.reasons)


@pytest.mark.parametrize("author, text, date", LEGIT, ids=[s[0] for s in LEGIT])
def test_readers_are_not_spam(vocabulary, author, text, date):
    score = spam.spam_score(author, text, date, vocabulary, "2007-12-31")
    assert not score.is_spam, score


def test_spam_score_explains_each_signal(vocabulary):
    score = spam.spam_score("spécialiste adwords google", SPAM[0][1], "2012-05-20T16:20", vocabulary, "2007-12-31")
    assert score.points == 5
    assert score.reasons == (
        "the author's name is advertising (adwords, google, specialiste): +2",
        "sales-pitch words (nouvelle technologie, nouvelle ere, nouvelles perspectives): +2",
        "written 4.4 years after the post: +1",
    )
    unrelated = spam.spam_score("Léa", "Quel beau temps aujourd'hui.", "2008-01-01", vocabulary)
    assert (unrelated.points, unrelated.reasons) == (2, ("no word in common with the book: +2",))


# --- cm stats --------------------------------------------------------------------------------------


def test_stats_counts_open_feedback_per_part(cm, book):
    assert "Open feedback" not in cm("stats").ok().stdout  # nothing to say: the table as before
    for ref in ("2.1", "2.3", "3", "1.1"):
        cm("feedback", "add", ref, f"un avis sur {ref}").ok()
    cm("feedback", "done", "f4").ok()
    out = " ".join(cm("stats").ok().stdout.split())
    assert "Open feedback by part: 2 Le client devient consomacteur: 2, 3 Le client devient militant: 1 " in out
    (book / "feedback.yaml").write_text("feedback: [\n", encoding="utf-8")
    result = cm("stats").ok()  # the progress is still shown
    assert "open feedback not counted: feedback.yaml:" in " ".join(result.stdout.split())


# --- end to end: the sample post through `cm source import`, then `cm feedback import` ---------------


def test_sample_post_imported_by_cm_source_import_then_its_comments_become_feedback(tmp_path):
    from conftest import COMMITTED_BOOK, SAMPLES

    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "outline.yaml").write_bytes((COMMITTED_BOOK / "outline.yaml").read_bytes())  # the plan, no sources/
    (folder / "plan.txt").write_bytes((SAMPLES / "plan-post-with-comments.txt").read_bytes())
    cm = Cm(folder)
    cm("source", "import", "plan.txt", "--title", "Le client militant : le plan", "--date", "2007-12-31").ok()
    out = cm("feedback", "import", PLAN_POST, "--section", "consomacteur").ok().stdout
    assert "1 added, 1 left out as spam" in out
    (xgc,) = listed(cm)
    assert (xgc["author"], xgc["date"], xgc["section"]) == ("xgc", "2008-01-06T14:22", "consomacteur")
    assert xgc["spam"] is False
    assert xgc["text"].startswith("Bonjour,") and '"consomacteur"' in xgc["text"]
    cm("feedback", "import", PLAN_POST, "--section", "consomacteur", "--all").ok()
    _, spam = listed(cm)
    assert (spam["author"], spam["date"], spam["spam"]) == ("spécialiste adwords google", "2012-05-20T16:20", True)


def test_feedback_added_by_several_cm_at_once_all_lands(cm, book):
    """Each `cm feedback add` reads and writes feedback.yaml under the book's lock: none is lost."""
    import subprocess
    import sys

    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "clientmilitant", "feedback", "add", "2.1", f"avis {n}"],
            cwd=book,
            env=cm.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n in range(6)
    ]
    for process in processes:
        assert process.wait(timeout=300) == 0, process.stderr.read() if process.stderr else ""
    items = listed(cm)
    assert sorted(item["id"] for item in items) == [f"f{n}" for n in range(1, 7)]
    assert sorted(item["text"] for item in items) == [f"avis {n}" for n in range(6)]
