from __future__ import annotations

from pathlib import Path

import pytest

from briefing.config import Config, find_config_file, load_config
from briefing.errors import ConfigError
from tests.builders import assert_config_error


def test_toml_values_and_flag_overrides(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "briefing.toml"
    path.parent.mkdir()
    path.write_text(
        '[input]\ndir = "inbox"\n[output]\ndir = "/srv/briefings"\ntimezone = "Asia/Riyadh"\n'
        "[summary]\nmax_sentences = 2\nmax_words = 80\n[translate]\ncompute_type = \"float32\"\nthreads = 2\n",
        encoding="utf-8",
    )
    config = load_config(path, out_dir=Path("elsewhere"), input_dir=None)
    assert config == Config(
        input_dir=tmp_path / "conf" / "inbox",  # relative to the file
        out_dir=Path("elsewhere"),  # the flag wins
        timezone="Asia/Riyadh",
        max_sentences=2,
        max_words=80,
        compute_type="float32",
        threads=2,
    )


def test_a_translation_cluster_and_the_models_folder_on_its_workers(tmp_path: Path) -> None:
    path = tmp_path / "briefing.toml"
    for name in ("ca.pem", "me.pem", "me-key.pem"):
        (tmp_path / name).write_text("")
    path.write_text('[translate]\ncluster = "tls://scheduler.lan:8786"\ncluster_model_dir = "models/argos"\n'
                    'cluster_timeout = 2.5\ncluster_tls_ca = "ca.pem"\ncluster_tls_cert = "me.pem"\n'
                    'cluster_tls_key = "me-key.pem"\n', encoding="utf-8")
    config = load_config(path)
    assert (config.cluster, config.cluster_model_dir, config.cluster_timeout) == (
        "tls://scheduler.lan:8786", tmp_path / "models" / "argos", 2.5,
    )
    assert (config.cluster_tls_ca, config.cluster_tls_cert, config.cluster_tls_key) == (
        tmp_path / "ca.pem", tmp_path / "me.pem", tmp_path / "me-key.pem",
    )
    with pytest.raises(ConfigError, match="translate.cluster_tls_key: no such file: /nowhere/key.pem"):
        config.replace(cluster_tls_key=Path("/nowhere/key.pem"))
    with pytest.raises(ConfigError, match="translate.cluster_tls_ca: a tls:// cluster needs cluster_tls_ca, "):
        Config(cluster="tls://scheduler.lan:8786").validate()
    with pytest.raises(ConfigError, match=r"translate.cluster_tls_ca: only for a tls:// translate.cluster \(it is 'local:2'\)"):
        config.replace(cluster="local:2")
    assert (Config().cluster, Config().cluster_model_dir, Config().cluster_timeout) == ("", None, 10.0)  # in this process
    assert load_config(None, cluster="local:2").cluster == "local:2"


def test_config_file_search_order(tmp_path: Path) -> None:
    cwd, user = tmp_path / "cwd", tmp_path / "user"
    cwd.mkdir()
    user.mkdir()
    assert find_config_file(None, cwd, user) is None
    (user / "briefing.toml").write_text("")
    assert find_config_file(None, cwd, user) == user / "briefing.toml"
    (cwd / "briefing.toml").write_text("")
    assert find_config_file(None, cwd, user) == cwd / "briefing.toml"
    with pytest.raises(ConfigError, match="config file not found"):
        find_config_file(tmp_path / "missing.toml", cwd, user)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[translate]\ncompute_type = \"fp8\"\n", "translate.compute_type: must be one of"),
        ("[summary]\nmax_words = -1\n", "summary.max_words: 0 (no limit) to 100000, not -1"),
        ("[input]\ndir = \"\"\n", "input.dir: must not be empty"),
        ("[input]\ndir = 3\n", "input.dir: expected a path string, got 3"),
        ("title = \"x\"\n", "unknown table [title]"),
        ("input = \"x\"\n", "input: expected a [input] table"),
        ('[[sources]]\nfeed = "ftp://example.com/rss"\n', "sources[1].feed: 'ftp://example.com/rss' is not an http(s) URL"),
        ('[[sources]]\nfolder = "a"\nfeed = "https://x.org/"\n', "sources[1]: give exactly one of folder, feed or page"),
        ('[[sources]]\nfeeds = "https://x.org/"\n', "sources[1]: unknown key 'feeds'"),
        ('[sources]\nfeed = "https://x.org/"\n', "sources: write each source as a [[sources]] table"),
        ("[stories]\nfeatured = -1\n", "stories.featured: 0 to 1000, not -1"),
        ('[translate]\ncluster = "local:0"\n', "translate.cluster: 'local:0': local:N takes N from 1 to 64"),
        ('[translate]\ncluster = "local:two"\n', "translate.cluster: 'local:two': local:N takes N from 1 to 64"),
        ('[translate]\ncluster = "localhost:8786"\n',
         "translate.cluster: 'localhost:8786' is not \"local:2\", or a scheduler's address such as \"tcp://10.0.0.5:8786\""),
        ('[translate]\ncluster = "tcp://10.0.0.5"\n', "translate.cluster: 'tcp://10.0.0.5' is not \"local:2\""),
        ('[translate]\ncluster = "tcp://10.0.0.5:99999"\n', "translate.cluster: 'tcp://10.0.0.5:99999' is not"),
        ('[translate]\ncluster = "http://10.0.0.5:8786"\n', "translate.cluster: 'http://10.0.0.5:8786' is not"),
        ("[translate]\ncluster_timeout = 0\n", "translate.cluster_timeout: seconds, more than 0 and at most 300, not 0.0"),
        ('[translate]\ncluster_model_dir = 3\n', "translate.cluster_model_dir: expected a path string, got 3"),
    ],
)
def test_wrong_values_name_their_key(tmp_path: Path, toml: str, message: str) -> None:
    assert_config_error(tmp_path, toml, message)


# Break 9 of the attack on the daily job (issue 11): numbers that aborted the process,
# gave tracebacks or silently turned a check off, and a misspelled table that was accepted.
@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[translate]\nthreads = 100000\n", "translate.threads: 0 (all cores) to "),
        ("[fetch]\nmax_mb = nan\n", "fetch.max_mb: megabytes, more than 0 and at most 1000, not nan"),
        ("[fetch]\nmax_mb = inf\n", "fetch.max_mb: megabytes, more than 0 and at most 1000, not inf"),
        ("[fetch]\nread_timeout = nan\n", "fetch.read_timeout: seconds, more than 0 and at most 600, not nan"),
        ("[fetch]\nread_timeout = inf\n", "fetch.read_timeout: seconds, more than 0 and at most 600, not inf"),
        ("[fetch]\nconnect_timeout = 0\n", "fetch.connect_timeout: seconds, more than 0 and at most 300, not 0.0"),
        ("[fetch]\ntotal_timeout = 1e9\n", "fetch.total_timeout: seconds, more than 0 and at most 3600"),
        ("[fetch]\nmax_items = 0\n", "fetch.max_items: 1 to 100000, not 0"),
        ("[fetch]\nallow_hosts = [\"http://x.org/\"]\n", "fetch.allow_hosts: 'http://x.org/' is not a host name"),
        ("[fetch]\nallow_hosts = \"x.org\"\n", "fetch.allow_hosts: expected a list of strings"),
        ("[translate]\nmin_confidence = nan\n", "translate.min_confidence: a mean log-probability, from -100 to 0, not nan"),
        ("[translate]\nmin_confidence = -inf\n", "translate.min_confidence: a mean log-probability, from -100 to 0, not -inf"),
        ("[store]\nlock_wait = nan\n", "store.lock_wait: seconds, 0 to 86400 (a day), not nan"),
        ("[store]\nlock_wait = inf\n", "store.lock_wait: seconds, 0 to 86400 (a day), not inf"),
        ("[schedule]\nmisfire_grace = 100000000000000000\n", "schedule.misfire_grace: seconds, 1 to 86400 (a day)"),
        ("[outptu]\n", "unknown table [outptu] (known: "),
        ("[output]\n[outptu]\ndir = 'x'\n", "unknown table [outptu]"),
        ("a = " + "[" * 100_000 + "\n", "not valid TOML: nested too deeply"),
        ("[summary]\nmax_sentences = 5000\n", "summary.max_sentences: 0 (no limit) to 1000, not 5000"),
    ],
)
def test_break_9_every_number_is_finite_and_in_range_and_every_table_known(
    tmp_path: Path, toml: str, message: str
) -> None:
    path = tmp_path / "briefing.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert message in str(caught.value)


def test_threads_may_be_every_core_but_not_more(tmp_path: Path) -> None:
    from briefing.config import available_cores

    assert load_config(None, threads=available_cores()).threads == available_cores()
    with pytest.raises(ConfigError, match="translate.threads"):
        load_config(None, threads=available_cores() + 1)


def test_a_config_file_that_is_not_utf8_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "briefing.toml"
    path.write_bytes(b"[output]\ndir = '\xff'\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path)


def test_a_bad_templates_folder_is_a_configuration_error(tmp_path: Path) -> None:
    from briefing.render import find_templates_dir
    from tests.conftest import REPO

    with pytest.raises(ConfigError, match="render.templates_dir: .* lacks briefing.md.j2"):
        find_templates_dir(tmp_path)
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("briefing.md.j2", "briefing.html.j2", "briefing.css"):
        (broken / name).write_text((REPO / "templates" / name).read_text(encoding="utf-8"), encoding="utf-8")
    (broken / "briefing.md.j2").write_text("{% for x in %}", encoding="utf-8")
    with pytest.raises(ConfigError, match="render.templates_dir: .*briefing.md.j2, line 1"):
        find_templates_dir(broken)


def _apscheduler_weekdays(text: str) -> set[int]:
    """The weekdays (0 = Monday) APScheduler's cron trigger fires on, over two weeks."""
    import datetime as dt

    from apscheduler.triggers.cron import CronTrigger

    trigger = CronTrigger(day_of_week=text, hour=7, minute=0, timezone=dt.UTC)
    start = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)  # a Monday
    fire, days = trigger.get_next_fire_time(None, start), set()
    while fire is not None and fire < start + dt.timedelta(days=14):
        days.add(fire.weekday())
        fire = trigger.get_next_fire_time(fire, fire + dt.timedelta(seconds=1))
    return days


def test_the_quick_day_of_week_check_never_accepts_what_apscheduler_refuses() -> None:
    """Config checks plain schedule.days forms without importing APScheduler; whatever it
    accepts must be a day_of_week APScheduler takes (the rest goes to APScheduler itself)."""
    import itertools

    from apscheduler.triggers.cron.fields import DayOfWeekField

    from briefing.config import plain_days_of_week

    atoms = ["*", "mon", "Sun", "fri", "0", "6", "7", "x", "mon-fri", "fri-mon", "0-6", "6-0", "2-2", "*/2", "*/0", "mon/3",
             "mon-", "mon-6", "0-fri", "sat-6"]
    accepted = 0
    for first, second in itertools.product(atoms, ["", *atoms]):
        text = f"{first},{second}" if second else first
        days = plain_days_of_week(text)
        if days is not None:
            accepted += 1
            DayOfWeekField("day_of_week", text)  # raises ValueError if it refuses
            assert days == _apscheduler_weekdays(text), text  # and means the same days
    assert accepted > 50  # the common forms take the quick path
    for refused in ("fri-mon", "7", "*/0", "mon,x", "0-fri"):
        with pytest.raises(ConfigError, match="schedule.days"):
            Config(schedule_days=refused).validate()
