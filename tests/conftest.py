"""Shared fixtures: the real `cm` command, run on temporary copies of fixture books."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent  # the tool's own files only (filters, CSS): never the book at its root
SAMPLES = FIXTURES / "samples"
# A frozen copy of the repository's book (outline.yaml and sources/): the author's edits never break a test.
COMMITTED_BOOK = FIXTURES / "committed-book"

# The suite starts `cm` some 2,000 times. With PYTHONDONTWRITEBYTECODE (set on some machines) a fresh
# clone recompiles cm's modules on every start; keep their bytecode in a cache outside the checkout
# instead, as an installed cm has it (benchmarks/run.py does the same).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
os.environ.setdefault("PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / "cm-tests-pycache"))


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def ok(self) -> Result:
        assert self.code == 0, f"exit {self.code}\nstdout: {self.stdout}\nstderr: {self.stderr}"
        return self


class Cm:
    """Runs `python -m clientmilitant` in a folder, as the author would type `cm …` there."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CM_")}
        self.env.update({"NO_COLOR": "1", "COLUMNS": "100", "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8"})

    def __call__(
        self, *args: str, cwd: Path | None = None, input: str | None = None, env: dict | None = None
    ) -> Result:
        process = subprocess.run(
            [sys.executable, "-m", "clientmilitant", *args],
            cwd=cwd or self.cwd,
            input=input,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**self.env, **(env or {})},
            timeout=300,
        )
        return Result(process.returncode, process.stdout, process.stderr)


def copy_book(name: str, destination: Path) -> Path:
    """A fresh copy of tests/fixtures/<name> (never the repository's own book)."""
    target = destination / name
    shutil.copytree(FIXTURES / name, target)
    return target


@pytest.fixture
def committed_book(tmp_path: Path) -> Path:
    """A copy of tests/fixtures/committed-book (the repository's plan and archived posts, frozen)."""
    return copy_book("committed-book", tmp_path)


@pytest.fixture
def small_book(tmp_path: Path) -> Path:
    return copy_book("small-book", tmp_path)


@pytest.fixture
def cm(small_book: Path) -> Cm:
    """`cm` run inside a copy of the small fixture book."""
    return Cm(small_book)


@pytest.fixture
def cm_in(tmp_path: Path):
    """`cm_in(folder)` runs cm in any folder."""
    return Cm


def snapshot(folder: Path, keep_lock: bool = False) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, to prove that a refused command changed nothing.

    With `keep_lock`, cm's empty lock file `.cm/lock` is left out: a command refused for a bad
    option on a valid book has taken the lock (and created that file) before finding the problem."""
    files = {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    if keep_lock:
        files.pop(".cm/lock", None)
    return files


# --- golden files: `pytest --update-golden` rewrites tests/golden/ from the current output ------

GOLDEN = Path(__file__).parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="Rewrite tests/golden/ files from the current output."
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """`golden(name, text)`: compare `text` with tests/golden/<name>, or rewrite it with --update-golden."""

    def compare(name: str, text: str) -> None:
        path = GOLDEN / name
        if request.config.getoption("--update-golden"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"no golden file {path}: run pytest --update-golden once and review it"
        assert text == path.read_text(encoding="utf-8"), (
            f"output differs from {path} (pytest --update-golden rewrites it)"
        )

    return compare
