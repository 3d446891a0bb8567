"""What each section's margin knows that the book does not show: its linked sources (archived or
not), readers' open feedback, and the `cm check` findings for its chapter, with their lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clientmilitant.core import model
from clientmilitant.core.errors import CmError
from clientmilitant.storage.book import Book

if TYPE_CHECKING:
    from clientmilitant.services.preview.views import SectionView


def fill(book: Book, outline: model.Outline, views: dict[str, SectionView], only: str | None = None) -> str:
    """Fill the margins of `views` (of `only` when given); return a notice about what could not be read."""
    from clientmilitant.services import feedback

    notices = []
    try:
        items = [item for item in feedback.load(book) if item.state == "open"]
    except CmError as error:
        items, notices = [], [str(error).splitlines()[0]]
    archived = archived_sources(book)
    sources = {source.id: source for source in outline.sources}
    for section_id, view in views.items():
        if only is not None and section_id != only:
            continue
        view.sources = [
            (sources[source_id], source_id in archived)
            for source_id in view.located.section.sources
            if source_id in sources
        ]
        view.feedback = [item for item in items if item.section == section_id]
    return " · ".join(notices)


def check_findings(book: Book) -> list:
    """`cm check` on the whole book (it reads every chapter: on a big book, longer than one render)."""
    from clientmilitant.services import check

    return check.check_book(book).findings


def assign_findings(found: list, views: dict[str, SectionView]) -> list[str]:
    """Each section's findings (its chapter file's, and those about the section in outline.yaml);
    the ids of the sections whose findings changed."""
    changed = []
    for section_id, view in views.items():
        chapter = f"chapters/{section_id}.md"
        mine = [f for f in found if f.file == chapter or f.id == section_id]
        if mine != view.findings:
            view.findings = mine
            changed.append(section_id)
    return changed


def archived_sources(book: Book) -> set[str]:
    """Ids of the sources whose text is archived in sources/<id>.md."""
    try:
        return {path.stem for path in book.sources_dir.glob("*.md") if path.is_file()}
    except OSError:
        return set()
