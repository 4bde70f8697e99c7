"""``briefing schedule``: the daily job, in-process, with APScheduler 3.11.

A cron trigger from the config (``schedule.time``, ``schedule.days``, the time zone of
``output.timezone``) with ``coalesce=True``, ``max_instances=1`` and a misfire grace
period (``schedule.misfire_grace``; APScheduler's default of one second silently skips a
run that starts late). A run missed while the machine was off is caught up once at
start-up when the missed time is still within the grace period and the record shows no
run since it. SIGTERM and SIGINT stop the scheduler after the run in progress, if any,
has finished (the run lock and the record keep an interrupted run harmless anyway).
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from briefing.config import Config, plain_days_of_week

__all__ = ["build_scheduler", "cron_trigger", "missed_run_time", "next_run_time", "scheduled_job", "serve", "start_line"]

log = logging.getLogger(__name__)

JOB_ID = "daily-briefing"


def cron_trigger(config: Config) -> Any:
    from apscheduler.triggers.cron import CronTrigger

    hour, minute = config.schedule_time.split(":")
    zone = ZoneInfo(config.timezone) if config.timezone else None
    return CronTrigger(hour=int(hour), minute=int(minute), day_of_week=config.schedule_days, timezone=zone)


def next_run_time(config: Config, now: dt.datetime) -> dt.datetime | None:
    """When the job runs next after ``now``, as APScheduler's cron trigger has it."""
    quick = _plain_next_run(config, now)
    if quick is not None:
        return quick
    fire: dt.datetime | None = cron_trigger(config).get_next_fire_time(None, now)
    return fire


def _plain_next_run(config: Config, now: dt.datetime) -> dt.datetime | None:
    """The next run worked out without APScheduler (``briefing status`` shows it, and
    APScheduler costs 50 ms to import), for plain weekdays in a named zone with no
    clock change ahead this week; None otherwise (APScheduler decides)."""
    days = plain_days_of_week(config.schedule_days)
    zone = ZoneInfo(config.timezone) if config.timezone else _machine_zone()
    if days is None or not days or zone is None:
        return None
    hour, minute = (int(part) for part in config.schedule_time.split(":"))
    start = now + dt.timedelta(microseconds=(1_000_000 - now.microsecond) % 1_000_000)  # as APScheduler: whole seconds
    local_now = start.astimezone(zone)
    offsets = {(local_now + dt.timedelta(days=n)).utcoffset() for n in range(9)}
    if len(offsets) != 1:
        return None  # a clock change on the way: APScheduler's rules for skipped and repeated hours
    for ahead in range(8):
        day = local_now.date() + dt.timedelta(days=ahead)
        if day.weekday() not in days:
            continue
        fire = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)
        if fire >= start:
            return fire
    return None


def _machine_zone() -> ZoneInfo | None:
    """This machine's zone by name, found as tzlocal finds it on Linux (``TZ``, then the
    ``/etc/localtime`` link); None when it has no name here (APScheduler decides)."""
    import os
    from pathlib import Path

    try:
        named = os.environ.get("TZ", "").lstrip(":")
        if named:
            return ZoneInfo(named)
        target = str(Path("/etc/localtime").resolve())
        _, found, key = target.partition("/zoneinfo/")
        return ZoneInfo(key) if found and key else None
    except (OSError, ValueError, KeyError):
        return None


def missed_run_time(config: Config, now: dt.datetime, last_run_started: dt.datetime | None) -> dt.datetime | None:
    """The scheduled time a run was missed at, if it is within the grace period and nobody ran since."""
    trigger = cron_trigger(config)
    earliest = now - dt.timedelta(seconds=config.misfire_grace)
    missed: dt.datetime | None = None
    fire: dt.datetime | None = trigger.get_next_fire_time(None, earliest)
    while fire is not None and fire <= now:
        missed = fire
        fire = trigger.get_next_fire_time(fire, fire + dt.timedelta(seconds=1))
    if missed is None:
        return None
    if last_run_started is not None and last_run_started >= missed:
        return None
    return missed


def build_scheduler(config: Config, job: Callable[[], None], *, background: bool = False, trigger: Any = None) -> Any:
    """A scheduler with the daily job; ``trigger`` replaces the cron trigger (tests use a date trigger)."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler_class = BackgroundScheduler if background else BlockingScheduler
    scheduler = scheduler_class(timezone=ZoneInfo(config.timezone) if config.timezone else None)
    scheduler.add_job(
        job,
        trigger or cron_trigger(config),
        id=JOB_ID,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=config.misfire_grace,
        replace_existing=True,
    )
    return scheduler


def scheduled_job(config: Config, *, decoder: Any = None, clock: Callable[[], dt.datetime] | None = None) -> Callable[[], None]:
    """The daily job for the scheduler: one run, one log line (and one per kind of skip: a
    feed down for weeks must show in the log); a failure is logged, never raised."""
    from briefing.assemble import utc_now
    from briefing.errors import BriefingError
    from briefing.pipeline import run_briefing
    from briefing.report import skip_summary

    def job() -> None:
        try:
            # No report is printed: the framing of stories the pages do not show is left out.
            report = run_briefing(config, decoder=decoder, clock=clock or utc_now, frame_every_story=False)
        except BriefingError as error:
            log.error("scheduled run failed: %s", error)
            return
        except Exception as error:  # a bug must not stop tomorrow's run: one line, the traceback at -v
            log.error("scheduled run failed: internal error: %s: %s", type(error).__name__, error)
            log.info("the internal error's traceback", exc_info=True)
            return
        log.warning(
            "scheduled run %s: read %d, new %d, published %d%s",
            report.date, report.articles_read, report.articles_new, report.articles_published,
            f" -> {report.markdown or report.html or report.pdf}" if report.outputs else " (nothing written)",
        )
        for line in skip_summary(report.skipped):
            log.warning("scheduled run %s: %s", report.date, line)

    return job


def start_line(config: Config, model: str, next_run: dt.datetime | None) -> str:
    """What the scheduler will do, in one line: when, from what, with which model."""
    if config.sources:
        kinds = Counter(source.kind for source in config.sources)
        sources = ", ".join(f"{n} {kind}{'s' if n > 1 else ''}" for kind, n in kinds.items())
    else:
        sources = f"folder {config.input_dir}"
    when = next_run.isoformat(timespec="minutes") if next_run is not None else "none"
    zone = config.timezone or "this machine's time zone"
    return (
        f"briefing schedule: next run {when} (at {config.schedule_time}, days {config.schedule_days}, {zone}); "
        f"sources: {sources}; model: {model}{f' on {config.cluster}' if config.cluster else ''}; "
        f"briefings into {config.out_dir}"
    )


def serve(
    config: Config,
    job: Callable[[], None],
    last_run_started: Callable[[], dt.datetime | None],
    announce: Callable[[dt.datetime | None], None] = lambda next_run: None,
) -> None:
    """Run the schedule until SIGTERM or SIGINT; catch up a missed run first (once).
    ``announce`` is told the next run's time once the scheduler has started."""
    stopping = threading.Event()

    def stop(signum: int, _frame: object) -> None:
        log.info("received %s; stopping after the run in progress", signal.Signals(signum).name)
        stopping.set()

    # Handlers first: a signal that arrives while the scheduler starts still stops it.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    now = dt.datetime.now(dt.UTC)
    missed = missed_run_time(config, now, last_run_started())
    scheduler = build_scheduler(config, job, background=True)
    if missed is not None:
        log.info("catching up the run missed at %s", missed.isoformat())
        scheduler.add_job(job, "date", run_date=now, id=f"{JOB_ID}-catch-up", max_instances=1)
    scheduler.start()
    upcoming = next_run_time(config, now)
    log.info("scheduled daily at %s (%s); next run %s", config.schedule_time, config.schedule_days, upcoming)
    announce(upcoming)
    while not stopping.wait(timeout=1.0):
        pass
    scheduler.shutdown(wait=True)  # lets a run in progress finish
    log.info("stopped")
