"""WordPress's export (WXR): an RSS file whose items carry `wp:` fields and comments.

Only items of type `post` are imported (not pages, attachments or menus); drafts and trash are
skipped, and so are comments not approved (spam). Read with the standard library's XML parser:
expat refuses entity expansion bombs, and the file is never fetched from the network.
"""

from __future__ import annotations

from xml.etree import ElementTree

from clientmilitant.core import urls
from clientmilitant.core.dates import parse_date
from clientmilitant.core.errors import BookError
from clientmilitant.core.posts import Comment
from clientmilitant.services.sources.posts import Post, html_to_markdown

CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
SKIPPED_STATUSES = {"draft", "trash", "auto-draft", "inherit"}


def _wp(tag: str, namespace: str) -> str:
    return f"{{{namespace}}}{tag}"


def wordpress_namespace(root: ElementTree.Element) -> str | None:
    """The `wp:` namespace URI of a WXR file (it carries the WXR version: …/export/1.2/)."""
    for element in root.iter():
        if element.tag.startswith("{http://wordpress.org/export/"):
            return element.tag[1:].split("}", 1)[0]
    return None


def parse_xml(data: bytes, filename: str) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        line, column = error.position
        message = str(error).split(":", 1)[0]
        raise BookError(f"{filename}:{line}:{column + 1}: not well-formed XML ({message})") from None


# long: one WXR item read field by field, in the order WordPress writes them
def parse_wxr(root: ElementTree.Element, filename: str) -> list[Post]:
    """The published posts of a WordPress export, with their approved comments."""
    ns = wordpress_namespace(root)
    if ns is None:
        raise BookError(f"{filename}: not a WordPress export (no wp: fields)")
    channel = root.find("channel")
    site = urls.site(channel.findtext("link", "") if channel is not None else "")
    items = []
    for number, item in enumerate(root.iter("item"), start=1):
        if item.findtext(_wp("post_type", ns), "post") != "post":
            continue
        if item.findtext(_wp("status", ns), "publish") in SKIPPED_STATUSES:
            continue
        items.append((number, item))
    comment_lists = []
    for _, item in items:
        comments = []
        for element in item.findall(_wp("comment", ns)):
            if element.findtext(_wp("comment_approved", ns), "1") != "1":
                continue
            if element.findtext(_wp("comment_type", ns), "") in ("pingback", "trackback"):
                continue
            comments.append(element)
        comment_lists.append(comments)
    htmls = [item.findtext(CONTENT, "") for _, item in items]
    htmls += [c.findtext(_wp("comment_content", ns), "") for comments in comment_lists for c in comments]
    texts = iter(html_to_markdown(htmls))
    bodies = [next(texts) for _ in items]
    posts = []
    for (number, item), body, comments in zip(items, bodies, comment_lists, strict=True):
        url = item.findtext("link", "")
        date = parse_date(item.findtext(_wp("post_date", ns), "")) or parse_date(item.findtext("pubDate", "")) or ""
        post = Post(
            title=" ".join(item.findtext("title", "").split()),
            date=date[:10],
            text=body,
            where=f"{filename}: item {number}",
            author=item.findtext(DC_CREATOR, ""),
            url=url,
            site=urls.site(url) or site,
        )
        for element in comments:
            post.comments.append(
                Comment(
                    element.findtext(_wp("comment_author", ns), ""),
                    parse_date(element.findtext(_wp("comment_date", ns), "")) or "",
                    next(texts),
                )
            )
        posts.append(post)
    return posts
