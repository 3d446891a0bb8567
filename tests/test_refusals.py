"""A refusal changes nothing, and nothing is written through a folder that leads out of the book (issue 13).

For each of the book's folders (chapters/, sources/, removed/, build/, .cm/) made a link to a folder
outside the book, every command that writes runs on a fresh copy of tests/fixtures/small-book (by
tests/forked.py: cm's real `main()`, one forked child per command). Whatever it does, the folder
outside is unchanged; when it refuses, the whole book tree — names, modes, bytes, link targets,
not even a `.cm/lock` — is as it was.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from conftest import FIXTURES
from forked import run_jobs

FEED = FIXTURES / "imports" / "atom-1.0.xml"  # one post with a body: an archive in sources/
COMMANDS = [
    ["section", "add", "Une autre"],
    ["section", "move", "masses", "--to", "militant"],
    ["section", "rename", "masses", "Masses"],
    ["section", "set", "masses", "--status", "final"],
    ["section", "remove", "masses", "--force"],
    ["point", "add", "masses", "Un point"],
    ["book", "set", "title", "Un titre"],
    ["chapter", "edit", "fidelisation"],  # no chapter file yet: cm creates it
    ["source", "add", "https://example.com/billet", "--title", "Billet", "--file", "{post}"],
    ["source", "import", str(FEED)],
    ["source", "remove", "frottement", "--force"],
    ["feedback", "add", "web20", "Un avis"],
    ["export", "markdown"],
    ["check", "--sweep"],
    ["undo"],
    ["chapter", "seed", "web20"],
    ["outline", "import", "{plan}", "--force"],
]


def tree(folder: Path) -> dict[str, tuple]:
    """Every entry under `folder`, links not followed: its mode, and its bytes or where it leads."""
    entries: dict[str, tuple] = {}
    for parent, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(parent) / name
            status = path.lstat()
            if stat.S_ISLNK(status.st_mode):
                content: bytes | str | None = os.readlink(path)
            elif stat.S_ISREG(status.st_mode):
                content = path.read_bytes()
            else:
                content = None
            entries[str(path.relative_to(folder))] = (status.st_mode, content)
    return entries


@pytest.mark.parametrize("folder", ["chapters", "sources", "removed", "build", ".cm"])
def test_a_refusal_changes_nothing_and_nothing_goes_through_a_link_out(tmp_path: Path, folder: str):
    post = tmp_path / "billet.md"
    post.write_text("Le texte du billet.\n", encoding="utf-8")
    plan = tmp_path / "plan.txt"
    plan.write_text("1 - Une partie\n1.1 - Une section\n", encoding="utf-8")
    jobs, books = [], []
    for index, command in enumerate(COMMANDS):
        book, outside = tmp_path / f"book-{index}", tmp_path / f"outside-{index}"
        shutil.copytree(FIXTURES / "small-book", book)
        if folder == "removed":
            (book / "removed").mkdir()
            (book / "removed" / "ancien.md").write_text("Un vieux texte.\n", encoding="utf-8")
        if (book / folder).exists():
            (book / folder).rename(outside)
        else:
            outside.mkdir()
        (book / folder).symlink_to(outside)
        books.append((book, outside, tree(book), tree(outside)))
        jobs.append((book, [part.replace("{post}", str(post)).replace("{plan}", str(plan)) for part in command], False))
    problems = []
    for (book, outside, before, outside_before), result in zip(books, run_jobs(jobs), strict=True):
        said = f"{' '.join(result['args'])} (exit {result['code']}): {result['output'].strip()[-200:]}"
        if tree(outside) != outside_before:
            problems.append(f"wrote through {folder}/: {said}")
        if result["code"] != 0 and tree(book) != before:
            changed = sorted(set(tree(book).items()) ^ set(before.items()))
            problems.append(f"refused but changed {[name for name, _ in changed]}: {said}")
        if "Traceback" in result["output"]:
            problems.append(f"traceback: {said}")
    assert not problems, "\n".join(problems)
