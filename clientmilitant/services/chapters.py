"""Chapter files: where a section's text lives, the template a new one starts from, opening it in an editor.

A section's text is `chapters/<id>.md`. A new chapter starts with the section's plan — number, title,
points, linked sources — inside ONE HTML comment, so the author writes with the plan in sight and
the export leaves it out. Creating the chapter of a section still at `idea` moves it to `draft`.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from clientmilitant.core import model
from clientmilitant.core.errors import CmError, Failed
from clientmilitant.storage.book import Book
from clientmilitant.storage.files import atomic_write, inside

# `--` inside an HTML comment is invalid XML: EPUBCheck rejects the book. Runs of hyphens in the
# author's text become U+2010 HYPHENs, which look the same and are allowed.
_HYPHEN_RUN = re.compile(r"-{2,}")
SAFE_HYPHEN = "\u2010"
FALLBACK_EDITORS = ("nano", "vi")


@dataclass(frozen=True)
class Chapter:
    """A section's chapter file, and what `ensure_chapter` did to have it."""

    located: model.Located
    path: Path
    created: bool  # the file was made from the template just now
    drafted: bool  # the section moved from idea to draft


def chapter_path(book: Book, outline: model.Outline, ref: str) -> tuple[model.Located, Path]:
    """The section named by REF and its chapter file (which may not exist yet)."""
    located = model.find(outline, ref)
    return located, book.chapter_path(located.section.id)


def comment_safe(text: str) -> str:
    """Text that can stand inside an HTML comment: no `--` (and so no `-->` either)."""
    return _HYPHEN_RUN.sub(lambda match: SAFE_HYPHEN * len(match.group()), text)


def template(outline: model.Outline, located: model.Located) -> str:
    """The text of a new chapter: the plan of the section in one HTML comment, then room to write."""
    section = located.section
    lines = [f"{located.number} {section.title}  ({section.id})"]
    if section.points:
        lines += ["", "Points :"] + [f"  • {point}" for point in section.points]
    if section.sources:
        registry = {source.id: source for source in outline.sources}
        lines += ["", "Sources :"]
        for source_id in section.sources:
            source = registry.get(source_id)
            if source is None:
                lines.append(f"  • {source_id} (not in the registry)")
                continue
            label = " — ".join(x for x in (source.title, source.url) if x) or source_id
            lines.append(f"  • {label}")
    lines += ["", "This comment is your plan: cm leaves it out of every export. Write below it."]
    body = "\n".join(comment_safe(line).rstrip() for line in lines)
    return f"<!--\n{body}\n-->\n\n"


def _check_inside(book: Book, path: Path) -> None:
    """Refuse a chapter path that is (or goes through) a link leading outside chapters/, or
    chapters/ itself when it leads outside the book: checked before anything is written."""
    book.folder("chapters")
    inside(book.chapters_dir, path, "this chapter")


def ensure_chapter(book: Book, ref: str) -> Chapter:
    """The chapter file of REF, created from the template if missing; an `idea` section becomes `draft`."""
    outline = book.load()
    located, path = chapter_path(book, outline, ref)
    if path.exists() or path.is_symlink():
        _check_inside(book, path)
        return Chapter(located, path, created=False, drafted=False)
    _check_inside(book, path)
    section_id = located.section.id
    drafted = False
    if located.section.effective_status == "idea":
        with book.edit(f"chapter edit {section_id}") as change:
            located = model.find(change.outline, section_id)
            located.section.status = "draft"
            _create(path, template(change.outline, located))
        drafted = True
    else:
        _create(path, template(outline, located))
    return Chapter(located, path, created=True, drafted=drafted)


def _create(path: Path, text: str) -> None:
    if path.exists():  # written meanwhile by someone else: never overwrite words
        return
    atomic_write(path, text)


def editor_command(environ: Mapping[str, str] | None = None) -> list[str]:
    """$VISUAL, else $EDITOR (both may hold arguments, like `code -w`), else nano or vi."""
    environ = os.environ if environ is None else environ
    for variable in ("VISUAL", "EDITOR"):
        value = environ.get(variable, "").strip()
        if value:
            try:
                command = shlex.split(value)
            except ValueError as error:
                raise CmError(f"${variable} '{value}' cannot be read as a command: {error}") from None
            if command:
                if not shutil.which(command[0]):
                    raise CmError(
                        f"the editor '{command[0]}' (from ${variable}) is not on your PATH",
                        f"set {variable} to an editor you have, like: export {variable}=nano",
                    )
                return command
    for name in FALLBACK_EDITORS:
        if shutil.which(name):
            return [name]
    raise CmError("no editor found", "set VISUAL or EDITOR, like: export EDITOR=nano")


def open_in_editor(command: list[str], path: Path) -> None:
    """Run the editor on `path` and wait for it; a missing or failing editor is reported."""
    try:
        status = subprocess.run([*command, str(path)]).returncode
    except FileNotFoundError:
        raise CmError(f"editor '{command[0]}' not found", "set VISUAL or EDITOR to an editor on your PATH") from None
    except PermissionError:
        raise CmError(f"editor '{command[0]}' cannot be run (permission denied)") from None
    if status != 0:
        raise Failed(f"the editor '{shlex.join(command)}' exited with status {status}")


def edit_chapter(book: Book, ref: str, created: Callable[[Chapter], None]) -> tuple[Chapter, int]:
    """Open the section's chapter in the author's editor (created first from the plan when missing;
    `created` is told before the editor opens), then count the words written."""
    from clientmilitant.core.words import count_words

    command = editor_command()  # before creating anything: no editor, no new file
    chapter = ensure_chapter(book, ref)
    if chapter.created:
        created(chapter)
    open_in_editor(command, chapter.path)
    return chapter, count_words(book.read_text(chapter.path, "this chapter"))
