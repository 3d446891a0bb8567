"""cm's benchmark: measures in one run and prints one Markdown report with targets and verdicts.

    .venv/bin/python benchmarks/run.py              # the full run (~10 minutes on 2 cores)
    .venv/bin/python benchmarks/run.py --quick      # fewer repeats and no 10,000-section book: a smoke run

What it measures (every figure is the median of repeated runs of the real `cm` command, each a new
process, as the author types it, after one warm-up run; CPU time is user + system from wait4;
memory is the peak resident size of that process, from GNU `time -f %M`; two commands compared
have their runs alternated):

1. Start-up: `cm outline show` on the repository's own book against the import floor
   `python -c "import typer, rich, yaml"` — what any typer + rich + yaml tool pays before doing
   anything. Target: at most 1.3 × the floor.
2. Size: `cm section add`, `cm section move`, `cm outline show --json` on synthetic books of 100,
   1,000 and 10,000 sections (10 % of them with a 200-word chapter). Targets at 10,000 sections:
   under 0.5 s and under 80 MB; from 1,000 to 10,000 the time grows at most 12 × (linear, with the
   fixed start-up cost absorbing some of it).
3. Export, when `cm export epub` works: a synthetic 100,000-word book, against bare pandoc run on
   the same assembled Markdown with the same arguments (captured by a pandoc wrapper through
   CM_PANDOC on a first run). Target: at most 1.15 × pandoc.
4. PDF, when `cm export pdf` works: a synthetic 96,000-word book (30 chapters of 3,200 words with
   footnotes and a sub-heading each), against the bare pipeline in one process — pandoc with the
   same arguments and input (captured through CM_PANDOC), then `typst.compile` on its output with
   the same options. Targets: at most 1.2 × the bare pipeline, 10 s, 500 MB.
5. Sources, when `cm source import` and `cm source suggest` work: importing 1,000 posts, and
   suggesting sources for a section among 1,000. Targets: see TARGETS below and docs/benchmarks.md.
5. Preview (benchmarks/preview.py): `cm preview` on a 100,000-word book — first build against
   `cm export html`, save → Chromium shows it (≤ 0.5 s), CPU while idle, memory (≤ 200 MB).
6. Storage (`--only storage`): `cm section add` at 10,000 sections with and without the two
   optimisations of storage/ — the hand-written YAML emitter (outline_file.dumps) and the JSON
   load cache (load_cache.py) — each switched off by a launcher that replaces it before cm runs
   (PyYAML's CSafeDumper instead of the emitter; no cache read or written). They stay in cm only
   while this shows them needed for the target (≤ 0.3 s where the floor is under 100 ms, else ≤ 3 × the floor).
7. From blog to book (issue 17), when git is installed: `cm diff HEAD` on a committed 10,000-section
   book with a move and a rename in the working tree; `cm stats --history` on 2,000 commits (made
   with `git fast-import`); `cm check` (blog-voice rules and repeated passages) on a 100,000-word
   book; `cm chapter seed --dry-run` of 20 posts.
8. Imports (issue 14, benchmarks/imports.py): `cm source import` of 1,000 posts as RSS, WordPress
   WXR and Typepad (820 posts, 1,000 comments) against the floor (a one-post feed); with
   `--big-imports`, 10,000 and 100,000 posts in each format against the 1,000 (≤ 150 × at 100,000).

Nothing here touches the repository's book except reading it for (1); synthetic books live in a
temporary folder. The machine's load average is printed: on a shared machine, timings are noise.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from clientmilitant.core import model  # noqa: E402  (after the path: runs from a checkout too)
from clientmilitant.storage import outline_file  # noqa: E402

PYTHON = sys.executable
TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None
CM_SCRIPT = Path(PYTHON).parent / "cm"
CM = [str(CM_SCRIPT)] if CM_SCRIPT.exists() else [PYTHON, "-m", "clientmilitant"]
# Bytecode is cached as after any real install: PYTHONDONTWRITEBYTECODE (set on the machine this was
# written on) made every run compile cm's own modules from source, ~60 ms that no user pays. The cache
# goes to a temporary folder (PYTHONPYCACHEPREFIX), never into the checkout; main() sets it.
ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith("CM_") and k != "PYTHONDONTWRITEBYTECODE"},
    "NO_COLOR": "1",
    "COLUMNS": "100",
}

TARGETS = {
    "startup_ratio": 1.3,  # cm outline show / import floor
    "seconds_at_10k": 0.5,
    "megabytes_at_10k": 80.0,
    "growth_1k_10k": 12.0,
    "export_ratio": 1.15,  # cm export epub / bare pandoc
    "pdf_ratio": 1.2,  # cm export pdf / bare pandoc -t typst + typst.compile
    "pdf_seconds": 10.0,  # a 96,000-word book
    "pdf_megabytes": 500.0,
    # Sources: importing 1,000 posts is done once per blog, so a few seconds is fine; 5 s and 150 MB
    # leave room for parsing a 5 MB export file. Suggesting runs while writing: it must answer as
    # fast as `outline show` on a big book (1 s) over 1,000 sources.
    "import_seconds": 2.0,  # issue 14 (was 5 s)
    "import_megabytes": 150.0,
    "suggest_seconds": 1.0,
    "suggest_megabytes": 120.0,
    # From blog to book: a plan diff at 10,000 sections parses two outlines (the working tree's from
    # the load cache when cm saved it); the pace of writing over 2,000 commits (the target);
    # a check of a 100,000-word book with its prose rules and shingles.
    "diff_seconds": 2.0,
    "history_seconds": 2.0,
    "check_seconds": 3.0,
}


@dataclass
class Measure:
    seconds: float  # median wall time
    cpu: float  # median user + system CPU time: less disturbed than wall time on a busy machine
    megabytes: float  # peak resident memory (largest over the runs)
    runs: int


def run_once(
    command: list[str], cwd: Path, stdin: Path | None = None, env: dict | None = None
) -> tuple[float, float, float]:
    """Wall time, CPU time and peak memory (MB) of one process; it must succeed."""
    stdin_handle = open(stdin, "rb") if stdin else subprocess.DEVNULL
    # Peak memory from GNU time: a child's own ru_maxrss also counts the pages it shared with this
    # process when forked (74 MB reported for a 48 MB cm after this process built a big book).
    timed = [TIME, "-f", "%M", *command] if TIME else command
    try:
        began = time.perf_counter()
        process = subprocess.Popen(
            timed, cwd=cwd, env=env or ENV, stdin=stdin_handle, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        stderr = process.stderr.read()  # type: ignore[union-attr]
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - began
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdin:
            stdin_handle.close()  # type: ignore[union-attr]
    if process.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({process.returncode}): {stderr.decode(errors='replace')[-500:]}"
        )
    peak_kb = int(stderr.split()[-1]) if TIME else usage.ru_maxrss  # Linux reports KB
    return elapsed, usage.ru_utime + usage.ru_stime, peak_kb / 1024


def measure(command_for_run, cwd: Path, repeat: int, **kwargs) -> Measure:
    """Run `command_for_run(i)` `repeat` times (after one warm-up run) and keep the median time."""
    run_once(command_for_run(0), cwd, **kwargs)  # warm the disk cache and .pyc files
    times, cpus, peaks = [], [], []
    for i in range(1, repeat + 1):
        seconds, cpu, megabytes = run_once(command_for_run(i), cwd, **kwargs)
        times.append(seconds)
        cpus.append(cpu)
        peaks.append(megabytes)
    return Measure(statistics.median(times), statistics.median(cpus), max(peaks), repeat)


def measure_pair(first, second, repeat: int) -> tuple[Measure, Measure]:
    """Two measurements with their runs alternated, so that a change of load on a shared machine
    hits both alike. `first`/`second` are (command_for_run, cwd, run_once keyword arguments)."""
    runs: tuple[list, list] = ([], [])
    for i in range(repeat + 1):
        for (command_for_run, cwd, kwargs), kept in zip((first, second), runs, strict=True):
            result = run_once(command_for_run(i), cwd, **kwargs)
            if i:  # run 0 warms the caches
                kept.append(result)
    return tuple(  # type: ignore[return-value]
        Measure(
            statistics.median(r[0] for r in kept),
            statistics.median(r[1] for r in kept),
            max(r[2] for r in kept),
            repeat,
        )
        for kept in runs
    )


def verdict(ok: bool) -> str:
    return "✅ met" if ok else "❌ missed"


def timing(m: Measure) -> str:
    """`0.412 s (CPU 0.380 s), 31 MB`: wall and CPU medians, peak memory."""
    return f"{m.seconds:.3f} s (CPU {m.cpu:.3f} s), {m.megabytes:.0f} MB"


# --- synthetic books ------------------------------------------------------------------------------

WORDS = (
    "le client militant choisit ses marques et les défend devant ses amis ; il écrit, il compare, "
    "il boycotte quand l'entreprise le trahit, et il revient quand elle l'écoute enfin"
).split()


def prose(words: int, seed: int) -> str:
    """French-looking paragraphs of exactly `words` words."""
    out, line = [], []
    for n in range(words):
        line.append(WORDS[(n * 7 + seed) % len(WORDS)])
        if len(line) == 60:
            out.append(" ".join(line).capitalize() + ".")
            line = []
    if line:
        out.append(" ".join(line).capitalize() + ".")
    return "\n\n".join(out) + "\n"


def synthetic_book(folder: Path, sections: int, chapter_every: int = 10, chapter_words: int = 200) -> Path:
    """A book of `sections` sections in total (parts of up to 100 sections), titles with accents,
    two points each, a source linked to every 5th, and a chapter file for every `chapter_every`-th."""
    folder.mkdir(parents=True)
    (folder / "chapters").mkdir()
    outline = model.Outline(book=model.BookMeta(title="Livre synthétique", author="Benchmark"))
    outline.sources = [model.Source(id=f"billet-{n}", url=f"http://example.org/{n}.html") for n in range(1, 21)]
    parts = max(1, sections // 100)
    per_part = sections // parts - 1
    count = 0
    for p in range(1, parts + 1):
        part = model.Section(id=f"partie-{p}", title=f"Partie {p} : le client « militant »")
        count += 1
        for s in range(1, per_part + 1):
            section = model.Section(
                id=f"s-{p}-{s}",
                title=f"Section {p}.{s} — l'été du consommateur",
                points=["bref intro sur la notion de commerce", "développement au XXème siècle"],
            )
            if count % 5 == 0:
                section.sources = [f"billet-{count % 20 + 1}"]
            if count % chapter_every == 0:
                (folder / "chapters" / f"{section.id}.md").write_text(prose(chapter_words, count), encoding="utf-8")
            part.sections.append(section)
            count += 1
        outline.parts.append(part)
    (folder / "outline.yaml").write_text(outline_file.dumps(outline), encoding="utf-8")
    return folder


def count_sections(book: Path) -> int:
    return sum(1 for _ in model.walk(outline_file.loads((book / "outline.yaml").read_bytes())))


# --- the measurements ----------------------------------------------------------------------------


def startup(repeat: int) -> list[str]:
    floor, show = measure_pair(
        (lambda i: [PYTHON, "-c", "import typer, rich, yaml"], REPO, {}),
        (lambda i: [*CM, "outline", "show"], REPO, {}),
        repeat,
    )
    ratio, cpu_ratio = show.seconds / floor.seconds, show.cpu / floor.cpu
    return [
        "### Start-up: `cm outline show` on the committed book",
        "",
        "| command | median wall time | median CPU time | peak memory | runs |",
        "| --- | ---: | ---: | ---: | ---: |",
        f'| `python -c "import typer, rich, yaml"` (the floor) | {floor.seconds * 1000:.0f} ms '
        f"| {floor.cpu * 1000:.0f} ms | {floor.megabytes:.0f} MB | {floor.runs} |",
        f"| `cm outline show` | {show.seconds * 1000:.0f} ms | {show.cpu * 1000:.0f} ms "
        f"| {show.megabytes:.0f} MB | {show.runs} |",
        "",
        f"Ratio: **{ratio:.2f} ×** the floor in wall time, {cpu_ratio:.2f} × in CPU time "
        f"(target ≤ {TARGETS['startup_ratio']} ×) — {verdict(ratio <= TARGETS['startup_ratio'])}",
        "",
    ]


def sizes(folder: Path, counts: list[int], repeat: int) -> list[str]:
    commands = {
        "cm section add": lambda book, i: [*CM, "section", "add", f"Ajout {i} : « test »", "--under", "partie-1"],
        "cm section move": lambda book, i: [*CM, "section", "move", "s-1-2", "--down" if i % 2 else "--up"],
        "cm outline show --json": lambda book, i: [*CM, "outline", "show", "--json"],
    }
    results: dict[tuple[str, int], Measure] = {}
    real_counts = {}
    for count in counts:
        book = synthetic_book(folder / f"book-{count}", count)
        real_counts[count] = count_sections(book)
        for name, command in commands.items():
            results[name, count] = measure(lambda i, c=command, b=book: c(b, i), book, repeat)
    lines = [
        "### Size: outline commands on synthetic books",
        "",
        "| command | "
        + " | ".join(f"{real_counts[c]:,} sections" for c in counts)
        + " | growth 1,000 → 10,000 | verdict |",
        "| --- | " + " | ".join("---:" for _ in counts) + " | ---: | --- |",
    ]
    for name in commands:
        cells = [timing(results[name, c]) for c in counts]
        if 1000 in counts and 10000 in counts:
            big = results[name, 10000]
            growth = big.seconds / results[name, 1000].seconds
            ok = (
                big.seconds < TARGETS["seconds_at_10k"]
                and big.megabytes < TARGETS["megabytes_at_10k"]
                and growth <= TARGETS["growth_1k_10k"]
            )
            misses = [
                what
                for what, missed in (
                    (f"{big.seconds:.2f} s ≥ {TARGETS['seconds_at_10k']} s", big.seconds >= TARGETS["seconds_at_10k"]),
                    (
                        f"{big.megabytes:.0f} MB ≥ {TARGETS['megabytes_at_10k']:.0f} MB",
                        big.megabytes >= TARGETS["megabytes_at_10k"],
                    ),
                    (f"growth {growth:.1f} × > {TARGETS['growth_1k_10k']:.0f} ×", growth > TARGETS["growth_1k_10k"]),
                )
                if missed
            ]
            cpu_growth = big.cpu / results[name, 1000].cpu
            missed = f" ({'; '.join(misses)})" if misses else ""
            tail = f"{growth:.1f} × (CPU {cpu_growth:.1f} ×) | {verdict(ok)}{missed}"
        else:
            tail = "n/a | (needs --sizes 1000,10000)"
        lines.append(f"| `{name}` | " + " | ".join(cells) + f" | {tail} |")
    lines += [
        "",
        f"Targets at 10,000 sections: < {TARGETS['seconds_at_10k']} s, < {TARGETS['megabytes_at_10k']:.0f} MB, "
        f"growth ≤ {TARGETS['growth_1k_10k']:.0f} × for 10 × the sections (wall time). Median of {repeat} runs each; "
        "memory is the peak of any run.",
        "",
    ]
    return lines


def command_works(*args: str) -> bool:
    """True when `cm ARGS --help` runs: the command exists in this checkout."""
    result = subprocess.run([*CM, *args, "--help"], capture_output=True, env=ENV, cwd=REPO)
    return result.returncode == 0


PANDOC_WRAPPER = """#!/bin/sh
# Records how cm runs pandoc (arguments, input, environment, folder), then runs the real one.
dir='{dir}'
printf '%s\\0' "$@" > "$dir/args"
env -0 > "$dir/env"
pwd > "$dir/cwd"
cat > "$dir/input.md"
exec '{pandoc}' "$@" < "$dir/input.md"
"""


def capture_pandoc(capture: Path, book: Path, output: Path) -> Path:
    """Run `cm export <output's format>` once with a pandoc wrapper that records how cm runs pandoc."""
    from clientmilitant.services.export.pandoc import find_pandoc

    capture.mkdir()
    wrapper = capture.with_suffix(".sh")
    wrapper.write_text(PANDOC_WRAPPER.format(dir=capture, pandoc=find_pandoc()))
    wrapper.chmod(0o755)
    command = [*CM, "export", output.suffix.lstrip("."), "-o", str(output)]
    run_once(command, book, env={**ENV, "CM_PANDOC": str(wrapper)})
    return capture


def export(folder: Path, repeat: int) -> list[str]:
    from clientmilitant.services.export.pandoc import find_pandoc

    book = synthetic_book(folder / "book-export", 500, chapter_every=1, chapter_words=200)  # ~100,000 words
    output = folder / "livre.epub"
    capture = capture_pandoc(folder / "pandoc-capture", book, output)
    arguments = (capture / "args").read_bytes().split(b"\0")[:-1]
    pandoc_env = dict(entry.split("=", 1) for entry in (capture / "env").read_text().split("\0") if "=" in entry)
    pandoc_cwd = Path((capture / "cwd").read_text().strip())
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in (book / "chapters").glob("*.md"))
    cm, bare = measure_pair(
        (lambda i: [*CM, "export", "epub", "-o", str(output)], book, {}),
        (
            lambda i: [find_pandoc(), *(a.decode() for a in arguments)],
            pandoc_cwd,
            {"stdin": capture / "input.md", "env": pandoc_env},
        ),
        repeat,
    )
    ratio = cm.seconds / bare.seconds
    return [
        f"### Export: `cm export epub` on a synthetic book of {words:,} words ({count_sections(book)} sections)",
        "",
        "| command | median (CPU), peak memory | runs |",
        "| --- | ---: | ---: |",
        f"| bare pandoc, same input and arguments | {timing(bare)} | {bare.runs} |",
        f"| `cm export epub` | {timing(cm)} | {cm.runs} |",
        "",
        f"Ratio: **{ratio:.2f} ×** pandoc in wall time, {cm.cpu / bare.cpu:.2f} × in CPU time "
        f"(target ≤ {TARGETS['export_ratio']} ×) — {verdict(ratio <= TARGETS['export_ratio'])}",
        "",
    ]


def pdf_book(folder: Path, chapters: int = 30, words: int = 3050) -> Path:
    """A book of 3 parts and `chapters` chapters of `words` words, a footnote every 4th paragraph
    and a sub-heading in the middle of each: what a printed book is made of."""
    folder.mkdir(parents=True)
    (folder / "chapters").mkdir()
    book = model.BookMeta(title="Livre synthétique", author="Benchmark", date="2026-01-15", publisher="Éditions")
    outline = model.Outline(book=book)
    outline.sources = [model.Source(id=f"billet-{n}", url=f"http://example.org/{n}.html") for n in range(1, 6)]
    for p in range(1, 4):
        part = model.Section(id=f"partie-{p}", title=f"Partie {p} : le client « militant »")
        for s in range(1, chapters // 3 + 1):
            section = model.Section(id=f"s-{p}-{s}", title=f"Section {p}.{s} — l'été du consommateur")
            section.sources = [f"billet-{s % 5 + 1}"]
            paragraphs = prose(words, p * 100 + s).split("\n\n")
            notes = []
            for n in range(0, len(paragraphs), 4):
                paragraphs[n] = paragraphs[n].rstrip() + f"[^{n}]"
                notes.append(f"[^{n}]: Note {n} : voir le billet « {s} » ?")
            paragraphs.insert(len(paragraphs) // 2, "## Un intertitre")
            text = "\n\n".join(paragraphs + notes) + "\n"
            (folder / "chapters" / f"{section.id}.md").write_text(text, encoding="utf-8")
            part.sections.append(section)
        outline.parts.append(part)
    (folder / "outline.yaml").write_text(outline_file.dumps(outline), encoding="utf-8")
    return folder


BARE_PDF = """import subprocess, sys, typst
# pandoc -t typst, as cm ran it (arguments, input, environment, folder), then typst.compile on its output
args, source, env, cwd, root, output = sys.argv[1:7]
arguments = open(args, "rb").read().split(b"\\0")[:-1]
environment = dict(e.split("=", 1) for e in open(env).read().split("\\0") if "=" in e)
typ = subprocess.run([*arguments], stdin=open(source, "rb"), capture_output=True, check=True, env=environment, cwd=cwd)
typst.compile(typ.stdout, output=output, root=root, ignore_system_fonts=True, format="pdf", timestamp=0)
"""


def pdf(folder: Path, repeat: int) -> list[str]:
    from clientmilitant.services.export.pandoc import find_pandoc

    book = pdf_book(folder / "book-pdf")
    output = folder / "livre.pdf"
    capture = capture_pandoc(folder / "pdf-capture", book, output)
    arguments = capture / "args"
    arguments.write_bytes(find_pandoc().encode() + b"\0" + arguments.read_bytes())
    bare_script = folder / "bare_pdf.py"
    bare_script.write_text(BARE_PDF)
    bare_args = [str(p) for p in (arguments, capture / "input.md", capture / "env")]
    bare_args += [(capture / "cwd").read_text().strip(), str(book), str(folder / "bare.pdf")]
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in (book / "chapters").glob("*.md"))
    cm, bare = measure_pair(
        (lambda i: [*CM, "export", "pdf", "-o", str(output)], book, {}),
        (lambda i: [PYTHON, str(bare_script), *bare_args], book, {}),
        repeat,
    )
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", output.read_bytes()))
    ratio = cm.seconds / bare.seconds
    ok = ratio <= TARGETS["pdf_ratio"] and cm.seconds <= TARGETS["pdf_seconds"]
    ok = ok and cm.megabytes <= TARGETS["pdf_megabytes"]
    return [
        f"### PDF: `cm export pdf` on a synthetic book of {words:,} words ({count_sections(book)} sections, "
        f"{pages or 'n/a'} pages)",
        "",
        "| command | median (CPU), peak memory | runs |",
        "| --- | ---: | ---: |",
        f"| bare pipeline: pandoc -t typst (same input, arguments), typst.compile | {timing(bare)} | {bare.runs} |",
        f"| `cm export pdf` | {timing(cm)} | {cm.runs} |",
        "",
        f"Ratio: **{ratio:.2f} ×** the bare pipeline in wall time, {cm.cpu / bare.cpu:.2f} × in CPU time "
        f"(targets ≤ {TARGETS['pdf_ratio']} ×, ≤ {TARGETS['pdf_seconds']:.0f} s, ≤ {TARGETS['pdf_megabytes']:.0f} MB) "
        f"— {verdict(ok)}",
        "",
    ]


def machine() -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return [
        f"Machine: {cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; load average at start {os.getloadavg()[0]:.2f}.",
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat", type=int, default=None, help="runs per measurement (default 21 for start-up, 7 else)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="3 runs each, books of 100 and 1,000 sections: a smoke run"
    )
    parser.add_argument("--sizes", default=None, help="comma-separated section counts (default 100,1000,10000)")
    parser.add_argument(
        "--only", default="startup,sizes,export,pdf,sources,imports,preview,storage,desk", help="which parts to run"
    )
    parser.add_argument("--big-imports", action="store_true", help="imports of 10,000 and 100,000 posts too (long)")
    options = parser.parse_args()
    startup_repeat = options.repeat or (5 if options.quick else 21)
    repeat = options.repeat or (3 if options.quick else 7)
    counts = [int(c) for c in (options.sizes or ("100,1000" if options.quick else "100,1000,10000")).split(",")]
    parts = set(options.only.split(","))

    report = ["## cm benchmark", "", *machine()]
    with tempfile.TemporaryDirectory(prefix="cm-bench-") as temp:
        folder = Path(temp)
        ENV["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
        if "startup" in parts:
            report += startup(startup_repeat)
        if "sizes" in parts:
            report += sizes(folder, counts, repeat)
        if "export" in parts:
            if command_works("export", "epub"):
                try:
                    report += export(folder, repeat)
                except Exception as error:  # the export is someone else's work in progress: report, go on
                    report += ["### Export", "", f"`cm export epub` failed: {error}", ""]
            else:
                report += ["### Export", "", "`cm export epub` does not exist in this checkout: not measured.", ""]
        if "pdf" in parts:
            report += pdf_section(folder, repeat)
        if "sources" in parts:
            report += sources_section(folder, repeat)
        if "imports" in parts:
            from imports import section as imports_section  # benchmarks/imports.py, beside this script

            report += imports_section(options.big_imports, min(repeat, 3))
        if "preview" in parts:
            report += preview_section(folder, repeat)
        if "storage" in parts:
            report += storage_variants(folder, repeat)
        if "desk" in parts:
            report += desk_section(folder, repeat, quick=options.quick)
    report.append(f"Load average at the end: {os.getloadavg()[0]:.2f}.")
    print("\n".join(report))


def pdf_section(folder: Path, repeat: int) -> list[str]:
    if not command_works("export", "pdf"):
        return ["### PDF", "", "`cm export pdf` does not exist in this checkout: not measured.", ""]
    try:
        return pdf(folder, repeat)
    except Exception as error:  # report it and go on with the other measures
        return ["### PDF", "", f"`cm export pdf` failed: {error}", ""]


def preview_section(folder: Path, repeat: int) -> list[str]:
    """benchmarks/preview.py: needs `cm preview`, Chromium and Playwright."""
    if not (command_works("preview") and shutil.which("chromium")):
        return ["### Preview", "", "`cm preview` or chromium is missing: not measured.", ""]
    from preview import preview  # benchmarks/preview.py, beside this script

    try:
        return preview(folder, min(repeat, 3), CM, ENV, synthetic_book, run_once)
    except Exception as error:  # report and go on
        return ["### Preview", "", f"not measured: {error}", ""]


# cm with one storage optimisation switched off, for storage_variants(): the launcher replaces the
# function before cm's command runs, so cm itself keeps no switch.
VARIANT_LAUNCHER = """
import sys
from clientmilitant.storage import load_cache, outline_file
off = sys.argv.pop(1)
if "emitter" in off:
    outline_file.dumps = outline_file.yaml_dumps
if "cache" in off:
    load_cache.read = lambda state_dir, data: None
    load_cache.keep = lambda state_dir, data, outline: None
from clientmilitant.cli.app import main
sys.argv[0] = "cm"
main()
"""


def storage_variants(folder: Path, repeat: int) -> list[str]:
    """`cm section add` at 10,000 sections with and without the emitter and the load cache."""
    floor = measure(lambda i: [PYTHON, "-c", "import typer, rich, yaml"], REPO, repeat)
    target = 0.3 if floor.seconds < 0.1 else 3 * floor.seconds
    book = synthetic_book(folder / "book-storage", 10000)
    variants = {
        "as shipped (emitter + load cache)": "none",
        "PyYAML CSafeDumper instead of the emitter": "emitter",
        "no load cache": "cache",
        "neither (CSafeDumper, no cache)": "emitter,cache",
    }
    lines = [
        "### Storage: `cm section add` at 10,000 sections, with and without the emitter and the load cache",
        "",
        f'Floor `python -c "import typer, rich, yaml"`: {floor.seconds * 1000:.0f} ms; target {target:.2f} s.',
        "",
        "| variant | median (CPU), peak memory | verdict |",
        "| --- | ---: | --- |",
    ]
    for name, off in variants.items():
        add = [PYTHON, "-c", VARIANT_LAUNCHER, off, "section", "add"]
        result = measure(lambda i, a=add: [*a, f"Ajout {i}", "--under", "partie-1"], book, repeat)
        lines.append(f"| {name} | {timing(result)} | {verdict(result.seconds <= target)} |")
    return [*lines, ""]


def sources_section(folder: Path, repeat: int) -> list[str]:
    if not (command_works("source", "import") and command_works("source", "suggest")):
        return [
            "### Sources",
            "",
            "`cm source import` / `cm source suggest` do not exist in this checkout: not measured.",
            "",
        ]
    try:
        return sources(folder, repeat)
    except Exception as error:  # someone else's work in progress: report it and go on
        return ["### Sources", "", f"not measured: {error}", ""]


def rss_feed(posts: int) -> str:
    """An RSS 2.0 feed of `posts` French posts of ~300 words, one a day from 2005 (the blog's years)."""
    from datetime import date, datetime, timedelta
    from email.utils import format_datetime
    from xml.sax.saxutils import escape

    items = []
    for n in range(posts):
        day = date(2005, 1, 1) + timedelta(days=n)
        when = format_datetime(datetime(day.year, day.month, day.day, 12, tzinfo=UTC))
        title = f"Billet {n} : le client {WORDS[n % len(WORDS)]} et la marque"
        body = "".join(f"<p>{escape(p)}</p>" for p in prose(300, n).split("\n\n"))
        items.append(
            f"<item><title>{escape(title)}</title><link>http://blog.example.org/{day:%Y/%m}/billet-{n}.html</link>"
            f"<pubDate>{when}</pubDate><author>jbp@example.org (JBP)</author>"
            f"<description>{escape(body)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Le blog</title>'
        "<link>http://blog.example.org/</link><description>Marketing</description>"
        + "\n".join(items)
        + "</channel></rss>\n"
    )


def sources(folder: Path, repeat: int) -> list[str]:
    """Import 1,000 posts into a fresh book (each run on its own copy), then suggest among them."""
    feed = folder / "blog.xml"
    feed.write_text(rss_feed(1000), encoding="utf-8")
    template = synthetic_book(folder / "book-sources", 100)
    import_runs = min(repeat, 3)  # an import takes seconds: 3 runs (plus one warm-up) are enough
    copies = [template.with_name(f"book-sources-{i}") for i in range(import_runs + 1)]
    for copy in copies:
        shutil.copytree(template, copy)
    imports = []
    for i, copy in enumerate(copies):
        seconds, cpu, megabytes = run_once([*CM, "source", "import", str(feed)], copy)
        if i:  # the first one warmed the caches
            imports.append((seconds, cpu, megabytes))
    imported = Measure(
        statistics.median(t for t, _, _ in imports),
        statistics.median(c for _, c, _ in imports),
        max(m for _, _, m in imports),
        len(imports),
    )
    registered = len(outline_file.loads((copies[-1] / "outline.yaml").read_bytes()).sources)
    archived = len(list((copies[-1] / "sources").glob("*.md")))
    suggested = measure(lambda i: [*CM, "source", "suggest", "s-1-5", "--limit", "5"], copies[-1], repeat)
    ok_import = imported.seconds <= TARGETS["import_seconds"] and imported.megabytes <= TARGETS["import_megabytes"]
    ok_suggest = suggested.seconds <= TARGETS["suggest_seconds"] and suggested.megabytes <= TARGETS["suggest_megabytes"]
    return [
        f"### Sources: 1,000 posts ({feed.stat().st_size / 1e6:.1f} MB of RSS; "
        f"{registered} registered, {archived} archived)",
        "",
        "| command | median (CPU), peak memory | target | verdict |",
        "| --- | ---: | --- | --- |",
        f"| `cm source import blog.xml` (1,000 posts, into a new book) | {timing(imported)} "
        f"| ≤ {TARGETS['import_seconds']:.0f} s, ≤ {TARGETS['import_megabytes']:.0f} MB | {verdict(ok_import)} |",
        f"| `cm source suggest REF` over {registered} sources | {timing(suggested)} "
        f"| ≤ {TARGETS['suggest_seconds']:.0f} s, ≤ {TARGETS['suggest_megabytes']:.0f} MB | {verdict(ok_suggest)} |",
        "",
    ]


# --- from blog to book: cm diff, cm stats --history, cm check's prose rules, cm chapter seed ------

GIT_ENV = {
    "GIT_AUTHOR_NAME": "B",
    "GIT_AUTHOR_EMAIL": "b@example.org",
    "GIT_COMMITTER_NAME": "B",
    "GIT_COMMITTER_EMAIL": "b@example.org",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str, data: bytes | None = None) -> None:
    subprocess.run(["git", *args], cwd=cwd, input=data, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def varied_prose(words: int, seed: int) -> str:
    """Paragraphs of random words (a 2,000-word vocabulary): no 25-word run repeats by chance."""
    import random

    rng = random.Random(seed)
    vocabulary = [f"{w}{n}" for n in range(80) for w in WORDS[:25]]
    paragraphs = [" ".join(rng.choice(vocabulary) for _ in range(100)).capitalize() + "." for _ in range(words // 100)]
    return "\n\n".join(paragraphs) + "\n"


def history_repo(folder: Path, commits: int) -> Path:
    """A book whose 20 chapters grew by one paragraph a commit, one commit a day (git fast-import)."""
    folder.mkdir()
    git(folder, "init", "-q", "-b", "main")
    texts = dict.fromkeys((f"s{n}" for n in range(20)), "")
    stream = []
    for index in range(commits):
        name = f"s{index % 20}"
        texts[name] += prose(60, index) + "\n"
        data = texts[name].encode("utf-8")
        when = 1_500_000_000 + index * 86_400
        stream += [b"commit refs/heads/main", f"author B <b@example.org> {when} +0100".encode(),
                   f"committer B <b@example.org> {when} +0100".encode(), b"data 1", b"w",
                   f"M 100644 inline chapters/{name}.md".encode(), f"data {len(data)}".encode(), data]  # fmt: skip
    git(folder, "fast-import", "--quiet", data=b"\n".join(stream) + b"\n")
    git(folder, "checkout", "-q", "main")
    parts = "".join(f"- id: s{n}\n  title: Section {n}\n  target: 20000\n" for n in range(20))
    (folder / "outline.yaml").write_text(f"book:\n  title: Histoire\nparts:\n{parts}", encoding="utf-8")
    return folder


def desk_section(folder: Path, repeat: int, quick: bool = False) -> list[str]:
    if not shutil.which("git") or not (command_works("diff") and command_works("chapter", "seed")):
        return ["### From blog to book", "", "git, `cm diff` or `cm chapter seed` missing: not measured.", ""]
    rows = []
    sections = 1000 if quick else 10_000
    big = synthetic_book(folder / "desk-diff", sections)
    git(big, "init", "-q", "-b", "main")
    git(big, "add", "-A")
    git(big, "commit", "-q", "-m", "plan")
    subprocess.run([*CM, "section", "move", "s-1-5", "--under", "partie-2"], cwd=big, env=ENV, check=True,
                   capture_output=True)  # fmt: skip
    subprocess.run([*CM, "section", "rename", "s-3-7", "Renommée"], cwd=big, env=ENV, check=True, capture_output=True)
    diff = measure(lambda i: [*CM, "diff", "--json"], big, repeat)
    rows.append((f"`cm diff --json`, {sections:,} sections, HEAD → working tree", diff, "diff_seconds"))
    commits = 200 if quick else 2000
    history = measure(
        lambda i: [*CM, "stats", "--history", "--json"], history_repo(folder / "desk-history", commits), repeat
    )
    rows.append((f"`cm stats --history --json`, {commits:,} commits", history, "history_seconds"))
    prose_book = synthetic_book(folder / "desk-check", 100, chapter_every=1000)
    for n in range(1, 100):
        text = varied_prose(1000, n) + (
            "\nDans ce billet, hier, cliquez ici : http://example.org/x\n" if n % 10 == 0 else ""
        )
        (prose_book / "chapters" / f"s-1-{n}.md").write_text(text, encoding="utf-8")
    check = measure(lambda i: [*CM, "check", "--json"], prose_book, repeat)
    rows.append(("`cm check --json`, 100,000 words in 99 chapters", check, "check_seconds"))
    lines = [
        "### From blog to book",
        "",
        "| command | median (CPU), peak memory | target | verdict |",
        "| --- | ---: | --- | --- |",
    ]
    for label, measured, key in rows:
        lines.append(
            f"| {label} | {timing(measured)} | ≤ {TARGETS[key]:g} s CPU | {verdict(measured.cpu <= TARGETS[key])} |"
        )
    note = "Verdicts on CPU time (cm and the git it runs): on a shared machine the wall time measures the neighbours."
    return lines + ["", note, ""]


if __name__ == "__main__":
    main()
