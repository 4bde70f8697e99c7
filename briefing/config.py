"""One typed ``Config``, built once from TOML plus command-line overrides.

Where the file comes from, first match wins: ``--config PATH``; ``briefing.toml``
in the working directory; ``briefing.toml`` in the user config directory
(``platformdirs``); otherwise the defaults below. A sample, every key shown::

    [input]
    dir = "seeds"                 # folder of articles (used when no [[sources]] are given)

    [[sources]]                   # as many as you follow; each is a folder, a feed or a page
    folder = "seeds"              # .txt, .html, .json/.jsonl files (see README)
    outlet = ""                   # name shown for its articles ("" = from the file or site)
    [[sources]]
    feed = "https://example.com/rss.xml"   # RSS or Atom
    outlet = "Example News"
    [[sources]]
    page = "https://example.com/article/1" # one article page

    [fetch]
    connect_timeout = 10          # seconds to connect to a site
    read_timeout = 20             # seconds without a byte before giving up
    total_timeout = 60            # seconds for a whole response, headers and redirects included
    max_mb = 5                    # largest response read, in MB (after decompression)
    max_redirects = 5
    max_items = 200               # feed items taken per feed and run; the rest wait for the next
    feed_budget = 300             # seconds one feed's poll may take, pages included; the rest waits
    allow_hosts = []              # other hosts a feed's items and redirects may lead to
    fetch_pages = true            # fetch a feed item's page when the feed gives only a summary
    offline = false               # poll no feed or page (as --offline); kept web articles still join

    [stories]
    featured = 10                 # stories shown in full; every other article is listed
    sentences = 5                 # key sentences per featured story
    track_days = 7                # a story continuing one briefed this many days back is linked to it
    index_english = false         # translate every single-outlet headline of the index too

    [[topics]]                    # what you follow: its stories come first, under its name
    name = "Yemen"
    terms = ["اليمن", "عدن", "صنعاء", "الحوثي", "هادي"]
    exclude = []                  # a story whose headline or lead names one of these is left out

    [[actors]]                    # whose names are compared across outlets (beside the shipped ones)
    name = "Hezbollah"
    aliases = { "حزب الله" = "Hezbollah" }   # Arabic alias = its English (a list: the name is the English)

    [[places]]                    # places the story grouping tells apart (beside the shipped table)
    name = "Al-Lith"              # in English
    within = "sa.makkah"          # the place it lies in, by its path in the shipped table
                                  # (briefing/arabic/data/places.txt), or "" for a country
    ar = ["محافظة الليث"]          # its Arabic names; "+" after a name: also its relatives and
                                  # plurals ("اليمن+": "اليمنيين"); "~" before: its people

    [outlets]                     # display names, by site or source name (added to the shipped table)
    "example.com" = "Example News"

    [output]
    dir = "out"                   # briefings go to DIR/YYYY-MM-DD/
    timezone = "Asia/Riyadh"      # IANA name; "" = this machine's zone. Sets "today".
    formats = ["markdown", "pdf", "html"]  # files written into DIR/YYYY-MM-DD/ (and DIR/index.html)

    [summary]
    method = "salience"           # key-sentence selector: "salience" or "lead"
    max_sentences = 3             # per article; 0 = no sentence limit
    max_words = 0                 # per article; 0 = no word limit

    [translate]
    from = "ar"
    to = "en"
    packages_dir = ""             # "" = Argos's own package folder
    models_dir = ""               # folder models (`briefing models install DIR`); "" = the user data folder
    model = ""                    # translate with this model (`briefing models list`); "" = the Argos package
    compute_type = "int8"         # CTranslate2 compute type on CPU
    threads = 0                   # batches decoded in parallel, one core each; 0 = all cores
    glossary = ""                 # your own glossary TOML ([terms] "عربي" = "English"), added to the starter
    starter_glossary = true       # use the glossary shipped with briefing
    memory = true                 # remember translations; a sentence is decoded once per model
    min_confidence = -1.0         # flag sentences whose mean token log-probability is lower
    cluster = ""                  # decode on a Dask cluster: "local:2" (2 worker processes here) or
                                  # "tcp://host:8786" (a running scheduler); "" = in this process
    cluster_model_dir = ""        # the model's folder on the workers; "" = the same folder as here
    cluster_timeout = 10          # seconds to reach the scheduler and find a worker
    cluster_tls_ca = ""           # tls:// only: the CA certificate the scheduler's and workers' are signed by,
    cluster_tls_cert = ""         # this machine's certificate (signed by that CA)
    cluster_tls_key = ""          # and its private key

    [schedule]
    time = "07:00"                # when `briefing schedule` runs the job, in output.timezone
    days = "*"                    # cron day_of_week: "*", "mon-fri", "sun,wed", ...
    misfire_grace = 3600          # seconds a late or missed run may still start

    [store]
    path = ""                     # the SQLite record; "" = the user data folder (platformdirs)
    lock_wait = 600               # seconds a run waits for another one to finish, then gives up

Relative paths in a file are taken from the file's folder; on the command line,
from the working directory.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from briefing.errors import ConfigError
from briefing.types import Topic

__all__ = [
    "CONFIG_FILE_NAME",
    "Config",
    "Source",
    "available_cores",
    "cluster_workers",
    "database_path",
    "find_config_file",
    "load_config",
    "models_path",
    "toml_document",
]

CONFIG_FILE_NAME = "briefing.toml"

# Per-article summary budget. Three sentences is what a reader scans in a morning
# briefing per story. (EASC's human summaries average a third of an article's words,
# but a morning briefing wants less per story than a summary of one article.)
DEFAULT_MAX_SENTENCES = 3

# A run that could not start on time (machine asleep, busy) may start this late: one
# hour, the default. APScheduler's own default, one second, silently skips it.
DEFAULT_MISFIRE_GRACE_S = 3600

# A morning run takes a minute or two; ten minutes covers a slow one without letting a
# second run hang forever behind a stuck first.
DEFAULT_LOCK_WAIT_S = 600.0

# Mean log-probability per output token below which a sentence is flagged. -1.0 means
# the model gave its own choices under e^-1 = 37 % on average: a guess. Real Argos
# ar->en output was not available offline to calibrate this; adjust in the config
# (translate.min_confidence) once you have seen your model's numbers.
DEFAULT_MIN_CONFIDENCE = -1.0

COMPUTE_TYPES = ("default", "auto", "int8", "int8_float32", "int16", "float32")

# Seconds to reach a translation cluster's scheduler and to find a worker there: Dask's
# own default is 30 s; a scheduler on the local network answers in milliseconds and
# local:2's workers start in 1.1-2.3 s on a busy 2-core machine (benchmarks/README.md,
# "On a cluster"), so 10 s is ample, and a wrong address fails the run soon.
DEFAULT_CLUSTER_TIMEOUT_S = 10.0
# Most worker processes ``translate.cluster = "local:N"`` starts: each loads its own copy
# of the model (a few hundred MB for a Transformer-base), and more processes than cores
# decode no faster; 64 is a large single machine.
MAX_LOCAL_WORKERS = 64

# Every output format (``render.RENDERERS``), written by default.
DEFAULT_FORMATS = ("markdown", "pdf", "html")

# Feed items taken per feed and run (the rest wait for the next run). A busy Arabic
# outlet's feed lists 20-100 items and a day brings at most a few hundred new ones per
# outlet; 200 covers that, and stops a hostile feed of 10,000 teasers from making
# 10,000 page requests in one run.
DEFAULT_MAX_ITEMS = 200
# Stories shown in full: ten is what a morning reader goes through (the default).
DEFAULT_FEATURED_STORIES = 10
# Key sentences per featured story, from all its articles: five covers who, what, where,
# the reactions and the background without turning a story into an article.
DEFAULT_STORY_SENTENCES = 5
# Days back a new story is compared with briefed ones: a week covers a case that goes
# quiet over a weekend and comes back (the default).
DEFAULT_TRACK_DAYS = 7
# The single-outlet headlines of the index stay Arabic by default: a real day lists
# ~2,400 of them, about 10 minutes of decoding with a Transformer-base model on 2 cores
# (4.1 sentences/s, benchmarks/README.md), against under a minute for the rest.
DEFAULT_INDEX_ENGLISH = False
# What a configuration may hold of topics (each term is compiled into one regex).
MAX_TOPICS = 100
MAX_TOPIC_NAME_CHARS = 100
MAX_OUTLET_NAMES = 10_000


@dataclass(frozen=True, slots=True)
class Source:
    """Where articles come from: a folder, an RSS/Atom feed, or a single page."""

    kind: str
    location: str
    """A folder path, or an http(s) URL."""
    outlet: str = ""

    @property
    def is_web(self) -> bool:
        return bool(_source_kinds()[self.kind].is_web)


@dataclass(frozen=True, slots=True)
class Config:
    input_dir: Path = Path("seeds")
    sources: tuple[Source, ...] = ()
    """Configured sources; none means the folder ``input_dir``."""
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_mb: float = 5.0
    max_redirects: int = 5
    max_items: int = DEFAULT_MAX_ITEMS
    feed_budget: float = 300.0
    """Seconds one feed's poll may take, its pages included; what is left waits for the next run."""
    allow_hosts: tuple[str, ...] = ()
    """Hosts a feed's items and redirects may lead to, beside the configured sources' own."""
    fetch_pages: bool = True
    offline: bool = False
    """Poll no feed or page (the articles kept from them earlier still join)."""
    featured_stories: int = DEFAULT_FEATURED_STORIES
    story_sentences: int = DEFAULT_STORY_SENTENCES
    track_days: int = DEFAULT_TRACK_DAYS
    index_english: bool = DEFAULT_INDEX_ENGLISH
    topics: tuple[Topic, ...] = ()
    """The reader's topics (``[[topics]]``), in the order they are shown."""
    actors: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    """More actors or aliases (``[[actors]]``): (name, ((Arabic alias, English), ...))."""
    outlets: tuple[tuple[str, str], ...] = ()
    """Display names (``[outlets]``): site or source name -> name, beside the shipped table."""
    places: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    """More places for the story grouping (``[[places]]``): (English name, path of the place it
    lies in or "", Arabic names)."""
    out_dir: Path = Path("out")
    timezone: str = ""
    formats: tuple[str, ...] = DEFAULT_FORMATS
    """The output formats written, by name (``render.RENDERERS``), in this order."""
    summarizer: str = "salience"
    max_sentences: int = DEFAULT_MAX_SENTENCES
    max_words: int = 0
    source_lang: str = "ar"
    target_lang: str = "en"
    argos_packages_dir: Path | None = None
    models_dir: Path | None = None
    """Where folder models are installed; None: ``models`` in the user data folder."""
    model: str = ""
    """The model to translate with, by name (``briefing models list``); "" = the pair's Argos package."""
    compute_type: str = "int8"
    threads: int = 0
    glossary: Path | None = None
    starter_glossary: bool = True
    memory: bool = True
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    cluster: str = ""
    """Where the model decodes: "" in this process; "local:N" N worker processes started here;
    "tcp://host:port" or "tls://host:port" the Dask scheduler of a running cluster."""
    cluster_model_dir: Path | None = None
    """The model's folder on the cluster's workers; None: the folder this machine uses."""
    cluster_timeout: float = DEFAULT_CLUSTER_TIMEOUT_S
    cluster_tls_ca: Path | None = None
    """For a tls:// scheduler: the CA certificate the cluster's certificates are signed by."""
    cluster_tls_cert: Path | None = None
    """For a tls:// scheduler: this machine's certificate, signed by that CA."""
    cluster_tls_key: Path | None = None
    """For a tls:// scheduler: the private key of ``cluster_tls_cert``."""
    database: Path | None = None
    lock_wait: float = DEFAULT_LOCK_WAIT_S
    schedule_time: str = "07:00"
    schedule_days: str = "*"
    misfire_grace: int = DEFAULT_MISFIRE_GRACE_S
    templates_dir: Path | None = None

    def replace(self, **changes: Any) -> Config:
        """A copy with ``changes`` applied; ``None`` values are ignored (unset CLI flags)."""
        given = {k: v for k, v in changes.items() if v is not None}
        updated = dataclasses.replace(self, **given)
        updated.validate()
        return updated

    @property
    def effective_sources(self) -> tuple[Source, ...]:
        return self.sources or (Source("folder", str(self.input_dir)),)

    def validate(self) -> None:
        kinds = _source_kinds()
        for number, source in enumerate(self.sources, 1):
            if source.kind not in kinds:
                raise ConfigError(f"sources[{number}]: give one of {_either(kinds)}")
            if source.is_web and not _is_http_url(source.location):
                raise ConfigError(f"sources[{number}].{source.kind}: {source.location!r} is not an http(s) URL")
        for name, bounds in _RANGES.items():
            bounds.check(_FIELD_KEYS[name], getattr(self, name))
        self._validate_formats()
        self._validate_topics()
        for host in self.allow_hosts:
            if not _HOST.fullmatch(_idna(host)):
                raise ConfigError(f"fetch.allow_hosts: {host!r} is not a host name like news.example.com")
        if self.timezone:
            try:
                ZoneInfo(self.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ConfigError(f"output.timezone: unknown time zone {self.timezone!r}") from None
        if self.compute_type not in COMPUTE_TYPES:
            raise ConfigError(f"translate.compute_type: must be one of {', '.join(COMPUTE_TYPES)}")
        if self.cluster:
            _check_cluster(self.cluster)
        self._validate_cluster_tls()
        if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", self.schedule_time):
            raise ConfigError(f"schedule.time: {self.schedule_time!r} is not a time like 07:00")
        if plain_days_of_week(self.schedule_days) is None:
            try:  # anything past the plain forms: APScheduler's own parser decides (it loads asyncio)
                from apscheduler.triggers.cron.fields import DayOfWeekField

                DayOfWeekField("day_of_week", self.schedule_days)
            except ValueError:
                raise ConfigError(f"schedule.days: {self.schedule_days!r} is not a cron day_of_week (e.g. mon-fri)") from None

    def _validate_topics(self) -> None:
        from briefing.arabic import normalize_for_matching
        from briefing.arabic.terms import MAX_TERM_CHARS, MAX_TERMS

        if len(self.topics) > MAX_TOPICS:
            raise ConfigError(f"topics: at most {MAX_TOPICS} topics, not {len(self.topics)}")
        names: set[str] = set()
        total = 0
        for number, topic in enumerate(self.topics, 1):
            where = f"topics[{number}]"
            if not topic.name.strip() or len(topic.name) > MAX_TOPIC_NAME_CHARS:
                raise ConfigError(f"{where}.name: give a name of 1 to {MAX_TOPIC_NAME_CHARS} characters")
            if topic.name in names:
                raise ConfigError(f"{where}.name: {topic.name!r} is given twice")
            names.add(topic.name)
            if not topic.terms:
                raise ConfigError(f"{where}.terms: give at least one Arabic word or phrase")
            for key, terms in (("terms", topic.terms), ("exclude", topic.exclude)):
                for term in terms:
                    if not normalize_for_matching(term) or len(term) > MAX_TERM_CHARS:
                        raise ConfigError(f"{where}.{key}: {term!r} is not a word or phrase of 1 to {MAX_TERM_CHARS} characters")
            total += len(topic.terms) + len(topic.exclude)
        if total > MAX_TERMS:
            raise ConfigError(f"topics: at most {MAX_TERMS} terms in all, not {total}")
        aliases = sum(len(a) for _, a in self.actors)
        if aliases > MAX_TERMS:
            raise ConfigError(f"actors: at most {MAX_TERMS} aliases in all, not {aliases}")
        for number, (name, given) in enumerate(self.actors, 1):
            if not name.strip() or len(name) > MAX_TOPIC_NAME_CHARS:
                raise ConfigError(f"actors[{number}].name: give a name of 1 to {MAX_TOPIC_NAME_CHARS} characters")
            if not given:
                raise ConfigError(f"actors[{number}].aliases: give at least one Arabic alias")
            for alias, english in given:
                if not any(c.isalpha() for c in normalize_for_matching(alias)) or len(alias) > MAX_TERM_CHARS or len(english) > MAX_TOPIC_NAME_CHARS:
                    raise ConfigError(f"actors[{number}].aliases: {alias!r} is not a word or phrase of 1 to {MAX_TERM_CHARS} characters")
        self._validate_places()
        if len(self.outlets) > MAX_OUTLET_NAMES:
            raise ConfigError(f"outlets: at most {MAX_OUTLET_NAMES} names, not {len(self.outlets)}")
        for key, name in self.outlets:
            if not key.strip() or not name.strip() or len(name) > MAX_TOPIC_NAME_CHARS:
                raise ConfigError(f"outlets: {key!r} = {name!r}: give a site or source and a name of 1 to {MAX_TOPIC_NAME_CHARS} characters")

    def _validate_places(self) -> None:
        from briefing.arabic import normalize_for_matching
        from briefing.arabic.terms import MAX_TERM_CHARS, MAX_TERMS

        names = sum(len(given) for _, _, given in self.places)
        if names > MAX_TERMS:
            raise ConfigError(f"places: at most {MAX_TERMS} names in all, not {names}")
        for number, (name, within, given) in enumerate(self.places, 1):
            where = f"places[{number}]"
            if not name.strip() or len(name) > MAX_TOPIC_NAME_CHARS or not any(c.isalnum() for c in name):
                raise ConfigError(f"{where}.name: give an English name of 1 to {MAX_TOPIC_NAME_CHARS} characters")
            if not given:
                raise ConfigError(f"{where}.ar: give at least one Arabic name")
            for arabic in given:
                bare = arabic.removeprefix("~").removesuffix("+")
                if not any(c.isalpha() for c in normalize_for_matching(bare)) or len(arabic) > MAX_TERM_CHARS:
                    raise ConfigError(f"{where}.ar: {arabic!r} is not a word or phrase of 1 to {MAX_TERM_CHARS} characters")
        if self.places:
            from briefing.arabic.places import starter_places

            starter_places().extended(self.places)  # raises ConfigError for a `within` not known

    def _validate_cluster_tls(self) -> None:
        """A tls:// scheduler needs the three files, and they mean nothing without one."""
        files = {"cluster_tls_ca": self.cluster_tls_ca, "cluster_tls_cert": self.cluster_tls_cert,
                 "cluster_tls_key": self.cluster_tls_key}
        if not self.cluster.startswith("tls://"):
            given = [name for name, path in files.items() if path is not None]
            if given:
                raise ConfigError(f"translate.{given[0]}: only for a tls:// translate.cluster (it is {self.cluster!r})")
            return
        for name, path in files.items():
            if path is None:
                raise ConfigError(
                    f"translate.{name}: a tls:// cluster needs cluster_tls_ca, cluster_tls_cert and cluster_tls_key"
                )
            if not path.is_file():
                raise ConfigError(f"translate.{name}: no such file: {path}")

    def _validate_formats(self) -> None:
        from briefing.render import RENDERERS

        if not self.formats:
            raise ConfigError(f"output.formats: give at least one of {', '.join(RENDERERS)}")
        for name in self.formats:
            if name not in RENDERERS:
                raise ConfigError(f"output.formats: unknown format {name!r} (known: {', '.join(RENDERERS)})")
        if len(set(self.formats)) != len(self.formats):
            raise ConfigError("output.formats: a format is given twice")


def _source_kinds() -> dict[str, Any]:
    """The source kinds (``ingest.registry.SOURCES``), imported when first needed."""
    from briefing.ingest.registry import SOURCES

    return SOURCES


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAYS_PART = re.compile(r"\*|(?P<first>[a-z]{3}|[0-6])(-(?P<last>[a-z]{3}|[0-6]))?", re.IGNORECASE)


def plain_days_of_week(text: str) -> frozenset[int] | None:
    """The weekdays (0 = Monday) of a day_of_week in the forms people write ("*",
    "mon-fri", "sun,wed", "0-4"), read without importing APScheduler (which loads
    asyncio: 50 ms on every command); each form means what it means to APScheduler.
    None: not one of these forms, steps included (APScheduler reads "mon-fri/2" as every
    weekday and "0-4/2" as every other one): APScheduler's own parser decides."""

    def day(value: str) -> int | None:
        if value.isdigit():
            return int(value)
        return _WEEKDAYS.index(value.lower()) if value.lower() in _WEEKDAYS else None

    days: set[int] = set()
    for part in text.split(","):
        match = _DAYS_PART.fullmatch(part.strip())
        if match is None:
            return None
        if match["last"] is not None and match["first"].isdigit() != match["last"].isdigit():
            return None  # "mon-6", "0-fri": APScheduler reads these its own way, or not at all
        first, last = (0, 6) if match["first"] is None else (day(match["first"]), day(match["last"] or match["first"]))
        if first is None or last is None or first > last:
            return None
        days.update(range(first, last + 1))
    return frozenset(days)


def cluster_workers(cluster: str) -> int | None:
    """N of ``"local:N"``; None for a scheduler's address."""
    kind, _, count = cluster.partition(":")
    return int(count) if kind == "local" and count.isdigit() else None


def _check_cluster(cluster: str) -> None:
    """``local:N`` or a Dask scheduler's ``tcp://host:port`` (``tls://``); Dask installed."""
    from urllib.parse import urlsplit

    example = '"local:2", or a scheduler\'s address such as "tcp://10.0.0.5:8786"'
    workers = cluster_workers(cluster)
    if cluster.startswith("local:"):
        if workers is None or not 1 <= workers <= MAX_LOCAL_WORKERS:
            raise ConfigError(f"translate.cluster: {cluster!r}: local:N takes N from 1 to {MAX_LOCAL_WORKERS}")
    else:
        try:
            parts = urlsplit(cluster)
            valid = parts.scheme in ("tcp", "tls") and bool(parts.hostname) and bool(parts.port)
        except ValueError:  # a port out of range or not a number
            valid = False
        if not valid or parts.path.strip("/") or parts.query:
            raise ConfigError(f"translate.cluster: {cluster!r} is not {example}")
    import importlib.util

    if importlib.util.find_spec("distributed") is None:
        raise ConfigError(
            "translate.cluster: Dask is not installed; install briefing with its cluster extra "
            "(pip install 'briefing[cluster]'), or leave translate.cluster empty"
        )


def _either(names: Iterable[str]) -> str:
    """``"folder, feed or page"``."""
    *rest, last = names
    return f"{', '.join(rest)} or {last}" if rest else last


def _is_http_url(url: str) -> bool:
    """An http(s) URL with a host and, if it gives one, a valid port."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError when out of range or not a number
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and port != 0


def _idna(host: str) -> str:
    """An Arabic (IDN) host name in its ASCII form, for the host-name check."""
    try:
        return host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return host  # fails the check below, with the host as written


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, else the machine's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class _Range:
    """The values a number may take: finite, from ``low`` to ``high``; says so when it is not."""

    low: float
    high: float | Callable[[], float]
    rule: str
    """The range in words, for the message: "seconds, more than 0 and at most 300"."""
    low_open: bool = False
    """``low`` itself is not allowed (a timeout of 0)."""

    def check(self, key: str, value: float) -> None:
        high = self.high() if callable(self.high) else self.high
        below = value <= self.low if self.low_open else value < self.low
        if not math.isfinite(value) or below or value > high:
            raise ConfigError(f"{key}: {self.rule.format(high=high)}, not {value!r}")


# Every number of the configuration, with the range it is checked against (README,
# "Configuration"). The upper bounds stop values that would hang a run (a timeout of a
# year), exhaust the machine (100,000 decoding threads abort CTranslate2) or overflow a
# date (a misfire grace of 10^20 seconds), while leaving every sensible setting room.
_RANGES: dict[str, _Range] = {
    "connect_timeout": _Range(0, 300, "seconds, more than 0 and at most 300", low_open=True),
    "read_timeout": _Range(0, 600, "seconds, more than 0 and at most 600", low_open=True),
    "total_timeout": _Range(0, 3600, "seconds, more than 0 and at most 3600", low_open=True),
    "max_mb": _Range(0, 1000, "megabytes, more than 0 and at most 1000", low_open=True),
    "max_redirects": _Range(0, 20, "0 to 20"),
    "max_items": _Range(1, 100_000, "1 to 100000"),
    "feed_budget": _Range(0, 86_400, "seconds, more than 0 and at most 86400", low_open=True),
    "featured_stories": _Range(0, 1000, "0 to 1000"),
    "story_sentences": _Range(1, 100, "1 to 100"),
    "track_days": _Range(0, 366, "days, 0 (no tracking) to 366"),
    "max_sentences": _Range(0, 1000, "0 (no limit) to 1000"),
    "max_words": _Range(0, 100_000, "0 (no limit) to 100000"),
    "threads": _Range(0, available_cores, "0 (all cores) to {high} (the cores of this machine)"),
    "min_confidence": _Range(-100, 0, "a mean log-probability, from -100 to 0"),
    "cluster_timeout": _Range(0, 300, "seconds, more than 0 and at most 300", low_open=True),
    "lock_wait": _Range(0, 86_400, "seconds, 0 to 86400 (a day)"),
    "misfire_grace": _Range(1, 86_400, "seconds, 1 to 86400 (a day)"),
}
_HOST = re.compile(r"(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*", re.IGNORECASE)


# TOML section.key -> (Config field, expected type). Paths are resolved against the file.
_KEYS: dict[str, tuple[str, type]] = {
    "input.dir": ("input_dir", Path),
    "output.dir": ("out_dir", Path),
    "output.timezone": ("timezone", str),
    "output.formats": ("formats", tuple),
    "summary.method": ("summarizer", str),
    "summary.max_sentences": ("max_sentences", int),
    "summary.max_words": ("max_words", int),
    "translate.from": ("source_lang", str),
    "translate.to": ("target_lang", str),
    "translate.packages_dir": ("argos_packages_dir", Path),
    "translate.models_dir": ("models_dir", Path),
    "translate.model": ("model", str),
    "translate.compute_type": ("compute_type", str),
    "translate.threads": ("threads", int),
    "translate.glossary": ("glossary", Path),
    "translate.starter_glossary": ("starter_glossary", bool),
    "translate.memory": ("memory", bool),
    "translate.min_confidence": ("min_confidence", float),
    "translate.cluster": ("cluster", str),
    "translate.cluster_model_dir": ("cluster_model_dir", Path),
    "translate.cluster_timeout": ("cluster_timeout", float),
    "translate.cluster_tls_ca": ("cluster_tls_ca", Path),
    "translate.cluster_tls_cert": ("cluster_tls_cert", Path),
    "translate.cluster_tls_key": ("cluster_tls_key", Path),
    "store.path": ("database", Path),
    "store.lock_wait": ("lock_wait", float),
    "schedule.time": ("schedule_time", str),
    "schedule.days": ("schedule_days", str),
    "schedule.misfire_grace": ("misfire_grace", int),
    "render.templates_dir": ("templates_dir", Path),
    "fetch.connect_timeout": ("connect_timeout", float),
    "fetch.read_timeout": ("read_timeout", float),
    "fetch.max_mb": ("max_mb", float),
    "fetch.total_timeout": ("total_timeout", float),
    "fetch.max_redirects": ("max_redirects", int),
    "fetch.max_items": ("max_items", int),
    "fetch.feed_budget": ("feed_budget", float),
    "fetch.allow_hosts": ("allow_hosts", tuple),
    "fetch.fetch_pages": ("fetch_pages", bool),
    "fetch.offline": ("offline", bool),
    "stories.featured": ("featured_stories", int),
    "stories.sentences": ("story_sentences", int),
    "stories.track_days": ("track_days", int),
    "stories.index_english": ("index_english", bool),
}


_OPTIONAL = {
    "argos_packages_dir", "models_dir", "templates_dir", "glossary", "database", "cluster_model_dir", "cluster_tls_ca",
    "cluster_tls_cert", "cluster_tls_key",
}
_FIELD_KEYS = {name: dotted for dotted, (name, _) in _KEYS.items()}
_TABLES = frozenset(dotted.partition(".")[0] for dotted in _KEYS) | {"sources", "topics", "outlets", "actors", "places"}
# A configuration file is a few KB; this bounds what is read if the path is wrong.
MAX_CONFIG_BYTES = 1_000_000


def find_config_file(explicit: Path | None, cwd: Path, user_config_dir: Path) -> Path | None:
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"config file not found: {explicit}")
        return explicit
    for candidate in (cwd / CONFIG_FILE_NAME, user_config_dir / CONFIG_FILE_NAME):
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path | None = None, **overrides: Any) -> Config:
    """Defaults, then the TOML file at ``path`` (if any), then ``overrides`` (None = unset)."""
    values: dict[str, Any] = {}
    if path is not None:
        values = _read_toml(path)
    config = Config(**values).replace(**overrides)
    return config


# Bare dots (between the parts of a key) a TOML document of ours may hold, on one line and in
# all: tomllib builds a table per part and its memory grows with their square (a 96 KB
# line "a.a.a...a = 1" took 9 GB). A configuration, a metadata.toml or a glossary has a
# handful (their keys are quoted file names and words).
MAX_TOML_KEY_PARTS_PER_LINE = 100
MAX_TOML_KEY_PARTS = 10_000
_TOML_STRINGS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')


def toml_document(text: str) -> dict[str, Any]:
    """The TOML document in ``text``; ValueError saying what is wrong. Bounded: depth (the
    standard parser recurses, and a file nested 100,000 deep would exhaust the stack) and
    dotted keys (``MAX_TOML_KEY_PARTS``)."""
    bare = _TOML_STRINGS.sub("", text)
    parts = [line.count(".") for line in bare.splitlines()]
    if max(parts, default=0) > MAX_TOML_KEY_PARTS_PER_LINE or sum(parts) > MAX_TOML_KEY_PARTS:
        raise ValueError(f"not valid TOML for briefing: keys with more than {MAX_TOML_KEY_PARTS_PER_LINE} dotted parts")
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise ValueError("not valid TOML: nested too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"not valid TOML: {exc}") from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from exc
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES // 1_000_000} MB: not a configuration file")
    try:
        document = toml_document(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"cannot read config file {path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except ValueError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    values: dict[str, Any] = {}
    for section, table in document.items():
        if section not in _TABLES:
            known = ", ".join(f"[{t}]" for t in sorted(_TABLES - {"sources", "topics", "actors", "places"}))
            raise ConfigError(f"{path}: unknown table [{section}] (known: {known}, [[sources]], [[topics]], [[actors]] and [[places]])")
        if section == "sources":
            values["sources"] = _read_sources(path, table)
            continue
        if section == "topics":
            values["topics"] = _read_topics(path, table)
            continue
        if section == "outlets":
            values["outlets"] = _read_outlets(path, table)
            continue
        if section == "actors":
            values["actors"] = _read_actors(path, table)
            continue
        if section == "places":
            values["places"] = _read_places(path, table)
            continue
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: {section}: expected a [{section}] table")
        for key, value in table.items():
            dotted = f"{section}.{key}"
            if dotted not in _KEYS:
                known = ", ".join(sorted(_KEYS))
                raise ConfigError(f"{path}: unknown key {dotted!r} (known keys: {known})")
            name, kind = _KEYS[dotted]
            values[name] = _coerce(path, dotted, value, kind)
            if values[name] is None and name not in _OPTIONAL:
                raise ConfigError(f"{path}: {dotted}: must not be empty")
    return values


def _each_table(
    path: Path, section: str, tables: Any, *, known: Sequence[str], required: Sequence[str] = (), missing: str = ""
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each table of a ``[[section]]`` array with its name in messages ("places[2]"), once its
    keys are checked: none but ``known``, and every one of ``required`` (else ``missing``)."""
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        article = "an" if section[0] in "aeiou" else "a"
        raise ConfigError(f"{path}: {section}: write each {section.removesuffix('s')} as {article} [[{section}]] table")
    for number, table in enumerate(tables, 1):
        where = f"{section}[{number}]"
        unknown = set(table) - set(known)
        if unknown:
            raise ConfigError(f"{path}: {where}: unknown key {min(unknown)!r} (known: {', '.join(known)})")
        if not all(key in table for key in required):
            raise ConfigError(f"{path}: {where}: {missing}")
        yield where, table


def _read_sources(path: Path, tables: Any) -> tuple[Source, ...]:
    known = _source_kinds()
    sources = []
    for where, table in _each_table(path, "sources", tables, known=(*known, "outlet")):
        kinds = [k for k in known if k in table]
        if len(kinds) != 1:
            raise ConfigError(f"{path}: {where}: give exactly one of {_either(known)}")
        kind = kinds[0]
        location = _coerce(path, f"{where}.{kind}", table[kind], str if known[kind].is_web else Path)
        if location is None or location == "":
            raise ConfigError(f"{path}: {where}.{kind}: must not be empty")
        outlet = _coerce(path, f"{where}.outlet", table.get("outlet", ""), str)
        sources.append(Source(kind, str(location), outlet))
    return tuple(sources)


def _read_topics(path: Path, tables: Any) -> tuple[Topic, ...]:
    topics = []
    for where, table in _each_table(
        path, "topics", tables, known=("name", "terms", "exclude"), required=("name", "terms"),
        missing="give a name and its terms",
    ):
        name = _coerce(path, f"{where}.name", table["name"], str)
        terms, exclude = (_strings(path, f"{where}.{key}", table.get(key, [])) for key in ("terms", "exclude"))
        topics.append(Topic(name.strip(), terms, exclude))
    return tuple(topics)


def _read_actors(path: Path, tables: Any) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    actors = []
    for where, table in _each_table(
        path, "actors", tables, known=("name", "aliases"), required=("name", "aliases"),
        missing="give a name and its aliases",
    ):
        name = _coerce(path, f"{where}.name", table["name"], str).strip()
        given = table["aliases"]
        if isinstance(given, dict):
            if not all(isinstance(k, str) and isinstance(v, str) for k, v in given.items()):
                raise ConfigError(f"{path}: {where}.aliases: each alias = its English, as strings")
            aliases = tuple((k, v.strip() or name) for k, v in given.items())
        else:
            aliases = tuple((alias, name) for alias in _strings(path, f"{where}.aliases", given))
        actors.append((name, aliases))
    return tuple(actors)


def _read_places(path: Path, tables: Any) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    places = []
    for where, table in _each_table(
        path, "places", tables, known=("name", "within", "ar"), required=("name", "ar"),
        missing="give a name and its Arabic names (ar)",
    ):
        name = _coerce(path, f"{where}.name", table["name"], str).strip()
        within = _coerce(path, f"{where}.within", table.get("within", ""), str).strip()
        places.append((name, within, _strings(path, f"{where}.ar", table["ar"])))
    return tuple(places)


def _read_outlets(path: Path, table: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: outlets: expected an [outlets] table of \"site or source\" = \"name\"")
    pairs = []
    for key, name in table.items():
        if not isinstance(name, str):
            raise ConfigError(f"{path}: outlets.{key}: expected a name (a string), got {name!r}")
        pairs.append((key.strip().lower(), name.strip()))
    return tuple(pairs)


def _strings(path: Path, dotted: str, value: Any) -> tuple[str, ...]:
    """A list of strings as given (not lower-cased: Arabic terms, names)."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{path}: {dotted}: expected a list of strings, got {value!r}")
    return tuple(item.strip() for item in value)


def _coerce(path: Path, dotted: str, value: Any, kind: type) -> Any:
    if kind is Path:
        if not isinstance(value, str):
            raise ConfigError(f"{path}: {dotted}: expected a path string, got {value!r}")
        if value == "":
            return None
        given = Path(value).expanduser()
        return given if given.is_absolute() else (path.parent / given)
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"{path}: {dotted}: expected a whole number, got {value!r}")
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{path}: {dotted}: expected a number, got {value!r}")
        return float(value)
    if kind is tuple:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{path}: {dotted}: expected a list of strings, got {value!r}")
        return tuple(item.strip().lower() for item in value)
    if kind is bool and not isinstance(value, bool):
        raise ConfigError(f"{path}: {dotted}: expected true or false, got {value!r}")
    if kind is str and not isinstance(value, str):
        raise ConfigError(f"{path}: {dotted}: expected a string, got {value!r}")
    return value


def models_path(config: Config) -> Path:
    """The configured folder of folder models, else ``models`` in the user data folder."""
    if config.models_dir is not None:
        return config.models_dir
    from platformdirs import user_data_path

    return user_data_path("briefing") / "models"


def database_path(config: Config) -> Path:
    """The configured database, else ``briefing.sqlite3`` in the user data folder."""
    if config.database is not None:
        return config.database
    from platformdirs import user_data_path

    return user_data_path("briefing") / "briefing.sqlite3"
