"""outline_file.dumps writes outline.yaml with a small emitter of its own (PyYAML's representer and emitter
took ~0.6 s at 10,000 sections): it must give exactly PyYAML's bytes, for any text at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientmilitant.core import model
from clientmilitant.storage import outline_file

TRICKY = [
    "",
    " ",
    "yes",
    "No",
    "y",
    "n",
    "~",
    "null",
    "NULL",
    "1.10",
    "012",
    "12:30",
    "2007-12-13",
    "0000-00-00",
    "Web2.0 : modularité",
    "Secteurs concernés : tout",
    "- point",
    "# pas un commentaire",
    "a #b",
    "a: b",
    "l'entreprise",
    "'quoted'",
    '"double"',
    "« guillemets »",
    "espace\u00a0insécable",
    "fine\u202fespace ?",
    "tab\there",
    "ligne\nsuivante",
    "fin\n",
    "\x85",
    "\u2028",
    "\ufeff",
    "\x00",
    "\x07",
    "a" * 200,
    "é" * 50,
    "[liste]",
    "{dict}",
    "*alias",
    "&anchor",
    "!tag",
    "|bloc",
    ">plié",
    "%pour",
    "@at",
    "`tick`",
    "?question",
    "trailing ",
    " leading",
    "Ça va",
    "ÿ",
    "×",
    "a ,b",
    "a ;b",
    "a_b",
    "c'est-à-dire",
    "Œuvre",
    "x=1",
    "<<",
]
texts = st.one_of(st.sampled_from(TRICKY), st.text(max_size=40), st.text(alphabet="ab :-#'\"\n é«»,", max_size=12))
ids = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True)


@st.composite
def sections(draw, depth: int = 0) -> model.Section:
    return model.Section(
        id=draw(ids),
        title=draw(texts),
        points=draw(st.lists(texts, max_size=3)),
        sources=draw(st.lists(ids, max_size=2)),
        status=draw(st.sampled_from([None, *model.STATUSES])),
        target=draw(st.one_of(st.none(), st.integers(min_value=1, max_value=10**12))),
        notes=draw(st.one_of(st.none(), texts)),
        sections=draw(st.lists(sections(depth + 1), max_size=2)) if depth < 3 else [],
    )


@st.composite
def outlines(draw) -> model.Outline:
    book = model.BookMeta(**{key: draw(texts) for key in model.BOOK_KEYS})
    sources = [model.Source(draw(ids), *(draw(texts) for _ in range(5))) for _ in range(draw(st.integers(0, 3)))]
    return model.Outline(book=book, parts=draw(st.lists(sections(), max_size=4)), sources=sources)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(outlines())
def test_the_emitter_writes_what_pyyaml_writes(outline: model.Outline):
    assert outline_file.dumps(outline) == outline_file.yaml_dumps(outline)


@pytest.mark.parametrize("text", TRICKY)
def test_every_tricky_text_round_trips(text: str):
    outline = model.Outline(
        book=model.BookMeta(title=text),
        parts=[model.Section(id="a", title="t", points=[text] if text.strip() else [], notes=text or None)],
    )
    written = outline_file.dumps(outline)
    assert written == outline_file.yaml_dumps(outline)
    if "\x00" not in text and "\x07" not in text and "\ufeff" not in text and "\x85" not in text:
        assert outline_file.loads(written.encode("utf-8")).book.title == text


@pytest.mark.parametrize("path", ["committed-book/outline.yaml", "small-book/outline.yaml"])
def test_the_committed_books_are_written_unchanged(path: str):
    data = (Path(__file__).parent / "fixtures" / path).read_bytes()
    assert outline_file.dumps(outline_file.loads(data)) == outline_file.yaml_dumps(outline_file.loads(data))
