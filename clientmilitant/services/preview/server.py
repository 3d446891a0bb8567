"""The preview's HTTP server: the standard library's threading server, on 127.0.0.1 only.

It serves the page, one section at a time (`/_cm/section/<id>`), server-sent events
(`/_cm/events`), its own assets (`/_cm/…`), and files of the book (images, archived sources): a
path with `..`, an absolute path, a hidden file (`.cm/`, `.git/`) or a symbolic link leading out of
the book is a 404. Requests whose Host is not this server's are refused (DNS rebinding).
"""

from __future__ import annotations

import collections
import json
import mimetypes
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from clientmilitant.services.export import DEFAULT_CSS
from clientmilitant.services.preview import page
from clientmilitant.services.preview.site import Site

ASSETS_DIR = Path(__file__).parent / "assets"
ASSETS = {"epub.css": DEFAULT_CSS, "preview.css": ASSETS_DIR / "preview.css", "preview.js": ASSETS_DIR / "preview.js"}
KEEP_ALIVE_SECONDS = 15
EVENTS_KEPT = 200
# Scripts only from this server; no plug-ins, frames or forms: a second wall behind the sanitizer.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; frame-src 'none'; form-action 'none'; base-uri 'none'"
)
TEXT_TYPES = {".md": "text/plain; charset=utf-8", ".yaml": "text/plain; charset=utf-8"}


class Hub:
    """Numbered events for the pages that listen: `section` (one section changed) or `page`."""

    def __init__(self) -> None:
        self.condition = threading.Condition()
        self.version = 0
        self.events: collections.deque[tuple[int, str, str]] = collections.deque(maxlen=EVENTS_KEPT)
        self.closed = False

    def publish(self, name: str, data: dict | None = None) -> None:
        with self.condition:
            self.version += 1
            self.events.append((self.version, name, json.dumps(data or {})))
            self.condition.notify_all()

    def since(self, version: int, timeout: float) -> list[tuple[int, str, str]]:
        """The events after `version` (waiting up to `timeout` for one); a page too far behind reloads."""
        with self.condition:
            if self.version <= version and not self.closed:
                self.condition.wait(timeout)
            if self.events and self.events[0][0] > version + 1 and version < self.version:
                return [(self.version, "page", "{}")]
            return [event for event in self.events if event[0] > version]

    def close(self) -> None:
        with self.condition:
            self.closed = True
            self.condition.notify_all()


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True  # past connections in TIME_WAIT; Linux still refuses a second listener

    def __init__(self, port: int, site: Site, hub: Hub) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.site, self.hub = site, hub
        self.root = Path(os.path.realpath(site.book.root))

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that goes away mid-reply (a reload, a closed tab) is no error: nothing on the
        author's terminal. Anything else is still reported."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet: the terminal is the author's
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if not self.host_allowed():
            return self.reply(403, b"cm preview: wrong Host\n", "text/plain; charset=utf-8")
        url = urlsplit(self.path)
        path = url.path
        if path == "/":
            return self.send_page()
        if path == "/_cm/events":
            since = parse_qs(url.query).get("since", [""])[0]
            return self.send_events(int(since) if since.isdigit() else self.server.hub.version)
        if path.startswith("/_cm/section/"):
            return self.send_section(unquote(path[len("/_cm/section/") :]))
        if path.startswith("/_cm/"):
            return self.send_asset(path[len("/_cm/") :])
        return self.send_book_file(path)

    def host_allowed(self) -> bool:
        port = self.server.server_address[1]
        return self.headers.get("Host", "") in (f"127.0.0.1:{port}", f"localhost:{port}")

    def reply(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", POLICY)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def not_found(self) -> None:
        self.reply(404, b"404: not a file of this book\n", "text/plain; charset=utf-8")

    def send_page(self) -> None:
        site, version = self.server.site, self.server.hub.version
        with site.lock:
            html = page.book_page(site, version) if not site.error else page.error_page(site.error, version)
        self.reply(200, html.encode("utf-8"), "text/html; charset=utf-8")

    def send_section(self, section_id: str) -> None:
        site = self.server.site
        with site.lock:
            view = site.views.get(section_id)
            if view is None or site.error:
                return self.not_found()
            html = page.section_html(view, site.options.clean)
        self.reply(200, html.encode("utf-8"), "text/html; charset=utf-8")

    def send_asset(self, name: str) -> None:
        path = ASSETS.get(name)
        if path is None:
            return self.not_found()
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        self.reply(
            200, path.read_bytes(), content_type + ("; charset=utf-8" if content_type.startswith("text") else "")
        )

    def send_book_file(self, path: str) -> None:
        # an image is found as pandoc finds it in an export: from the book's folder, else from chapters/
        found = book_file(self.server.root, path) or book_file(self.server.root, "/chapters" + path)
        if found is None:
            return self.not_found()
        try:
            data = found.read_bytes()
        except OSError:
            return self.not_found()
        kind = TEXT_TYPES.get(found.suffix.lower()) or mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        self.reply(200, data, kind)

    def send_events(self, version: int) -> None:
        hub = self.server.hub
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.close_connection = True
        try:
            while not hub.closed:
                events = hub.since(version, KEEP_ALIVE_SECONDS)
                chunk = "".join(f"id: {n}\nevent: {name}\ndata: {data}\n\n" for n, name, data in events)
                self.wfile.write((chunk or ": still here\n\n").encode("utf-8"))
                self.wfile.flush()
                version = max([version, *(n for n, _, _ in events)])
        except OSError:  # the page went away
            return


def book_file(root: Path, url_path: str) -> Path | None:
    """The file of the book a URL path names, or None: no `..`, no absolute path, no hidden file,
    nothing that resolves outside the book (a symbolic link leading out), only regular files."""
    relative = unquote(url_path)
    if not relative.startswith("/") or "\0" in relative or "\\" in relative:
        return None
    parts = relative[1:].split("/")
    if not parts or any(part in ("", ".", "..") or part.startswith(".") for part in parts):
        return None
    real = Path(os.path.realpath(root.joinpath(*parts)))
    if root not in real.parents or not real.is_file():
        return None
    return real
