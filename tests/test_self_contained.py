"""The suite is self-contained: every file a test reads is in tests/, and none is the book at the repository's root.

`.ci/run` proves it end to end (a fresh clone with nothing beside it); this guard fails early, on
the line that would break it, when a test starts reading the shared folder beside the repository or the
repository's own book."""

from __future__ import annotations

import re
from pathlib import Path

import conftest

TESTS = Path(__file__).parent
# `REPO / "outline.yaml"`, `REPO / "chapters"`…: the author's book, which his edits change at any time.
_BOOK_READ = re.compile(r"""REPO\s*/\s*["'](?:outline\.yaml|feedback\.yaml|chapters|sources|removed)\b""")
_OUTSIDE = re.compile(r"""\.parent\.parent\.parent|REPO\.parent|/work/|["']shared["']""")


def test_samples_and_fixtures_live_in_the_repository():
    for path in (conftest.SAMPLES, conftest.COMMITTED_BOOK, conftest.FIXTURES):
        assert path.resolve().is_relative_to(TESTS.resolve()) and path.is_dir(), path
    assert (conftest.FIXTURES / "README.md").is_file()
    listed = (conftest.FIXTURES / "README.md").read_text(encoding="utf-8")
    for folder in conftest.FIXTURES.iterdir():
        if folder.is_dir():
            assert f"`{folder.name}/" in listed, f"tests/fixtures/README.md does not say where {folder.name}/ came from"


def test_no_test_reads_the_books_at_the_root_or_outside_the_repository():
    offenders = []
    for path in sorted(TESTS.glob("*.py")):
        if path.name == Path(__file__).name:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if _BOOK_READ.search(code) or _OUTSIDE.search(code):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
