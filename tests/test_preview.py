"""`cm preview`: the real command serving a copy of the export fixture book, driven by a real
Chromium (Debian's `chromium`, through Playwright with `executable_path`), and by raw HTTP where a
browser would tidy the request (`/../outline.yaml`).

Each test starts `cm preview --no-open` in a subprocess and reads the address from its first line;
at the end it is stopped with Ctrl-C (SIGINT), which must leave no traceback and no file behind.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import Cm, copy_book, snapshot

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
WAIT_MS = 15_000


class Preview:
    """A running `cm preview` on a book folder."""

    def __init__(self, book: Path, *args: str, env: dict | None = None, open_browser: bool = False) -> None:
        self.book = book
        env = {**Cm(book).env, **(env or {})}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "clientmilitant", "preview", *([] if open_browser else ["--no-open"]), *args],
            cwd=book,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )
        line = self.process.stdout.readline()  # type: ignore[union-attr]
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not found:
            self.process.kill()
            raise AssertionError(f"no address on the first line: {line!r} {self.process.stderr.read()}")  # type: ignore
        self.url, self.port = found[0], int(found[1])
        self.made_by_test: set[str] = set()  # files a test itself created in the book

    def get(self, raw_path: str, host: str | None = None) -> tuple[int, bytes]:
        """A request sent exactly as written (http.client does not normalise `..`)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.putrequest("GET", raw_path, skip_host=True)
        connection.putheader("Host", host or f"127.0.0.1:{self.port}")
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response.status, body

    def stop(self) -> tuple[int, str, str]:
        """Ctrl-C, as the author stops it."""
        self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=20)
        return self.process.returncode, out, err


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return copy_book("export-book", tmp_path)


@pytest.fixture
def preview(book: Path):
    before = snapshot(book)
    running = Preview(book)
    yield running
    if running.process.poll() is None:
        code, _, err = running.stop()
        assert code == 0 and "Traceback" not in err, err
    left = set(snapshot(book)) - set(before) - running.made_by_test
    assert left == set(), "the preview left a file in the book"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium; .ci/run does it)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the test extra)")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    # the page's Content-Security-Policy forbids eval, which Playwright's wait_for_function uses;
    # the sanitizer test below then proves the sanitizer alone (the policy is checked over HTTP)
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    opened = context.new_page()
    opened.set_default_timeout(WAIT_MS)
    yield opened
    context.close()


def section(page, section_id: str):
    return page.locator(f'[data-section="{section_id}"]')


# --- in the browser ------------------------------------------------------------------------------


def test_a_saved_chapter_appears_without_reloading_and_the_margin_follows(preview: Preview, page) -> None:
    page.goto(preview.url)
    masses = section(page, "masses")
    assert masses.locator(".cm-status").inner_text() == "final"
    assert masses.locator(".cm-words").inner_text() == "38"
    assert "Le commerce est né bien avant" in masses.locator(".cm-text").inner_text()
    page.evaluate("window.cmMarker = 'still the same page'")

    (preview.book / "chapters" / "masses.md").write_text(
        "Un texte tout neuf : trois mots de plus.\n\nVoir [le web](#web20).\n", encoding="utf-8"
    )

    page.wait_for_function("document.querySelector('[data-section=masses] .cm-text').innerText.includes('tout neuf')")
    assert page.evaluate("window.cmMarker") == "still the same page", "the page was reloaded"
    assert masses.locator(".cm-words").inner_text() == "11"
    # rendered alone, it still knows the book's other sections: the link is not « leading nowhere »
    assert masses.locator(".cm-error").count() == 0
    masses.locator('a[href="#web20"]').click()
    page.wait_for_function("location.hash === '#web20'")
    # the export's French typography filter ran on it: a no-break space before the colon
    assert "neuf\u00a0: trois" in masses.locator(".cm-text").inner_text()


def test_the_navigation_pane_shows_the_plan_and_its_links_lead_to_sections(preview: Preview, page) -> None:
    page.goto(preview.url)
    nav = page.locator("#cm-nav")
    assert nav.locator('[data-nav="boycott"]').get_attribute("class") == "cm-empty"  # no text yet
    assert "acheter, c'est voter" in nav.locator('[data-nav="boycott"]').inner_text()  # its points
    assert nav.locator('[data-nav="web20"]').get_attribute("class") is None
    nav.locator('[data-nav="reseaux"] > a').click()
    page.wait_for_function("location.hash === '#reseaux'")
    heading = page.locator("h3#reseaux")
    assert "Le grand chambardement" in heading.inner_text()
    # the browser scrolls to a whole pixel: a heading laid out at 1780.44 px shows at top -0.44
    assert heading.evaluate("e => { const r = e.getBoundingClientRect(); return r.top > -1 && r.top < innerHeight }")


def test_the_margin_shows_sources_feedback_and_check_findings(book: Path, browser) -> None:
    Cm(book)("feedback", "add", "2.1", "Et les blogs ?", "--author", "Marie", "--date", "2008-01-08").ok()
    (book / "sources").mkdir()
    (book / "sources" / "radio-head.md").write_text("---\ntitle: x\n---\n\nLe billet archivé.\n", encoding="utf-8")
    (book / "chapters" / "web20.md").write_text("Premier.\n\nDeux.\n\nVoir [ici](#nulle-part).\n", encoding="utf-8")
    running = Preview(book)
    try:
        page = browser.new_page(bypass_csp=True)
        page.goto(running.url)
        margin = section(page, "web20").locator(".cm-margin")
        text = margin.inner_text()
        assert "Et les blogs ?" in text and "Marie" in text
        assert "chapters/web20.md:5" in text and "broken-link" in text  # cm check, with the line
        archived = margin.locator('a[href="/sources/radio-head.md"]')
        assert archived.inner_text() == "Le modèle Radio Head pour la presse"
        assert "(not archived)" in margin.inner_text()  # frottement has no archive
        status, body = running.get("/sources/radio-head.md")
        assert status == 200 and "Le billet archivé." in body.decode("utf-8")
        # pandoc refused the chapter (a link leading nowhere): an error box with file:line
        box = section(page, "web20").locator(".cm-error")
        assert "chapters/web20.md:5" in box.inner_text()
        page.close()
    finally:
        code, _, err = running.stop()
    assert code == 0 and "Traceback" not in err


def test_a_chapter_pandoc_refuses_shows_an_error_box_and_the_server_goes_on(preview: Preview, page) -> None:
    page.goto(preview.url)
    chapter = preview.book / "chapters" / "masses.md"
    chapter.write_text("Une ligne.\n\nEt [un lien](#nulle-part) cassé.\n", encoding="utf-8")
    box = section(page, "masses").locator(".cm-error")
    box.wait_for()
    assert "chapters/masses.md:3" in box.inner_text()
    assert "Web2.0" in page.locator("#web20").inner_text()  # the rest of the book is still there
    chapter.write_text("Réparé.\n", encoding="utf-8")
    page.wait_for_function("document.querySelector('[data-section=masses] .cm-text').innerText.includes('Réparé')")
    assert section(page, "masses").locator(".cm-error").count() == 0


def test_a_broken_outline_shows_one_line_then_the_book_comes_back_by_itself(preview: Preview, page) -> None:
    page.goto(preview.url)
    outline = preview.book / "outline.yaml"
    good = outline.read_bytes()
    outline.write_bytes(good.replace(b"parts:\n", b"parts:\n\t- oops\n", 1))
    page.locator("main.cm-broken .cm-error").wait_for()
    message = page.locator("main.cm-broken .cm-error").inner_text()
    assert message.startswith("outline.yaml:") and "\n" not in message
    outline.write_bytes(good.replace(b"title: Le client militant", b"title: Le client militant, bis", 1))
    page.locator("h1.title").wait_for()
    assert page.locator("h1.title").inner_text() == "Le client militant, bis"
    assert "Le commerce est né" in section(page, "masses").inner_text()


def test_raw_html_is_sanitised(preview: Preview, page) -> None:
    (preview.book / "chapters" / "masses.md").write_text(
        'Texte <script>window.pwned = 1</script> <img src="x.png" onerror="window.pwned = 2">\n\n'
        '<iframe src="https://example.org/"></iframe>\n\n[lien](javascript:window.pwned=3)\n',
        encoding="utf-8",
    )
    page.goto(preview.url)
    page.wait_for_function("document.querySelector('[data-section=masses] .cm-text').innerText.includes('Texte')")
    html = section(page, "masses").inner_html()
    assert "<script" not in html and "onerror" not in html and "<iframe" not in html and "javascript:" not in html
    assert page.evaluate("window.pwned") is None


def test_clean_hides_the_margin_and_a_ref_shows_one_part(book: Path, browser) -> None:
    running = Preview(book, "2", "--clean")
    try:
        page = browser.new_page(bypass_csp=True)
        page.goto(running.url)
        assert page.locator(".cm-margin").count() == 0
        shown = page.eval_on_selector_all("[data-section]", "rows => rows.map(r => r.dataset.section)")
        assert shown == ["militant", "web20", "reseaux", "boycott"]
        page.close()
    finally:
        assert running.stop()[0] == 0


# --- over raw HTTP ------------------------------------------------------------------------------


def test_only_files_of_the_book_are_served(preview: Preview, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("outside the book", encoding="utf-8")
    (preview.book / "chapters" / "lien.png").symlink_to(secret)
    (preview.book / "dehors").symlink_to(tmp_path)
    for path in (
        "/../outline.yaml",
        "/chapters/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/chapters/lien.png",
        "/lien.png",
        "/dehors/secret.txt",
        "/.cm/lock",
        "/_cm/../outline.yaml",
    ):
        status, body = preview.get(path)
        assert status == 404, f"{path}: {status} {body[:80]!r}"
        assert b"outside the book" not in body
    assert preview.get("/cover.png")[0] == 200  # a file of the book
    assert preview.get("/chapters/masses.md")[0] == 200
    assert preview.get("/", host="evil.example:80")[0] == 403  # DNS rebinding
    (preview.book / "chapters" / "lien.png").unlink()  # planted by this test: not the preview's
    (preview.book / "dehors").unlink()


def test_the_page_forbids_scripts_from_anywhere_else(preview: Preview) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=10)
    connection.request("GET", "/")
    policy = connection.getresponse().getheader("Content-Security-Policy")
    assert "script-src 'self'" in policy and "object-src 'none'" in policy


def test_saving_one_chapter_renders_that_chapter_only(book: Path, tmp_path: Path) -> None:
    from clientmilitant.services.export.pandoc import find_pandoc

    log = tmp_path / "pandoc.log"
    wrapper = tmp_path / "pandoc-wrapper"
    wrapper.write_text(
        "#!/bin/sh\n"
        "input=$(cat)\n"
        f'printf "%s\\n" "$input" | grep -o "file=\\"[^\\"]*\\"" | tr "\\n" " " >> "{log}"\n'
        f'echo >> "{log}"\n'
        f'printf "%s\\n" "$input" | exec "{find_pandoc()}" "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    running = Preview(book, "--pandoc", str(wrapper))
    try:
        first = log.read_text(encoding="utf-8").splitlines()
        assert 1 <= len(first) <= (os.cpu_count() or 1) + 1  # a few batches, not one run per section
        assert sum(line.count("file=") for line in first) == 5  # every chapter with text, once

        def runs_after(count: int) -> list[str]:
            deadline = time.monotonic() + 10
            while len(log.read_text(encoding="utf-8").splitlines()) == count and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.5)  # nothing else follows
            return log.read_text(encoding="utf-8").splitlines()[count:]

        (book / "chapters" / "reseaux.md").write_text("Les réseaux, encore.\n", encoding="utf-8")
        assert runs_after(len(first)) == ['file="chapters/reseaux.md" ']
        # an outline change re-renders only the sections whose pandoc input changed: here one heading
        Cm(book)("section", "rename", "2.1.1", "Les réseaux sociaux").ok()
        running.made_by_test |= {".cm/lock", ".cm/outline-cache.json"} | {
            str(p.relative_to(book)) for p in (book / ".cm").rglob("*") if p.is_file()
        }
        assert runs_after(len(first) + 1) == ['file="chapters/reseaux.md" ']
    finally:
        assert running.stop()[0] == 0


def test_ctrl_c_stops_cleanly_and_bad_use_is_one_line(book: Path) -> None:
    before = snapshot(book)
    running = Preview(book)
    assert running.get("/")[0] == 200
    code, out, err = running.stop()
    assert code == 0 and "Traceback" not in err and "stopped" in out
    assert snapshot(book) == before
    other = Preview(book)
    busy = Cm(book)("preview", "--no-open", "--port", str(other.port))
    assert other.stop()[0] == 0
    assert busy.code == 1 and busy.stderr.startswith(f"cm: cannot listen on 127.0.0.1:{other.port}")
    assert len(busy.stderr.strip().splitlines()) == 1 and "Traceback" not in busy.stderr
    result = Cm(book)("preview", "--no-open", "9.9")
    assert result.code == 2 and result.stderr.startswith("cm: no section '9.9'") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_new_feedback_reaches_the_margin_by_itself(preview: Preview, page) -> None:
    page.goto(preview.url)
    assert "Open feedback" not in section(page, "boycott").inner_text()
    Cm(preview.book)("feedback", "add", "2.2", "Et le boycott de 2007 ?", "--author", "Paul").ok()
    preview.made_by_test |= {"feedback.yaml", ".cm/lock"}
    page.wait_for_function(
        "(document.querySelector('[data-section=boycott] .cm-margin') || {innerText: ''})"
        ".innerText.includes('Et le boycott de 2007')"
    )
    assert "open feedback (1)" in section(page, "boycott").locator(".cm-margin").inner_text().lower()


def test_without_no_open_the_browser_is_opened_on_the_address(book: Path, tmp_path: Path) -> None:
    opened = tmp_path / "opened.txt"
    browser_script = tmp_path / "browser"
    browser_script.write_text(f'#!/bin/sh\necho "$1" > "{opened}"\n', encoding="utf-8")
    browser_script.chmod(0o755)
    running = Preview(book, env={"BROWSER": str(browser_script)}, open_browser=True)  # webbrowser reads $BROWSER
    try:
        deadline = time.monotonic() + 10
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert opened.read_text(encoding="utf-8").strip() == running.url
    finally:
        assert running.stop()[0] == 0


def test_the_preview_never_shows_what_an_export_refuses(book: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(b"outside")
    shutil.copy(book / "cover.png", book / "chapters" / "dedans.png")
    with (book / "chapters" / "masses.md").open("a", encoding="utf-8") as chapter:
        chapter.write(
            f"\n![absolu]({tmp_path / 'secret.png'})\n\n![remonte](../../secret.png)\n\n"
            "![pisteur](https://tracker.example/pixel.png)\n\n![encodé](..%2F..%2Fsecret.png)\n\n"
            "![dedans](dedans.png)\n"
        )
    running = Preview(book)
    try:
        status, page = running.get("/")
    finally:
        running.stop()
    assert status == 200
    images = re.findall(r"<img\b[^>]*>", page.decode("utf-8"))
    assert images == ['<img src="chapters/dedans.png" alt="dedans">'], images  # only a file of the book


def test_a_browser_that_goes_away_mid_reply_prints_nothing(book: Path) -> None:
    import socket
    import struct

    running = Preview(book)
    try:
        for _ in range(10):  # a reload or a closed tab: the connection is reset before the page is read
            client = socket.create_connection(("127.0.0.1", running.port), timeout=10)
            client.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{running.port}\r\n\r\n".encode())
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()
        assert running.get("/")[0] == 200
    finally:
        code, _, err = running.stop()
    assert code == 0 and "Traceback" not in err, err
