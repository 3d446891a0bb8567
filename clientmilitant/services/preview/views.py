"""What the preview shows of one section: its place in the plan, its HTML fragment, its margin."""

from __future__ import annotations

from dataclasses import dataclass, field

from clientmilitant.core import model
from clientmilitant.services.export import fragments


@dataclass
class SectionView:
    """One section of the page: where it is in the plan, its fragment, what its margin shows."""

    located: model.Located
    full: bool  # its text is shown (else a heading above the sections asked for)
    has_text: bool = False  # itself or a sub-section
    words: int = 0
    fragment: fragments.Fragment = field(default_factory=lambda: fragments.Fragment(""))
    key: str = ""
    sources: list[tuple[model.Source, bool]] = field(default_factory=list)  # (source, archived)
    feedback: list = field(default_factory=list)
    findings: list = field(default_factory=list)
