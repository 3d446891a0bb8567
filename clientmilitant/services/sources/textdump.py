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
from clientmilitant.core.posts import Comment
from clientmilitant.core.text import fold, symbol_font_to_unicode
from clientmilitant.services.sources.posts import Found, Post, text_to_markdown

CHROME_LINES = {
    "powered by blogger", "jump to navigation", "skip to content", "publicites", "publicite",
    "bookmark and share", "share this:", "partager :", "partager cet article", "like this:",
    "j'aime ceci :", "j'aime ceci:", "permalink", "permalien", "trackbacks", "trackback", "retroliens",
    "leave a comment", "laisser un commentaire", "ecrire un commentaire", "poster un commentaire",
    "envoyer par e-mail", "blogthis!", "partager sur twitter", "partager sur facebook",
    "articles plus recents", "articles plus anciens", "older posts", "newer posts", "accueil", "home",
    "a propos", "about", "contact", "menu", "aller au contenu", "skip to main content",
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
_SAID = re.compile(r"(?P<author>\S.{0,58}?)\s+(?:a dit|said|a ecrit|wrote)\s*(?:…|\.\.\.|:)\s*$", re.I)
_SAYS = re.compile(r"(?P<author>\S.{0,58}?)\s+(?:dit|says|a dit)\s*:\s*$", re.I)  # WordPress: the date follows
SIDEBAR_HEADINGS = {
    "archives", "archives du blog", "blog archive", "categories", "liens", "links", "blogroll", "articles recents",
    "recent posts", "commentaires recents", "recent comments", "meta", "rechercher", "search", "about me",
    "qui suis-je ?", "mes liens", "abonnement", "subscribe", "followers", "pages", "tags", "nuage de tags",
}  # fmt: skip
GREETING = re.compile(r"(?:bonjour|bonsoir|salut|hello|hi|merci|cher|chere|coucou)\b", re.I)
_TITLE_END = (".", ",", ";", ":")
TITLE_MAX_LENGTH = 120

BLANK, CHROME, DATE, SIGNATURE, FOOTER, POSTED_BY, BARE_DATE, HEADING, SAID, SIDEBAR, TEXT = (
    "blank", "chrome", "date", "signature", "footer", "posted_by", "bare_date", "heading", "said", "sidebar", "text",
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
        return Line(number, BARE_DATE, text, {"date": iso[:10], "when": iso})
    if match := (_SAID.fullmatch(text) or _SAYS.fullmatch(text)):
        return Line(number, SAID, text, {"author": match["author"], "date_follows": bool(_SAYS.fullmatch(text))})
    if folded.rstrip(" :") in SIDEBAR_HEADINGS:
        return Line(number, SIDEBAR, text, {})
    return Line(number, TEXT, raw.rstrip(), {})


def read_lines(text: str, filename: str) -> list[Line]:
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise BookError(f"{filename}:{line}: binary data, not text")
    text = symbol_font_to_unicode(text)  # Word's Symbol-font arrows, as in the plan
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


def _is_title(lines: list[Line], index: int, after_break: str | None, in_comment: bool = False) -> bool:
    line = lines[index]
    if line.kind not in (TEXT, SIDEBAR) or (in_comment and after_break != DATE):
        return False  # in a comment « NAME a dit… », a line above a date is the comment's end, not a title
    following = _next_content(lines, index)
    if following is not None and following.kind == BARE_DATE and lines[index + 1] is following:
        return len(line.text.strip()) <= TITLE_MAX_LENGTH  # the date right under the title
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

    open_comment: list | None = None  # [author, date, lines] of a comment opened by « NAME a dit… »

    @property
    def reading_comments(self) -> bool:
        return self.in_comments or bool(self.comments)

    def add_text(self, number: int, text: str) -> None:
        if self.open_comment is not None:
            self.open_comment[2].append(text)
        elif self.reading_comments:
            self.comment_lines.append(text)
        else:
            self.body.append((number, text))

    def open(self, author: str) -> None:
        """A comment starts with its author's line (Blogger's « NAME a dit… », WordPress's « NAME dit : »)."""
        self.close()
        self.open_comment = [author, "", []]

    def close(self) -> None:
        if self.open_comment is not None:
            self.comments.append(tuple(self.open_comment))
            self.open_comment = None

    @property
    def has_text(self) -> bool:
        return any(text for _, text in self.body)


def parse_dump(text: str, filename: str) -> Found:
    """The posts of a plain-text dump, in the order of the file, and warnings for what was not read."""
    lines = read_lines(text, filename)
    reader = _Reader(lines)
    for index, line in enumerate(lines):
        reader.read(index, line)
    drafts = [d for d in reader.drafts if d.has_text or d.comments or d.open_comment or d.title]
    if drafts and not drafts[0].title and not drafts[0].comments and _is_page_header(drafts[0]):
        drafts.pop(0)  # the blog's name and menu above the first post
    warnings = []
    if reader.stopped is not None:
        number, sidebar = reader.stopped
        warnings.append(
            f"{filename}:{number}: not read: text after the sidebar that starts line {sidebar} "
            f"is in no post the layout shows; the {len(drafts)} posts above it are imported"
        )
    return Found([_post(draft, filename) for draft in drafts], [], warnings)


def _is_page_header(draft: _Draft) -> bool:
    texts = [text.strip() for _, text in draft.body if text.strip()]
    return all(len(text) <= 60 and not text.endswith(_TITLE_END) for text in texts)


class _Reader:
    """The state of a dump being read, line after line."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.drafts: list[_Draft] = []
        self.current: _Draft | None = None
        self.day = ""
        self.after_break: str | None = None  # DATE or FOOTER just before: the next text line is a title
        self.sidebar: int | None = None  # the line where a sidebar started: nothing is read until a date
        self.stopped: tuple[int, int] | None = None  # (line, sidebar line) of text the layout does not explain

    def read(self, index: int, line: Line) -> None:
        kind, current = line.kind, self.current
        if self.sidebar is not None:
            if kind == DATE or (kind == BARE_DATE and self._date_before_title(index)):
                self.sidebar = None
            else:
                if kind == TEXT and len(line.text.strip()) > 60 and self.stopped is None:
                    self.stopped = (line.number, self.sidebar)
                return
        if kind in (BLANK, CHROME):
            if current is not None and kind == BLANK:
                current.add_text(line.number, "")
            return
        if kind == DATE or (kind == BARE_DATE and self._date_before_title(index)):
            self.day, self.after_break = line.data["date"], DATE
            return
        in_comment = current is not None and current.open_comment is not None
        if kind in (TEXT, SIDEBAR) and _is_title(self.lines, index, self.after_break, in_comment):
            self.current = _Draft(line.number, line.text.strip(), self.day)
            self.drafts.append(self.current)
            self.after_break = None
            return
        if kind == SIDEBAR:
            self.sidebar, self.current, self.after_break = line.number, None, None
            return
        self.after_break = None
        if current is None:  # text before any title: an untitled post (settled later)
            current = self.current = _Draft(line.number, "", self.day)
            self.drafts.append(current)
        self._read_in_post(index, line, current)

    def _read_in_post(self, index: int, line: Line, current: _Draft) -> None:
        kind = line.kind
        if kind == SAID and (not line.data["date_follows"] or _next_kind(self.lines, index) == BARE_DATE):
            current.open(line.data["author"])
        elif kind == HEADING:
            current.in_comments = True
        elif kind == SIGNATURE and current.open_comment is None:
            if not current.comments and not current.in_comments:
                current.first_comment_unknown = True
            current.comments.append((line.data["author"], line.data["date"], current.comment_lines))
            current.comment_lines = []
        elif kind == FOOTER:
            current.title = current.title or line.data["title"]
            current.author = current.author or line.data["author"]
            current.date = current.date or line.data["date"][:10]
            self.after_break = FOOTER
        elif kind == POSTED_BY:
            current.author = current.author or line.data["author"]
            if line.data["below"]:
                self.after_break = FOOTER  # Blogger's byline ends the post: a title may follow
        elif kind == BARE_DATE and current.open_comment is not None and not current.open_comment[1]:
            current.open_comment[1] = line.data["when"]
        elif kind == BARE_DATE and not current.has_text and not current.comments:
            current.date = line.data["date"]
        else:
            current.add_text(line.number, line.text)

    def _date_before_title(self, index: int) -> bool:
        """A date line alone (`31 décembre 2007`) above a title, not under one."""
        before = self.lines[index - 1].kind if index else BLANK
        following = _next_content(self.lines, index)
        return (
            before in (BLANK, CHROME)
            and following is not None
            and following.kind == TEXT
            and looks_like_title(following.text)
            and (self.current is None or self.current.open_comment is None)
        )


def _next_kind(lines: list[Line], index: int) -> str | None:
    following = _next_content(lines, index)
    return following.kind if following is not None else None


def _post(draft: _Draft, filename: str) -> Post:
    draft.close()
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
