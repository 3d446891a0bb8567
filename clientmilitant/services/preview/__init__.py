"""`cm preview`: the book as HTML in a browser, rebuilt live as the author saves.

    serve()      bind 127.0.0.1, build the site, start watching, serve until Ctrl-C (or SIGTERM)
    site.py      the state: fragments (through services/export) and margins, rebuilt incrementally
    page.py      the HTML of the page, of one section, of a book that does not load
    margin.py    sources, open feedback and `cm check` findings of each section
    server.py    http.server + server-sent events; only the book's files and its own assets
    watch.py     watchfiles: which saved file changes what

Nothing is written to the book's folder: the fragments live in memory only.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable

from clientmilitant.core.errors import Failed
from clientmilitant.services.preview.site import PreviewOptions, Site
from clientmilitant.storage.book import Book

__all__ = ["PreviewOptions", "serve"]
WATCH_START_SECONDS = 5


def serve(book: Book, options: PreviewOptions, ready: Callable[[str, Site], None] = lambda url, site: None) -> None:
    """Serve the preview until interrupted; `ready(url, site)` is called once the first build is done."""
    from clientmilitant.services.preview import watch
    from clientmilitant.services.preview.server import Hub, PreviewServer

    site = Site(book, options)
    if options.ref:  # a REF that names nothing is bad use: said now (a broken book is shown on the page)
        from clientmilitant.core import model
        from clientmilitant.core.errors import BookError

        try:
            outline = book.load()
        except BookError:
            outline = None
        if outline is not None:
            model.find(outline, options.ref)
    hub = Hub()
    try:
        server = PreviewServer(options.port, site, hub)
    except OSError as error:
        raise Failed(f"cannot listen on 127.0.0.1:{options.port}: {error.strerror}", "choose another --port") from None
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        watching = threading.Event()  # watches set up while the first build runs
        watcher = threading.Thread(target=watch.follow, args=(site, hub, stop, watching), name="cm-watch", daemon=True)
        watcher.start()
        site.rebuild()
        watching.wait(WATCH_START_SECONDS)
        ready(f"http://127.0.0.1:{server.server_address[1]}/", site)
        server.serve_forever(poll_interval=3600)  # shutdown() wakes it: no polling while idle
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        hub.close()
        server.server_close()
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
