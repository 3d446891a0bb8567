"""Running pandoc, for the export and for the short conversions other services need (convert_text).

cm runs the pandoc that `pypandoc-binary` ships inside the pypandoc package — found without
importing pypandoc — never "the highest pandoc on the machine" that pypandoc.convert_file would
pick; `--pandoc PATH` or CM_PANDOC choose another. The assembled book goes in on stdin and the
result comes back on stdout: one process, no file list for anything to sort.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from clientmilitant.core.errors import CmError, Failed

_WARNING = re.compile(r"^\[(WARNING|INFO|ERROR)\]\s*")
_AT_LINE = re.compile(r"\s*(?:at|on)? ?line (\d+)(?:,? column \d+)?")
_RESOURCE = re.compile(r"resource (\S+?)(?::|\s|$)")


@dataclass
class Run:
    """pandoc's output and the warnings it gave, each naming its chapter file when there is one."""

    output: bytes
    warnings: list[str] = field(default_factory=list)


def find_pandoc(explicit: str | None = None) -> str:
    """The pandoc to run: `explicit` (--pandoc / CM_PANDOC), else the one pypandoc-binary bundles."""
    if explicit:
        found = shutil.which(explicit) or (explicit if Path(explicit).is_file() else None)
        if not found:
            raise CmError(f"--pandoc {explicit}: no such program", "give the path of a pandoc executable")
        return found
    spec = importlib.util.find_spec("pypandoc")
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            bundled = Path(folder) / "files" / ("pandoc.exe" if os.name == "nt" else "pandoc")
            if bundled.is_file():
                return str(bundled)
    try:
        import pypandoc  # only when the wheel carries no pandoc: let pypandoc look for one

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        raise CmError(
            "pandoc is not installed", "reinstall cm (it brings pypandoc-binary), or give --pandoc PATH"
        ) from None


def run(pandoc: str, arguments: list[str], document: str, env: dict[str, str], chapters: dict[str, str]) -> Run:
    """Run pandoc once on `document` (stdin) and return what it wrote on stdout (`-o -`).

    `chapters` (file → text) lets a message about an image say which chapter holds it."""
    try:
        process = subprocess.run(
            [pandoc, *arguments, "-o", "-"],
            input=document.encode("utf-8"),
            capture_output=True,
            env=env,
            check=False,
        )
    except OSError as error:
        raise Failed(f"cannot run pandoc ({pandoc}): {error.strerror}") from None
    stderr = process.stderr.decode("utf-8", "replace")
    messages = [place_resource(message, chapters) for message in read_messages(stderr, chapters)]
    if process.returncode != 0:
        raise Failed(place_resource(failure_message(stderr, process.returncode), chapters))
    return Run(process.stdout, messages)


def convert_text(text: str, to: str, source_format: str, what: str) -> str:
    """A short text converted by pandoc (through pypandoc's stable API: a string in, a string out),
    lines never wrapped; a failure is one line naming `what` was being converted."""
    import pypandoc

    try:
        return pypandoc.convert_text(text, to, format=source_format, extra_args=["--wrap=none"], sandbox=True)
    except (RuntimeError, OSError) as error:
        raise Failed(f"pandoc could not convert {what}: {error}") from None


def in_chapter(needle: str, message: str, chapters: dict[str, str]) -> str:
    """`message` after `file:line: ` of the first chapter holding `needle`."""
    for file, text in chapters.items():
        at = text.find(needle) if needle else -1
        if at >= 0:
            return f"{file}:{text.count(chr(10), 0, at) + 1}: {message}"
    return message


def place_resource(message: str, chapters: dict[str, str]) -> str:
    """`Could not fetch resource images/logo.png` → `chapters/web20.md:5: Could not fetch…`."""
    found = _RESOURCE.search(message)
    if not found or message.startswith("chapters/"):
        return message
    return in_chapter(found[1], message, chapters)


def read_messages(stderr: str, chapters: dict[str, str] | None = None) -> list[str]:
    """pandoc's warnings, each with the chapter file it concerns.

    filters/chapters.lua writes `cm-chapter <file>` before reading a chapter and `cm-chapter-end`
    after; a warning in between is about that file, and its line numbers count from the file's top.
    filters/safety.lua writes `cm-unsafe <text> <message>` for what it leaves out: the chapter
    holding that text, and its line, are put before the message."""
    messages: list[str] = []
    chapter = None
    for line in stderr.splitlines():
        if line.startswith("cm-unsafe\t"):
            _, needle, text = (line.split("\t", 2) + ["", ""])[:3]
            messages.append(in_chapter(needle, text, chapters or {}))
        elif line.startswith("cm-chapter\t"):
            chapter = line.split("\t", 1)[1]
        elif line == "cm-chapter-end":
            chapter = None
        elif _WARNING.match(line):
            text = _WARNING.sub("", line)
            if chapter:
                where = _AT_LINE.search(text)
                place = f"{chapter}:{where[1]}" if where else chapter
                text = f"{place}: {_AT_LINE.sub('', text, count=1) if where else text}"
            messages.append(text)
        elif messages and line.strip() and not line.startswith("cm-"):
            messages[-1] += " " + line.strip()  # a message that pandoc wraps over several lines
    return messages


def failure_message(stderr: str, status: int) -> str:
    """What went wrong, in a few lines: cm's own filter errors as they are, else pandoc's words."""
    if "cm-error: " in stderr:
        text = stderr.split("cm-error: ", 1)[1]
        return text.split("\nstack traceback", 1)[0].strip()
    lines = [line for line in stderr.splitlines() if line.strip() and not line.startswith("cm-chapter")]
    detail = "\n".join(lines[-5:]) or f"exit status {status}"
    return f"pandoc failed: {detail}"
