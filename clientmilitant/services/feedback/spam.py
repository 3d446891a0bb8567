"""The spam score of a reader's comment: the sum of a few signals anyone can check, each with its reason.

A comment scoring SPAM_THRESHOLD or more is left out of `cm feedback import` unless asked for, and
flagged `spam: true` when kept.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from clientmilitant.core import model
from clientmilitant.core.text import fold, stems


def plain_words(text: str) -> list[str]:
    """Lower-case words without accents: `L'Évolution` → `l`, `evolution`."""
    return re.findall(r"[a-z0-9]+", fold(text))


def book_vocabulary(outline: model.Outline, post_text: str = "") -> set[str]:
    """The stems of the book's own words: its title, every section's title and points, and the
    text of the post the comments were written under."""
    texts = [outline.book.title, post_text]
    for located in model.walk(outline):
        texts.append(located.section.title)
        texts.extend(located.section.points)
    return stems("\n".join(texts))


SPAM_THRESHOLD = 3
# Words that make an author's "name" an advertisement (accents removed).
COMMERCIAL_NAME_WORDS = frozenset(
    """
    adwords adsense seo sem referencement referenceur netlinking backlink backlinks google agence
    agency webmarketing specialiste expert casino poker viagra cialis pharmacie pharmacy credit
    pret loans loan assurance rachat voyance promo cheap discount replica shop boutique achat vente
    immobilier hebergement hosting escort rencontre dating
    """.split()
)
# Sales-pitch phrases (accents removed, whole words): business words the book itself uses
# (marketing, produit, service, entreprise, marque) are deliberately not here.
ADVERTISING_PHRASES = (
    "achetez",
    "commandez",
    "cliquez",
    "visitez",
    "decouvrez",
    "gratuit",
    "gratuitement",
    "pas cher",
    "meilleur prix",
    "prix imbattable",
    "code promo",
    "promotion",
    "reduction",
    "offre speciale",
    "livraison",
    "mon site",
    "notre site",
    "notre agence",
    "nos services",
    "nouvelle technologie",
    "nouvelle ere",
    "nouvelles perspectives",
    "buy",
    "cheap",
    "discount",
    "free",
    "click here",
    "check out",
    "my site",
    "my website",
    "best price",
)
_LINK = re.compile(r"https?://|\bwww\.", re.I)
_DOMAIN = re.compile(r"\b[\w-]+\.(?:com|net|org|fr|info|biz|eu|be|ch|io)\b", re.I)
LATE_DAYS = 365


@dataclass(frozen=True)
class SpamScore:
    """The sum of the signals a comment shows, each with the reason a person can check."""

    points: int
    reasons: tuple[str, ...] = field(default=())

    @property
    def is_spam(self) -> bool:
        return self.points >= SPAM_THRESHOLD


def parse_day(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def spam_score(author: str, text: str, date: str, vocabulary: set[str], post_date: str | None = None) -> SpamScore:
    """Score a comment; SPAM_THRESHOLD (3) or more is spam. The signals, in points:

    - the author's name holds commercial words (adwords, google, casino…) or a domain: +2
    - links in the text: +1 each, at most +2
    - sales-pitch phrases (achetez, gratuit, nouvelle technologie…): +1 each, at most +2
    - written more than a year after the post: +1
    - no word in common with the book's vocabulary: +2; only one: +1

    No signal reaches the threshold alone, not even a commercial name (a reader may sign
    « Jean, spécialiste SEO »): a reader who posts a link, or who writes years later, or briefly,
    is not spam for that; two signals together are."""
    points = 0
    reasons: list[str] = []
    name_words = sorted({w for w in plain_words(author) if w in COMMERCIAL_NAME_WORDS})
    domain = _DOMAIN.search(author)
    if name_words or domain:
        points += 2
        what = ", ".join(name_words) or domain.group(0)  # type: ignore[union-attr]
        reasons.append(f"the author's name is advertising ({what}): +2")
    links = len(_LINK.findall(text))
    if links:
        points += min(links, 2)
        reasons.append(f"{links} link{'s' if links > 1 else ''} in the text: +{min(links, 2)}")
    flat = " ".join(plain_words(text))
    phrases = [p for p in ADVERTISING_PHRASES if re.search(rf"\b{p}\b", flat)]
    if phrases:
        points += min(len(phrases), 2)
        reasons.append(f"sales-pitch words ({', '.join(phrases)}): +{min(len(phrases), 2)}")
    written, posted = parse_day(date), parse_day(post_date or "")
    if written and posted and (written - posted).days > LATE_DAYS:
        years = (written - posted).days / 365.25
        points += 1
        reasons.append(f"written {years:.1f} years after the post: +1")
    shared = sorted(stems(text) & vocabulary)
    if len(shared) < 2:
        points += 2 - len(shared)
        reasons.append(
            f"only one word in common with the book ({shared[0]}): +1"
            if shared
            else "no word in common with the book: +2"
        )
    return SpamScore(points, tuple(reasons))
