"""The preview's state: the book loaded, every section's HTML fragment and margin, kept up to date.

`Site.rebuild()` reads the outline, chapters, feedback and `cm check` findings and renders what
changed: fragments are cached by their exact pandoc input (the section's Markdown from the export's
`assemble.section_block`, plus the section ids its links name), so a rebuild after an outline
change re-renders only the sections whose heading, text or links changed, and `Site.chapter_saved`
re-renders one chapter. A book that does not load leaves `error` set (one line) until it loads again.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass

from clientmilitant.core import model
from clientmilitant.core.errors import CmError
from clientmilitant.core.words import count_words
from clientmilitant.services.export import FRENCH_FILTER, assemble, fragments, pandoc
from clientmilitant.services.preview.views import SectionView
from clientmilitant.storage.book import Book

SOURCES_CHAPTER = assemble.SOURCES_ID


@dataclass
class PreviewOptions:
    """What `cm preview [REF] …` asks for."""

    ref: str | None = None
    clean: bool = False  # no margin
    port: int = 0  # 0: a free port
    pandoc: str | None = None
    french_typography: bool = True
    open_browser: bool = True


class Site:
    """The book as the preview shows it; every method is safe to call from any thread."""

    def __init__(self, book: Book, options: PreviewOptions) -> None:
        self.book = book
        self.options = options
        self.program = pandoc.find_pandoc(options.pandoc)
        self.lock = threading.RLock()
        self.error = ""  # why the book does not load, in one line
        self.notice = ""  # feedback.yaml or `cm check` trouble, shown above the book
        self.outline: model.Outline | None = None
        self.views: dict[str, SectionView] = {}
        self.ending = fragments.Fragment("")  # the « Sources » chapter
        self.ending_key = ""
        self.cache: dict[str, fragments.Fragment] = {}
        self.workers = max(1, os.cpu_count() or 1)
        self.known: frozenset[str] = frozenset()  # every section id of the book
        self.setup = fragments.Setup(self.program, "fr-FR", ())

    # --- building -------------------------------------------------------------------------------

    def rebuild(self) -> None:
        """Everything again from the files, rendering only the fragments whose input changed."""
        with self.lock:
            try:
                outline = self.book.load()
                exported = assemble.select(
                    outline, assemble.Selection(refs=(self.options.ref,) if self.options.ref else ())
                )
            except CmError as error:
                self.error, self.outline, self.views = str(error).splitlines()[0], None, {}
                return
            self.error, self.outline = "", outline
            self.views = {entry.located.section.id: SectionView(entry.located, entry.full) for entry in exported}
            self.known = frozenset(model.section_ids(outline))
            self.setup = self.make_setup(outline)
            texts = {section_id: self.read_chapter(section_id) for section_id in self.views}
            jobs = [job for job in (self.job(section_id, texts[section_id]) for section_id in self.views) if job]
            jobs += self.ending_job()
            self.render(jobs)
            self.refresh_margins(texts)
            self.refresh_findings()

    def chapter_saved(self, section_id: str) -> bool:
        """Render one chapter again after a save; False when the page must be rebuilt instead
        (the section went from no text to some, which changes the navigation)."""
        with self.lock:
            view = self.views.get(section_id)
            if view is None or self.outline is None:
                return False
            text = self.read_chapter(section_id)
            job = self.job(section_id, text)
            if job:
                self.render([job])
            had_text = view.has_text
            self.refresh_margins({section_id: text}, only=section_id)
            return view.has_text == had_text

    def read_chapter(self, section_id: str) -> str | CmError | None:
        try:
            return self.book.chapter_text(section_id)
        except CmError as error:  # not UTF-8, a link out of the book…: shown in the section's box
            return error

    def make_setup(self, outline: model.Outline) -> fragments.Setup:
        lang = outline.book.lang or "fr-FR"
        french = self.options.french_typography and lang.lower().startswith("fr") and FRENCH_FILTER.is_file()
        return fragments.Setup(self.program, lang, tuple(sorted(self.known)), french, self.book)

    def refresh_findings(self) -> list[str]:
        """`cm check` on the whole book, into the margins; the sections whose findings changed.

        After a save it runs once the new text is on the page: it reads every chapter, which on a
        big book takes longer than rendering the one that changed."""
        from clientmilitant.services.preview import margin

        found = margin.check_findings(self.book)  # outside the lock: pages are served meanwhile
        with self.lock:
            return margin.assign_findings(found, self.views) if self.outline is not None else []

    def job(self, section_id: str, text: str | CmError | None) -> fragments.Job | None:
        """The pandoc input of one section, or None when its cached fragment still fits."""
        view = self.views[section_id]
        if isinstance(text, CmError):
            view.fragment, view.key = fragments.Fragment(fragments.error_box(str(text)), str(text)), ""
            return None
        assert self.outline is not None
        entry = assemble.Exported(view.located, view.full)
        markdown, _, _ = assemble.section_block(self.outline, entry, text, False)
        links = sorted({target for _, target in assemble.section_links(text or "")} & self.known)
        view.key = cache_key(markdown, links, self.setup.french)
        if view.key in self.cache:
            view.fragment = self.cache[view.key]
            return None
        return fragments.Job(section_id, markdown, text)

    def ending_job(self) -> list[fragments.Job]:
        """The « Sources » chapter, when some source is linked from the sections shown."""
        assert self.outline is not None
        used: dict[str, model.Source] = {}
        for view in self.views.values():
            for source_id in view.located.section.sources if view.full else ():
                if source_id not in used:
                    used[source_id] = assemble.linked_source(self.outline, view.located, source_id)
        if not used:
            self.ending = fragments.Fragment("")
            return []
        markdown = assemble.sources_chapter(list(used.values()), self.outline.book.lang or "fr-FR")
        key = self.ending_key = cache_key(markdown, [], self.setup.french)
        if key in self.cache:
            self.ending = self.cache[key]
            return []
        return [fragments.Job(SOURCES_CHAPTER, markdown)]

    def render(self, jobs: list[fragments.Job]) -> None:
        rendered = fragments.render(jobs, self.setup, self.workers)
        for section_id, fragment in rendered.items():
            if section_id == SOURCES_CHAPTER:
                self.ending = self.cache[self.ending_key] = fragment
                continue
            view = self.views[section_id]
            view.fragment = fragment
            self.cache[view.key] = fragment
        live = {view.key for view in self.views.values()} | {self.ending_key}
        for key in [key for key in self.cache if key not in live]:
            del self.cache[key]  # keep memory flat: only what the page shows

    def refresh_margins(self, texts: dict[str, object], only: str | None = None) -> None:
        """Words, text or not, sources, open feedback and `cm check` findings of the sections."""
        from clientmilitant.services.preview import margin

        for section_id, text in texts.items():
            view = self.views[section_id]
            view.words = count_words(text) if isinstance(text, str) else 0
        for view in self.views.values():  # a part has text when one of its sections has
            view.has_text = False
        for view in reversed(list(self.views.values())):
            own = view.words > 0 or (view.fragment.error != "")
            view.has_text = view.has_text or own
            parent = view.located.parent
            if view.has_text and parent is not None and parent.id in self.views:
                self.views[parent.id].has_text = True
        assert self.outline is not None
        self.notice = margin.fill(self.book, self.outline, self.views, only)


def cache_key(markdown: str, links: list[str], french: bool) -> str:
    data = "\0".join([markdown, " ".join(links), "fr" if french else ""]).encode("utf-8")
    return hashlib.blake2b(data, digest_size=16).hexdigest()
