"""Trust: no chapter, feed, file or flag can harm the book, the machine or the reader (issue 13).

Every test runs the real `cm` on a copy of a fixture book. Each one failed on the code before its
fix (the commit that added it says so).
"""

from __future__ import annotations

import http.server
import json
import threading
import zipfile
from pathlib import Path
from xml.dom import minidom

import pytest
from conftest import Cm, copy_book, snapshot
from test_export import epubcheck_clean

from clientmilitant.storage import outline_file

# The smallest PNG: one transparent pixel.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cf"
    "c0f01f0005000201a5f6e1b40000000049454e44ae426082"
)
SECRET = b"SECRET-OUTSIDE-THE-BOOK-7f3a"


def write_chapter(book: Path, section_id: str, text: str) -> None:
    (book / "chapters").mkdir(exist_ok=True)
    (book / "chapters" / f"{section_id}.md").write_text(text, encoding="utf-8")


def exported_bytes(path: Path) -> bytes:
    """Every byte of an export: a zip (EPUB, docx) unpacked, else the file."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return b"".join(archive.read(name) for name in archive.namelist())
    return path.read_bytes()


@pytest.fixture
def book_with_outside_files(tmp_path: Path) -> Path:
    """The small book, a secret file beside it, and a chapter that names it in every way it can."""
    book = copy_book("small-book", tmp_path)
    (tmp_path / "secret.png").write_bytes(SECRET)
    (book / "images").mkdir()
    (book / "images" / "pixel.png").write_bytes(PIXEL)
    (book / "images" / "leak.png").symlink_to(tmp_path / "secret.png")
    write_chapter(
        book,
        "masses",
        "Le commerce.\n\n"
        f"![absolu]({tmp_path / 'secret.png'})\n\n"
        "![remonte](../../secret.png)\n\n"
        f"![fichier](file://{tmp_path / 'secret.png'})\n\n"
        "![lien](images/leak.png)\n\n"
        f'<img src="{tmp_path / "secret.png"}" alt="html">\n\n'
        "![dedans](images/pixel.png)\n",
    )
    return book


@pytest.mark.parametrize("fmt", ["epub", "html", "docx"])
def test_export_never_embeds_a_file_from_outside_the_book(book_with_outside_files: Path, fmt: str):
    result = Cm(book_with_outside_files)("export", fmt)
    assert result.code == 0, result.stderr
    output = next((book_with_outside_files / "build").iterdir())
    data = exported_bytes(output)
    assert SECRET not in data
    assert b"secret.png" not in data and b"leak.png" not in data  # not even a broken reference
    assert PIXEL in data or (fmt == "html" and b"data:image/png;base64,iVBORw0KGgo" in data)  # inside: kept
    warnings = [line for line in result.stderr.splitlines() if "left out" in line]
    assert len(warnings) == 5, result.stderr
    assert all(line.startswith("cm: pandoc warning: chapters/masses.md:") for line in warnings), warnings
    if fmt == "epub":
        epubcheck_clean(output)


def test_check_reports_each_outside_resource_with_file_and_line(book_with_outside_files: Path):
    result = Cm(book_with_outside_files)("check")
    assert result.code == 1
    errors = [line for line in result.stdout.splitlines() if "[outside-resource]" in line]
    assert [line.split(":")[1] for line in errors] == ["3", "5", "7", "9", "11"], result.stdout
    assert all(line.startswith("chapters/masses.md:") and " error " in line for line in errors)


@pytest.fixture
def book_with_encoded_paths(tmp_path: Path) -> Path:
    """A chapter naming a file outside the book through URL escapes, HTML entities and a reference."""
    from urllib.parse import quote

    book = copy_book("small-book", tmp_path)
    secret = tmp_path / "secret.png"
    secret.write_bytes(SECRET)
    entities = str(secret).replace("/", "&#47;")
    write_chapter(
        book,
        "masses",
        "Le commerce.\n\n"
        "![encodé](..%2F..%2Fsecret.png)\n\n"
        f"![absolu encodé]({quote(str(secret), safe='')})\n\n"
        f'<img src="{entities}" alt="entités">\n\n'
        "![par référence][ailleurs] et ![implicite]\n\n"
        f"![entité markdown]({entities})\n\n"
        f"[ailleurs]: {secret}\n"
        "[implicite]: ../../secret.png\n",
    )
    return book


@pytest.mark.parametrize("fmt", ["epub", "html"])
def test_export_refuses_encoded_and_referenced_paths_outside_the_book(book_with_encoded_paths: Path, fmt: str):
    result = Cm(book_with_encoded_paths)("export", fmt)
    assert result.code == 0, result.stderr
    data = exported_bytes(next((book_with_encoded_paths / "build").iterdir()))
    assert SECRET not in data and b"secret.png" not in data
    warnings = [line for line in result.stderr.splitlines() if "left out" in line]
    assert len(warnings) == 6, result.stderr


def test_check_reports_encoded_and_referenced_paths_outside_the_book(book_with_encoded_paths: Path):
    result = Cm(book_with_encoded_paths)("check")
    errors = [line for line in result.stdout.splitlines() if "[outside-resource]" in line]
    assert [line.split(":")[1] for line in errors] == ["3", "5", "7", "11", "13", "14"], result.stdout
    assert all(line.startswith("chapters/masses.md:") for line in errors)


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 — http.server's name
        _Recorder.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(PIXEL)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("fmt", ["html", "epub", "docx"])
def test_export_never_touches_the_network(small_book: Path, fmt: str):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    _Recorder.requests = []
    try:
        write_chapter(
            small_book,
            "masses",
            f'Texte.\n\n![distante]({url}/image.png)\n\n<iframe src="{url}/frame"></iframe>\n\n'
            f'<video src="{url}/video.mp4"></video>\n\n<p style="background: url({url}/bg.png)">x</p>\n',
        )
        result = Cm(small_book)("export", fmt)
    finally:
        server.shutdown()
    assert result.code == 0, result.stderr
    assert _Recorder.requests == []
    assert "chapters/masses.md:3: resource http://127.0.0.1" in result.stderr


ACTIVE = (
    "Début.\n\n"
    "<script>alert('script')</script>\n\n"
    '<iframe src="https://example.com/cadre"></iframe>\n\n'
    '<object data="anim.swf">objet</object>\n\n'
    '<embed src="anim.swf">\n\n'
    '<form action="https://example.com/vol"><input name="carte"></form>\n\n'
    "<style>body { display: none }</style>\n\n"
    'Un <span onclick="alert(1)">clic</span> et <img src="images/pixel.png" onerror="alert(2)">.\n\n'
    '<a href="javascript:alert(3)">lien</a>, [autre](javascript:alert(4)), [donnée](data:text/html,x).\n\n'
    "Reste <sup>2</sup> et [le site](https://example.com) et [écrire](mailto:a@example.com).\n"
)
FORBIDDEN = [b"<script", b"alert(", b"<iframe", b"<object", b"<embed", b"<form", b"<input", b"onclick",
             b"onerror", b"javascript:", b"data:text/html", b"display: none", b"anim.swf"]  # fmt: skip


@pytest.mark.parametrize("fmt", ["epub", "html"])
def test_export_carries_no_active_content(small_book: Path, fmt: str):
    (small_book / "images").mkdir()
    (small_book / "images" / "pixel.png").write_bytes(PIXEL)
    write_chapter(small_book, "masses", ACTIVE)
    result = Cm(small_book)("export", fmt)
    assert result.code == 0, result.stderr
    output = next((small_book / "build").iterdir())
    data = exported_bytes(output)
    if fmt == "html":  # pandoc's own template holds a script for old browsers' sake: look at the body only
        data = data.split(b"<body", 1)[1]
    found = [word for word in FORBIDDEN if word in data]
    assert not found, found
    for kept in (b"clic", b"lien", "donnée".encode(), b"<sup>2</sup>", b'href="https://example.com"', b"mailto:a@"):
        assert kept in data, kept
    if fmt == "epub":
        epubcheck_clean(output)


def test_check_warns_about_active_content_with_file_and_line(small_book: Path):
    write_chapter(small_book, "masses", ACTIVE)
    result = Cm(small_book)("check")
    found = {
        (line.split(":")[1], line.split("[")[1].split("]")[0])
        for line in result.stdout.splitlines()
        if "[unsafe" in line
    }
    assert {("3", "unsafe-html"), ("5", "unsafe-html"), ("7", "unsafe-html"), ("9", "unsafe-html")} <= found
    assert {("11", "unsafe-html"), ("13", "unsafe-html"), ("15", "unsafe-html")} <= found
    assert {("17", "unsafe-link")} <= found
    assert not any(line == "19" for line, _ in found)  # https, mailto and <sup> are fine


CONTROLS = "\x1b]0;pwned\x07Titre \x1b[2J\u202eeffacé\x9b"


def title_already_in_the_book(book: Path, title: str) -> None:
    """Section 1.1 retitled in outline.yaml by hand (cm refuses such a title on its command line)."""
    outline = outline_file.loads((book / "outline.yaml").read_bytes())
    outline.parts[0].sections[0].title = title
    (book / "outline.yaml").write_text(outline_file.dumps(outline), encoding="utf-8")


def test_control_characters_never_reach_an_export(small_book: Path):
    cm = Cm(small_book)
    title_already_in_the_book(small_book, CONTROLS)
    write_chapter(small_book, "masses", f"Texte {CONTROLS} fin.\n")
    cm("export", "epub").ok()
    output = next((small_book / "build").iterdir())
    with zipfile.ZipFile(output) as archive:
        for name in archive.namelist():
            if name.endswith((".xhtml", ".ncx", ".opf")):
                text = archive.read(name)
                minidom.parseString(text)  # well-formed XML
                assert b"\x1b" not in text and b"\x07" not in text and "\u202e".encode() not in text, name
    epubcheck_clean(output)


def test_control_characters_are_shown_escaped_on_the_terminal(small_book: Path):
    cm = Cm(small_book)
    title_already_in_the_book(small_book, CONTROLS)
    for args in (("outline", "show"), ("stats",)):
        for env in ({}, {"TTY_COMPATIBLE": "1", "FORCE_COLOR": "1", "NO_COLOR": ""}):
            result = cm(*args, env=env).ok()
            assert "\x07" not in result.stdout and "\x1b]" not in result.stdout and "\x1b[2J" not in result.stdout
            assert "\u202e" not in result.stdout
            assert "\\x1b]0;pwned" in result.stdout, (args, env, result.stdout)


@pytest.mark.parametrize(
    "args",
    [
        ("section", "add", CONTROLS),
        ("section", "rename", "1.1", "Titre \x1b[31mrouge\x1b[0m"),
        ("section", "set", "1.1", "--notes", "note\x9b"),
        ("point", "add", "1.1", "point \u202epiégé"),
        ("book", "set", "title", "Livre\x07"),
    ],
)
def test_control_characters_typed_on_the_command_line_are_refused(small_book: Path, args: tuple[str, ...]):
    """They were stored, then printed raw: `section add $'Titre \\e[31mrouge'` coloured the terminal."""
    before = snapshot(small_book, keep_lock=True)
    result = Cm(small_book)(*args)
    assert result.code == 2 and ("control character \\x" in result.stderr or "control character \\u" in result.stderr)
    assert not set(result.stdout + result.stderr) & set("\x1b\x07\x9b\u202e"), result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2  # the error and its hint
    assert snapshot(small_book, keep_lock=True) == before


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Blog</title><link>https://blog.example.com/</link>
<item><title>Titre &#x1b;]0;pwned&#x7; piégé &#x202e;bidi</title>
<link>https://blog.example.com/2008/01/piege.html</link>
<pubDate>Mon, 07 Jan 2008 10:00:00 +0100</pubDate><author>a@example.com (Anne&#x1b;[2J)</author>
<description>&lt;p&gt;Texte &#x1b;[2J du billet.&lt;/p&gt;</description></item>
</channel></rss>
"""


def test_import_strips_control_characters_from_a_feed(small_book: Path, tmp_path: Path):
    # `&#x1b;` makes the XML ill-formed: refused by default (issue 14), imported with --lenient, and
    # either way no control character reaches the terminal or the book.
    feed = tmp_path / "feed.xml"
    feed.write_text(RSS, encoding="utf-8")
    cm = Cm(small_book)
    before = snapshot(small_book, keep_lock=True)
    refused = cm("source", "import", str(feed))
    assert refused.code == 2 and refused.stderr.count("\n") == 1 and "--lenient" in refused.stderr, refused.stderr
    assert snapshot(small_book, keep_lock=True) == before
    result = cm("source", "import", "--lenient", str(feed)).ok()
    assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stdout + result.stderr
    stored = (small_book / "outline.yaml").read_text(encoding="utf-8")
    assert "Titre ]0;pwned piégé bidi" in stored
    assert not any(char in stored for char in "\x1b\x07\u202e")
    for archive in (small_book / "sources").iterdir():
        assert "\x1b" not in archive.read_text(encoding="utf-8")


def test_import_strips_c1_and_bidi_characters_from_a_well_formed_feed(small_book: Path, tmp_path: Path):
    # C1 controls and bidi overrides are legal XML 1.0 characters: the feed imports, the characters do not.
    feed = tmp_path / "feed.xml"
    feed.write_text(RSS.replace("&#x1b;", "&#x9b;").replace("&#x7;", "&#x85;"), encoding="utf-8")
    result = Cm(small_book)("source", "import", str(feed)).ok()
    assert not any(char in result.stdout for char in "\x9b\x85\u202e")
    stored = (small_book / "outline.yaml").read_text(encoding="utf-8")
    assert "piégé" in stored and not any(char in stored for char in "\x9b\x85\u202e")


# --- cm never writes what it cannot read back, and never writes over the book ---------------------


def test_a_save_refuses_what_a_load_would_refuse(small_book: Path):
    before = snapshot(small_book, keep_lock=True)
    result = Cm(small_book)("section", "set", "1", "--target", "1000000000000")
    assert result.code == 2 and result.stderr.count("\n") == 1 and "12 digits" in result.stderr, result.stderr
    assert snapshot(small_book, keep_lock=True) == before
    Cm(small_book)("outline", "show").ok()


@pytest.mark.parametrize(
    "output", ["outline.yaml", "feedback.yaml", "chapters/masses.md", "chapters/nouveau.md", "sources/billet.md",
               ".cm/history/000001.yaml", "removed/masses.md", "./chapters/../outline.yaml"],
)  # fmt: skip
def test_export_o_never_writes_over_a_file_of_the_book(small_book: Path, output: str):
    cm = Cm(small_book)
    cm("feedback", "add", "1.1", "Un avis").ok()
    cm("section", "rename", "1.2", "Fidélisation").ok()  # a history entry
    (small_book / "sources").mkdir()
    (small_book / "sources" / "billet.md").write_text("---\ntitle: Billet\n---\n\nTexte.\n", encoding="utf-8")
    (small_book / "removed").mkdir()
    (small_book / "removed" / "masses.md").write_text("Ancien texte.\n", encoding="utf-8")
    before = snapshot(small_book, keep_lock=True)
    for command in (("export", "epub"), ("export", "markdown"), ("outline", "export")):
        result = cm(*command, "-o", output)
        assert result.code == 2, (command, result.stderr)
        assert "is the book's own file" in result.stderr and "Traceback" not in result.stderr
        assert snapshot(small_book, keep_lock=True) == before, command


def outside_folder(tmp_path: Path, book: Path, name: str) -> Path:
    """`book/<name>` made a link to a folder outside the book (its files moved there)."""
    outside = tmp_path / f"outside-{name}"
    if (book / name).exists():
        (book / name).rename(outside)
    else:
        outside.mkdir()
    (book / name).symlink_to(outside)
    return outside


@pytest.mark.parametrize(
    ("folder", "command"),
    [
        ("chapters", ("chapter", "edit", "1.2")),  # no file yet: would be created through the link
        ("build", ("export", "markdown")),
        ("sources", ("source", "add", "https://example.com/billet", "--title", "Billet", "--file", "{post}")),
        ("removed", ("section", "remove", "1.1", "--force")),
        (".cm", ("section", "add", "Une autre")),
    ],
)
def test_a_folder_leading_out_of_the_book_is_never_written_through(tmp_path: Path, folder: str, command: tuple):
    book = copy_book("small-book", tmp_path)
    post = tmp_path / "post.md"
    post.write_text("Le texte du billet.\n", encoding="utf-8")
    Cm(book)("outline", "show").ok()
    outside = outside_folder(tmp_path, book, folder)
    before, outside_before = snapshot(book), snapshot(outside)
    result = Cm(book)(*[part.replace("{post}", str(post)) for part in command], env={"EDITOR": "true"})
    assert result.code == 2, result.stdout + result.stderr
    last = result.stderr.splitlines()[-1]  # after `cm: reading the book` for an export
    assert "leads outside the book" in last and "Traceback" not in result.stderr, result.stderr
    assert snapshot(outside) == outside_before
    assert snapshot(book) == before


def test_a_dangling_chapter_link_breaks_only_the_commands_that_need_it(small_book: Path, tmp_path: Path):
    (small_book / "chapters" / "web20.md").unlink()
    (small_book / "chapters" / "web20.md").symlink_to(tmp_path / "nowhere.md")
    (small_book / "chapters" / "masses.md").unlink()
    (small_book / "chapters" / "masses.md").symlink_to("/etc/hostname")
    cm = Cm(small_book)
    shown = cm("outline", "show").ok().stdout
    marked = [line for line in shown.splitlines() if "chapter: " in line]
    assert len(marked) == 2 and "masses" in marked[0] and "web20" in marked[1], shown
    data = json.loads(cm("outline", "show", "--json").ok().stdout)
    assert "outside the book" in data["parts"][0]["sections"][0]["chapter_problem"]
    cm("chapter", "path", "1.2").ok()
    cm("section", "rename", "1.2", "Fidélisation").ok()
    for command in (("chapter", "edit", "2.1"), ("export", "markdown")):
        result = cm(*command, env={"EDITOR": "true"})
        assert result.code == 2 and "Traceback" not in result.stderr, result.stderr


# --- never trust what is on disk --------------------------------------------------------------------


def one_history_entry(book: Path) -> Path:
    Cm(book)("section", "rename", "1.2", "Fidélisation").ok()
    (entry,) = sorted((book / ".cm" / "history").glob("*.json"))
    return entry


@pytest.mark.parametrize(
    "moves",
    [
        [{"source": "../../evil.md", "target": "removed/masses.md"}],
        [{"source": "chapters/masses.md", "target": "/tmp/cm-undo-evil.md"}],
        [{"source": "chapters/../../evil.md", "target": "removed/evil.md"}],
        [{"source": "outline.yaml", "target": "removed/outline.md"}],
        "chapters/masses.md",
        [["chapters/masses.md", "removed/masses.md"]],
        [{"source": "chapters/masses.md", "target": "removed/masses.md", "extra": 1}],
    ],
)
def test_undo_refuses_a_history_entry_it_cannot_trust(small_book: Path, tmp_path: Path, moves: object):
    entry = one_history_entry(small_book)
    (tmp_path / "evil.md").write_text("Hors du livre.\n", encoding="utf-8")
    entry.write_text(json.dumps({"action": "x", "time": 1.0, "moves": moves}), encoding="utf-8")
    before, outside = snapshot(small_book), snapshot(tmp_path)
    result = Cm(small_book)("undo")
    assert result.code == 2 and result.stderr.count("\n") == 1 and "cm can trust" in result.stderr, result.stderr
    assert snapshot(small_book) == before and snapshot(tmp_path) == outside
    assert not Path("/tmp/cm-undo-evil.md").exists()


@pytest.mark.parametrize("garbage", ["{", "[]", '{"action": "x"}', '{"action": 1, "time": "t", "moves": []}', ""])
def test_a_malformed_history_entry_never_gives_a_traceback(small_book: Path, garbage: str):
    entry = one_history_entry(small_book)
    entry.write_text(garbage, encoding="utf-8")
    cm = Cm(small_book)
    result = cm("undo")
    assert result.code == 2 and "Traceback" not in result.stderr and result.stderr.count("\n") == 1, result.stderr
    cm("section", "add", "Une suite").ok()  # later changes still work…
    cm("undo").ok()  # …and are undone
    assert "Une suite" not in (small_book / "outline.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "garbage", ["{", '{"format": 1}', "null", '{"format":1,"cm":"0.1.0","schema":[],"sha256":"x"}']
)
def test_a_cache_that_fails_to_parse_is_ignored_and_rebuilt(small_book: Path, garbage: str):
    cm = Cm(small_book)
    cm("section", "rename", "1.2", "Fidélisation").ok()
    cache = small_book / ".cm" / "outline-cache.json"
    cache.write_text(garbage, encoding="utf-8")
    assert "Fidélisation" in cm("outline", "show").ok().stdout
    cm("section", "rename", "1.2", "Fidélisation, encore").ok()
    assert json.loads(cache.read_text(encoding="utf-8"))["sha256"]


def test_a_no_op_adds_no_undo_entry(small_book: Path):
    cm = Cm(small_book)
    cm("section", "set", "1.1", "--status", "revised").ok()
    before = snapshot(small_book)
    cm("section", "set", "1.1", "--status", "revised").ok()
    cm("section", "rename", "1.1", "Marché de masses, communication de masses").ok()
    assert snapshot(small_book) == before


def test_a_change_made_while_cm_waits_for_the_lock_is_never_lost(small_book: Path):
    """The change lands in the same second, with the same size, in the same inode: only the
    content tells it apart."""
    import fcntl
    import os
    import subprocess
    import sys

    cm = Cm(small_book)
    cm("outline", "show").ok()
    (small_book / ".cm").mkdir(exist_ok=True)
    outline = small_book / "outline.yaml"
    with open(small_book / ".cm" / "lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        process = subprocess.Popen(
            [sys.executable, "-m", "clientmilitant", "section", "add", "Ajoutée pendant l'attente"],
            cwd=small_book, env=cm.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        import time

        time.sleep(3)  # cm has read the file and waits for the lock
        status = os.stat(outline)
        data = outline.read_bytes()
        changed = data.replace(b"Le petit livre", b"Le petit LIVRE")
        with open(outline, "r+b") as handle:
            handle.write(changed)
        os.utime(outline, ns=(status.st_atime_ns, status.st_mtime_ns))
        fcntl.flock(lock, fcntl.LOCK_UN)
    assert process.wait(timeout=120) == 0, process.stderr.read()
    text = outline.read_text(encoding="utf-8")
    assert "Le petit LIVRE" in text and "Ajoutée pendant l'attente" in text


# --- operating-system failures: one line, exit 1, nothing half-written ---------------------------------

# `cm` run with one system call failing as the OS would make it fail (root ignores permissions, and
# a full or read-only disk cannot be had in a test): the real command, the real error path.
FAULT = """
import errno, os, sys
code = getattr(errno, sys.argv[1]); call = sys.argv[2]; del sys.argv[1:3]
real = getattr(os, call)
def failing(*args, **kwargs):
    raise OSError(code, os.strerror(code), str(args[0]))
setattr(os, call, failing)
from clientmilitant.cli.app import main
sys.argv[0] = "cm"
main()
"""


def cm_failing(book: Path, code: str, call: str, *args: str):
    import subprocess
    import sys

    env = Cm(book).env
    return subprocess.run([sys.executable, "-c", FAULT, code, call, *args], cwd=book, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


FAILING_CALLS = [
    ("replace", ("section", "add", "Une suite")),
    ("replace", ("section", "remove", "1.1", "--force")),
    ("fsync", ("book", "set", "author", "Quelqu'un")),
    ("replace", ("source", "add", "https://example.com/b", "--title", "B")),
]


@pytest.mark.parametrize("code", ["ENOSPC", "EACCES", "EROFS", "EIO"])
@pytest.mark.parametrize(("call", "args"), FAILING_CALLS)
def test_an_os_failure_is_one_line_and_changes_nothing(small_book: Path, code: str, call: str, args: tuple):
    Cm(small_book)("outline", "show").ok()
    (small_book / ".cm").mkdir(exist_ok=True)
    (small_book / ".cm" / "lock").touch()
    before = snapshot(small_book)
    result = cm_failing(small_book, code, call, *args)
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("cm: ") and os_strerror(code) in result.stderr
    after = {k: v for k, v in snapshot(small_book).items() if not k.startswith((".cm/pending", ".cm/.gitignore"))}
    assert {k: v for k, v in after.items() if ".tmp" not in k} == before  # no phantom undo entry either
    Cm(small_book)("outline", "show").ok()


def os_strerror(code: str) -> str:
    import errno
    import os

    return os.strerror(getattr(errno, code))


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda book: (book / ".cm").write_text("un fichier"), ".cm"),
        (lambda book: (book / ".cm" / "lock").mkdir(parents=True), ".cm/lock"),
        (lambda book: (book / "removed").write_text("un fichier"), "removed"),
    ],
)
def test_a_file_where_a_folder_is_expected_is_one_line(small_book: Path, make, says: str):
    make(small_book)
    before = snapshot(small_book)
    for args in (("section", "add", "Une suite"), ("section", "remove", "1.1", "--force")):
        result = Cm(small_book)(*args)
        if says == "removed" and args[1] == "add":
            result.ok()
            continue
        assert result.code in (1, 2) and "Traceback" not in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1 and says in result.stderr, result.stderr
    assert snapshot(small_book) == before or says == "removed"


def test_an_argument_that_is_not_valid_text_is_one_line(small_book: Path):
    import subprocess
    import sys

    for args in ([b"section", b"add", b"caf\xe9"], [b"outline", b"show", b"\xff"]):
        result = subprocess.run([sys.executable.encode(), b"-m", b"clientmilitant", *args], cwd=small_book,
                                env=Cm(small_book).env, capture_output=True, timeout=120)  # fmt: skip
        assert result.returncode == 2 and result.stderr.count(b"\n") == 1, result.stderr
        assert b"not valid text" in result.stderr and b"Traceback" not in result.stderr


def test_titles_sources_and_notes_reach_html_escaped(small_book: Path):
    """Text from the outline (a title, a source from a feed, a point) is text in the HTML, never markup."""
    cm = Cm(small_book)
    cm("section", "rename", "1.1", "Masses <script>alert(1)</script>").ok()
    cm("point", "add", "1.1", '<img src=x onerror="alert(2)">').ok()
    cm(
        "source", "add", "https://example.com/billet", "--title", "<b onmouseover=alert(4)>Billet</b>", "--link", "1.1"
    ).ok()
    cm("export", "html", "--drafts").ok()
    body = next((small_book / "build").iterdir()).read_bytes().split(b"<body", 1)[1]
    for tag in (b"<script", b"<img src=x", b"<b onmouseover"):
        assert tag not in body, tag
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in body and b"&lt;b onmouseover=alert(4)&gt;" in body


def test_a_feedback_file_over_16_mb_is_refused_in_one_line(small_book: Path):
    feedback = small_book / "feedback.yaml"
    feedback.write_bytes(b"feedback: []\n" + b"# " + b"x" * (17 * 1024 * 1024) + b"\n")
    before = snapshot(small_book)
    for command in (("feedback", "list"), ("feedback", "add", "web20", "Un avis")):
        result = Cm(small_book)(*command)
        assert result.code == 2 and "Traceback" not in result.stderr, result.stderr
        assert result.stderr.strip().splitlines() == [
            "cm: feedback.yaml: 17.8 MB is more than cm reads in a feedback file (16 MB); is this the right file?"
        ]
    assert snapshot(small_book, keep_lock=True) == {k: v for k, v in before.items() if k != ".cm/lock"}
    Cm(small_book)("outline", "show").ok()  # the plan never depends on the readers' file


def test_a_book_without_trim_is_saved_without_it_and_round_trips(small_book: Path):
    from clientmilitant.storage import outline_file

    cm = Cm(small_book)
    cm("book", "set", "title", "Le petit livre").ok()  # the first save writes cm's canonical form
    data = (small_book / "outline.yaml").read_bytes()
    assert b"trim" not in data
    assert outline_file.dumps(outline_file.loads(data)).encode("utf-8") == data
    assert outline_file.yaml_dumps(outline_file.loads(data)).encode("utf-8") == data
    cm("book", "set", "trim", "6x9").ok()
    assert b"  trim: 6x9\n" in (small_book / "outline.yaml").read_bytes()
    cm("book", "set", "trim", "").ok()
    assert (small_book / "outline.yaml").read_bytes() == data
