"""Round trip through export: on random plans, every section that has text is in the exported
manuscript, once, in outline order — and a section moved moves in the next export."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from conftest import Cm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientmilitant.core import model
from clientmilitant.storage import outline_file

# A plan as nested lists: each node is the list of its children.
plans = st.recursive(st.just([]), lambda children: st.lists(children, max_size=3), max_leaves=8).filter(bool)


def build_book(folder: Path, plan: list, written: list[bool]) -> list[str]:
    """Write the plan as a book; return the ids of the sections given text, in reading order."""
    outline = model.Outline(book=model.BookMeta(title="Aller-retour", lang="fr-FR"))
    counter = iter(range(1, 1000))

    def sections(children: list) -> list[model.Section]:
        return [
            model.Section(id=f"s{next(counter)}", title=f"Titre {n}", sections=sections(c))
            for n, c in enumerate(children)
        ]

    outline.parts = sections(plan)
    (folder / "chapters").mkdir(parents=True)
    with_text = []
    for located, has_text in zip(model.walk(outline), written * 50, strict=False):
        if has_text:
            section_id = located.section.id
            (folder / "chapters" / f"{section_id}.md").write_text(f"Texte unique-{section_id}-fin.\n", encoding="utf-8")
            with_text.append(section_id)
    (folder / "outline.yaml").write_text(outline_file.dumps(outline), encoding="utf-8")
    return with_text


def exported_order(folder: Path) -> list[str]:
    """The sections whose text the exported manuscript holds, in the order it holds them."""
    Cm(folder)("export", "markdown", "-o", "livre.md").ok()
    return re.findall(r"unique-(s\d+)-fin", (folder / "livre.md").read_text(encoding="utf-8"))


@given(plan=plans, written=st.lists(st.booleans(), min_size=1, max_size=8))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_section_with_text_is_exported_in_outline_order(plan, written):
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "livre"
        with_text = build_book(folder, plan, written)
        assert exported_order(folder) == with_text


def test_a_moved_section_moves_in_the_next_export(tmp_path):
    folder = tmp_path / "livre"
    with_text = build_book(folder, [[[], []], [[]]], [True])
    assert exported_order(folder) == with_text == ["s1", "s2", "s3", "s4", "s5"]
    Cm(folder)("section", "move", "s4", "--before", "s1").ok()  # part 2, with its section, first
    assert exported_order(folder) == ["s4", "s5", "s1", "s2", "s3"]
