"""What makes pandoc's EPUB 3 one that a reader, a bookseller and an accessibility audit accept.

Two jobs, both pure (bytes in, bytes out; no pandoc):
  - `accessibility_arguments`: the schema.org accessibility metadata, derived from the book (the
    images and their alternative text), given to pandoc as `-M` variables — pandoc 3.9 writes them
    into the OPF, and when none is given claims `alternativeText` for every book;
  - `finish`: what pandoc's templates cannot say, done on the EPUB it wrote — every page's
    `<title>` is its first heading (pandoc writes the file name, `ch002.xhtml`), the landmarks and
    the guide are in the book's language (pandoc writes « Title Page », « Cover » in English), each
    footnote starts with its number linking back to its call (pandoc writes neither), and
    `dcterms:conformsTo` is claimed only when the checks hold. Zip entries keep their order, dates
    and compression, so that an export stays reproducible and `mimetype` stays first, stored.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
SUMMARY = {
    "fr": (
        "Texte navigable par sa table des matières et ses titres de parties et de "
        "sections, dont les titres ne sautent aucun niveau\u202f; l’ordre de lecture est celui du livre\u202f; "
        "les notes renvoient à leur appel\u202f; la langue de chaque page est déclarée."
    ),
    "en": (
        "Text navigable by its table of contents and by part and section headings that never "
        "skip a level; the reading order is the book's; notes link back to their calls; every page declares "
        "its language."
    ),
}
IMAGES_SUMMARY = {
    "fr": " Chaque image a un texte de remplacement.",
    "en": " Every image has alternative text.",
}
NO_ALT_SUMMARY = {
    "fr": " Certaines images n’ont pas de texte de remplacement.",
    "en": " Some images have no alternative text.",
}
# pandoc's English words in the nav's landmarks and the OPF's guide, in the book's language.
LANDMARKS = {
    "fr": {"Title Page": "Page de titre", "Cover": "Couverture", "Table of Contents": "Table des matières"},
}
_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1>", re.S)
_TITLE = re.compile(r"<title>[^<]*</title>")
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\r\n]+")
_LANDMARK = re.compile(r'(<a href="[^"]*" epub:type="[^"]*">)([^<]*)(</a>)')
_GUIDE = re.compile(r'(<reference type="[^"]*" title=")([^"]*)(")')
_NOTE = re.compile(r'(<aside epub:type="footnote" role="doc-footnote" id="fn(\d+)">\s*<p>)')
_METADATA_END = "</metadata>"


@dataclass(frozen=True)
class Images:
    """The book's images: how many, and how many lack alternative text (the cover aside)."""

    count: int = 0
    without_alt: int = 0


def language(lang: str) -> str:
    """The language whose words cm writes: French for `fr…`, else English."""
    return "fr" if lang.lower().startswith("fr") else "en"


def conforms(images: Images) -> bool:
    """Whether the book meets what cm checks of EPUB Accessibility 1.1 / WCAG 2.1 AA: cm's own
    structure (lang, titles, heading levels, notes, nav) always does; an image without alt text fails it."""
    return images.without_alt == 0


def accessibility_metadata(lang: str, images: Images, cover: bool) -> dict[str, list[str] | str]:
    """The OPF's schema.org accessibility metadata, as the book is, in pandoc's metadata fields
    (lists: pandoc takes a lone string there for nothing and writes its own defaults)."""
    words = language(lang)
    visual = images.count > 0 or cover
    sufficient = ["textual"] if images.without_alt == 0 else []
    if visual:
        sufficient.append("textual,visual")
    features = ["structuralNavigation", "tableOfContents", "readingOrder"]
    if images.count and not images.without_alt:
        features.append("alternativeText")
    summary = SUMMARY[words]
    if images.count:
        summary += (IMAGES_SUMMARY if not images.without_alt else NO_ALT_SUMMARY)[words]
    return {
        "accessModes": ["textual", "visual"] if visual else ["textual"],
        "accessModeSufficient": sufficient,
        "accessibilityFeatures": features,
        "accessibilityHazards": ["none"],
        "accessibilitySummary": summary,
    }


def page_title(page: str) -> str | None:
    """The text of a page's first heading, as XHTML text (entities kept), or None."""
    found = _HEADING.search(page.split("<body", 1)[-1])
    if not found:
        return None
    return _SPACES.sub(" ", _TAG.sub("", found[2])).strip(" ") or None  # a no-break space stays


def number_notes(page: str) -> str:
    """Each footnote opens with its number, a link back to its call (`fnrefN` in the same page)."""
    return _NOTE.sub(
        lambda m: f'{m[1]}<a class="cm-note-number" href="#fnref{m[2]}" role="doc-backlink">{m[2]}</a>. ', page
    )


def finish_page(name: str, page: str, words: str) -> str:
    """One XHTML page (or the OPF) of pandoc's EPUB, finished."""
    labels = LANDMARKS.get(words, {})
    if name.endswith(".opf"):
        page = _GUIDE.sub(lambda m: m[1] + labels.get(m[2], m[2]) + m[3], page)
        return page
    if name.endswith("nav.xhtml"):
        return _LANDMARK.sub(lambda m: m[1] + labels.get(m[2], m[2]) + m[3], page)
    title = page_title(page)
    if title:
        page = _TITLE.sub(lambda m: f"<title>{title}</title>", page, count=1)
    return number_notes(page)


def claim_conformance(opf: str) -> str:
    """The OPF with `dcterms:conformsTo` (EPUB Accessibility 1.1, WCAG 2.1 AA)."""
    claim = f'  <meta property="dcterms:conformsTo">{html.escape(CONFORMANCE)}</meta>\n  '
    return opf.replace(_METADATA_END, claim + _METADATA_END, 1)


def finish(data: bytes, lang: str, conformance: bool) -> bytes:
    """pandoc's EPUB with every page finished (see the module's docstring), entries as they were."""
    words = language(lang)
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith((".xhtml", ".opf")):
                page = finish_page(info.filename, content.decode("utf-8"), words)
                if conformance and info.filename.endswith(".opf"):
                    page = claim_conformance(page)
                content = page.encode("utf-8")
            target.writestr(info, content)
    return output.getvalue()
