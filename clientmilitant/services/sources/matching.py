"""Which registered source an imported post is: dictionaries of the registry's URLs, titles and
URL slugs, so that each post costs a few lookups whatever the size of the library.

A post is the registered source that has, in this order:
1. the same URL (scheme, `www.` and a final `/` ignored);
2. the same title (case and accents ignored) and the same date — or a registered date the
   post's date refines (`2007-12` and `2007-12-13`);
3. a Typepad/Blogger URL, not archived yet or archived under this title (on the post's own site
   when the post has a URL), whose `/YYYY/MM/` is the post's month and whose slug is the post's
   title shortened the way those platforms shorten it (`…/2007/12/le-modle-radio.html` ←
   « Le modèle Radio Head pour la presse »: Typepad drops accented letters, keeps 15 characters).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable

from clientmilitant.core import model
from clientmilitant.core.posts import Post
from clientmilitant.core.text import fold
from clientmilitant.core.urls import host, normalize_url, slug_matches, title_slugs, url_slug


@functools.lru_cache(maxsize=65536)
def title_key(title: str) -> str:
    return " ".join(fold(title).split())


def dates_agree(registered: str, post: str) -> bool:
    """Equal, or one refines the other (`2007-12` and `2007-12-13`); an empty date agrees with none."""
    if not registered or not post:
        return registered == post
    return post.startswith(registered) or registered.startswith(post)


class Index:
    """The registry's sources by URL, by title, and by the month and first word of their URL's slug."""

    def __init__(self, sources: list[model.Source], archived_title: Callable[[str], str | None]) -> None:
        self.by_url: dict[str, dict[int, model.Source]] = defaultdict(dict)
        self.by_title: dict[str, dict[int, model.Source]] = defaultdict(dict)
        # (month, first 4 letters of the slug's first word) → {id(source): (slug, source)}: a slug is
        # the title shortened, so its first word is one of the title's words, or the first one cut
        self.by_slug_word: dict[tuple[str, str], dict[int, tuple[str, model.Source]]] = defaultdict(dict)
        self.archived_title = archived_title  # an archived source's title; None when not archived
        for source in sources:
            self.add(source)

    def add(self, source: model.Source) -> None:
        """Index `source` under its current URL and title (again after they were filled in)."""
        if source.url:
            self.by_url[normalize_url(source.url)][id(source)] = source
            if found := url_slug(source.url):  # untitled sources only: a titled one is found by its title
                bucket = self.by_slug_word[_slug_key(found)]
                if source.title:
                    bucket.pop(id(source), None)
                else:
                    bucket[id(source)] = (found[1], source)
        if source.title:
            self.by_title[title_key(source.title)][id(source)] = source

    def remove(self, source: model.Source) -> None:
        if source.url:
            self.by_url.get(normalize_url(source.url), {}).pop(id(source), None)
            if found := url_slug(source.url):
                self.by_slug_word.get(_slug_key(found), {}).pop(id(source), None)
        if source.title:
            self.by_title.get(title_key(source.title), {}).pop(id(source), None)

    def url_candidates(self, post: Post) -> list[model.Source]:
        return list(self.by_url.get(normalize_url(post.url), {}).values()) if post.url else []

    def by_title_and_date(self, post: Post) -> list[model.Source]:
        if not post.title:
            return []
        return [s for s in self.by_title.get(title_key(post.title), {}).values() if dates_agree(s.date, post.date)]

    def by_slug(self, post: Post) -> model.Source | None:
        if not (post.title and post.date):
            return None
        wanted, month = title_key(post.title), post.date[:7]
        words = sorted({word[:4] for slug in title_slugs(post.title) for word in slug.split("-") if word})
        titled = [(found[1], s) for s in self.by_title.get(wanted, {}).values() if (found := url_slug(s.url or ""))]
        untitled = [pair for word in words for pair in self.by_slug_word.get((month, word), {}).values()]
        for slug, source in titled + untitled:
            if url_slug(source.url)[0] != month or (source.title and title_key(source.title) != wanted):
                continue
            archived = self.archived_title(source.id)
            if archived is not None and title_key(archived) != wanted:
                continue  # its archive holds another post
            if post.url and host(post.url) != host(source.url):  # the post has its own, other address
                continue
            if slug_matches(slug, post.title):
                return source
        return None


def _slug_key(found: tuple[str, str]) -> tuple[str, str]:
    month, slug = found
    first = next((word for word in slug.split("-") if word), "")
    return month, first[:4]
