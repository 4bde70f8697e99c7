"""The schedule, with the real APScheduler: triggers, catch-up of a missed run, a job that fires."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from briefing.config import Config, load_config
from briefing.errors import ConfigError
from briefing.schedule import build_scheduler, missed_run_time, next_run_time, start_line

UTC = dt.UTC


def test_next_run_is_the_configured_time_in_the_configured_zone() -> None:
    config = Config(timezone="Asia/Riyadh", schedule_time="07:00")
    now = dt.datetime(2026, 11, 22, 5, 0, tzinfo=UTC)  # 08:00 in Riyadh: today's run is past
    upcoming = next_run_time(config, now)
    assert upcoming is not None
    assert upcoming.astimezone(UTC) == dt.datetime(2026, 11, 23, 4, 0, tzinfo=UTC)


def test_weekdays_only() -> None:
    config = Config(timezone="UTC", schedule_time="07:00", schedule_days="mon-fri")
    saturday = dt.datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    upcoming = next_run_time(config, saturday)
    assert upcoming is not None
    assert (upcoming.strftime("%A %H:%M"), upcoming.date()) == ("Monday 07:00", dt.date(2026, 11, 23))


def test_the_next_run_worked_out_without_apscheduler_is_always_apschedulers() -> None:
    """`briefing status` works the next run out itself for plain weekdays (APScheduler
    costs 50 ms to import): over a year of instants, zones with and without clock
    changes (a half-hour one too), times at and around midnight and in the hours a
    clock change skips, it gives exactly what APScheduler's trigger gives."""
    from briefing.schedule import _plain_next_run, cron_trigger

    quick = 0
    instants = [dt.datetime(2026, 1, 1, tzinfo=UTC) + dt.timedelta(hours=37 * n, minutes=13 * n) for n in range(240)]
    instants += [dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC), dt.datetime(2026, 11, 23, 4, 0, tzinfo=UTC),
                 dt.datetime(2026, 11, 23, 4, 0, 0, 1, tzinfo=UTC), dt.datetime(2026, 11, 23, 3, 59, 59, 999_999, tzinfo=UTC)]
    for zone in ("Asia/Riyadh", "Europe/London", "America/New_York", "Australia/Lord_Howe", "UTC", "Asia/Kolkata", ""):
        for at in ("07:00", "00:00", "23:59", "02:30"):
            for days in ("*", "mon-fri", "sun,wed", "sat", "4-6"):
                config = Config(timezone=zone, schedule_time=at, schedule_days=days)
                trigger = cron_trigger(config)
                for now in instants:
                    expected = trigger.get_next_fire_time(None, now)
                    got = next_run_time(config, now)
                    quick += _plain_next_run(config, now) is not None
                    assert got == expected and got is not None and got.isoformat() == expected.isoformat(), (zone, at, days, now)
    assert quick > 30_000  # the quick way answers nearly always (not in a week with a clock change)


@pytest.mark.parametrize(
    ("now", "last_run", "expected"),
    [
        # Machine off at 07:00, on at 07:40: within the hour's grace, nobody ran -> catch up 07:00.
        (dt.datetime(2026, 11, 22, 7, 40, tzinfo=UTC), dt.datetime(2026, 11, 21, 7, 0, 5, tzinfo=UTC), "07:00"),
        # Already caught up (a run started after 07:00): never twice.
        (dt.datetime(2026, 11, 22, 7, 40, tzinfo=UTC), dt.datetime(2026, 11, 22, 7, 35, tzinfo=UTC), None),
        # On at 09:30: past the grace period -> wait for tomorrow.
        (dt.datetime(2026, 11, 22, 9, 30, tzinfo=UTC), None, None),
    ],
)
def test_a_missed_run_is_caught_up_once_within_the_grace_period(
    now: dt.datetime, last_run: dt.datetime | None, expected: str | None
) -> None:
    config = Config(timezone="UTC", schedule_time="07:00", misfire_grace=3600)
    missed = missed_run_time(config, now, last_run)
    assert (missed.strftime("%H:%M") if missed else None) == expected


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"schedule_time": "7am"}, "schedule.time: '7am' is not a time like 07:00"),
        ({"schedule_days": "moon"}, "schedule.days: 'moon' is not a cron day_of_week"),
        ({"misfire_grace": 0}, "schedule.misfire_grace"),
    ],
)
def test_wrong_schedule_values_name_their_key(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        Config().replace(**changes)


def test_the_scheduled_job_fires_makes_a_briefing_and_logs_its_outcome(
    config: Config, model: object, caplog: pytest.LogCaptureFixture
) -> None:
    from apscheduler.triggers.date import DateTrigger

    from briefing.schedule import scheduled_job

    when = dt.datetime.now(UTC) + dt.timedelta(seconds=1.5)
    fixed_day = lambda: dt.datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    scheduler = build_scheduler(
        config, scheduled_job(config, decoder=model, clock=fixed_day), background=True,  # type: ignore[arg-type]
        trigger=DateTrigger(run_date=when),
    )
    caplog.set_level("WARNING", logger="briefing")
    scheduler.start()
    try:
        job = scheduler.get_job("daily-briefing")
        assert job.coalesce is True and job.max_instances == 1 and job.misfire_grace_time == 3600
        pdf = Path(config.out_dir) / "2026-11-22" / "briefing-2026-11-22.pdf"
        deadline = time.monotonic() + 60
        while not pdf.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert pdf.exists(), "the scheduled job did not produce a briefing"
        assert dt.datetime.now(UTC) >= when
    finally:
        scheduler.shutdown(wait=True)
    outcome = [r.getMessage() for r in caplog.records if r.getMessage().startswith("scheduled run ")]
    markdown = Path(config.out_dir) / "2026-11-22" / "briefing-2026-11-22.md"
    assert outcome == [f"scheduled run 2026-11-22: read 2, new 2, published 2 -> {markdown}"]


def test_schedule_command_says_what_it_will_do_and_stops_cleanly_on_sigterm(tmp_path: Path, packages_dir: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    (tmp_path / "briefing.toml").write_text(
        f'[translate]\npackages_dir = "{packages_dir}"\n[store]\npath = "{tmp_path / "b.sqlite3"}"\n'
        '[schedule]\ntime = "03:00"\n[output]\ntimezone = "UTC"\n',
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "briefing", "schedule"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=os.environ.copy(),
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # without -v: the one line at start
        tomorrow_or_today = dt.datetime.now(UTC) + dt.timedelta(hours=24)
        next_run = next_run_time(load_config(tmp_path / "briefing.toml"), dt.datetime.now(UTC))
        assert next_run is not None and next_run <= tomorrow_or_today
        assert line.rstrip("\n") == (
            f"briefing schedule: next run {next_run.isoformat(timespec='minutes')} (at 03:00, days *, UTC); "
            "sources: folder seeds; model: translate-ar_en-test 1.0; briefings into out"
        )
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            assert stream is not None
            stream.close()


def test_schedule_refuses_to_start_without_a_model_as_generate_does(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    (tmp_path / "briefing.toml").write_text(
        f'[translate]\npackages_dir = "{tmp_path / "no-packages"}"\n[store]\npath = "{tmp_path / "b.sqlite3"}"\n',
        encoding="utf-8",
    )
    runs = [
        subprocess.run([sys.executable, "-m", "briefing", command], cwd=tmp_path, capture_output=True, text=True,
                       env=os.environ.copy(), timeout=60, check=False)
        for command in ("schedule", "generate")
    ]
    assert [r.returncode for r in runs] == [4, 4]
    assert runs[0].stderr == runs[1].stderr and runs[0].stderr.startswith("briefing: error: no Argos translation package for ar->en")
    assert runs[0].stdout == "" and not (tmp_path / "out").exists()


def test_a_scheduled_run_that_hits_an_internal_error_logs_one_line_and_the_schedule_goes_on(
    config: Config, caplog: pytest.LogCaptureFixture
) -> None:
    """A decoder that raises an error nobody foresaw, handed in at the engine's seam."""
    from briefing.schedule import scheduled_job

    class Broken:
        name = fingerprint = "broken 1.0"

        def decode(self, sentences: list[str], *, repetition_penalty: float = 1.0) -> list[object]:
            raise ZeroDivisionError("division by zero")

    job = scheduled_job(config, decoder=Broken())  # type: ignore[arg-type]
    with caplog.at_level("ERROR", logger="briefing"):
        job()  # does not raise: the scheduler must live to run tomorrow
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == [
        "scheduled run failed: internal error: ZeroDivisionError: division by zero"
    ]


def test_the_start_line_names_the_translation_cluster() -> None:
    line = start_line(Config(cluster="tcp://10.0.0.5:8786", timezone="UTC"), "translate-ar_en 1.9", None)
    assert line == (
        "briefing schedule: next run none (at 07:00, days *, UTC); sources: folder seeds; "
        "model: translate-ar_en 1.9 on tcp://10.0.0.5:8786; briefings into out"
    )
