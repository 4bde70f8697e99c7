"""Outlets by the names readers know: "Asharq Al-Awsat", not ``aawsat`` or ``aawsat.com``.

A shipped table (``ingest/data/outlets.toml``: the SaudiNewsNet papers by slug and site,
and major Arabic outlets and agencies by site), extended or overridden by the
configuration's ``[outlets]``. An article whose outlet is a key of the table gets its
name; one with no outlet gets the name of its site, if the table knows it. Any other
outlet (a feed's title, a name in ``metadata.toml``) is kept as given.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Iterable
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

from briefing.types import Article

__all__ = ["OutletNames", "shipped_names"]


@cache
def shipped_names() -> dict[str, str]:
    text = resources.files("briefing.ingest").joinpath("data/outlets.toml").read_text(encoding="utf-8")
    return {key.lower(): name for key, name in tomllib.loads(text)["names"].items()}


class OutletNames:
    def __init__(self, extra: Iterable[tuple[str, str]] = ()) -> None:
        self._names = {**shipped_names(), **{key.lower(): name for key, name in extra}}

    def name(self, article: Article) -> Article:
        """``article`` with its outlet's display name, when the table knows it."""
        if article.outlet:
            known = self._names.get(article.outlet.strip().lower())
        else:
            known = self._site_name(article.url)
        return dataclasses.replace(article, outlet=known) if known and known != article.outlet else article

    def _site_name(self, url: str) -> str | None:
        try:
            host = (urlsplit(url).hostname or "") if url else ""
        except ValueError:
            return None
        host = host.removeprefix("www.")
        while host:  # news.example.com, then example.com
            if host in self._names:
                return self._names[host]
            _, _, host = host.partition(".")
            if "." not in host:
                return None
        return None
