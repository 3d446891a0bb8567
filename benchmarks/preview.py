"""`cm preview` on a synthetic 100,000-word book: first build against `cm export html`, the time from
saving a chapter to a real Chromium showing it, CPU while idle, memory. Called by run.py
(`--only preview`); needs Debian's `chromium` and the `playwright` package (the test extra).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import statistics
import subprocess
import time
from pathlib import Path

TARGETS = {"save_to_screen": 0.5, "megabytes": 200.0, "idle_cpu_percent": 1.0}
SAVES = 15
IDLE_SECONDS = 20


def start(cm: list[str], book: Path, env: dict) -> tuple[subprocess.Popen, str, float]:
    """`cm preview --no-open`, and the seconds until it printed its address (the first build is done)."""
    began = time.perf_counter()
    process = subprocess.Popen(
        [*cm, "preview", "--no-open"], cwd=book, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    line = process.stdout.readline()  # type: ignore[union-attr]
    elapsed = time.perf_counter() - began
    found = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if not found:
        process.kill()
        raise RuntimeError(f"cm preview printed {line!r}")
    return process, found[0], elapsed


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=30)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def save_to_screen(url: str, book: Path, section_id: str) -> list[float]:
    """Seconds from writing the chapter to the new words being in the page, in Chromium."""
    from playwright.sync_api import sync_playwright

    chapter = book / "chapters" / f"{section_id}.md"
    original = chapter.read_text(encoding="utf-8")
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=args)
        page = browser.new_context(bypass_csp=True).new_page()
        page.goto(url)
        selector = f'[data-section="{section_id}"] .cm-text'
        for n in range(SAVES):
            token = f"mesure{n}x"
            began = time.perf_counter()
            chapter.write_text(f"{token} " + original, encoding="utf-8")
            page.wait_for_function(
                f"(document.querySelector('{selector}') || {{innerText: ''}}).innerText.includes('{token}')",
                polling="raf",
                timeout=30_000,
            )
            times.append(time.perf_counter() - began)
            time.sleep(1.0)  # an author saves every few seconds at most
        browser.close()
    return times


def preview(folder: Path, repeat: int, cm: list[str], env: dict, synthetic_book, run_once) -> list[str]:
    book = synthetic_book(folder / "book-preview", 500, chapter_every=1, chapter_words=200)  # ~100,000 words
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in (book / "chapters").glob("*.md"))
    exports, builds = [], []
    for _ in range(repeat):
        exports.append(run_once([*cm, "export", "html", "-o", str(folder / "livre.html")], book)[0])
        process, _, seconds = start(cm, book, env)
        builds.append(seconds)
        stop(process)
    process, url, _ = start(cm, book, env)
    try:
        saves = save_to_screen(url, book, "s-3-50")
        time.sleep(2)
        before = cpu_seconds(process.pid)
        time.sleep(IDLE_SECONDS)
        idle = 100 * (cpu_seconds(process.pid) - before) / IDLE_SECONDS
        peak, resident = memory_mb(process.pid, "VmHWM"), memory_mb(process.pid, "VmRSS")
    finally:
        stop(process)
    export_s, build_s, save_s = statistics.median(exports), statistics.median(builds), statistics.median(saves)

    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**missed**"

    return [
        f"### Preview: `cm preview` on a synthetic book of {words:,} words (500 sections, 1 chapter each)",
        "",
        "| measure | figure | target | verdict |",
        "| --- | ---: | ---: | --- |",
        f"| `cm export html` (median of {repeat}) | {export_s:.2f} s | | |",
        f"| `cm preview` first build, start to address printed (median of {repeat}) | {build_s:.2f} s "
        f"| ≤ export html | {verdict(build_s <= export_s * 1.05)} |",
        f"| save a chapter → Chromium shows it (median of {SAVES}; max {max(saves):.2f} s) | {save_s:.2f} s "
        f"| ≤ {TARGETS['save_to_screen']} s | {verdict(save_s <= TARGETS['save_to_screen'])} |",
        f"| CPU while idle, page open ({IDLE_SECONDS} s) | {idle:.2f} % | ≈ 0 | {verdict(idle <= 1.0)} |",
        f"| memory of the preview process: peak (now) | {peak:.0f} MB ({resident:.0f} MB) "
        f"| ≤ {TARGETS['megabytes']:.0f} MB | {verdict(peak <= TARGETS['megabytes'])} |",
        "",
    ]
