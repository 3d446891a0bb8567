"""Dates as blogs print them, in French or English, turned into ISO 8601.

`lundi 31 décembre 2007` → `2007-12-31`; `06 jan 2008 à 14:22` → `2008-01-06T14:22`;
`juillet 12th, 2007` → `2007-07-12`; `30/05/2012` → `2012-05-30`; `December 13, 2007 at 2:22 PM`
→ `2007-12-13T14:22`; `Thu, 13 Dec 2007 10:22:00 +0100` (RSS) → `2007-12-13T10:22`, the time as the
blog wrote it (time zones are dropped: a post's day is the day its author saw). Pure, no I/O.
"""

from __future__ import annotations

import datetime
import re

from clientmilitant.core.errors import CmError
from clientmilitant.core.text import fold

# Every spelling of a month a French or English blog prints, accents folded, with or without a dot.
_MONTH_NAMES = {
    1: ("janvier", "janv", "jan", "january"),
    2: ("fevrier", "fevr", "fev", "february", "feb"),
    3: ("mars", "mar", "march"),
    4: ("avril", "avr", "april", "apr"),
    5: ("mai", "may"),
    6: ("juin", "june", "jun"),
    7: ("juillet", "juil", "july", "jul"),
    8: ("aout", "august", "aug"),
    9: ("septembre", "sept", "sep", "september"),
    10: ("octobre", "oct", "october"),
    11: ("novembre", "nov", "november"),
    12: ("decembre", "dec", "december"),
}
MONTHS = {name: number for number, names in _MONTH_NAMES.items() for name in names}
WEEKDAYS = (
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "lun", "mar", "mer", "jeu", "ven", "sam", "dim", "mon", "tue", "wed", "thu", "fri", "sat", "sun",
)  # fmt: skip

_MONTH = r"(?P<month>[a-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th|er|e)?"
_YEAR = r"(?P<year>\d{4})"
_TIME = r"(?:\s*(?:a|at|@|,|-)?\s*(?P<hour>\d{1,2})\s*[:h]\s*(?P<minute>\d{2})(?::\d{2})?\s*(?P<ampm>am|pm)?)?"
_WEEKDAY = r"(?:[a-z]+\.?,?\s+)?"
_ZONE = r"(?:\s*(?:[+-]\d{4}|[a-z]{1,5}|z))?"

# Tried in order on the folded text; each must match the whole text.
_PATTERNS = [
    re.compile(
        r"(?P<year>\d{4})-(?P<month_number>\d{2})(?:-(?P<day>\d{2})(?:[t ](?P<hour>\d{2}):(?P<minute>\d{2})[^ ]*)?)?"
    ),
    re.compile(rf"{_WEEKDAY}{_DAY}\s+{_MONTH},?\s+{_YEAR}{_TIME}{_ZONE}"),  # 31 décembre 2007, 06 jan 2008 à 14:22
    re.compile(rf"{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}{_TIME}{_ZONE}"),  # juillet 12th, 2007; December 13, 2007
    re.compile(
        rf"(?P<day>\d{{1,2}})(?P<slash>/)(?P<month_number>\d{{1,2}})/{_YEAR}{_TIME}"
    ),  # 30/05/2012 (French order)
    re.compile(rf"{_MONTH}\s+{_YEAR}"),  # décembre 2007
]


def parse_date(text: str, day_first: bool = True) -> str | None:
    """The ISO 8601 form of a date as a blog prints it, or None when `text` is not a date.

    `day_first=False` reads `01/31/2002` as Movable Type writes it (month first)."""
    folded = " ".join(fold(text).replace("\u00a0", " ").split())
    for pattern in _PATTERNS:
        match = pattern.fullmatch(folded)
        if match:
            return _iso(match.groupdict(), day_first)
    return None


def _iso(parts: dict[str, str | None], day_first: bool) -> str | None:
    year = int(parts["year"])  # type: ignore[arg-type]
    day = int(parts["day"]) if parts.get("day") else None
    if parts.get("month_number"):
        month = int(parts["month_number"])  # type: ignore[arg-type]
        if parts.get("slash") and not day_first:
            month, day = day, month  # type: ignore[assignment]
    else:
        month = MONTHS.get(parts.get("month") or "")  # type: ignore[assignment]
        if month is None:
            return None
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        date = datetime.date(year, month, day).isoformat()
    except ValueError:  # 31 février
        return None
    if parts.get("hour") is None:
        return date
    hour, minute = int(parts["hour"]), int(parts["minute"])  # type: ignore[arg-type]
    ampm = parts.get("ampm")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return f"{date}T{hour:02d}:{minute:02d}"


def normalize_date(text: str, what: str = "--date") -> str:
    """A date the user typed, in any form parse_date knows, as ISO 8601; '' stays ''."""
    if not text.strip():
        return ""
    iso = parse_date(text)
    if iso is None:
        raise CmError(f"{what} '{text}' is not a date cm can read", "write it like 2007-12-13 or '13 décembre 2007'")
    return iso


def is_date_header(line: str) -> str | None:
    """The ISO date of a line that is only a date with its weekday (`lundi 31 décembre 2007`)."""
    folded = fold(line.strip())
    first = folded.split(" ", 1)[0].rstrip(".,")
    if first not in WEEKDAYS:
        return None
    iso = parse_date(line)
    return iso if iso and len(iso) == 10 else None


_SPELLED_MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
           "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}  # fmt: skip
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ].*)?")


def spelled_date(iso: str, lang: str, first: str = "1er") -> str:
    """An ISO 8601 date as the book prints it, in its language: `2026-01-15` → `15 janvier 2026`,
    `2026-01-01` → `1er janvier 2026` (`first` spells that day: `1^er^` in Markdown), `2007-11` →
    `novembre 2007`; in English `15 January 2026`. The time of day is left out. Anything else (a
    date cm cannot read) stays as written."""
    found = _ISO_DATE.fullmatch(iso.strip())
    if not found:
        return iso
    year, month, day = found.groups()
    if month is None:
        return year
    if not 1 <= int(month) <= 12:
        return iso
    french = lang.lower().startswith("fr")
    name = _SPELLED_MONTHS["fr" if french else "en"][int(month) - 1]
    if day is None:
        return f"{name} {year}"
    number = int(day)
    if not 1 <= number <= 31:
        return iso
    return f"{first if french and number == 1 else number} {name} {year}"
