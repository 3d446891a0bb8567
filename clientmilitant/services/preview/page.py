"""The preview's HTML: the page (navigation pane, the book, a margin per section), one section alone
(what the page fetches after a save), and the one-line error page of a book that does not load.

Every text of the plan (titles, points, feedback, findings) is escaped here; the fragments come
from pandoc through the sanitizer (services/export/fragments.py).
"""

from __future__ import annotations

from html import escape

from clientmilitant.core import model
from clientmilitant.services.preview.site import Site
from clientmilitant.services.preview.views import SectionView

ASSETS = '<link rel="stylesheet" href="/_cm/epub.css"><link rel="stylesheet" href="/_cm/preview.css">'
SCRIPT = '<script src="/_cm/preview.js" defer></script>'
FEEDBACK_CHARACTERS = 400  # the margin shows the start of a long comment


def shell(title: str, lang: str, body: str, version: int, classes: str = "") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} — cm preview</title>{ASSETS}{SCRIPT}</head>"
        f'<body class="cm-preview {classes}" data-version="{version}">{body}</body></html>\n'
    )


def error_page(message: str, version: int) -> str:
    """The book does not load: its one line, until a change makes it load again."""
    body = f'<main class="cm-broken"><p class="cm-error" role="alert">{escape(message)}</p></main>'
    return shell("cm preview", "en", body, version, "cm-broken-book")


def book_page(site: Site, version: int) -> str:
    """The whole page: navigation, title, every section with its margin, the « Sources » chapter."""
    if site.outline is None:
        return error_page(site.error or "the book is not loaded", version)
    meta = site.outline.book
    title = f'<header class="cm-title"><h1 class="title">{escape(meta.title)}</h1>'
    if meta.subtitle:
        title += f'<p class="subtitle">{escape(meta.subtitle)}</p>'
    if meta.author:
        title += f'<p class="author">{escape(meta.author)}</p>'
    title += "</header>"
    notice = f'<p class="cm-notice" role="status">{escape(site.notice)}</p>' if site.notice else ""
    sections = "\n".join(section_html(view, site.options.clean) for view in site.views.values())
    ending = f'<div class="cm-row cm-ending"><div class="cm-text">{site.ending.html}</div></div>'
    body = f'<nav id="cm-nav" aria-label="Plan">{nav_html(site)}</nav><main id="cm-book">{notice}{title}{sections}'
    body += f"{ending if site.ending.html else ''}</main>"
    classes = "cm-clean" if site.options.clean else ""
    return shell(meta.title or "cm preview", meta.lang or "fr-FR", body, version, classes)


def section_html(view: SectionView, clean: bool) -> str:
    """One section: its text (or its error box under its heading), and its margin unless --clean."""
    section = view.located.section
    text = view.fragment.html
    if view.fragment.error or not text:
        level = min(view.located.depth, 6)
        heading = f'<h{level} id="{section.id}"><span class="cm-number">{view.located.number}</span> '
        text = f"{heading}{escape(section.title)}</h{level}>{text}"
    margin = "" if clean else margin_html(view)
    return f'<div class="cm-row" data-section="{section.id}"><div class="cm-text">{text}</div>{margin}</div>'


def margin_html(view: SectionView) -> str:
    section = view.located.section
    status = section.effective_status
    target = (
        f" / {section.target:,} words ({round(100 * view.words / section.target)}%)" if section.target else " words"
    )
    parts = [
        f'<p class="cm-m-head"><span class="cm-m-number">{view.located.number}</span> '
        f'<span class="cm-status cm-status-{status}">{status}</span></p>',
        f'<p class="cm-m-words"><span class="cm-words">{view.words:,}</span>{target}</p>',
    ]
    if section.points:
        parts.append(listing("Points", [escape(point) for point in section.points]))
    if view.sources:
        parts.append(listing("Sources", [source_item(source, archived) for source, archived in view.sources]))
    if view.feedback:
        parts.append(listing(f"Open feedback ({len(view.feedback)})", [feedback_item(item) for item in view.feedback]))
    if view.findings:
        parts.append(listing("cm check", [finding_item(finding) for finding in view.findings], "cm-findings"))
    return f'<div class="cm-margin" role="complementary">{"".join(parts)}</div>'


def listing(title: str, items: list[str], classes: str = "") -> str:
    lis = "".join(f"<li>{item}</li>" for item in items)
    return f'<div class="cm-m-block {classes}"><p class="cm-m-title">{escape(title)}</p><ul>{lis}</ul></div>'


def source_item(source: model.Source, archived: bool) -> str:
    title = escape(source.title or source.url or source.id)
    if archived:
        return f'<a href="/sources/{source.id}.md">{title}</a>'
    link = f' <a href="{escape(source.url)}" rel="noopener noreferrer">↗</a>' if safe_url(source.url) else ""
    return f'{title}{link} <span class="cm-dim">(not archived)</span>'


def safe_url(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def feedback_item(item) -> str:
    text = item.text if len(item.text) <= FEEDBACK_CHARACTERS else item.text[:FEEDBACK_CHARACTERS] + "…"
    who = escape(", ".join(part for part in (item.author, item.date) if part) or item.id)
    return f'<span class="cm-who">{who}</span> <span class="cm-said">{escape(text)}</span>'


def finding_item(finding) -> str:
    place = finding.place or finding.file or ""
    return (
        f'<span class="cm-level-{finding.level}">{finding.level}</span> <code>{escape(place)}</code> '
        f"[{escape(finding.code)}] {escape(finding.message)}"
    )


def nav_html(site: Site) -> str:
    """The plan as a tree of links; sections without text greyed, with their points."""
    out, depth = [], 0
    for view in site.views.values():
        level = view.located.depth
        while depth < level:
            out.append("<ul>")
            depth += 1
        while depth > level:
            out.append("</li></ul>")
            depth -= 1
        if out and not out[-1].endswith("<ul>"):
            out.append("</li>")
        section = view.located.section
        classes = "" if view.has_text else ' class="cm-empty"'
        label = f'<span class="cm-number">{view.located.number}</span> {escape(section.title)}'
        item = f'<li{classes} data-nav="{section.id}"><a href="#{section.id}">{label}</a>'
        if not view.has_text and section.points:
            item += '<ul class="cm-points">' + "".join(f"<li>{escape(p)}</li>" for p in section.points) + "</ul>"
        out.append(item)
    out.append("</li></ul>" * depth)
    return "".join(out)
