"""Many `cm` commands run fast: one Python process imports cm once, then forks one child per command.

Each child runs cm's real entry point (`clientmilitant.cli.app.main`, with the command line in
sys.argv) with stdout and stderr on a pipe or, when asked, on a pseudo-terminal, so that rich draws
as on the author's screen. A command costs its own work, not Python's start-up: the tests that walk
many commands over a book (test_terminal.py, test_refusals.py) stay within a few seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

DRIVER = r"""
import json, os, pty, sys
from clientmilitant.cli import app

def run(cwd, args, terminal):
    master, slave = pty.openpty() if terminal else os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.chdir(cwd)
        os.dup2(slave, 1)
        os.dup2(slave, 2)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
        sys.argv = ["cm", *args]
        code = 0
        try:
            app.main()
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the pseudo-terminal's other side is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    _, status = os.waitpid(pid, 0)
    output = b"".join(chunks).decode("utf-8", "replace")
    return {"args": args, "terminal": terminal, "code": os.waitstatus_to_exitcode(status), "output": output}

print(json.dumps([run(*job) for job in json.loads(sys.argv[1])]))
"""


def run_jobs(jobs: list[tuple[Path, list[str], bool]], env: dict[str, str] | None = None) -> list[dict]:
    """Each (folder, command line, on a terminal?) run by cm's `main()`: args, terminal, code, output."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CM_", "NO_COLOR", "FORCE_COLOR", "TTY_"))}
    base.update({"COLUMNS": "100", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color", "EDITOR": "true"})
    base["PYTHONPATH"] = str(Path(__file__).parent.parent)
    process = subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps([[str(cwd), args, terminal] for cwd, args, terminal in jobs])],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**base, **(env or {})},
        timeout=120,
    )
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout)


def run_all(book: Path, commands: list[list[str]], terminal: bool = False) -> list[dict]:
    """Each command run in `book`, in a pipe and (with `terminal`) then on a pseudo-terminal."""
    modes = (False, True) if terminal else (False,)
    return run_jobs([(book, args, mode) for args in commands for mode in modes])
