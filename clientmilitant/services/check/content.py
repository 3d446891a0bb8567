"""`cm check` on what a chapter holds that the book must not print or hide: front matter, and
images without alternative text (see core/chapter_scan.py, which the export reads the same way)."""

from __future__ import annotations

from collections.abc import Iterator

from clientmilitant.core import chapter_scan, model
from clientmilitant.services.check.findings import ERROR, Finding, chapter_file


def check_content(outline: model.Outline, texts: dict[str, str]) -> Iterator[Finding]:
    """Front matter (never printed: the export leaves it out) and images without alternative text
    (an accessibility failure the EPUB's metadata then admits) in the book's chapters."""
    owned = model.section_ids(outline)
    for file_id in (file_id for file_id in texts if file_id in owned):
        file, text = chapter_file(file_id), texts[file_id]
        found = chapter_scan.front_matter(text)
        if found:
            yield Finding(
                ERROR,
                "front-matter",
                f"front matter ({', '.join(found.keys)}) at the top of a chapter: the export leaves it out",
                "delete it: a chapter's title is its section's (cm section rename), the book's metadata is cm book set",
                file,
                found.first_line,
            )
        for image in chapter_scan.images(text):
            if not image.alt:
                yield Finding(
                    ERROR,
                    "image-without-alt",
                    f"the image '{image.target}' has no alternative text: a reader who cannot see it gets nothing",
                    "describe it between the brackets: ![what the image shows](" + image.target + ")",
                    file,
                    image.line,
                )
