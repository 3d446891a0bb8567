"""The book's git repository, read with git itself: one subprocess per question, never one per commit.

`cm diff` and `cm stats --history` read the plan and the chapters as they were at earlier
revisions. Paths are given relative to the book's folder (`REV:./outline.yaml`), so a book in a
sub-folder of its repository works too. A folder outside any repository, an unknown revision or a
missing git are one clear line each.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from clientmilitant.core.errors import CmError, Failed, NotFound
from clientmilitant.storage.files import display_path


def run(root: Path, *args: str, input: bytes | None = None, check: bool = True) -> bytes:
    """git's stdout; CmError on a folder outside a repository, Failed when git is missing or fails
    (with `check=False`, a failure gives an empty output)."""
    environ = {**os.environ, "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        process = subprocess.run(["git", *args], cwd=root, input=input, capture_output=True, env=environ)
    except FileNotFoundError:
        raise Failed("git is not installed (or not on your PATH): this command reads the book's git history") from None
    except OSError as error:
        raise Failed(f"cannot run git: {error.strerror}") from None
    if process.returncode != 0 and not check:
        return b""
    if process.returncode != 0:
        message = process.stderr.decode("utf-8", "replace").strip().splitlines()
        text = message[-1] if message else f"git {args[0]} failed"
        if "not a git repository" in text:
            raise CmError(
                f"{display_path(root)} is not inside a git repository",
                "this command reads the book's history from git: run `git init` and commit the book first",
            )
        raise Failed(f"git {args[0]}: {text.removeprefix('fatal: ')}")
    return process.stdout


def check_repository(root: Path) -> None:
    run(root, "rev-parse", "--git-dir")


def resolve(root: Path, revision: str) -> str:
    """The commit a revision names (`HEAD`, `main~3`, a tag, a hash); NotFound when git knows none."""
    if revision.startswith("-"):
        raise NotFound(f"unknown revision '{revision}'")
    try:
        out = run(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    except Failed:
        out = b""
    commit = out.decode().strip()
    if not commit:
        check_repository(root)
        hint = "the repository has no commit yet" if revision == "HEAD" else "see `git log --oneline`"
        raise NotFound(f"unknown revision '{revision}'", hint)
    return commit


def show(root: Path, commit: str, path: str) -> bytes | None:
    """The bytes of `path` (relative to the book's folder) at `commit`, or None when it is not there."""
    try:
        return run(root, "show", f"{commit}:./{path}")
    except Failed as error:
        if "does not exist" in error.message or "exists on disk, but not in" in error.message:
            return None
        raise


def tree_blobs(root: Path, commit: str, folder: str) -> dict[str, str]:
    """{file name: blob id} of the files directly in `folder` at `commit` (one `git ls-tree`)."""
    out = run(root, "ls-tree", "-z", commit, "--", f"{folder}/")
    blobs = {}
    for entry in out.split(b"\0"):
        if not entry:
            continue
        info, _, name = entry.partition(b"\t")
        mode, kind, blob = info.split()
        if kind == b"blob":
            blobs[os.path.basename(name.decode("utf-8", "surrogateescape"))] = blob.decode()
    return blobs


def read_blobs(root: Path, blobs: list[str]) -> dict[str, bytes]:
    """The contents of many blobs in one `git cat-file --batch`."""
    if not blobs:
        return {}
    out = run(root, "cat-file", "--batch", input="".join(f"{b}\n" for b in blobs).encode())
    contents: dict[str, bytes] = {}
    position = 0
    for blob in blobs:
        end = out.index(b"\n", position)
        header = out[position:end].split()
        size = int(header[2])
        contents[blob] = out[end + 1 : end + 1 + size]
        position = end + 1 + size + 1
    return contents
