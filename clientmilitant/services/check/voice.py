"""Blog-voice lint: the marks a blog post leaves in a book's text (« dans ce billet », « hier »,
bare URLs, « EDIT : »…), found by the rules of voice_rules.toml and the author's own.

The rules ship as data (`voice_rules.toml` beside this module); outline.yaml's `lint:` switches
rules off (`disable: [hier]`) or adds the author's (`rules:` with the same keys). Matching runs on
the text a reader sees — front matter, HTML comments (so the seed markers), code and block quotes
(someone else's words: a quoted post may say « ce billet ») are blanked out, line breaks kept, so
that every finding's line and column are those of the file.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

from clientmilitant.core import model
from clientmilitant.core.words import blank_out_unread

RULES_FILE = "voice_rules.toml"
_QUOTE_LINE = re.compile(r"(?m)^[ \t]{0,3}>.*$")
_REFERENCE_LINE = re.compile(r"(?m)^[ \t]{0,3}\[[^\]]+\]:.*$")
_ATTRIBUTE_URL = re.compile(r"""(?:href|src)\s*=\s*["'][^"']*["']|<https?://[^>\s]*>""")


@dataclass(frozen=True)
class Rule:
    id: str
    pattern: re.Pattern
    message: str
    suggestion: str


@dataclass(frozen=True)
class Match:
    rule: Rule
    offset: int
    text: str


@functools.cache
def shipped_rules() -> tuple[model.LintRule, ...]:
    import tomllib

    data = tomllib.loads(resources.files(__package__).joinpath(RULES_FILE).read_text(encoding="utf-8"))
    return tuple(
        model.LintRule(r["id"], r["pattern"], r.get("message", ""), r.get("suggestion", "")) for r in data["rule"]
    )


def active_rules(lint: model.Lint) -> list[Rule]:
    """The shipped rules and the author's (an author's rule replaces a shipped one of the same id),
    without those switched off."""
    rules = {rule.id: rule for rule in shipped_rules()}
    rules.update({rule.id: rule for rule in lint.rules})
    return [
        Rule(r.id, re.compile(r.pattern, re.I), r.message or f"matches the rule '{r.id}'", r.suggestion or "rewrite it")
        for r in rules.values()
        if r.id not in lint.disable
    ]


def unknown_disabled(lint: model.Lint) -> list[str]:
    known = {rule.id for rule in shipped_rules()} | {rule.id for rule in lint.rules}
    return [rule_id for rule_id in lint.disable if rule_id not in known]


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group())


def visible_prose(markdown: str) -> str:
    """The text the rules read: what a reader sees of the author's own prose, offsets kept."""
    text = blank_out_unread(markdown)
    for pattern in (_QUOTE_LINE, _REFERENCE_LINE, _ATTRIBUTE_URL):
        text = pattern.sub(_blank, text)
    return text


def matches(markdown: str, rules: list[Rule]) -> list[Match]:
    text = visible_prose(markdown)
    found = [Match(rule, m.start(), m.group()) for rule in rules for m in rule.pattern.finditer(text) if m.group()]
    return sorted(found, key=lambda match: match.offset)
