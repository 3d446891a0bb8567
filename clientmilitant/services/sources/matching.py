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
from clientmilitant.core.urls import host, normalize_url, slug_matches, url_slug


@functools.lru_cache(maxsize=65536)
def title_key(title: str) -> str:
    return " ".join(fold(title).split())


def dates_agree(registered: str, post: str) -> bool:
    """Equal, or one refines the other (`2007-12` and `2007-12-13`); an empty date agrees with none."""
    if not registered or not post:
        return registered == post
    return post.startswith(registered) or registered.startswith(post)


class Index:
    """The registry's sources by URL, by title and by the month of their URL's slug."""

    def __init__(self, sources: list[model.Source], archived_title: Callable[[str], str | None]) -> None:
        self.by_url: dict[str, list[model.Source]] = defaultdict(list)
        self.by_title: dict[str, list[model.Source]] = defaultdict(list)
        self.by_month: dict[str, list[tuple[str, model.Source]]] = defaultdict(list)
        self.archived_title = archived_title  # an archived source's title; None when not archived
        for source in sources:
            self.add(source)

    def add(self, source: model.Source) -> None:
        """Index `source` under its current URL and title (again after they were filled in)."""
        if source.url:
            _append(self.by_url[normalize_url(source.url)], source)
            found = url_slug(source.url)
            if found:
                pair = (found[1], source)
                if not any(s is source for _, s in self.by_month[found[0]]):
                    self.by_month[found[0]].append(pair)
        if source.title:
            _append(self.by_title[title_key(source.title)], source)

    def remove(self, source: model.Source) -> None:
        if source.url:
            _discard(self.by_url.get(normalize_url(source.url)), source)
            found = url_slug(source.url)
            if found and found[0] in self.by_month:
                self.by_month[found[0]] = [(slug, s) for slug, s in self.by_month[found[0]] if s is not source]
        if source.title:
            _discard(self.by_title.get(title_key(source.title)), source)

    def url_candidates(self, post: Post) -> list[model.Source]:
        return list(self.by_url.get(normalize_url(post.url), ())) if post.url else []

    def by_title_and_date(self, post: Post) -> list[model.Source]:
        if not post.title:
            return []
        return [s for s in self.by_title.get(title_key(post.title), ()) if dates_agree(s.date, post.date)]

    def by_slug(self, post: Post) -> model.Source | None:
        if not (post.title and post.date):
            return None
        wanted = title_key(post.title)
        for slug, source in self.by_month.get(post.date[:7], ()):
            if source.title and title_key(source.title) != wanted:
                continue
            archived = self.archived_title(source.id)
            if archived is not None and title_key(archived) != wanted:
                continue  # its archive holds another post
            if post.url and host(post.url) != host(source.url):  # the post has its own, other address
                continue
            if slug_matches(slug, post.title):
                return source
        return None


def _append(bucket: list[model.Source], source: model.Source) -> None:
    if not any(s is source for s in bucket):
        bucket.append(source)


def _discard(bucket: list[model.Source] | None, source: model.Source) -> None:
    if bucket is not None:
        bucket[:] = [s for s in bucket if s is not source]
