"""Plain text copied from blog pages → posts with their titles, dates, authors and comments.

Such dumps mix platforms. What each line can be, tried in this order:

- blog chrome (« Powered By Blogger », « jump to navigation », « Publicités », « Bookmark and
  Share », « Permalien »…): dropped;
- a date header with its weekday (« lundi 31 décembre 2007 »): the day of the posts below it;
- a comment signature « Rédigé par : NAME | 06 jan 2008 à 14:22 »: ends a reader's comment on
  the post above (the comment is the text since the previous signature);
- a footer « TITLE was last modified: juillet 12th, 2007 by NAME »: gives the post's title (if it
  had none), author and date (if none);
- « Posted by NAME in … » / « Publié par NAME dans … » and a bare date (`30/05/2012`) under a
  title: the post's author and date (Blogger's « Posted by NAME at 10:22 AM » under a post too);
- a title: the first line after a date header or a footer; a line followed by a bare date or a
  « Posted by »; or a short line that stands alone between posts (two blank lines or more
  above, one below, then text; no final `.`, `,`, `;` or `:`).
- anything else: the text of the current post, or of the comment being read.

A dump that starts with text and no title gives an *untitled* post, and when it has comments but
no « Commentaires » heading, nothing in the text says where the post ends and the first comment
begins. `settle()` decides both once the posts already known are at hand: see its docstring.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clientmilitant.core.dates import is_date_header, parse_date
from clientmilitant.core.errors import BookError
from clientmilitant.core.plan_post import SYMBOL_FONT_CHARACTERS
from clientmilitant.core.posts import Comment
from clientmilitant.core.text import fold
from clientmilitant.services.sources.posts import Post, text_to_markdown

CHROME_LINES = {
    "powered by blogger", "jump to navigation", "skip to content", "publicites", "publicite",
    "bookmark and share", "share this:", "partager :", "partager cet article", "like this:",
    "j'aime ceci :", "j'aime ceci:", "permalink", "permalien", "trackbacks", "trackback", "retroliens",
    "leave a comment", "laisser un commentaire", "ecrire un commentaire", "poster un commentaire",
    "envoyer par e-mail", "blogthis!", "partager sur twitter", "partager sur facebook",
    "articles plus recents", "articles plus anciens", "older posts", "newer posts", "accueil", "home",
    "s'abonner a : publier les commentaires (atom)", "subscribe to: post comments (atom)",
}  # fmt: skip
_CHROME_PATTERN = re.compile(r"(?:categories|categorie|tags|libelles|labels|filed under)\s*:.*")
_COMMENTS_HEADING = re.compile(r"(?:\d+\s+)?(?:commentaires?|comments?|reactions?)(?:\s*\(\d+\))?\s*:?")
_SIGNATURE = re.compile(
    r"(?:Rédigé|Redige|Écrit|Ecrit|Publié|Publie)\s+par\s*:\s*(?P<author>.*?)\s*\|\s*(?P<date>.+?)\s*$", re.I
)
_SIGNATURE_EN = re.compile(r"Posted by\s*:\s*(?P<author>.*?)\s*\|\s*(?P<date>.+?)\s*$", re.I)
_FOOTER = re.compile(r"(?P<title>.+?)\s+was last modified:\s*(?P<date>.+?)\s+by\s+(?P<author>.+?)\s*$", re.I)
_POSTED_BY = re.compile(
    r"(?:Posted by|Publié par|Posté par|Publie par|Poste par)\s+(?P<author>.+?)"
    r"(?:\s+(?:in|at|on|dans|à|a|le)\s+.*)?\s*$",
    re.I,
)
_GREETING = re.compile(r"(?:bonjour|bonsoir|salut|hello|hi|merci|cher|chere|coucou)\b", re.I)
_TITLE_END = (".", ",", ";", ":")
TITLE_MAX_LENGTH = 120

BLANK, CHROME, DATE, SIGNATURE, FOOTER, POSTED_BY, BARE_DATE, HEADING, TEXT = (
    "blank", "chrome", "date", "signature", "footer", "posted_by", "bare_date", "heading", "text",
)  # fmt: skip


@dataclass
class Line:
    number: int
    kind: str
    text: str
    data: dict


@dataclass
class PendingSplit:
    """A post whose end and first comment's start the text cannot tell apart: its raw lines."""

    lines: list[tuple[int, str]]  # from the post's first line to the line before the first signature


def classify(number: int, raw: str, filename: str) -> Line:
    text = raw.strip().replace("\u00a0", " ")
    if not text:
        return Line(number, BLANK, "", {})
    folded = fold(text)
    if folded in CHROME_LINES or _CHROME_PATTERN.fullmatch(folded):
        return Line(number, CHROME, text, {})
    if _COMMENTS_HEADING.fullmatch(folded):
        return Line(number, HEADING, text, {})
    if iso := is_date_header(text):
        return Line(number, DATE, text, {"date": iso})
    if match := (_SIGNATURE.match(text) or _SIGNATURE_EN.match(text)):
        date = parse_date(match["date"])
        if date is None:
            raise BookError(f"{filename}:{number}: the comment's date '{match['date']}' is not a date cm can read")
        return Line(number, SIGNATURE, text, {"author": match["author"], "date": date})
    if match := _FOOTER.match(text):
        return Line(
            number,
            FOOTER,
            text,
            {"title": match["title"], "date": parse_date(match["date"]) or "", "author": match["author"]},
        )
    if len(text) <= 80 and (match := _POSTED_BY.match(text)):  # a byline, not a sentence about a book
        # « Posted by NAME at 10:22 AM » is Blogger's byline *under* a post; « … in Category » sits under a title
        byline_below = re.search(r"\s(?:at|à|a)\s+\d{1,2}\s*[:h]\s*\d{2}", text) is not None
        return Line(number, POSTED_BY, text, {"author": match["author"], "below": byline_below})
    if (iso := parse_date(text)) and len(text) <= 40:
        return Line(number, BARE_DATE, text, {"date": iso[:10]})
    return Line(number, TEXT, raw.rstrip(), {})


def read_lines(text: str, filename: str) -> list[Line]:
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise BookError(f"{filename}:{line}: binary data, not text")
    for char, replacement in SYMBOL_FONT_CHARACTERS.items():  # Word's Symbol-font arrows, as in the plan
        text = text.replace(char, replacement)
    return [classify(number, raw, filename) for number, raw in enumerate(text.splitlines(), start=1)]


def _blanks_around(lines: list[Line], index: int) -> tuple[int, int]:
    """How many blank (or chrome) lines stand just before and just after lines[index]."""

    def count(step: int) -> int:
        n, i = 0, index + step
        while 0 <= i < len(lines) and lines[i].kind in (BLANK, CHROME):
            n, i = n + 1, i + step
        return n if 0 <= i < len(lines) or step > 0 else max(n, 2)  # the file's start counts as a gap

    return count(-1), count(1)


def _next_content(lines: list[Line], index: int, skip: int = 0) -> Line | None:
    seen = 0
    for line in lines[index + 1 :]:
        if line.kind in (BLANK, CHROME):
            continue
        if seen == skip:
            return line
        seen += 1
    return None


def looks_like_title(text: str) -> bool:
    text = text.strip()
    first = text[:1]
    return (
        0 < len(text) <= TITLE_MAX_LENGTH
        and not text.endswith(_TITLE_END)
        and (first.isupper() or first.isdigit() or first in "«\"'")
        and not text.startswith(("-", "->", "http", "www."))
        and not re.match(r"\d+(\.\d+)*\s*[-.)]", text)
    )


def _is_title(lines: list[Line], index: int, after_break: str | None) -> bool:
    line = lines[index]
    if line.kind != TEXT:
        return False
    following = _next_content(lines, index)
    if following is not None and following.kind == BARE_DATE:
        return len(line.text.strip()) <= TITLE_MAX_LENGTH
    if following is not None and following.kind == POSTED_BY and not following.data["below"]:
        return looks_like_title(line.text)
    if after_break == DATE:  # the first line under a date header
        return len(line.text.strip()) <= TITLE_MAX_LENGTH
    if after_break == FOOTER:  # a footer ended the post above
        return looks_like_title(line.text)
    before, after = _blanks_around(lines, index)
    return (
        looks_like_title(line.text)
        and before >= 2
        and after == 1
        and following is not None
        and following.kind == TEXT
        and len(following.text.strip()) > len(line.text.strip())
    )


@dataclass
class _Draft:
    """A post being read: its lines until the next title."""

    start: int
    title: str
    date: str
    author: str = ""
    body: list[tuple[int, str]] = field(default_factory=list)
    comments: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (author, date, lines)
    comment_lines: list[str] = field(default_factory=list)  # the comment being read
    in_comments: bool = False  # a « Commentaires » heading was seen: text goes to comments
    first_comment_unknown: bool = False  # a signature came with no heading: settle() splits

    @property
    def reading_comments(self) -> bool:
        return self.in_comments or bool(self.comments)

    @property
    def has_text(self) -> bool:
        return any(text for _, text in self.body)


def parse_dump(text: str, filename: str) -> list[Post]:
    """The posts of a plain-text dump, in the order of the file."""
    lines = read_lines(text, filename)
    drafts: list[_Draft] = []
    current: _Draft | None = None
    day = ""
    after_break: str | None = None  # DATE or FOOTER just before: the next text line is a title
    for index, line in enumerate(lines):
        kind = line.kind
        if kind in (BLANK, CHROME):
            if current is not None and kind == BLANK:
                if current.reading_comments:
                    current.comment_lines.append("")
                else:
                    current.body.append((line.number, ""))
            continue
        if kind == DATE:
            day, after_break = line.data["date"], DATE
            continue
        if kind == TEXT and _is_title(lines, index, after_break):
            current = _Draft(line.number, line.text.strip(), day)
            drafts.append(current)
            after_break = None
            continue
        after_break = None
        if current is None:  # text before any title: an untitled post (settled later)
            current = _Draft(line.number, "", day)
            drafts.append(current)
        if kind == HEADING:
            current.in_comments = True
        elif kind == SIGNATURE:
            if not current.comments and not current.in_comments:
                current.first_comment_unknown = True
            current.comments.append((line.data["author"], line.data["date"], current.comment_lines))
            current.comment_lines = []
        elif kind == FOOTER:
            current.title = current.title or line.data["title"]
            current.author = current.author or line.data["author"]
            current.date = current.date or line.data["date"][:10]
            after_break = FOOTER
        elif kind == POSTED_BY:
            current.author = current.author or line.data["author"]
        elif kind == BARE_DATE and not current.has_text and not current.comments:
            current.date = line.data["date"]
        elif current.reading_comments:
            current.comment_lines.append(line.text)
        else:
            current.body.append((line.number, line.text))
    return [_post(draft, filename) for draft in drafts if draft.has_text or draft.comments or draft.title]


def _post(draft: _Draft, filename: str) -> Post:
    comments = [Comment(author, date, text_to_markdown(lines)) for author, date, lines in draft.comments]
    trailing = text_to_markdown(draft.comment_lines)
    if trailing:  # text after the last signature: a comment whose signature was not copied
        comments.append(Comment("", "", trailing))
    body = [text for _, text in draft.body]
    post = Post(
        title=draft.title,
        date=draft.date,
        text=text_to_markdown(body),
        where=f"{filename}:{draft.start}",
        author=draft.author,
        comments=comments,
    )
    if draft.first_comment_unknown:
        post.pending = PendingSplit(list(draft.body))
    return post


# --- settling untitled posts and the first comment ------------------------------------------


def _norm(line: str) -> str:
    """A line's words only: copies of a post differ in spaces, arrows and bullets, not in words."""
    return " ".join(re.findall(r"\w+", line.casefold()))


def _content_lines(text: str) -> list[str]:
    return [_norm(line) for line in text.splitlines() if line.strip()]


def find_known(post: Post, known: list[Post]) -> Post | None:
    """The known post this untitled or comment-bearing post is a copy of: same first line."""
    lines = _content_lines(post.text)
    if not lines:
        return None
    for candidate in known:
        candidate_lines = _content_lines(candidate.text)
        if candidate_lines and candidate_lines[0] == lines[0] and candidate is not post:
            return candidate
    return None


def settle(post: Post, known: list[Post]) -> Post:
    """Give an untitled post its title, and split a post from its first comment.

    1. The post's first line is the first line of a known post (archived, or found earlier in the
       same import): it is that post — its title, date, author and URL — and the first comment
       starts after the known post's last line.
    2. Otherwise, when a first comment must be found, it starts at the last greeting line
       (« Bonjour », « Merci »…) above the signature; failing that, at the last paragraph.
    An untitled post that matches nothing keeps an empty title: the importer then asks for
    --title and --date."""
    match = find_known(post, known) if (not post.title or post.pending) else None
    if match is not None and not post.title:
        post.title, post.date = match.title, post.date or match.date
        post.author, post.url, post.site = post.author or match.author, post.url or match.url, post.site or match.site
    if isinstance(post.pending, PendingSplit):
        raw = post.pending.lines
        cut = _cut_after_known(raw, match) if match is not None else None
        if cut is None:
            cut = _cut_by_heuristics(raw)
        post.text = text_to_markdown([t for _, t in raw[:cut]])
        first = post.comments[0]
        prefix = text_to_markdown([t for _, t in raw[cut:]])
        first.text = "\n\n".join(x for x in (prefix, first.text) if x)
        post.pending = None
    return post


def _cut_after_known(raw: list[tuple[int, str]], known: Post) -> int | None:
    known_lines = _content_lines(known.text)
    if not known_lines:
        return None
    last = known_lines[-1]
    for index in range(len(raw) - 1, -1, -1):
        if _norm(raw[index][1]) == last:
            return index + 1
    return None


def _cut_by_heuristics(raw: list[tuple[int, str]]) -> int:
    for index in range(len(raw) - 1, 0, -1):
        if _GREETING.match(fold(raw[index][1].strip())):
            return index
    for index in range(len(raw) - 1, 0, -1):
        if not raw[index][1].strip():
            return index + 1
    return max(len(raw) - 1, 0)
