"""`cm` killed with SIGKILL while it writes, 200 times: nothing is ever lost or half-written.

70 kills of `cm section add`, 70 of `cm section move`, 30 of `cm export epub`, 30 of `cm source
import`. After each kill: outline.yaml parses and equals either the state before the command or
the state after it (for add and move, the same change applied by the model in this process; for
import, the result of an uninterrupted import of the same feed); no chapter or source text changed
or half-written; no new file visible in the book; the kernel has released the lock (flock), so the
next `cm` works; an export is absent or a complete EPUB. Kill moments are spread over the length
of one uninterrupted run, measured first, so that kills land during start-up, loading, dumping,
the history hard link, the fsync and the rename. Export and import run pandoc: the whole process
group is killed, as a power cut or a closed terminal would, so that no pandoc is left running.
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import filecmp
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from conftest import FIXTURES, Cm

from clientmilitant.core import model
from clientmilitant.storage import outline_file

OUTLINE_KILLS = 70  # per outline command (add, move)
EXPORT_KILLS = 30
IMPORT_KILLS = 30  # 70 + 70 + 30 + 30 = 200 kills in all
SYNTHETIC_PARTS = 20
SECTIONS_PER_PART = 50  # ~1,000 sections: saving takes long enough for kills to land inside it


def grow(book: Path) -> None:
    """Make the small book a big one (written here directly: this is the test's setup, not cm)."""
    outline = outline_file.loads((book / "outline.yaml").read_bytes())
    for p in range(1, SYNTHETIC_PARTS + 1):
        part = model.Section(id=f"partie-{p}", title=f"Partie {p} : « le client »")
        part.sections = [
            model.Section(id=f"section-{p}-{s}", title=f"Section {p}.{s} — été", points=["un point", "yes"])
            for s in range(1, SECTIONS_PER_PART + 1)
        ]
        outline.parts.append(part)
    (book / "outline.yaml").write_text(outline_file.dumps(outline), encoding="utf-8")
    for p in range(1, 6):
        (book / "chapters" / f"section-{p}-1.md").write_text(f"# Texte {p}\n\nDéjà écrit, à garder.\n" * 50)
    (book / "sources").mkdir()
    (book / "sources" / "radio-head.md").write_text("Le modèle Radio Head pour la presse.\n" * 20)


def texts(book: Path) -> dict[str, bytes]:
    """The author's text: every chapter and source file with its bytes."""
    return {
        str(p.relative_to(book)): p.read_bytes()
        for folder in ("chapters", "sources", "removed")
        if (book / folder).is_dir()
        for p in sorted((book / folder).rglob("*"))
        if p.is_file()
    }


def visible_entries(book: Path) -> set[str]:
    """What a person sees in the book folder (hidden temp files of an interrupted save excluded)."""
    return {
        str(p.relative_to(book))
        for p in book.rglob("*")
        if not any(s.startswith(".") for s in p.relative_to(book).parts)
    }


def lock_is_free(book: Path) -> bool:
    """True when nobody holds the book's lock: the kernel frees a flock when its holder is killed."""
    lock = book / ".cm" / "lock"
    if not lock.exists():
        return True
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def start(book: Path, args: list[str]) -> subprocess.Popen:
    """cm in its own process group, so that a kill can take its pandoc along."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CM_")}
    return subprocess.Popen(
        [sys.executable, "-m", "clientmilitant", *args],
        cwd=book,
        env={**env, "NO_COLOR": "1", "LC_ALL": "C.UTF-8"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def kill_after(process: subprocess.Popen, delay: float, group: bool = False) -> int:
    """SIGKILL `process` (with `group`, its whole process group) after `delay` seconds; its exit status."""
    time.sleep(delay)
    if process.poll() is None:
        if group:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.send_signal(signal.SIGKILL)
    code = process.wait(timeout=300)
    if group:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # a pandoc left behind by a cm that had just exited
    return code


def full_run_seconds(book: Path, args: list[str]) -> float:
    """How long one uninterrupted run takes here: kills are spread over that span (not a timing test)."""
    durations = []
    for _ in range(3):
        began = time.perf_counter()
        assert start(book, args).wait(timeout=120) == 0
        durations.append(time.perf_counter() - began)
    return statistics.median(durations)


@dataclass
class Tally:
    killed_running: int = 0  # the process was still running when SIGKILL came
    finished_first: int = 0  # it had already exited
    landed_after: int = 0  # a killed process whose change was on disk anyway


def kill_repeatedly(
    book: Path,
    command: Callable[[int, model.Outline], list[str]],
    apply: Callable[[int, model.Outline], None],
    kills: int,
    seed: int,
) -> Tally:
    """Run `command(i, before)`, SIGKILL it at a random moment, check the book; `kills` times."""
    rng = random.Random(seed)
    span = full_run_seconds(book, command(0, outline_file.loads((book / "outline.yaml").read_bytes())))
    author_text = texts(book)
    visible = visible_entries(book)
    tally = Tally()
    for i in range(1, kills + 1):
        before = outline_file.loads((book / "outline.yaml").read_bytes())
        after = copy.deepcopy(before)
        try:
            apply(i, after)
        except Exception:  # the command would refuse: the only valid state is `before`
            after = before
        code = kill_after(start(book, command(i, before)), rng.uniform(0, span * 1.1))
        if code == -signal.SIGKILL:
            tally.killed_running += 1
        else:
            tally.finished_first += 1
            assert code == 0, f"kill {i}: cm exited with {code} before it was killed"
        now = outline_file.loads((book / "outline.yaml").read_bytes())  # raises if half-written
        assert now in (before, after), f"kill {i}: outline.yaml is neither the state before nor after"
        if code == 0:
            assert now == after, f"kill {i}: cm finished but its change is missing"
        elif now == after and after != before:
            tally.landed_after += 1
        assert texts(book) == author_text, f"kill {i}: chapter or source text changed"
        assert visible_entries(book) == visible, f"kill {i}: {visible_entries(book) ^ visible}"
        assert lock_is_free(book), f"kill {i}: the lock is still held"
    return tally


def check_book_still_works(book: Path) -> None:
    """After all the kills: the next command works, sweeps the temp files, and undo works."""
    cm = Cm(book)
    cm("section", "add", "Après la tempête").ok()
    assert not list(book.glob(".outline.yaml.*.tmp")), "temp files of killed saves were not swept"
    data = cm("outline", "show", "--json").ok()
    assert "Après la tempête" in data.stdout
    for snapshot in (book / ".cm" / "history").glob("*.yaml"):
        outline_file.loads(snapshot.read_bytes())  # every kept version is a whole, valid outline
    cm("undo").ok()
    assert "Après la tempête" not in (book / "outline.yaml").read_text(encoding="utf-8")


def test_section_add_killed_at_random_moments(tmp_path: Path):
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "small-book", book)
    grow(book)

    def command(i: int, before: model.Outline) -> list[str]:
        return [
            "section",
            "add",
            f"Ajout n° {i} : « tué »",
            "--under",
            f"partie-{i % SYNTHETIC_PARTS + 1}",
            "--position",
            "2",
        ]

    def apply(i: int, outline: model.Outline) -> None:
        model.add_section(outline, f"Ajout n° {i} : « tué »", model.Under(f"partie-{i % SYNTHETIC_PARTS + 1}", 2))

    tally = kill_repeatedly(book, command, apply, OUTLINE_KILLS, seed=1)
    assert tally.killed_running > 0, tally  # the kills did interrupt running processes
    check_book_still_works(book)


def test_section_move_killed_at_random_moments(tmp_path: Path):
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "small-book", book)
    grow(book)

    def where(i: int) -> tuple[str, str]:
        rng = random.Random(i)
        part, target = rng.sample(range(1, SYNTHETIC_PARTS + 1), 2)
        return f"partie-{part}", f"partie-{target}"

    def command(i: int, before: model.Outline) -> list[str]:
        source, target = where(i)
        moving = before_first_child(before, source)
        return ["section", "move", moving, "--under", target, "--position", "1"]

    def apply(i: int, outline: model.Outline) -> None:
        source, target = where(i)
        model.move_section(outline, before_first_child(outline, source), model.Under(target, 1))

    tally = kill_repeatedly(book, command, apply, OUTLINE_KILLS, seed=2)
    assert tally.killed_running > 0, tally
    check_book_still_works(book)


def before_first_child(outline: model.Outline, part_id: str) -> str:
    """The id of the first section of a part (moves always take a real section)."""
    section = model.find(outline, part_id).section
    return section.sections[0].id if section.sections else part_id


def is_complete_epub(path: Path) -> bool:
    """A whole EPUB: a zip whose every member reads back, with its mimetype and container."""
    try:
        with zipfile.ZipFile(path) as epub:
            names = set(epub.namelist())
            return epub.testzip() is None and {"mimetype", "META-INF/container.xml"} <= names
    except (zipfile.BadZipFile, OSError):
        return False


def test_export_killed_at_random_moments(tmp_path: Path):
    """The EPUB is absent or complete after every kill, never half-written; the book is untouched."""
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "small-book", book)
    cm = Cm(book)
    cm("export", "epub").ok()  # the first export sets the book's identifier; later ones change nothing
    [epub] = (book / "build").glob("*.epub")
    epub.unlink()
    outline = (book / "outline.yaml").read_bytes()
    author_text = texts(book)
    visible = visible_entries(book) | {str(epub.relative_to(book))}
    span = full_run_seconds(book, ["export", "epub"])
    epub.unlink()
    rng = random.Random(3)
    killed = 0
    for i in range(1, EXPORT_KILLS + 1):
        code = kill_after(start(book, ["export", "epub"]), rng.uniform(0, span * 1.1), group=True)
        killed += code == -signal.SIGKILL
        assert code in (0, -signal.SIGKILL), f"kill {i}: cm exited with {code}"
        if code == 0 or epub.exists():
            assert is_complete_epub(epub), f"kill {i}: {epub.name} is not a complete EPUB"
        assert (book / "outline.yaml").read_bytes() == outline, f"kill {i}: outline.yaml changed"
        assert texts(book) == author_text, f"kill {i}: chapter text changed"
        assert visible_entries(book) <= visible, f"kill {i}: {visible_entries(book) - visible}"
        assert lock_is_free(book), f"kill {i}: the lock is still held"
    assert killed > 0
    cm("export", "epub").ok()
    assert is_complete_epub(epub)


def test_source_import_killed_at_random_moments(tmp_path: Path):
    """Each kill interrupts a fresh import of a 20-post feed: the outline is as before or as after a
    whole import, every archive written is whole, and running the import again completes it."""
    feed = tmp_path / "blog.xml"
    feed.write_text(rss_feed(20), encoding="utf-8")
    pristine = tmp_path / "pristine"
    shutil.copytree(FIXTURES / "small-book", pristine)
    reference = tmp_path / "reference"
    shutil.copytree(pristine, reference)
    Cm(reference)("source", "import", str(feed)).ok()
    before = outline_file.loads((pristine / "outline.yaml").read_bytes())
    after = outline_file.loads((reference / "outline.yaml").read_bytes())
    assert len(after.sources) == len(before.sources) + 20
    chapters = texts(pristine)
    span = full_run_seconds(reference, ["source", "import", str(feed)])  # a no-op import: start-up and reading
    span *= 1.5  # plus the writing that an import into a fresh book does
    rng = random.Random(4)
    killed = 0
    for i in range(1, IMPORT_KILLS + 1):
        book = tmp_path / f"book-{i}"
        shutil.copytree(pristine, book)
        code = kill_after(start(book, ["source", "import", str(feed)]), rng.uniform(0, span * 1.1), group=True)
        killed += code == -signal.SIGKILL
        assert code in (0, -signal.SIGKILL), f"kill {i}: cm exited with {code}"
        now = outline_file.loads((book / "outline.yaml").read_bytes())
        assert now in (before, after), f"kill {i}: outline.yaml is neither before nor after the import"
        for archive in (book / "sources").glob("*") if (book / "sources").is_dir() else []:
            if not archive.name.startswith("."):
                assert filecmp.cmp(archive, reference / "sources" / archive.name, shallow=False), archive.name
        assert {k: v for k, v in texts(book).items() if k.startswith("chapters")} == {
            k: v for k, v in chapters.items() if k.startswith("chapters")
        }
        assert lock_is_free(book), f"kill {i}: the lock is still held"
        if i % 10 == 0:  # the next import completes what the killed one began
            Cm(book)("source", "import", str(feed)).ok()
            assert outline_file.loads((book / "outline.yaml").read_bytes()) == after
            assert texts(book) == texts(reference)
        shutil.rmtree(book)
    assert killed > 0


def rss_feed(posts: int) -> str:
    """A small RSS 2.0 feed of French posts."""
    items = "".join(
        f"<item><title>Billet {n} : le client « militant »</title>"
        f"<link>http://blog.example.org/2007/12/billet-{n}.html</link>"
        f"<pubDate>Mon, {n + 1:02d} Dec 2007 12:00:00 +0000</pubDate>"
        f"<description>&lt;p&gt;Le client {n} écrit, compare et boycotte : c'est l'été.&lt;/p&gt;</description></item>"
        for n in range(posts)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Le blog</title>'
        f"<link>http://blog.example.org/</link><description>Marketing</description>{items}</channel></rss>\n"
    )


def test_the_next_change_sweeps_temp_files_of_a_killed_save(small_book: Path):
    """A save killed between its temp file and the rename leaves `.outline.yaml.XXXX.tmp`: the next
    change, holding the lock (so no live save owns such a file), deletes it; other files stay."""
    stale = small_book / ".outline.yaml.k1ll3d.tmp"
    stale.write_text("book:\n  title: à moitié", encoding="utf-8")
    mine = small_book / ".outline.yaml.notes"
    mine.write_text("pas un fichier de cm", encoding="utf-8")
    Cm(small_book)("outline", "show").ok()
    assert stale.exists()  # a read never deletes anything
    Cm(small_book)("section", "add", "Après").ok()
    assert not stale.exists()
    assert mine.read_text(encoding="utf-8") == "pas un fichier de cm"
