"""Articles from a folder: ``.txt`` files (one article each, the ``seeds/`` format),
``.html`` pages, ``.json``/``.jsonl`` records, and a ``metadata.toml`` naming each file's
outlet, URL and date. Each file is decoded (``decode``) and its text made an article by
``text.article_from_text``, a page's by ``html.article_from_html``, records by
``records.articles_from_json``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.config import toml_document
from briefing.errors import ConfigError, IngestError
from briefing.ingest.decode import charset_from_html, decode_bytes, decode_text
from briefing.ingest.html import article_from_html
from briefing.ingest.metadata import date_in_text, date_in_url, skip_kind
from briefing.ingest.records import JSON_SUFFIXES, articles_from_json
from briefing.ingest.text import MAX_ARTICLE_CHARS, article_from_text
from briefing.types import Article, FileSignature, KnownFile, SkippedItem, SourceRead

if TYPE_CHECKING:
    from briefing.config import Source
    from briefing.ingest.gathering import Gathering

__all__ = [
    "MAX_ARTICLE_CHARS",
    "MAX_FILE_BYTES",
    "METADATA_FILE",
    "FolderRead",
    "FolderSource",
    "article_from_text",
    "decode_article_bytes",
    "read_folder",
    "read_text_folder",
]

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
# Beside the articles, what the files do not say themselves: outlet, URL, date.
METADATA_FILE = "metadata.toml"
# Largest file read. A long news article is ~50 KB of UTF-8; 2 MB leaves room for
# feature pieces and transcripts while refusing dumps that are not one article.
MAX_FILE_BYTES = 2_000_000
# A JSON file holds many articles: a busy day of SaudiNewsNet is ~15 MB. 200 MB bounds
# memory (the file is parsed whole) while taking a month of a national press.
MAX_JSON_FILE_BYTES = 200_000_000
# A modification time this close to the reading is not trusted to tell a change (file
# systems keep times to 1 ns-2 s; 2 s covers FAT and SMB shares), and is not noted.
RECENT_WRITE_NS = 2_000_000_000
UNTRUSTED_MTIME = -1
# What read_folder gives (the name it had before every source gave one).
FolderRead = SourceRead


class FolderSource:
    """``[[sources]] folder = "..."``: the files of a folder (see ``read_folder``)."""

    def read(self, source: Source, gathering: Gathering) -> SourceRead:
        folder = Path(source.location)
        if not folder.is_dir():  # a configuration mistake (exit 3), not one source's failure
            raise ConfigError(f"input folder not found: {folder}")
        store = gathering.store
        # A file read before, unchanged since, whose articles are all published has nothing
        # new: it is passed over (not with --all, --since or --force, which want them all).
        known = store.known_files(folder) if store is not None and not gathering.everything else {}
        read = read_folder(folder, source.outlet, known=known, published=gathering.published() if known else set())
        if store is not None and gathering.keep and read.files is not None:
            store.note_files(folder, read.files, known=known)
        gathering.unread.update(read.unread)
        return read


def read_text_folder(folder: Path) -> tuple[list[Article], list[SkippedItem]]:
    """Every readable article in ``folder`` (sorted by name) and every file left out, with why."""
    read = read_folder(folder)
    return read.articles, read.skipped


def read_folder(
    folder: Path, outlet: str = "", *, known: dict[str, KnownFile] | None = None, published: set[str] | None = None
) -> SourceRead:
    """The articles of a folder: ``.txt`` (one article), ``.html``/``.htm`` (one page),
    ``.json``/``.jsonl`` (records); ``metadata.toml`` beside them may name each file's
    outlet, URL and date. ``outlet`` names the outlet of files that do not say.

    ``known`` files (as last read) that have not changed, with all their articles in
    ``published``, are passed over: their skips are given again, their articles counted
    in ``unread``. Every file's signature and articles come back in ``files``.
    """
    if not folder.is_dir():
        raise IngestError(f"input folder not found: {folder}")
    known = known or {}
    published = published or set()
    described: dict[str, dict[str, Any]] | None = None  # metadata.toml, parsed when a file is read
    metadata_path = str(folder / METADATA_FILE)
    files: dict[str, KnownFile] = {}
    if (folder / METADATA_FILE).is_file():
        try:
            metadata_signature: FileSignature | None = _signature(folder / METADATA_FILE, known.get(metadata_path))
        except OSError:
            metadata_signature = None  # reading it below says why, for the whole folder
        if metadata_signature is not None:
            files[metadata_path] = KnownFile(metadata_signature, (), ())
        if (
            metadata_signature is None
            or metadata_path not in known
            or not _unchanged(metadata_signature, known[metadata_path])
        ):
            known = {}  # outlets, URLs or dates may have changed: every file is read again
    elif metadata_path in known:
        known = {}  # it is gone: what it said no longer holds
    articles: list[Article] = []
    skipped: list[SkippedItem] = []
    copies: list[Article] = []
    seen: dict[str, str] = {}
    unread: dict[str, None] = {}
    for path in _candidate_files(folder):
        before = known.get(str(path))
        file_articles: list[tuple[str, str]] = []
        file_skipped: list[SkippedItem] = []
        try:
            signature = _signature(path, before)
            if before is not None and _unchanged(signature, before) and all(i in published for i, _ in before.articles):
                # Passed over: what reading it gave, as reading it now would give it.
                skipped.extend(item for item in before.skipped if item.kind != "duplicate")
                for article_id, source in before.articles:
                    if article_id in seen:
                        skipped.append(_copy_skip(source, seen[article_id]))
                    else:
                        seen[article_id] = source
                        unread[article_id] = None
                files[str(path)] = before if signature == before.signature else dataclasses.replace(before, signature=signature)
                continue
            items = list(_articles_of_file(path))
        except OSError as exc:  # gone since listed, or not ours to read: this file, not the folder
            reason = f"cannot read file: {exc.strerror or exc}"
            log.info("skipped %s: %s", path, reason)
            skipped.append(SkippedItem(source=str(path), reason=reason))
            continue  # not noted: the next run tries it again
        except IngestError as exc:
            log.info("skipped %s: %s", path, exc)
            file_skipped.append(SkippedItem(source=str(path), reason=str(exc), kind=skip_kind(exc)))
            items = []
        for item in items:
            if isinstance(item, SkippedItem):
                log.info("skipped %s: %s", item.source, item.reason)
                file_skipped.append(item)
                continue
            if described is None:
                described = _folder_metadata(folder)
            item = _with_metadata(item, described.get(path.name, {}), outlet)
            file_articles.append((item.id, item.source))
            if item.id in seen:
                file_skipped.append(_copy_skip(item.source, seen[item.id]))
                copies.append(item)
            else:
                seen[item.id] = item.source
                articles.append(item)
        skipped.extend(file_skipped)
        files[str(path)] = KnownFile(signature, tuple(file_articles), tuple(file_skipped))
    return SourceRead(articles, skipped, copies, files, tuple(unread))


def _copy_skip(source: str, original: str) -> SkippedItem:
    reason = f"same text as {original}"
    log.info("skipped %s: %s", source, reason)
    return SkippedItem(source=source, reason=reason, kind="duplicate")


def _signature(path: Path, before: KnownFile | None) -> FileSignature:
    """The file's size, times, inode and content hash. The hash is taken again only when
    any of the others moved (a file touched but not changed keeps its hash, so it is still
    known; one replaced by a copy that kept its size and modification time has another
    inode and change time), or when the times were too recent to trust when noted."""
    status = path.stat()
    stat_key = (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
    if before is not None and before.signature.mtime_ns != UNTRUSTED_MTIME and stat_key == before.signature.stat_key:
        return before.signature
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    # A file written within the clock's granularity of this reading could change again
    # with the same size and times (git's "racy clean" case): its times are not kept, so
    # the next run hashes it once more.
    recent = max(status.st_mtime_ns, status.st_ctime_ns) >= time.time_ns() - RECENT_WRITE_NS
    mtime = UNTRUSTED_MTIME if recent else status.st_mtime_ns
    return FileSignature(status.st_size, mtime, digest.hexdigest(), status.st_ctime_ns, status.st_ino)


def _unchanged(signature: FileSignature, before: KnownFile) -> bool:
    return (signature.size, signature.sha256) == (before.signature.size, before.signature.sha256)


def _articles_of_file(path: Path) -> Iterator[Article | SkippedItem]:
    """The file's articles, and what was left out or repaired in it."""
    data = _read_bounded(path)
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        decoded = decode_text(data, charset_from_html(data))
        yield from _repair_note(str(path), decoded.repair)
        yield article_from_html(str(path), decoded.text)
        return
    decoded = decode_text(data)
    yield from _repair_note(str(path), decoded.repair)
    if suffix in JSON_SUFFIXES:
        yield from articles_from_json(path, decoded.text)
        return
    article = article_from_text(str(path), decoded.text)
    yield dataclasses.replace(article, published=date_in_text(article.body))


def _repair_note(source: str, repair: str | None) -> list[SkippedItem]:
    """A ``repaired`` entry: the item is used, but the reader should know its text was mended."""
    if repair is None:
        return []
    log.info("%s: %s", source, repair)
    return [SkippedItem(source=source, reason=repair, kind="repaired")]


def _folder_metadata(folder: Path) -> dict[str, dict[str, Any]]:
    """``metadata.toml``: a table per file name with ``outlet``, ``url``, ``published``."""
    path = folder / METADATA_FILE
    if not path.is_file():
        return {}
    try:
        document = toml_document(_read_bounded(path).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise IngestError(f"{path}: cannot read it: {exc}") from exc
    tables: dict[str, dict[str, Any]] = {}
    for name, table in document.items():
        where = f'{path}: ["{name}"]'
        if not isinstance(table, dict) or set(table) - {"outlet", "url", "published"}:
            raise IngestError(f"{where}: give a table with outlet, url and published only")
        for key in ("outlet", "url"):
            if key in table and not isinstance(table[key], str):
                raise IngestError(f"{where}.{key}: a string, not {table[key]!r}")
        published = table.get("published")
        if isinstance(published, dt.datetime):
            table = {**table, "published": published.date()}  # a date and time: its day
        elif published is not None and not isinstance(published, dt.date):
            raise IngestError(f"{where}.published: a date like 2020-12-22")
        tables[name] = table
    return tables


def _with_metadata(article: Article, described: dict[str, Any], outlet: str) -> Article:
    return dataclasses.replace(
        article,
        outlet=described.get("outlet") or article.outlet or outlet,
        url=described.get("url") or article.url,
        published=described.get("published") or date_in_url(described.get("url") or "") or article.published,
    )


def _candidate_files(folder: Path) -> Iterator[Path]:
    suffixes = (*TEXT_SUFFIXES, *HTML_SUFFIXES, *JSON_SUFFIXES)
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file() or path.name == METADATA_FILE:
            continue  # .DS_Store, editor swap files, sub-folders: not articles
        if path.suffix.lower() not in suffixes:
            # A README or a picture beside the articles is not a failure to report every day.
            log.info("ignored %s: not a %s file", path, "/".join(suffixes))
            continue
        yield path


def _read_bounded(path: Path) -> bytes:
    limit = MAX_JSON_FILE_BYTES if path.suffix.lower() in JSON_SUFFIXES else MAX_FILE_BYTES
    try:
        with path.open("rb") as handle:
            # Read what the file holds (one byte more tells a file that grew past the cap):
            # read(limit + 1) would set aside the whole 200 MB for a 3 KB file.
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(min(size, limit) + 1)
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror or exc}") from exc
    if len(data) > limit:
        what = "a collection of articles" if limit == MAX_JSON_FILE_BYTES else "one article"
        raise IngestError(f"file larger than {limit // 1_000_000} MB; too big for {what}")
    return data


def decode_article_bytes(data: bytes) -> str:
    """UTF-8 (a BOM is allowed), Windows-1256 or ISO-8859-6 text; anything else is refused with the reason."""
    return decode_bytes(data)
