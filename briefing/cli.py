"""Command line: parse, call one library function, print. Nothing else lives here.

Exit codes (scripts rely on them):

    0  done; every source was read (items left out for what they are, not for a
       failure: duplicates, empty records, other languages, refused links, do not count)
    1  done, but some inputs could not be read (listed in the report and the log)
    2  usage error (unknown command or flag, bad value)
    3  configuration error (bad config file or value, missing input folder)
    4  no translation model installed (nothing was written)
    5  the run failed: translation (a translation cluster that cannot be reached, has no
       worker, or a worker without the run's model included), rendering, the record (a
       full disk), or an internal error; nothing was written
    6  a model package could not be installed
    7  another run is in progress (waited store.lock_wait seconds)
    8  the date already has a briefing and new articles wait (use --force to rebuild it)
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from briefing.errors import (
    AlreadyPublishedError,
    BriefingError,
    ConfigError,
    IngestError,
    LockedError,
    ModelNotInstalledError,
    PackageInstallError,
)

EXIT_OK = 0
EXIT_SKIPPED_INPUTS = 1
EXIT_USAGE = 2
EXIT_CONFIG = 3
EXIT_NO_MODEL = 4
EXIT_FAILED = 5
EXIT_INSTALL_FAILED = 6
EXIT_LOCKED = 7
EXIT_ALREADY_PUBLISHED = 8

log = logging.getLogger("briefing")


def _exit_code_for(error: BriefingError) -> int:
    if isinstance(error, ModelNotInstalledError):
        return EXIT_NO_MODEL
    if isinstance(error, (ConfigError, IngestError)):
        return EXIT_CONFIG
    if isinstance(error, PackageInstallError):
        return EXIT_INSTALL_FAILED
    if isinstance(error, LockedError):
        return EXIT_LOCKED
    if isinstance(error, AlreadyPublishedError):
        return EXIT_ALREADY_PUBLISHED
    return EXIT_FAILED


def _fail(error: BriefingError, *, as_json: bool = False, date: str | None = None) -> NoReturn:
    """One line on stderr and the documented exit code; with --json, an error report on stdout too."""
    _report_failure(str(error), _exit_code_for(error), as_json=as_json, date=date)


def _report_failure(message: str, code: int, *, as_json: bool, date: str | None, prefix: str = "error") -> NoReturn:
    click.echo(f"briefing: {prefix}: {message}", err=True)
    if as_json:
        click.echo(json.dumps({"date": date, "error": message, "exit_code": code, "outputs": None}, ensure_ascii=False))
    sys.exit(code)


def _setup_logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity == 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    handler: logging.Handler
    if sys.stderr.isatty():
        from rich.logging import RichHandler

        handler = RichHandler(console=_terminal(), show_path=False, show_time=False)
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("briefing")
    root.handlers[:] = [handler]
    root.setLevel(level)


@functools.cache
def _terminal() -> Any:
    """The one ``rich`` console on stderr: log lines print above the progress display."""
    from rich.console import Console

    return Console(stderr=True)


def _progress(as_json: bool) -> Any:
    """A ``rich`` display on a terminal; log lines (INFO, shown with -v) otherwise and with --json."""
    from briefing.progress import LogProgress, RichProgress

    return RichProgress(_terminal()) if sys.stderr.isatty() and not as_json else LogProgress()


def _load(ctx: click.Context, **overrides: Any) -> Any:
    from platformdirs import user_config_path

    from briefing.config import find_config_file, load_config

    explicit = ctx.obj.get("config_path")
    path = find_config_file(explicit, Path.cwd(), user_config_path("briefing"))
    return load_config(path, **overrides)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), help="TOML config file.")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-v info, -vv debug).")
@click.version_option(package_name="briefing")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, verbose: int) -> None:
    """Offline Arabic-to-English news briefings.

    Example: briefing generate --input seeds --date 2026-11-22
    """
    _setup_logging(verbose)
    ctx.ensure_object(dict)
    ctx.obj["config_path"] = config_path
    ctx.obj["verbosity"] = verbose


@cli.command()
@click.option("--input", "input_dir", type=click.Path(path_type=Path, file_okay=False), help="Folder of articles.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), help="Output folder.")
@click.option(
    "--date",
    "date_text",
    metavar="YYYY-MM-DD",
    help="Date of the briefing (default: today in the configured time zone).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON run report on stdout.")
@click.option("--since", "since_text", metavar="YYYY-MM-DD", help="Brief the articles first seen on or after this day.")
@click.option("--all", "everything", is_flag=True, help="Brief every article in the input, published or not.")
@click.option("--force", is_flag=True, help="Rebuild a date that already has a briefing, replacing it.")
@click.option("--dry-run", is_flag=True, help="Read and report what would be briefed; write nothing.")
@click.option("--offline", is_flag=True, help="Poll no feed or page (articles kept from them earlier still join).")
@click.pass_context
def generate(
    ctx: click.Context,
    input_dir: Path | None,
    out_dir: Path | None,
    date_text: str | None,
    as_json: bool,
    since_text: str | None,
    everything: bool,
    force: bool,
    dry_run: bool,
    offline: bool,
) -> None:
    """Make the dated bilingual briefing (Markdown, PDF and HTML: output.formats) from the sources.

    Example: briefing generate --input seeds --out out --date 2026-11-22 --json
    """
    date = _parse_date(date_text, "--date")
    since = _parse_date(since_text, "--since")
    if everything and since is not None:
        raise click.UsageError("--all and --since cannot be used together")
    from briefing.pipeline import ArticleChoice, run_briefing

    choice = ArticleChoice(everything=everything, since=since, force=force, dry_run=dry_run)
    try:
        config = _load(ctx, input_dir=input_dir, out_dir=out_dir, offline=offline or None)
        if input_dir is not None:
            config = config.replace(sources=())  # --input: that folder alone, not the configured sources
        from briefing.progress import reporting

        with reporting(_progress(as_json)):
            # Framing that only the --json report shows is not computed without it.
            report = run_briefing(config, date=date, choice=choice, frame_every_story=as_json)
    except BriefingError as error:
        _fail(error, as_json=as_json, date=date_text)
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        if report.outputs:
            click.echo("\n".join(str(path) for _, path in report.outputs))
        elif dry_run:
            click.echo(
                f"dry run: {report.articles_new} new of {report.articles_read} read; "
                f"{report.sentences_selected} key sentences would be translated",
                err=True,
            )
        elif report.missing_files:
            gone = ", ".join(str(path) for path in report.missing_files)
            click.echo(
                f"no new articles; nothing written. The briefing for {report.date} is in the record, but "
                f"{len(report.missing_files)} of its files are missing ({gone}): "
                f"`briefing generate --date {report.date} --force` rebuilds it.",
                err=True,
            )
        else:
            click.echo("no new articles; nothing written", err=True)
        from briefing.report import skip_summary

        for line in skip_summary(report.skipped, every_item=ctx.obj["verbosity"] > 0):
            click.echo(line, err=True)
    sys.exit(EXIT_SKIPPED_INPUTS if report.had_failures else EXIT_OK)


def _next_run_iso(config: Any) -> str | None:
    from briefing.schedule import next_run_time

    upcoming = next_run_time(config, dt.datetime.now(dt.UTC))
    return upcoming.isoformat() if upcoming else None


def _parse_date(text: str | None, flag: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date like 2026-11-22", param_hint=flag) from None


@cli.command()
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object per sentence.")
@click.pass_context
def translate(ctx: click.Context, text: str, as_json: bool) -> None:
    """Translate TEXT (Arabic) and show each sentence's confidence and flags: a quick check.

    Example: briefing translate "انسحبت قسد من المدينة."
    """
    from briefing.assemble import translate_text

    try:
        config = _load(ctx)
        translations = translate_text(config, text)
    except BriefingError as error:
        _fail(error, as_json=as_json)
    if not translations:
        raise click.BadParameter("no sentence to translate", param_hint="TEXT")
    if as_json:
        rows = [
            {"source": t.source, "english": t.text, "confidence": round(t.confidence, 4), "flags": list(t.flags),
             "origin": t.origin}
            for t in translations
        ]
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for t in translations:
        flags = f"  [{', '.join(t.flags)}]" if t.flags else ""
        click.echo(f"{t.text}\t(confidence {t.confidence:.2f}){flags}")


@cli.command()
@click.pass_context
def schedule(ctx: click.Context) -> None:
    """Run the daily job at schedule.time until stopped (SIGTERM or Ctrl-C); catch up a missed run.

    Says at start when it runs next, from which sources, with which model; refuses to start
    without a usable model (exit 4, as generate). Each run logs one line with its outcome.

    Example: briefing schedule
    """
    from briefing.assemble import open_decoder
    from briefing.schedule import scheduled_job, serve, start_line
    from briefing.status import last_run_started

    try:
        config = _load(ctx)
        # The model is found now (not loaded: that waits for the first run), so that a missing
        # one stops the scheduler here rather than failing at the first run, hours later.
        model = open_decoder(config).name
        serve(
            config, scheduled_job(config), lambda: last_run_started(config),
            lambda next_run: click.echo(start_line(config, model, next_run)),
        )
    except BriefingError as error:
        _fail(error)


@cli.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def status_command(ctx: click.Context, as_json: bool) -> None:
    """Show the last runs and their outcome, and how many articles wait for a briefing.

    Example: briefing status
    """
    from briefing.status import status

    try:
        config = _load(ctx)
        current = status(config)
    except BriefingError as error:
        _fail(error, as_json=as_json)
    runs = [
        {"date": r.date, "started": r.started, "finished": r.finished, "outcome": r.outcome,
         "articles_read": r.articles_read, "articles_new": r.articles_new, "articles_published": r.articles_published}
        for r in current.last_runs
    ]
    if as_json:
        click.echo(json.dumps({
            "articles_waiting": current.articles_waiting, "briefings_published": current.briefings_published,
            "last_runs": runs, "database": str(current.database),
            "next_run": _next_run_iso(config),
        }, ensure_ascii=False))
        return
    click.echo(f"record: {current.database}")
    click.echo(f"briefings published: {current.briefings_published}")
    where = config.input_dir if not config.sources else f"{len(config.sources)} configured source(s)"
    click.echo(f"articles waiting in {where}: {current.articles_waiting}")
    from briefing.schedule import next_run_time

    upcoming = next_run_time(config, dt.datetime.now(dt.UTC))
    click.echo(f"next scheduled run (while `briefing schedule` is running): {upcoming.isoformat() if upcoming else 'none'}")
    if not runs:
        click.echo("no runs yet")
    for r in runs:
        click.echo(
            f"{r['started']}  {r['date']}  {r['outcome'] or 'running or killed'}  "
            f"read {r['articles_read']}, new {r['articles_new']}, published {r['articles_published']}"
        )


@cli.group()
def models() -> None:
    """Argos translation packages: list the installed ones, install one."""


@models.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list on stdout.")
@click.pass_context
def models_list(ctx: click.Context, as_json: bool) -> None:
    """List installed translation models: Argos packages and folder models, with kind, size, licence.

    Example: briefing models list
    """
    from briefing.config import models_path
    from briefing.translate import installed_models

    try:
        config = _load(ctx)
        models = installed_models(config.argos_packages_dir, models_path(config))
    except BriefingError as error:
        _fail(error, as_json=as_json)
    if as_json:
        rows = [
            {"name": m.name, "version": m.version, "from": m.from_code, "to": m.to_code, "path": str(m.path),
             "kind": m.kind, "size_mb": round(m.size_bytes / 1e6, 1), "licence": m.licence}
            for m in models
        ]
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    if not models:
        click.echo("no translation models installed; see `briefing models install --help`", err=True)
    for m in models:
        chosen = " (translate.model)" if config.model == m.name else ""
        click.echo(
            f"{m.from_code}->{m.to_code}\t{m.label}\t{m.kind}\t{m.size_bytes / 1e6:.1f} MB\t"
            f"{m.licence or 'licence not stated'}\t{m.path}{chosen}"
        )


@models.command("install")
@click.argument("source", required=False, type=click.Path(path_type=Path))
@click.pass_context
def models_install(ctx: click.Context, source: Path | None) -> None:
    """Install a model: FILE.argosmodel or a folder model DIR (offline), or from the Argos index (online).

    A folder model is a CTranslate2 model with its SentencePiece models and a model.toml
    (see the README). Without SOURCE, downloads the Argos package for the configured
    pair (ar->en by default).

    Example: briefing models install translate-ar_en-1_0.argosmodel
    """
    from briefing.config import models_path
    from briefing.translate import install_folder_model, install_from_file, install_from_index

    try:
        config = _load(ctx)
        if source is not None and source.is_dir():
            info = install_folder_model(models_path(config), source)
            click.echo(f"installed {info.label} ({info.from_code}->{info.to_code}, folder model) in {info.path}")
            return
        if source is not None:
            installed = install_from_file(config.argos_packages_dir, source)
        else:
            installed = install_from_index(config.argos_packages_dir, config.source_lang, config.target_lang)
    except BriefingError as error:
        _fail(error)
    click.echo(f"installed {installed.label} ({installed.from_code}->{installed.to_code}) in {installed.path}")


def main(argv: list[str] | None = None) -> None:
    """The ``briefing`` command. Every failure ends in one line on stderr and its exit
    code, and with ``--json`` in one error object on stdout, usage errors included; an
    unexpected error's traceback goes to the log at ``-v``, never to the user as such.

    What goes to stdout is held until the command is done and then written at once, so
    a stdout that cannot be written (a full disk, a closed pipe) is one line on stderr
    and exit 5, not a traceback from the interpreter's last flush.
    """
    args = sys.argv[1:] if argv is None else argv
    real_stdout, held = sys.stdout, io.StringIO()
    if _command(args) == "schedule":  # runs until stopped: its lines are not held
        held = real_stdout  # type: ignore[assignment]
    sys.stdout = held
    code: int | str | None = 0
    try:
        _run(args)
    except SystemExit as exit_:
        code = exit_.code
    finally:
        sys.stdout = real_stdout
    if held is not real_stdout:
        try:
            real_stdout.write(held.getvalue())
            real_stdout.flush()
        except OSError as exc:
            sys.stderr.write(f"briefing: error: cannot write to standard output: {exc.strerror or exc}\n")
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the interpreter's flush at exit must not fail again
            code = EXIT_FAILED
    sys.exit(code)


def _run(args: list[str]) -> None:
    as_json = "--json" in args
    date = _option_value(args, "--date")
    try:
        cli.main(args=args, prog_name="briefing", standalone_mode=False)
    except click.UsageError as error:
        error.show()
        if as_json:
            payload = {"date": date, "error": error.format_message(), "exit_code": EXIT_USAGE, "outputs": None}
            click.echo(json.dumps(payload, ensure_ascii=False))
        sys.exit(EXIT_USAGE)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except (click.Abort, KeyboardInterrupt):
        _report_failure("interrupted", EXIT_FAILED, as_json=as_json, date=date)
    except MemoryError:
        log.info("out of memory", exc_info=True)
        _report_failure("out of memory", EXIT_FAILED, as_json=as_json, date=date)
    except Exception as error:  # a bug or a failure nobody foresaw: one line, the traceback at -v
        log.info("internal error", exc_info=True)
        message = f"{type(error).__name__}: {error}".rstrip(": ")
        verbose = any(arg in ("-v", "-vv", "--verbose") for arg in args)
        hint = "" if verbose else " (run with -v for the traceback)"
        _report_failure(f"{message}{hint}", EXIT_FAILED, as_json=as_json, date=date, prefix="internal error")


def _command(args: list[str]) -> str | None:
    """The command named in ``args`` (after the group's own options), if any."""
    rest = iter(args)
    for arg in rest:
        if arg == "--config":
            next(rest, None)
        elif not arg.startswith("-"):
            return arg
    return None


def _option_value(args: list[str], flag: str) -> str | None:
    """The value given to ``flag`` (``--date X`` or ``--date=X``), as typed; None if absent."""
    for index, arg in enumerate(args):
        if arg == flag and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(f"{flag}="):
            return arg.partition("=")[2]
    return None
