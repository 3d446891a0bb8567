"""WordPress's export (WXR 1.0, 1.1, 1.2; `wp:` namespace over http or https), read as a stream.

Each `<item>` is read and dropped in turn (ElementTree.iterparse): memory follows the largest post,
not the file. Only `post_type` post is imported (pages too with --pages); attachments, menu items,
revisions, global styles and custom types are skipped and counted. Only `publish` posts by default:
draft, pending, private, future (scheduled) are skipped and counted, or with --drafts imported and
marked with their status; trash and auto-drafts are always skipped. Comments: approved ones only,
pingbacks and trackbacks left out, each with the comment it answers (`wp:comment_parent`).

Bodies are shown as WordPress shows them (its `wpautop`): a blank line starts a paragraph and a
single newline is a line break. Gutenberg's block comments (`<!-- wp:paragraph -->`) are dropped,
and shortcodes (`[caption …]<img …> La légende[/caption]`) are reduced to what they hold. expat
refuses entity expansion bombs, and nothing is fetched from the network.
"""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit
from xml.etree import ElementTree

from clientmilitant.core.dates import parse_date
from clientmilitant.core.errors import BookError
from clientmilitant.core.posts import Comment, Post, Skipped
from clientmilitant.services.sources.markdown import html_to_markdown
from clientmilitant.services.sources.posts import Found, ReadOptions

CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
DRAFTS = ("draft", "pending", "private", "future")  # imported with --drafts, marked
NEVER = ("trash", "auto-draft", "inherit")
_WP = re.compile(r"\{https?://wordpress\.org/export/[\d.]+/\}")

_GUTENBERG = re.compile(r"<!--\s*/?wp:[^>]*?-->\n?")
_BLOCK = re.compile(
    r"<(?:p|div|ul|ol|li|h[1-6]|blockquote|pre|table|thead|tbody|tr|td|th|figure|figcaption|hr|dl|dd|dt"
    r"|form|fieldset|address|section|article|aside|header|footer|nav|iframe|object|embed|video|audio)\b",
    re.I,
)
_PAIRED_SHORTCODE = re.compile(r"\[([a-z_][\w-]*)(?:\s[^\]]*)?\](.*?)\[/\1\]", re.S | re.I)
_LONE_SHORTCODE = re.compile(r"\[(?:gallery|audio|video|playlist|embed|contact-form[\w-]*)(?:\s[^\]]*)?/?\]", re.I)


def autop(text: str) -> str:
    """WordPress's display of a post's content: blank lines make paragraphs, single newlines `<br />`;
    block comments dropped, shortcodes reduced to their content."""
    text = _GUTENBERG.sub("", text.replace("\r\n", "\n"))
    for _ in range(3):  # nested shortcodes
        text = _PAIRED_SHORTCODE.sub(lambda m: m[2], text)
    text = _LONE_SHORTCODE.sub("", text)
    chunks = [chunk.strip("\n") for chunk in re.split(r"\n\s*\n", text)]
    html = []
    for chunk in chunks:
        if not chunk.strip():
            continue
        if _BLOCK.match(chunk.lstrip()) or chunk.lstrip().startswith("<pre"):
            html.append(chunk)
        else:
            html.append("<p>" + "<br />\n".join(chunk.split("\n")) + "</p>")
    return "\n".join(html)


class _Item:
    """What cm keeps of one `<item>`, read before the element is dropped."""

    def __init__(self, element: ElementTree.Element, ns: str, where: str) -> None:
        wp = lambda tag: f"{{{ns}}}{tag}"  # noqa: E731
        self.where = where
        self.type = element.findtext(wp("post_type"), "post").strip()
        self.status = element.findtext(wp("status"), "publish").strip()
        self.title = element.findtext("title", "")
        self.link = element.findtext("link", "").strip()
        self.author = element.findtext(DC_CREATOR, "")
        self.html = autop(element.findtext(CONTENT, ""))
        self.date = (
            parse_date(element.findtext(wp("post_date"), "")) or parse_date(element.findtext("pubDate", "")) or ""
        )
        categories = element.findall("category")
        # WXR 1.0 writes each category twice: once without a domain, once with it
        self.categories = list(dict.fromkeys(c.text for c in categories if c.get("domain", "category") == "category"))
        self.tags = list(dict.fromkeys(c.text for c in categories if c.get("domain") == "post_tag"))
        self.comments = []
        for c in element.findall(wp("comment")):
            if c.findtext(wp("comment_approved"), "1").strip() != "1":
                continue
            if c.findtext(wp("comment_type"), "").strip() in ("pingback", "trackback"):
                continue
            parent = c.findtext(wp("comment_parent"), "0").strip()
            self.comments.append(
                (c.findtext(wp("comment_author"), ""), parse_date(c.findtext(wp("comment_date"), "")) or "",
                 autop(c.findtext(wp("comment_content"), "")), c.findtext(wp("comment_author_url"), "").strip(),
                 c.findtext(wp("comment_id"), "").strip(), "" if parent in ("", "0") else parent)
            )  # fmt: skip


def _items(data: bytes, filename: str, authors: dict[str, str], options: ReadOptions):
    """Each `<item>` of the export with its number, dropped from memory once read; `authors` gets
    each `<wp:author>`'s login → display name (the channel lists them before the items)."""
    namespace, channel, number = None, None, 0
    stream = io.BytesIO(data)
    try:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            if event == "start":
                if element.tag == "channel":
                    channel = element
                elif namespace is None and (found := _WP.match(element.tag)):
                    namespace = found[0][1:-1]
                continue
            if namespace and element.tag == f"{{{namespace}}}author":
                login = element.findtext(f"{{{namespace}}}author_login", "").strip()
                shown = element.findtext(f"{{{namespace}}}author_display_name", "").strip()
                if login and shown:
                    authors[login] = shown
            elif element.tag == "item":
                number += 1
                if namespace is None:
                    raise BookError(f"{filename}: not a WordPress export (no wp: fields)")
                yield _Item(element, namespace, f"{filename}: item {number}")
                if number % 100 == 0:
                    options.tell("reading", stream.tell(), len(data))
                if channel is not None:
                    channel.remove(element)
    except ElementTree.ParseError as error:
        line, column = error.position
        message = str(error).split(":", 1)[0]
        raise BookError(f"{filename}:{line}:{column + 1}: not well-formed XML ({message})") from None


def _channel_link(data: bytes) -> str:
    """The blog's address, the channel's first `<link>`."""
    match = re.search(rb"<link>\s*(https?://[^<\s]+)", data[:20_000])
    return match[1].decode("utf-8", "replace") if match else ""


def parse_wxr(data: bytes, filename: str, options: ReadOptions | None = None) -> Found:
    """The posts of a WordPress export, with their approved comments; what is skipped, counted."""
    options = options or ReadOptions()
    found = Found([])
    items, authors = [], {}
    for item in _items(data, filename, authors, options):
        if item.type != "post" and not (item.type == "page" and options.pages):
            found.skipped.append(Skipped(item.where, item.type or "no type"))
        elif item.status in NEVER or (item.status in DRAFTS and not options.drafts):
            found.skipped.append(Skipped(item.where, item.status))
        elif item.status not in ("publish", *DRAFTS):
            found.skipped.append(Skipped(item.where, "unknown status", item.status))
        else:
            items.append(item)
    home = _channel_link(data)
    htmls = [item.html for item in items] + [c[2] for item in items for c in item.comments]
    bases = [item.link or home for item in items] + [item.link or home for item in items for _ in item.comments]
    places = [item.where for item in items] + [f"{item.where}, comment {c[4]}" for item in items for c in item.comments]
    texts = iter(html_to_markdown(htmls, options.counter("converting"), bases, places, found.warnings))
    bodies = [next(texts) for _ in items]
    site = urlsplit(home).netloc
    for item, body in zip(items, bodies, strict=True):
        author = authors.get(item.author.strip(), item.author)  # dc:creator is the login
        post = Post(item.title, item.date[:10], body, item.where, author, item.link,
                    urlsplit(item.link).netloc or site, status="" if item.status == "publish" else item.status,
                    categories=item.categories, tags=item.tags)  # fmt: skip
        for author, date, _, url, ref, parent in item.comments:
            post.comments.append(Comment(author, date, next(texts), url, ref, parent))
        found.posts.append(post)
    return found
