"""The values the stages pass to each other: frozen, slotted, standard library only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "RETRY_LATER",
    "ActorLabel",
    "Article",
    "ArticleChoice",
    "Briefing",
    "Continuation",
    "DistinctiveWord",
    "FeaturedStory",
    "FileSignature",
    "Framing",
    "Gathered",
    "KeyPoint",
    "KeySentences",
    "KnownFile",
    "ListedArticle",
    "ListedStory",
    "PendingFile",
    "PublishedStory",
    "RankedStory",
    "ReprintDiff",
    "RunReport",
    "Sentence",
    "SkippedItem",
    "SourceRead",
    "Story",
    "StoryArticle",
    "Topic",
    "Translation",
    "WordChange",
]


@dataclass(frozen=True, slots=True)
class Article:
    """One ingested article, cleaned of page furniture; text kept as published."""

    id: str
    """Hash of the normalised text: the same article from two places has one id."""
    source: str
    """Where it came from, as the user would name it (a file path for now)."""
    title: str
    title_derived: bool
    """True when the article had no title line and ``title`` was made from its first sentence."""
    body: str
    """The article's text without its title and furniture, paragraphs separated by blank lines."""
    outlet: str = ""
    """Who published it ("Sputnik Arabic", "aawsat"); "" when unknown."""
    url: str = ""
    """Where it can be read online; "" for a file with no known address."""
    published: dt.date | None = None
    """Publication date, from the feed, the page's metadata, the record, or a date in the text."""

    @property
    def outlet_name(self) -> str:
        """The outlet as a reader knows it: the given name, else the web site, else ""."""
        if self.outlet:
            return self.outlet
        host = urlsplit(self.url).hostname if self.url else None
        return host.removeprefix("www.") if host else ""

    @property
    def label(self) -> str:
        """The outlet's name, else the name of the file the article came from."""
        return self.outlet_name or self.source.rstrip("/").rsplit("/", 1)[-1]

    @property
    def outlet_key(self) -> str:
        """Tells outlets apart; an article of unknown outlet counts as an outlet of its own."""
        return self.outlet_name or f"source:{self.source}"


@dataclass(frozen=True, slots=True)
class StoryArticle:
    """An article of a story, with the copies of it that were collapsed into it."""

    article: Article
    copies: tuple[Article, ...] = ()
    """Exact or near-duplicate copies of it (other outlets, or re-posts), not shown separately."""
    shares: tuple[tuple[str, int], ...] = ()
    """Partial reprints: (outlet, number of paragraphs this article shares with that outlet's)."""
    independent: bool = True
    """False when most of its paragraphs are another outlet's (a reprint): it does not
    count as independent coverage of its story."""
    terms: tuple[str, ...] = field(default=(), compare=False, repr=False)
    """The article's content terms as the grouping read them (stems of its headline and of
    the first 2,000 words of its body, stop words out, in order), for the stages after it
    to count words without stemming the text again; () when not known."""
    paragraph_shingles: tuple[tuple[int, bytes], ...] = field(default=(), compare=False, repr=False)
    """The body's paragraphs the grouping compared for reprints, as it hashed them: for each
    paragraph of ``cluster.reprints.paragraphs_of(article.body)`` long enough to count, its
    index there and its ``paragraph_shingles`` (sorted distinct hashes, native-endian
    unsigned 64-bit integers); for the framing's reprints to compare paragraphs without
    hashing them again; () when not known."""


@dataclass(frozen=True, slots=True)
class Story:
    """Articles about one event, most central first."""

    members: tuple[StoryArticle, ...]

    @property
    def lead(self) -> Article:
        return self.members[0].article

    @property
    def articles(self) -> tuple[Article, ...]:
        """Every article of the story, copies included, each id once."""
        seen: dict[str, Article] = {}
        for member in self.members:
            for article in (member.article, *member.copies):
                seen.setdefault(article.id, article)
        return tuple(seen.values())

    @property
    def outlets(self) -> tuple[str, ...]:
        """Distinct outlets that carried the story, in member order (unknown ones left out)."""
        names = (a.outlet_name for m in self.members for a in (m.article, *m.copies))
        return tuple(dict.fromkeys(n for n in names if n))

    @property
    def outlet_count(self) -> int:
        return len({a.outlet_key for m in self.members for a in (m.article, *m.copies)})

    @property
    def article_count(self) -> int:
        return sum(1 + len(m.copies) for m in self.members)

    @property
    def independent_outlet_count(self) -> int:
        """Outlets with a report of their own: each once, reprints and copies not counted
        (a story always has at least one)."""
        return max(1, len({m.article.outlet_key for m in self.members if m.independent}))

    @property
    def latest(self) -> dt.date | None:
        """The latest publication date of its articles, if any is known."""
        return max((a.published for a in self.articles if a.published is not None), default=None)

    @property
    def coverage_key(self) -> tuple[int, int, int]:
        """Sorts stories best first: most independent outlets, then most articles, then the latest."""
        latest = self.latest
        return (-self.independent_outlet_count, -self.article_count, -(latest.toordinal() if latest else 0))


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article, exactly as written there."""

    text: str
    index: int
    """Position of the sentence in its article, from 0."""


@dataclass(frozen=True, slots=True)
class KeySentences:
    """The sentences chosen to stand for an article, in article order."""

    article: Article
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True, slots=True)
class Translation:
    """One source text and its English, with how far to trust it."""

    source: str
    text: str
    score: float
    """CTranslate2's score for the hypothesis, as Argos reports it."""
    confidence: float
    """Mean log-probability per output token (0 is certain; lower is less sure)."""
    origin: str
    """``"model"`` when decoded in this run, ``"memory"`` when remembered from an earlier one."""
    flags: tuple[str, ...] = ()
    """What a reader should check: ``untranslated``, ``low-confidence``, ``repetition``,
    ``numbers-changed``, ``glossary-not-applied``."""


@dataclass(frozen=True, slots=True)
class KeyPoint:
    """A key sentence of a story, the article (outlet) it comes from, and its English."""

    sentence: Sentence
    article: Article
    translation: Translation


@dataclass(frozen=True, slots=True)
class Topic:
    """A subject the reader follows: its stories come first, under its name."""

    name: str
    terms: tuple[str, ...]
    """Arabic words or phrases, matched after normalisation, with or without proclitics."""
    exclude: tuple[str, ...] = ()
    """A story whose headlines or leads hold one of these is not in the topic."""


@dataclass(frozen=True, slots=True)
class PublishedStory:
    """A story as an earlier briefing published it: what tracking compares a new one with."""

    date: dt.date
    title_ar: str
    title_en: str
    since: dt.date
    """The date the story was first briefed (its own date, unless it continued an earlier one)."""
    terms: tuple[tuple[str, float], ...]
    """Its weighted terms (stems of headlines and leads), heaviest first."""
    sentences: tuple[str, ...]
    """The key sentences (Arabic) published for it."""
    article_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Continuation:
    """A story that continues one briefed on an earlier day."""

    since: dt.date
    """The date it was first briefed."""
    title_en: str
    """The English headline it was last briefed under."""
    day: int
    """Which day of the story this is: 2 the day after it was first briefed."""


@dataclass(frozen=True, slots=True)
class WordChange:
    """One change a copy made to the words of the original: ``before`` replaced by ``after``
    (``before`` empty: inserted; ``after`` empty: deleted), in the outlets' own words."""

    before: str
    after: str

    @property
    def kind(self) -> str:
        return "inserted" if not self.before else "deleted" if not self.after else "replaced"


@dataclass(frozen=True, slots=True)
class ReprintDiff:
    """Paragraphs one article took from another outlet's, and what it changed in them."""

    original: Article
    copy: Article
    paragraphs: int
    rule: str
    """What decided which is the copy: "date" (the later), "containment" (the one that
    holds the other's shared text, with words of its own), or "order" (read later)."""
    changes: tuple[WordChange, ...]


@dataclass(frozen=True, slots=True)
class ActorLabel:
    """How one outlet names an actor in a story: the name with the words that qualify it."""

    actor: str
    outlet: str
    ar: str
    en: str
    count: int


@dataclass(frozen=True, slots=True)
class DistinctiveWord:
    """A word one outlet uses in a story far more than the story's other outlets."""

    outlet: str
    ar: str
    """The stem's most frequent surface form in that outlet's articles."""
    z: float


@dataclass(frozen=True, slots=True)
class Framing:
    """Who said what, in whose words: a story's reprint diffs, the outlets' labels for the
    actors, and each outlet's distinctive words."""

    reprints: tuple[ReprintDiff, ...] = ()
    labels: tuple[ActorLabel, ...] = ()
    distinctive: tuple[DistinctiveWord, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.reprints or self.labels or self.distinctive)


@dataclass(frozen=True, slots=True)
class RankedStory:
    """A story placed for the reader: the topics it is in, the earlier story it continues."""

    story: Story
    topics: tuple[str, ...] = ()
    continues: Continuation | None = None
    terms: tuple[tuple[str, float], ...] = ()
    """Its weighted terms, kept in the record to recognise it on a later day."""
    framing: Framing = Framing()
    """Its reprints' changes, the outlets' labels for the actors, their distinctive words."""


@dataclass(frozen=True, slots=True)
class FeaturedStory:
    """A story shown in full: headline, key points from its articles, who carried it."""

    story: Story
    title: Translation
    """The English of the lead article's headline."""
    points: tuple[KeyPoint, ...]
    topics: tuple[str, ...] = ()
    """The reader's topics it is in, in the configuration's order."""
    continues: Continuation | None = None
    framing: Framing = Framing()
    english: tuple[tuple[str, Translation], ...] = ()
    """The English of the framing's phrases shown (``framing.shown_phrases``), machine translation."""


@dataclass(frozen=True, slots=True)
class ListedStory:
    """A story of two outlets or more that is not featured: one line (or a continuing story
    with nothing new to say: "no new developments")."""

    story: Story
    title: Translation
    topics: tuple[str, ...] = ()
    continues: Continuation | None = None
    quiet: bool = False
    """Continues an earlier story and says nothing its briefings did not: "no new developments"."""


@dataclass(frozen=True, slots=True)
class ListedArticle:
    """An article outside the featured and listed stories (one outlet's), in the index."""

    member: StoryArticle
    title: Translation | None
    """Its English headline, or None when the index is not translated (``stories.index_english``)."""


@dataclass(frozen=True, slots=True)
class Briefing:
    date: dt.date
    stories: tuple[FeaturedStory, ...]
    others: tuple[ListedArticle, ...]
    model: str
    """The Argos package that translated it, e.g. ``translate-ar_en 1.0``."""
    listed: tuple[ListedStory, ...] = ()
    topics: tuple[str, ...] = ()
    """The reader's topics, in order, each shown (with "no story today" when empty)."""

    @property
    def articles(self) -> tuple[Article, ...]:
        """Every article the briefing accounts for, copies included, each once."""
        seen: dict[str, Article] = {}
        for featured in self.stories:
            for article in featured.story.articles:
                seen.setdefault(article.id, article)
        for story in self.listed:
            for article in story.story.articles:
                seen.setdefault(article.id, article)
        for listed in self.others:
            for article in (listed.member.article, *listed.member.copies):
                seen.setdefault(article.id, article)
        return tuple(seen.values())

    @property
    def outlet_count(self) -> int:
        return len({a.outlet_key for a in self.articles})

    @property
    def translations(self) -> tuple[Translation, ...]:
        """Every headline and key sentence the briefing shows in English."""
        return (
            *(f.title for f in self.stories),
            *(p.translation for f in self.stories for p in f.points),
            *(s.title for s in self.listed),
            *(o.title for o in self.others if o.title is not None),
        )


REMOVED = ""
"""The ``PendingFile.sha256`` of a file a publication removes."""


@dataclass(frozen=True, slots=True)
class PendingFile:
    """One file of a briefing being published: where it goes, what it holds, its temporaries."""

    path: Path
    sha256: str
    """Hash of the new content: tells, after a crash, whether ``path`` already holds it."""
    temporary: Path
    """The complete new file under a hidden name, renamed to ``path`` to publish it."""
    backup: Path | None
    """A hard link to what ``path`` held before (a rebuild), put back if the publication is undone."""
    format: str = ""
    """The output format it is ("markdown", "pdf", "html"); "" for another file."""

    @property
    def removes(self) -> bool:
        """A file the publication takes away (a format no longer written, on a rebuild):
        no new content; ``backup`` holds the old one until the publication is settled."""
        return self.sha256 == REMOVED


@dataclass(frozen=True, slots=True)
class FileSignature:
    """What tells a file that has not changed: its size and modification time (and, when
    those moved, its content hash: a file touched but not changed is still unchanged)."""

    size: int
    mtime_ns: int
    sha256: str
    ctime_ns: int = 0
    inode: int = 0

    @property
    def stat_key(self) -> tuple[int, int, int, int]:
        """What ``stat`` tells without reading the file."""
        return (self.size, self.mtime_ns, self.ctime_ns, self.inode)


@dataclass(frozen=True, slots=True)
class KnownFile:
    """A folder file as it was last read: its signature, its articles, what it left out."""

    signature: FileSignature
    articles: tuple[tuple[str, str], ...]
    """(id, source) of each article it gave."""
    skipped: tuple[SkippedItem, ...]


@dataclass(frozen=True, slots=True)
class SourceRead:
    """What one source gave: its articles, what it left out, and exact copies (same id) of
    articles it also gave, kept so a story can name every outlet."""

    articles: list[Article]
    skipped: list[SkippedItem]
    copies: list[Article]
    files: dict[str, KnownFile] | None = None
    """A folder's files as read this time (to remember), by path."""
    unread: tuple[str, ...] = ()
    """Ids of the articles of its files passed over unread (unchanged, all published)."""


@dataclass(frozen=True, slots=True)
class Gathered:
    """The articles of every source: each id once, plus exact copies from elsewhere."""

    articles: list[Article]
    copies: list[Article]
    """Same text as an article above (so the same id), from another file, outlet or feed."""
    skipped: list[SkippedItem]
    unread: frozenset[str] = frozenset()
    """Ids of the articles of files passed over unread: unchanged since read, all published."""

    @property
    def read_count(self) -> int:
        """As if every file had been read: each id once, and every item left out."""
        return len(self.articles) + len(self.skipped) + len(self.unread - {a.id for a in self.articles})


# The outcome the record keeps for a feed item whose failure may pass (tried again later);
# every other outcome is the item's skip kind, and final.
RETRY_LATER = "retry"


@dataclass(frozen=True, slots=True)
class SkippedItem:
    """An input that was reported and left out, and why."""

    source: str
    reason: str
    kind: str = "unreadable"
    """``"unreadable"`` (a failure the user should look at: the only kind that makes the run
    exit 1), ``"empty"`` (nothing to read), ``"language"`` (not Arabic), ``"duplicate"``
    (same text as another item), ``"blocked"`` (a link the fetch policy refused),
    ``"deferred"`` (feed items beyond ``fetch.max_items``, left for the next run) or
    ``"repaired"`` (used, but stray bytes of its text were replaced)."""


@dataclass(frozen=True, slots=True)
class RunReport:
    """What one ``generate`` run did; ``as_json()`` is the ``--json`` contract."""

    date: dt.date
    articles_read: int
    articles_new: int
    skipped: tuple[SkippedItem, ...]
    sentences_selected: int
    sentences_translated_by_model: int
    sentences_from_memory: int
    model: str | None = None
    articles_published: int = 0
    """Articles in the briefing this run wrote (0 when it wrote none)."""
    flags: tuple[tuple[str, int], ...] = ()
    """How many key sentences and titles carry each flag, e.g. (("low-confidence", 2),)."""
    stories: tuple[dict[str, Any], ...] = ()
    """Every story of the briefing, best first: title_ar, title_en, outlets, articles."""
    outputs: tuple[tuple[str, Path], ...] = ()
    """Every file written, by format ("markdown", "pdf", "html"); () when none was."""
    texts_translated_by_model: int = 0
    """Every text the model decoded in this run: headlines, key sentences and retries."""
    texts_from_memory: int = 0
    """Every text the translation memory gave back instead."""
    offline: bool = False
    """Feeds and pages were not polled (``--offline``, ``fetch.offline``)."""
    missing_files: tuple[Path, ...] = ()
    """Files of the date's published briefing that are no longer there (a run with nothing
    new writes none: ``--force`` rebuilds them)."""

    @property
    def markdown(self) -> Path | None:
        return dict(self.outputs).get("markdown")

    @property
    def pdf(self) -> Path | None:
        return dict(self.outputs).get("pdf")

    @property
    def html(self) -> Path | None:
        return dict(self.outputs).get("html")

    @property
    def had_failures(self) -> bool:
        """Some input could not be read (duplicates do not count)."""
        return any(s.kind == "unreadable" for s in self.skipped)

    def as_json(self) -> dict[str, Any]:
        outputs = {name: str(path) for name, path in self.outputs} or None
        return {
            "date": self.date.isoformat(),
            "articles_read": self.articles_read,
            "articles_new": self.articles_new,
            "articles_published": self.articles_published,
            "skipped": [{"source": s.source, "reason": s.reason, "kind": s.kind} for s in self.skipped],
            "sentences_selected": self.sentences_selected,
            "sentences_translated_by_model": self.sentences_translated_by_model,
            "sentences_from_memory": self.sentences_from_memory,
            "texts_translated_by_model": self.texts_translated_by_model,
            "texts_from_memory": self.texts_from_memory,
            "offline": self.offline,
            "outputs": outputs,
            "model": self.model,
            "flags": dict(self.flags),
            "stories": list(self.stories),
            "missing_files": [str(path) for path in self.missing_files],
        }


@dataclass(frozen=True, slots=True)
class ArticleChoice:
    """Which articles a run briefs: the new ones (default), all read, or those first seen since a day."""

    everything: bool = False
    since: dt.date | None = None
    force: bool = False
    """Rebuild a date that already has a briefing (its articles and any new ones)."""
    dry_run: bool = False
    """Read and report; write nothing (no files, no record, no model)."""

    @property
    def reads_all(self) -> bool:
        """Whether every article must be read, published ones included."""
        return self.everything or self.since is not None or self.force
