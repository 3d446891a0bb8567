"""A fixture book in a temporary git repository, with commits made by the test at dates it chooses."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


class GitBook:
    """`commit(message, date)` commits everything in the book's folder with that author and committer date."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
            "GIT_AUTHOR_NAME": "Jeanne Test",
            "GIT_AUTHOR_EMAIL": "jeanne@example.org",
            "GIT_COMMITTER_NAME": "Jeanne Test",
            "GIT_COMMITTER_EMAIL": "jeanne@example.org",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        process = subprocess.run(
            ["git", *args], cwd=self.root, env=self.env, capture_output=True, text=True, check=True
        )
        return process.stdout

    def commit(self, message: str, date: str) -> str:
        """Commit every change (ISO date, like 2026-01-05T10:00:00+01:00); the new commit's hash."""
        self.git("add", "-A")
        env = {**self.env, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        subprocess.run(
            ["git", "commit", "-q", "--allow-empty", "-m", message],
            cwd=self.root,
            env=env,
            check=True,
            capture_output=True,
        )
        return self.git("rev-parse", "HEAD").strip()

    def write(self, relative: str, text: str) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
