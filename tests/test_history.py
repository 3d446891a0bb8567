"""`cm stats --history`: words per day and week from the git history of chapters/, on repositories the test builds."""

from __future__ import annotations

import datetime
import json
import resource
import subprocess
from pathlib import Path

import pytest
from conftest import Cm, copy_book, snapshot
from gitbook import GitBook

TODAY = datetime.date.today()


def day(offset: int) -> str:
    """An ISO author date `offset` days before today, at noon (local)."""
    return f"{(TODAY - datetime.timedelta(days=offset)).isoformat()}T12:00:00"


def append(book: Path, name: str, text: str) -> None:
    path = book / "chapters" / name
    path.write_text((path.read_text(encoding="utf-8") if path.exists() else "") + text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> GitBook:
    """The small book committed 20 days ago (63 words), then three writing days and a day of cuts."""
    book = GitBook(copy_book("small-book", tmp_path))
    book.write(".gitignore", ".cm/\n")
    book.commit("the book", day(20))
    append(book.root, "masses.md", "\nDix mots de plus pour voir si le compte est juste.\n")  # 11 words
    book.commit("writing", day(3))
    append(book.root, "reseaux.md", "Un nouveau chapitre de sept mots.\n")  # 6 words
    book.commit("writing again", day(2))
    book.write("chapters/web20.md", "Tout neuf et court.\n")  # 29 words → 4
    book.commit("cuts", day(1))
    return book


def history(cm: Cm) -> dict:
    return json.loads(cm("stats", "--history", "--json").ok().stdout)


def test_days_weeks_pace_streak_and_projection(repo: GitBook) -> None:
    cm = Cm(repo.root)
    append(repo.root, "reseaux.md", "Et trois mots.\n")  # the working tree: today
    (repo.root / "chapters" / "fidelisation.md").write_text("Pas encore suivi par git.\n", encoding="utf-8")
    data = history(cm)
    assert data["commits"] == 4 and data["today"] == TODAY.isoformat()
    rows = {row["date"]: row for row in data["days"]}
    assert [row["net"] for row in data["days"]] == [63, 11, 6, -25, 3 + 5]
    assert rows[day(1)[:10]] == {"date": day(1)[:10], "added": 4, "removed": 29, "net": -25, "words": 55}
    stats = json.loads(cm("stats", "--json").ok().stdout)
    assert data["days"][-1]["words"] == stats["book"]["words"] == data["book"]["words"] == 63
    assert data["streak"] == {"current": 4, "longest": 4}  # 3 days ago, 2, yesterday (words added), today
    assert data["pace"] == {"words_per_day": round(63 / 21, 1), "window_days": 21}
    remaining = 400 - 63
    expected = TODAY + datetime.timedelta(days=-(-remaining // (63 / 21)))
    assert data["book"] == {"words": 63, "target": 400, "reached_on": expected.isoformat()}
    assert [w["week"] for w in data["weeks"]][-1] == "{}-W{:02d}".format(*TODAY.isocalendar()[:2])
    assert sum(w["net"] for w in data["weeks"]) == 63 and data["weeks"][-1]["words"] == 63
    part2 = data["parts"][1]
    assert part2["id"] == "militant" and part2["words"] == 29 - 25 + 6 + 3


def test_terminal_chart(repo: GitBook) -> None:
    out = Cm(repo.root)("stats", "--history").ok().stdout
    assert out.startswith("Words written per week\n")
    assert (
        "55 words written in 4 commits; streak: 3 days (longest 3); pace: 2.6 words a day over the last 21 days" in out
    )
    assert "  The book: 55 of 400 words → " in out
    assert "█" in out


def test_seeded_text_is_not_a_writing_day(repo: GitBook) -> None:
    append(
        repo.root,
        "masses.md",
        "\n<!-- cm:seed vieux | Un vieux billet | 2007-12-01 | -->\n\nCent mots du blog, ou presque.\n\n"
        "<!-- cm:seed-end vieux -->\n",
    )
    repo.commit("seeded", day(0))
    data = history(Cm(repo.root))
    assert data["days"][-1]["date"] == day(1)[:10]  # the seeding added no written word today
    assert data["book"]["words"] == 55  # written words: the seeded ones are apart


def test_svg_and_html_pictures(repo: GitBook, tmp_path: Path) -> None:
    cm = Cm(repo.root)
    result = cm("stats", "--history", "--svg", str(tmp_path / "h.svg"), "--html", str(tmp_path / "h.html")).ok()
    assert "wrote" in result.stdout
    svg = (tmp_path / "h.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg xmlns=") and "<title>Le petit livre: words written</title>" in svg
    assert svg.count("<rect ") == 1 + len(history(cm)["weeks"])
    import xml.dom.minidom

    xml.dom.minidom.parseString(svg)  # well-formed
    assert "<svg" in (tmp_path / "h.html").read_text(encoding="utf-8")


def test_book_without_commits_and_outside_git(tmp_path: Path) -> None:
    book = copy_book("small-book", tmp_path / "a")
    before = snapshot(book)
    result = Cm(book)("stats", "--history")
    assert result.code == 2 and "is not inside a git repository" in result.stderr
    assert snapshot(book) == before
    GitBook(book)
    data = history(Cm(book))
    assert data["commits"] == 0 and data["days"] == [{"date": TODAY.isoformat(), "added": 63, "removed": 0,
                                                      "net": 63, "words": 63}]  # fmt: skip


def fast_import(root: Path, commits: int) -> None:
    """`commits` commits, one a day, each adding a paragraph to one of 20 chapters (git fast-import)."""
    lines = []
    texts = {f"s{n}": "" for n in range(20)}
    start = 1_600_000_000
    for index in range(commits):
        name = f"s{index % 20}"
        texts[name] += f"Le paragraphe numéro {index} dit quelque chose de neuf sur le client militant.\n\n"
        data = texts[name].encode("utf-8")
        when = start + index * 86_400
        lines += [
            b"commit refs/heads/main",
            f"author Jeanne <j@example.org> {when} +0100".encode(),
            f"committer Jeanne <j@example.org> {when} +0100".encode(),
            b"data 7",
            b"writing",
        ]
        lines += [f"M 100644 inline chapters/{name}.md".encode(), f"data {len(data)}".encode(), data]
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"\n".join(lines) + b"\n", check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True)


def test_two_thousand_commits_in_under_two_seconds(tmp_path: Path) -> None:
    root = tmp_path / "big"
    repo = GitBook(root)
    outline = "book:\n  title: Gros\nparts:\n" + "".join(f"- id: s{n}\n  title: S {n}\n" for n in range(20))
    fast_import(root, 2000)
    repo.write("outline.yaml", outline)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    data = history(Cm(root))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
    assert data["commits"] == 2000 and len(data["days"]) == 2000
    assert data["book"]["words"] == 2000 * 13 == data["days"][-1]["words"]
    assert cpu < 2.0, f"cm stats --history on 2,000 commits used {cpu:.2f} s of CPU"
