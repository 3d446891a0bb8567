"""Property-based tests of the pure model: random add/move/remove/rename sequences keep the tree sound,
and every tree survives save → load unchanged."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from clientmilitant.core import model
from clientmilitant.core.errors import CmError
from clientmilitant.storage import outline_file

# Titles and points as an author might type them, YAML 1.1 look-alikes and French punctuation included.
TRICKY = [
    "yes",
    "NO",
    "Non",
    "1.10",
    "012",
    "12:30",
    "2007-12-13",
    "null",
    "~",
    "- x",
    "a: b",
    "#1",
    "« x »",
    "'q'",
    '"d"',
]
titles = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(lambda t: t.split()),
)


def numbers_are_contiguous(outline: model.Outline) -> bool:
    def check(sections: list[model.Section]) -> bool:
        return all(check(s.sections) for s in sections)

    for located in model.walk(outline):
        if located.siblings[located.index] is not located.section:
            return False
    return check(outline.parts)


def refs(outline: model.Outline) -> list[str]:
    located = list(model.walk(outline))
    return [x.number for x in located] + [x.section.id for x in located]


class OutlineMachine(RuleBasedStateMachine):
    """Random edits, each either applied or refused with a CmError leaving the tree as it was."""

    def __init__(self) -> None:
        super().__init__()
        self.outline = model.Outline()
        self.expected_ids: set[str] = set()

    def apply(self, edit) -> None:
        before = outline_file.dumps(self.outline)
        try:
            edit()
        except CmError:
            assert outline_file.dumps(self.outline) == before, "a refused edit changed the tree"

    @rule(title=titles, data=st.data())
    def add(self, title, data):
        ref = data.draw(st.one_of(st.none(), st.sampled_from(refs(self.outline) or ["1"])))
        position = data.draw(st.one_of(st.none(), st.integers(1, 5)))

        def edit():
            where = model.Top(position) if ref is None else model.Under(ref, position)
            located = model.add_section(self.outline, title, where)
            self.expected_ids.add(located.section.id)

        self.apply(edit)

    @rule(data=st.data())
    def move(self, data):
        if not self.expected_ids:
            return
        ref = data.draw(st.sampled_from(refs(self.outline)))
        how = data.draw(st.sampled_from(["under", "before", "after", "up", "down", "top"]))
        anchor = data.draw(st.sampled_from(refs(self.outline)))
        where = {
            "under": model.Under(anchor),
            "before": model.Before(anchor),
            "after": model.After(anchor),
            "up": model.Up(),
            "down": model.Down(),
            "top": model.Top(),
        }[how]
        self.apply(lambda: model.move_section(self.outline, ref, where))

    @rule(data=st.data(), force=st.booleans())
    def remove(self, data, force):
        if not self.expected_ids:
            return
        ref = data.draw(st.sampled_from(refs(self.outline)))

        def edit():
            located = model.remove_section(self.outline, ref, force=force)
            self.expected_ids -= {s.id for s in model.subtree(located.section)}

        self.apply(edit)

    @rule(data=st.data(), title=titles)
    def rename(self, data, title):
        if self.expected_ids:
            ref = data.draw(st.sampled_from(refs(self.outline)))
            self.apply(lambda: model.rename_section(self.outline, ref, title))

    @rule(data=st.data(), text=titles)
    def add_point(self, data, text):
        if self.expected_ids:
            ref = data.draw(st.sampled_from(refs(self.outline)))
            self.apply(lambda: model.add_point(self.outline, ref, text))

    @invariant()
    def ids_unique_and_nothing_lost_or_doubled(self):
        ids = Counter(located.section.id for located in model.walk(self.outline))
        assert all(count == 1 for count in ids.values())
        assert set(ids) == self.expected_ids
        assert all(model.is_valid_id(i) for i in ids)

    @invariant()
    def numbering_is_contiguous(self):
        for located in model.walk(self.outline):
            assert located.path[-1] == located.index + 1
            assert model.find(self.outline, located.number).section is located.section
            assert model.find(self.outline, located.section.id).section is located.section
        assert numbers_are_contiguous(self.outline)

    @invariant()
    def save_then_load_gives_the_same_tree(self):
        assert outline_file.loads(outline_file.dumps(self.outline).encode("utf-8")) == self.outline


TestOutlineMachine = OutlineMachine.TestCase
TestOutlineMachine.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)


@given(title=titles, points=st.lists(titles, max_size=4), notes=st.one_of(st.none(), titles))
@settings(max_examples=200, deadline=None)
def test_any_text_round_trips_through_the_yaml_file(title, points, notes):
    outline = model.Outline(parts=[model.Section(id="p", title=title.strip(), points=points, notes=notes)])
    outline.book.title = title
    assert outline_file.loads(outline_file.dumps(outline).encode("utf-8")) == outline


@given(st.text(min_size=1, max_size=60))
@settings(max_examples=300, deadline=None)
def test_slugify_always_gives_a_valid_id(text):
    assert model.is_valid_id(model.slugify(text))


@pytest.mark.parametrize(
    "title, slug",
    [
        ("Web2.0 : modularité et pouvoir de la périphérie", "web2-0-modularite-et-pouvoir-de-la"),
        ("apparté sur l'animisme", "apparte-sur-l-animisme"),
        ("« Pschitt marketing »", "pschitt-marketing"),
        ("???", "section"),
    ],
)
def test_slugify_examples(title, slug):
    assert model.slugify(title) == slug
