"""One run's reading, handed to every source kind: the configuration, the record, and
an HTTP client made on first use by a web source (one for the run, closed at its end)."""

from __future__ import annotations

import datetime as dt
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from briefing.config import Config
    from briefing.ingest.fetch import FetchLimits
    from briefing.ingest.policy import FetchPolicy
    from briefing.store.sources import SourceStore

__all__ = ["Gathering"]


@dataclass
class Gathering:
    """One run's reading: its configuration, the record (``None`` when there is none
    yet), and a shared HTTP client made on first use by a web source."""

    config: Config
    store: SourceStore | None
    keep: bool
    """Keep in the record what the web gave, and what each file gave (not in a dry run)."""
    everything: bool = False
    """Every article, published or not (``--all``, ``--since``, ``--force``): nothing may be skipped as known."""
    date: dt.date | None = None
    unread: set[str] = field(default_factory=set)
    """Articles of files passed over as known (unchanged, all published): counted as read."""
    _exits: ExitStack = field(default_factory=ExitStack)
    _web: tuple[httpx.Client, FetchLimits, FetchPolicy] | None = None
    _published: set[str] | None = None

    def http(self) -> tuple[httpx.Client, FetchLimits, FetchPolicy]:
        """The run's HTTP client, its limits and its policy (every configured web source's site)."""
        if self._web is None:
            from briefing.ingest.fetch import FetchLimits, FetchPolicy, make_client

            config = self.config
            limits = FetchLimits(
                connect_timeout=config.connect_timeout,
                read_timeout=config.read_timeout,
                total_timeout=config.total_timeout,
                max_bytes=int(config.max_mb * 1_000_000),
                max_redirects=config.max_redirects,
            )
            policy = FetchPolicy.for_sources((s.location for s in config.effective_sources if s.is_web), config.allow_hosts)
            self._web = (self._exits.enter_context(make_client(limits, policy)), limits, policy)
        return self._web

    def published(self) -> set[str]:
        """Ids of every article already in a published briefing."""
        if self._published is None:
            self._published = self.store.published_ids() if self.store is not None else set()
        return self._published

    def close(self) -> None:
        self._exits.close()
