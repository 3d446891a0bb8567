"""Following the book's files with watchfiles (inotify on Linux: no polling loop, no CPU while idle).

A saved chapter re-renders that chapter alone and tells the page to fetch that section; a change to
outline.yaml, feedback.yaml or an archived source rebuilds the site (from the fragment cache) and
tells the page to reload.
"""

from __future__ import annotations

import threading
from pathlib import Path

from clientmilitant.services.preview.server import Hub
from clientmilitant.services.preview.site import Site

STEP_MS = 20  # changes this close together are one save (an editor writes, then renames)
DEBOUNCE_MS = 400
CHECK_IDLE_SECONDS = 5  # how often the idle checker looks at `stop`
TIMEOUT_MS = 250  # an empty round now and then: the first one says the watches are in place


def relevant(site: Site, path: Path) -> str | None:
    """What a changed path is to the preview: 'book' (outline, feedback, sources), 'chapter', or None."""
    book = site.book
    if path == book.outline_path or path == book.root / "feedback.yaml":
        return "book"
    if path.suffix == ".md" and not path.name.startswith("."):
        if path.parent == book.chapters_dir:
            return "chapter"
        if path.parent == book.sources_dir:
            return "book"
    return None


def follow(site: Site, hub: Hub, stop: threading.Event, watching: threading.Event) -> None:
    """Watch the book's folder until `stop` is set, publishing what each change means for the page;
    `watching` is set once the watches are in place (the first empty round)."""
    import watchfiles

    def wanted(change: watchfiles.Change, path: str) -> bool:
        return relevant(site, Path(path)) is not None

    check_wanted = threading.Event()  # set by a save
    checker = threading.Thread(
        target=check_when_asked, args=(site, hub, stop, check_wanted), name="cm-check", daemon=True
    )
    checker.start()
    for changes in watchfiles.watch(
        site.book.root,
        watch_filter=wanted,
        stop_event=stop,
        step=STEP_MS,
        debounce=DEBOUNCE_MS,
        rust_timeout=TIMEOUT_MS,
        yield_on_timeout=True,
        raise_interrupt=False,
    ):
        watching.set()
        if changes:
            try:
                apply(site, hub, {Path(path) for _, path in changes}, check_wanted)
            except Exception as error:  # noqa: BLE001 - shown on the page; the next change tries again
                site.error = f"cm preview could not follow the change: {error}"
                hub.publish("page")


def apply(site: Site, hub: Hub, paths: set[Path], check_wanted: threading.Event) -> None:
    """Bring the site up to date with the changed files, and tell the pages."""
    kinds = {relevant(site, path) for path in paths}
    if "book" in kinds or site.error:
        site.rebuild()
        hub.publish("page")
        return
    for path in sorted(paths):
        if not site.chapter_saved(path.stem):
            site.rebuild()
            hub.publish("page")
            return
        hub.publish("section", {"id": path.stem})
    check_wanted.set()  # then `cm check`, which reads the whole book, in its own thread


def check_when_asked(site: Site, hub: Hub, stop: threading.Event, wanted: threading.Event) -> None:
    """Run `cm check` after saves, apart from the watcher so that the next save is rendered at once;
    saves that come while it runs are checked together by the next round."""
    while not stop.is_set():
        if not wanted.wait(timeout=CHECK_IDLE_SECONDS):
            continue
        wanted.clear()
        for section_id in site.refresh_findings():
            hub.publish("section", {"id": section_id})
