"""An old record, upgraded: a real database file made by the previous release (schema 5,
before ``briefing_files``), opened by this one.

``tests/data/record-schema5.sqlite3`` was made by briefing at commit b5bd2d8 with the test
model: ``generate`` on the seeds for 2026-11-22, then on the seeds and ``ARMY`` for
2026-11-23, then once more for 2026-11-24 (nothing new). Its files lived in
``/tmp/v5gen/out``; only the record is kept here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import sqlite3
from pathlib import Path

from briefing.config import Config
from briefing.pipeline import ArticleChoice, run_briefing
from briefing.store import Record, open_database
from briefing.store.db import SCHEMA_VERSION
from tests.conftest import REPO

OLD_RECORD = REPO / "tests" / "data" / "record-schema5.sqlite3"
OLD_OUT = Path("/tmp/v5gen/out")
ARMY = (
    "أعلن الجيش بدء عملية عسكرية\n\n"
    "أعلن الجيش بدء عملية عسكرية. انسحبت القوات من المدينة. رفع العلم السوري فوق المؤسسات الحكومية. "
    "طالب الجانب التركي بانسحاب كامل. لم يصدر أي تعليق رسمي حتى الآن.\n"
)
DAY1, DAY2 = dt.date(2026, 11, 22), dt.date(2026, 11, 23)


def old_rows(database: Path) -> dict[str, list[tuple[object, ...]]]:
    queries = {
        "briefings": "SELECT date, markdown, pdf FROM briefings ORDER BY date",
        "briefing_articles": "SELECT date, article_id FROM briefing_articles ORDER BY date, article_id",
        "articles": "SELECT id, source, title FROM articles ORDER BY id",
        "translation_memory": "SELECT model, source, output FROM translation_memory ORDER BY source",
        "runs": "SELECT date, outcome, articles_read, articles_new, articles_published FROM runs ORDER BY id",
    }
    with contextlib.closing(sqlite3.connect(database)) as db:
        return {table: db.execute(query).fetchall() for table, query in queries.items()}


def test_a_schema_5_record_upgrades_with_its_briefings_intact(tmp_path: Path, seeds_dir: Path, model: object) -> None:
    database = tmp_path / "record.sqlite3"
    shutil.copyfile(OLD_RECORD, database)
    before = old_rows(database)
    assert [row[0] for row in before["briefings"]] == ["2026-11-22", "2026-11-23"]
    assert len(before["briefing_articles"]) == 3 and len(before["translation_memory"]) == 10

    with contextlib.closing(open_database(database)) as connection:
        assert connection.execute("SELECT max(version) FROM schema_version").fetchone() == (SCHEMA_VERSION,)
        record = Record(connection)
        # Each briefing's two files, now in briefing_files; its articles, still published.
        assert [(b.date, b.files) for b in record.briefings()] == [
            (day, {"markdown": OLD_OUT / day.isoformat() / f"briefing-{day}.md",
                   "pdf": OLD_OUT / day.isoformat() / f"briefing-{day}.pdf"})
            for day in (DAY2, DAY1)
        ]
        first = record.briefing(DAY1)
        assert first is not None and len(first.article_ids) == 2
        assert record.published_ids() == {article for _, article in before["briefing_articles"]}
    # Nothing the old release wrote is lost or changed.
    assert old_rows(database) == before

    # The upgraded record goes on: the same inbox has nothing new...
    inbox = seeds_dir  # a copy of the seeds
    (inbox / "army.txt").write_text(ARMY, encoding="utf-8")
    config = Config(input_dir=inbox, out_dir=tmp_path / "out", argos_packages_dir=tmp_path / "unused", database=database)
    report = run_briefing(config, date=DAY2 + dt.timedelta(days=2), decoder=model)  # type: ignore[arg-type]
    assert (report.articles_read, report.articles_new, report.articles_published, report.outputs) == (3, 0, 0, ())
    # ...and a rebuild of 2026-11-23 republishes its one article in all three formats, every
    # text from the old record's translation memory.
    report = run_briefing(config, date=DAY2, decoder=model, choice=ArticleChoice(force=True))  # type: ignore[arg-type]
    assert report.articles_published == 1
    assert (report.texts_translated_by_model, report.texts_from_memory) == (0, 4)
    with contextlib.closing(open_database(database)) as connection:
        rebuilt = Record(connection).briefing(DAY2)
    assert rebuilt is not None and set(rebuilt.files) == {"markdown", "pdf", "html"}
    assert all(path.parent == tmp_path / "out" / DAY2.isoformat() and path.is_file() for path in rebuilt.files.values())
    assert old_rows(database)["briefing_articles"] == before["briefing_articles"]
