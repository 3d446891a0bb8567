"""`cm source import` at a whole blog's size (issue 14): what the author sees of a big import, and
feeds read in chunks so that memory follows the largest post, not the file."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Cm

from clientmilitant.services.sources.feeds import CHUNK_BYTES


def rss(tmp_path: Path, count: int, name: str = "long.xml") -> Path:
    words = "le client militant choisit ses marques et les défend devant ses amis ".split()
    body = "&lt;p&gt;" + " ".join(words[n % len(words)] for n in range(60)) + "&lt;/p&gt;"
    items = "".join(
        f"<item><title>Billet {n}</title><link>http://p.example.fr/{n}.html</link><description>{body}</description></item>"
        for n in range(count)
    )
    feed = tmp_path / name
    feed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>')
    return feed


def test_a_big_import_lists_its_first_rows_and_counts_the_others(cm: Cm, tmp_path: Path) -> None:
    result = cm("source", "import", str(rss(tmp_path, 60))).ok()
    assert "… and 10 more posts (--json lists every one)" in result.stdout
    assert "billet-49" in result.stdout and "billet-50 " not in result.stdout
    assert "imported: 60 new" in result.stdout
    again = json.loads(cm("source", "import", str(rss(tmp_path, 60)), "--json").ok().stdout)
    assert len(again["posts"]) == 60 and again["summary"]["unchanged"] == 60


# --- the progress bar ------------------------------------------------------------------------------


def on_a_terminal(cm: Cm, *args: str) -> tuple[str, str]:
    """Run cm with stderr on a pseudo-terminal (stdout a pipe): what it drew there, what it printed."""
    import os
    import pty
    import subprocess
    import sys

    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "clientmilitant", *args], cwd=cm.cwd, stdout=subprocess.PIPE, stderr=slave,
        env={**cm.env, "TERM": "xterm", "CM_PROGRESS_DELAY": "0"},
    )  # fmt: skip
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the pty is closed once cm has exited
            break
        if not data:
            break
        chunks.append(data)
    stdout = process.stdout.read().decode()
    assert process.wait(timeout=300) == 0
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace"), stdout


def test_the_bar_follows_the_whole_import_on_a_terminal(cm: Cm, tmp_path: Path) -> None:
    """Reading (the feed's bytes), then writing the archives: not only the conversion."""
    drawn, _ = on_a_terminal(cm, "source", "import", str(rss(tmp_path, 120)))
    assert "Reading posts" in drawn and "Writing archives" in drawn and "100%" in drawn


def test_a_wordpress_import_shows_reading_and_converting(cm: Cm, tmp_path: Path) -> None:
    items = "".join(
        f"<item><title>Billet {n}</title><link>http://w.example.fr/{n}/</link><content:encoded>Texte {n}."
        "</content:encoded><wp:post_type>post</wp:post_type><wp:status>publish</wp:status></item>"
        for n in range(250)
    )
    export = tmp_path / "wp.xml"
    export.write_text(
        '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        f'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>t</title>{items}</channel></rss>'
    )
    drawn, _ = on_a_terminal(cm, "source", "import", str(export))
    assert "Reading posts" in drawn and "Converting posts" in drawn and "Writing archives" in drawn


def test_no_bar_with_json_even_on_a_terminal(cm: Cm, tmp_path: Path) -> None:
    drawn, stdout = on_a_terminal(cm, "source", "import", str(rss(tmp_path, 120)), "--json")
    assert "posts" not in drawn and "━" not in drawn and "%" not in drawn
    assert json.loads(stdout)["summary"]["imported"] == 120


def test_no_bar_in_a_pipe(cm: Cm, tmp_path: Path) -> None:
    result = cm("source", "import", str(rss(tmp_path, 120)), env={"CM_PROGRESS_DELAY": "0"}).ok()
    assert "━" not in result.stderr and "Reading" not in result.stderr and "\x1b" not in result.stderr


# --- feeds read in chunks -----------------------------------------------------------------------------


def big_body(n: int) -> str:
    return f"<p>Billet {n} : « les clients d’été, déçus, réclament » — {'mot ' * 400}fin.</p>"


def test_a_feed_bigger_than_a_chunk_keeps_every_post_its_encoding_and_its_numbering(cm: Cm, tmp_path: Path) -> None:
    """1.1 MB of Windows-1252: three feedparser runs; accents right in every one, entry numbers
    counted across them (the untitled last entry is named by its place in the file)."""
    from html import escape

    items = "".join(
        f"<item><title>Été n° {n}</title><link>http://cp.example.fr/{n}.html</link>"
        f"<description>{escape(big_body(n))}</description></item>"
        for n in range(600)
    )
    items += f"<item><link>http://cp.example.fr/sans-titre.html</link><description>{escape(big_body(600))}</description></item>"
    feed = tmp_path / "cp1252.xml"
    feed.write_bytes(
        f'<?xml version="1.0" encoding="windows-1252"?><rss version="2.0"><channel><title>t</title>'
        f"<link>http://cp.example.fr/</link>{items}</channel></rss>".encode("cp1252")
    )
    assert feed.stat().st_size > 2 * CHUNK_BYTES  # three chunks at least
    result = cm("source", "import", str(feed), "--json").ok()
    data = json.loads(result.stdout)
    assert data["summary"]["imported"] == 601
    assert "cp1252.xml: entry 601: no title; titled from its first words « Billet 600 :" in result.stderr
    rows = {row["title"]: row for row in data["posts"]}
    assert {f"Été n° {n}" for n in (0, 299, 599)} <= set(rows)
    text = (cm.cwd / "sources" / f"{rows['Été n° 599']['source_id']}.md").read_text(encoding="utf-8")
    assert "Billet 599 : « les clients d’été, déçus, réclament » — mot" in text


def test_a_big_utf16_blogger_export_attaches_comments_from_another_chunk(cm: Cm, tmp_path: Path) -> None:
    """Blogger writes the comments after all the posts: with 300 long posts they are read in a later
    chunk than their post, and still attached to it. UTF-16 with its BOM, as Windows tools save it."""
    from html import escape

    kind = "<category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#{}'/>"
    posts = "".join(
        f"<entry><id>tag:blogger.com,1999:blog-7.post-{n}</id><published>2010-01-01T10:00:00.000+01:00</published>"
        f"{kind.format('post')}<title type='text'>Billet {n}</title><content type='html'>{escape(big_body(n))}</content>"
        f"<link rel='alternate' type='text/html' href='http://b.blogspot.com/2010/01/billet-{n}.html'/>"
        "<author><name>JBP</name><email>noreply@blogger.com</email></author></entry>"
        for n in range(300)
    )
    comments = "".join(
        f"<entry><id>tag:blogger.com,1999:blog-7.post-c{n}</id><published>2010-01-02T10:00:00.000+01:00</published>"
        f"{kind.format('comment')}<title type='text'>c</title><content type='html'>Réponse n° {n}.</content>"
        "<author><name>Paul</name><email>noreply@blogger.com</email></author>"
        f"<thr:in-reply-to ref='tag:blogger.com,1999:blog-7.post-{n}' type='text/html'/></entry>"
        for n in (0, 150, 299)
    )
    export = tmp_path / "blog-01-01-2011.xml"
    export.write_bytes(
        (
            "<?xml version='1.0' encoding='UTF-16'?><feed xmlns='http://www.w3.org/2005/Atom' "
            "xmlns:thr='http://purl.org/syndication/thread/1.0'><id>tag:blogger.com,1999:blog-7</id>"
            f"<title type='text'>Blog</title>{posts}{comments}</feed>"
        ).encode("utf-16")
    )
    assert export.stat().st_size > 2 * CHUNK_BYTES
    data = json.loads(cm("source", "import", str(export), "--json").ok().stdout)
    assert data["summary"]["imported"] == 300
    rows = {row["title"]: row for row in data["posts"]}
    assert [rows[f"Billet {n}"]["comments"] for n in (0, 1, 150, 299)] == [1, 0, 1, 1]
    text = (cm.cwd / "sources" / f"{rows['Billet 299']['source_id']}.md").read_text(encoding="utf-8")
    assert "Réponse n° 299." in text and "author: Paul" in text


def test_an_import_that_would_outgrow_the_outline_is_refused_before_any_archive(cm: Cm, tmp_path: Path) -> None:
    """cm reads outlines up to MAX_OUTLINE_BYTES: an import that would write a bigger one is refused
    (exit 2, one line) before its archives are written, not after (it wrote them all, then refused)."""
    from clientmilitant.storage import outline_file

    path = cm.cwd / "outline.yaml"
    outline = outline_file.loads(path.read_bytes())
    size = len(outline_file.dumps(outline).encode())
    outline.parts[0].notes = "n" * (outline_file.MAX_OUTLINE_BYTES - size - 3000)  # 60 sources take more
    path.write_text(outline_file.dumps(outline), encoding="utf-8")
    before = sorted(p.name for p in (cm.cwd / "sources").glob("*")) if (cm.cwd / "sources").exists() else []
    result = cm("source", "import", str(rss(tmp_path, 60)))
    assert result.code == 2 and "MB is more than cm reads in an outline" in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2 and "Traceback" not in result.stderr
    after = sorted(p.name for p in (cm.cwd / "sources").glob("*")) if (cm.cwd / "sources").exists() else []
    assert after == before
