"""A progress bar (rich, on stderr) for work that takes more than a second: shown only on a terminal,
and only once a second has passed, so that quick commands and pipes print nothing of it.

CM_PROGRESS_DELAY (seconds) changes that second: the tests set 0 to see the bar without a long import."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

DELAY = 1.0
LABELS = {"reading": "Reading posts", "converting": "Converting posts", "writing": "Writing archives"}


@contextmanager
def import_progress(shown: bool = True) -> Iterator[Callable[[str, int, int], None] | None]:
    """A callback `(stage, done, total)` for a service, drawing a bar after DELAY seconds; None (no
    bar) when not `shown` (--json) or when stderr is not a terminal."""
    if not shown or not sys.stderr.isatty():
        yield None
        return
    try:
        delay = float(os.environ.get("CM_PROGRESS_DELAY", DELAY))
    except ValueError:
        delay = DELAY
    started = time.monotonic()
    state: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        if "bar" not in state:
            if time.monotonic() - started < delay:
                return
            from rich.progress import Progress

            from clientmilitant.cli.common import console

            state["bar"] = Progress(console=console(stderr=True), transient=True)
            state["bar"].start()
        bar = state["bar"]
        if state.get("stage") != stage:
            state["stage"], state["task"] = stage, bar.add_task(LABELS.get(stage, stage), total=total or None)
        bar.update(state["task"], completed=done, total=total or None)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].stop()
