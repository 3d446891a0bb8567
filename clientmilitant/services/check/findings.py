"""What `cm check` reports: findings, each with its place and what to do, and the report's JSON shape."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

SCHEMA_VERSION = 1
ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    """One problem: how grave, what kind, where, what is wrong and what to do."""

    level: str  # ERROR or WARNING
    code: str  # a stable name for scripts: "broken-link", "unused-source"…
    message: str
    hint: str
    file: str | None = None  # relative to the book's folder
    line: int | None = None
    column: int | None = None
    number: str | None = None  # the section concerned, when there is one
    id: str | None = None
    rule: str | None = None  # the blog-voice rule (code blog-voice)

    @property
    def place(self) -> str:
        """`chapters/web20.md:3:12`, the form editors and terminals can jump to."""
        where = self.file or ""
        if self.file and self.line:
            where += f":{self.line}" + (f":{self.column}" if self.column else "")
        return where

    @property
    def section(self) -> str:
        return f"{self.number} {self.id}" if self.number else ""


@dataclass(frozen=True)
class Report:
    findings: list[Finding]
    swept: list[dict[str, str]] | None = None  # what `cm check --sweep` did, one item per file

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == WARNING]

    def data(self) -> dict[str, Any]:
        """The JSON shape of `cm check --json`."""
        return {
            "version": SCHEMA_VERSION,
            "ok": not self.errors,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [asdict(f) for f in self.findings],
            **({"swept": self.swept} if self.swept is not None else {}),
        }


def chapter_file(section_id: str) -> str:
    return f"chapters/{section_id}.md"
