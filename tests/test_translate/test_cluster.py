"""Translation on a real Dask cluster (``translate.cluster``): the same English, the same
memory, the same briefing as a local run; a worker killed mid-run; a cluster that cannot
be reached or whose worker has another model.

Two kinds of cluster, both real: ``local:2`` (the run starts a LocalCluster, two worker
processes), and, for everything else, a scheduler and two workers started once for the
module with Dask's own commands (``dask scheduler``, ``dask worker``), as the README
tells a user to, reached at ``tcp://127.0.0.1:PORT``: their processes are separate from
this one, as on other machines.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from briefing.arabic import split_sentences
from briefing.cli import main
from briefing.config import Config
from briefing.errors import ClusterError
from briefing.pipeline import run_briefing
from briefing.progress import reporting
from briefing.translate import ArgosModel
from tests.conftest import DATA, SEEDS, read_phrasebook

distributed = pytest.importorskip("distributed", reason="the cluster extra: pip install -e '.[test,cluster]'")
pytest.importorskip("distributed.security")

DATE = dt.date(2026, 11, 22)
# Test-only certificates (tests/data/tls/README.md): a CA, and one certificate it signed for
# 127.0.0.1 that the scheduler, the workers and the run all present.
TLS = DATA / "tls"
# Every key sentence of the seeds' story (two articles, ~40 sentences of 5 to 60 words, most
# of them garbage to the test model: long decodes) and every headline: enough batches that
# both workers are busy when one is killed.
EVERY_SENTENCE = {"max_sentences": 0, "story_sentences": 100, "index_english": True}


def scheduler_address(path: Path) -> str:
    """The address ``dask scheduler`` writes to its scheduler file, once it is written whole."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            return str(json.loads(path.read_text(encoding="utf-8"))["address"])
        except (OSError, ValueError, KeyError):
            time.sleep(0.1)
    raise TimeoutError(f"dask scheduler wrote no {path}")


@contextmanager
def dask_processes(folder: Path, workers: int, *options: str, worker_options: tuple[str, ...] = ()) -> Iterator[
    tuple[str, object]
]:
    """``dask scheduler`` and ``dask worker --nworkers N`` on 127.0.0.1, separate processes,
    with Dask's own ``options`` (TLS); (its address, a client of the test's own to watch it)."""
    address_file = folder / "scheduler.json"
    dask = [sys.executable, "-m", "dask"]
    started = [subprocess.Popen([*dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", *options,
                                 "--scheduler-file", str(address_file)], stderr=subprocess.DEVNULL, cwd=folder)]
    try:
        address = scheduler_address(address_file)
        started.append(subprocess.Popen([*dask, "worker", "--scheduler-file", str(address_file), "--nworkers",
                                         str(workers), "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard",
                                         *options, *worker_options, "--local-directory", str(folder)],
                                        stderr=subprocess.DEVNULL, cwd=folder))
        security = None
        if options:
            security = distributed.security.Security(
                tls_ca_file=str(TLS / "ca.pem"), tls_client_cert=str(TLS / "node.pem"),
                tls_client_key=str(TLS / "node-key.pem"), require_encryption=True,
            )
        client = distributed.Client(address, timeout=30, set_as_default=False, security=security)
        client.wait_for_workers(workers, timeout=60)
        yield address, client
        client.shutdown()  # the scheduler, and through it the workers (and their nannies)
    finally:
        for process in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    """A scheduler and two workers (each one process, one thread), for the module."""
    with dask_processes(tmp_path_factory.mktemp("dask"), 2) as running:
        yield running


def seed_sentences() -> list[str]:
    """Real sentences: the seeds' (a few longer than the model takes, once repeated), the
    phrasebook's, and one the model loops on."""
    sentences = [s for path in sorted(SEEDS.glob("*.txt")) for s in split_sentences(path.read_text(encoding="utf-8"))]
    too_long = " ".join(sentences[2:12])
    return list(dict.fromkeys([*sentences, *(a for a, _ in read_phrasebook()), too_long, "نعم نعم نعم."]))


def test_each_sentence_comes_back_exactly_as_a_local_decode(scheduler: tuple[str, object], model: ArgosModel) -> None:
    from briefing.translate.cluster import open_cluster

    address, _ = scheduler
    sentences = seed_sentences()
    with open_cluster(model, address, model_dir=None, timeout=10, workers=None) as on_cluster:
        remote = on_cluster.decode(sentences)
        penalised = on_cluster.decode(sentences[:20], repetition_penalty=1.2)
    assert len(model.batches(sentences)) > 20
    assert remote == model.decode(sentences)  # text, score, confidence, truncated: every one
    assert penalised == model.decode(sentences[:20], repetition_penalty=1.2)
    assert any(d.truncated for d in remote)


def test_briefing_translate_on_the_cluster_prints_what_it_prints_locally(
    scheduler: tuple[str, object], packages_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    text = "انسحبت قسد من المدينة. هذا خبر عاجل. بلغ عدد الضحايا 15 شخصا."
    outputs = []
    for cluster in ("", scheduler[0]):
        config = tmp_path / f"{len(outputs)}.toml"
        config.write_text(f'[translate]\npackages_dir = "{packages_dir}"\ncluster = "{cluster}"\n'
                          f'[store]\npath = "{tmp_path / f"{len(outputs)}.sqlite3"}"\n', encoding="utf-8")
        with pytest.raises(SystemExit) as done:
            main(["--config", str(config), "translate", text, "--json"])
        assert done.value.code == 0
        outputs.append(json.loads(capsys.readouterr().out))
    assert outputs[0] == outputs[1]
    assert [row["english"] for row in outputs[1]] == [
        "SDF withdrew from the city.", "This is breaking news.", "The death toll reached 15.",
    ]


def test_over_tls_the_translation_is_the_same_and_a_plain_connection_is_refused(
    packages_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """The README's TLS set-up: scheduler and worker started with their certificates, the run with its own."""
    files = ["--tls-ca-file", str(TLS / "ca.pem"), "--tls-cert", str(TLS / "node.pem"), "--tls-key", str(TLS / "node-key.pem")]
    text = "انسحبت قسد من المدينة."
    with dask_processes(tmp_path, 1, "--protocol", "tls", *files) as (address, _):
        assert address.startswith("tls://127.0.0.1:")
        config = tmp_path / "briefing.toml"
        tls = (f'cluster_tls_ca = "{TLS / "ca.pem"}"\ncluster_tls_cert = "{TLS / "node.pem"}"\n'
               f'cluster_tls_key = "{TLS / "node-key.pem"}"\n')
        config.write_text(f'[translate]\npackages_dir = "{packages_dir}"\nmemory = false\ncluster = "{address}"\n{tls}',
                          encoding="utf-8")
        with pytest.raises(SystemExit) as done:
            main(["--config", str(config), "translate", text, "--json"])
        assert (done.value.code, json.loads(capsys.readouterr().out)[0]["english"]) == (0, "SDF withdrew from the city.")
        plain = address.replace("tls://", "tcp://")
        config.write_text(f'[translate]\npackages_dir = "{packages_dir}"\ncluster = "{plain}"\ncluster_timeout = 1\n',
                          encoding="utf-8")
        with pytest.raises(SystemExit) as done:
            main(["--config", str(config), "translate", text, "--json"])
        assert done.value.code == 5
        assert f"cannot reach the translation cluster at {plain}" in capsys.readouterr().err


def briefing_of(config: Config) -> dict[str, object]:
    """What a reader and the next run see: the files, the report, the memory, what was published."""
    report = run_briefing(config, date=DATE, decoder=None)
    folder = config.out_dir / DATE.isoformat()
    assert config.database is not None
    with sqlite3.connect(config.database) as db:
        memory = db.execute(
            "SELECT model, source, output, score, confidence, re_decoded, truncated FROM translation_memory ORDER BY source"
        ).fetchall()
        published = db.execute("SELECT article_id, count(*) FROM briefing_articles GROUP BY article_id").fetchall()
    here = str(config.input_dir)  # each run reads its own copy of the seeds: their paths differ
    return {
        "markdown": (folder / f"briefing-{DATE}.md").read_text(encoding="utf-8").replace(here, "INBOX"),
        "html": (folder / f"briefing-{DATE}.html").read_text(encoding="utf-8").replace(here, "INBOX"),
        "report": json.loads(json.dumps(report.as_json(), ensure_ascii=False).replace(here, "INBOX").replace(
            str(config.out_dir), "OUT")),
        "memory": memory,
        "published": published,
    }


def setup(tmp_path: Path, name: str, packages_dir: Path, **changes: object) -> Config:
    inbox = tmp_path / name / "inbox"
    shutil.copytree(SEEDS, inbox)
    return Config(
        input_dir=inbox, out_dir=tmp_path / name / "out", argos_packages_dir=packages_dir,
        database=tmp_path / name / "record.sqlite3", formats=("markdown", "html"), **EVERY_SENTENCE,  # type: ignore[arg-type]
    ).replace(**changes)


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory, packages_dir: Path) -> dict[str, object]:
    """The seeds' briefing, every sentence translated, made in this process: what a cluster must match."""
    return briefing_of(setup(tmp_path_factory.mktemp("local"), "local", packages_dir))


def test_local_2_makes_the_briefing_and_the_memory_of_a_local_run(
    local_run: dict[str, object], packages_dir: Path, tmp_path: Path,
) -> None:
    on_cluster = briefing_of(setup(tmp_path, "local-2", packages_dir, cluster="local:2"))
    assert on_cluster == local_run
    assert len(local_run["memory"]) > 40  # type: ignore[arg-type]
    assert [count for _, count in local_run["published"]] == [1, 1]  # type: ignore[union-attr]


class KillAWorkerAtTheFirstBatch:
    """A progress listener (the run's own seam) that, once the translation stage starts,
    watches the scheduler and kills with SIGKILL the first worker process seen with batches
    in hand. It watches from a thread, from the moment the batches are handed out: waiting
    for the first batch to come back left, on a loaded machine, no batch in hand to kill
    (the seeds make only a few)."""

    def __init__(self, client: object, pids: dict[str, int]) -> None:
        self.client = client
        self.pids = pids
        self.killed: tuple[str, int] | None = None
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    def stage(self, name: str, total: int | None) -> None:
        if total and self._watcher is None:
            self._watcher = threading.Thread(target=self._watch, daemon=True)
            self._watcher.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            busy = {worker: keys for worker, keys in self.client.processing().items() if keys}  # type: ignore[attr-defined]
            if busy:
                worker, keys = next(iter(busy.items()))
                self.killed = (worker, len(keys))
                os.kill(self.pids[worker], signal.SIGKILL)
                return
            time.sleep(0.002)

    def advance(self, steps: int) -> None:
        pass

    def close(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=30)


def test_a_worker_killed_mid_run_costs_nothing_but_time(
    scheduler: tuple[str, object], local_run: dict[str, object], packages_dir: Path, tmp_path: Path,
) -> None:
    address, client = scheduler
    pids = client.run(os.getpid)  # type: ignore[attr-defined]
    killer = KillAWorkerAtTheFirstBatch(client, pids)
    with reporting(killer):
        on_cluster = briefing_of(setup(tmp_path, "killed", packages_dir, cluster=address))
    assert killer.killed is not None and killer.killed[1] >= 1  # it had batches in hand
    # Dask gave its batches to the others: the same briefing, each article published once.
    assert on_cluster == local_run
    # The worker's nanny started a new process in its place, on a new address.
    client.wait_for_workers(2, timeout=60)  # type: ignore[attr-defined]
    now = client.run(os.getpid)  # type: ignore[attr-defined]
    assert killer.killed[0] not in now and pids[killer.killed[0]] not in now.values()


def test_a_run_whose_last_worker_dies_fails_and_publishes_nothing(packages_dir: Path, tmp_path: Path) -> None:
    """No nanny to start another: the cluster is left with no worker, and the run gives up after cluster_timeout."""
    folder = tmp_path / "dask"
    folder.mkdir()
    with dask_processes(folder, 1, worker_options=("--no-nanny",)) as (address, client):
        killer = KillAWorkerAtTheFirstBatch(client, client.run(os.getpid))  # type: ignore[attr-defined]
        config = setup(tmp_path, "lost", packages_dir, cluster=address, cluster_timeout=1)
        with reporting(killer), pytest.raises(ClusterError, match=f"^the cluster at {address} has had no worker for 1 s"):
            run_briefing(config, date=DATE)
    assert killer.killed is not None
    assert not (config.out_dir / DATE.isoformat()).exists()
    assert config.database is not None
    with sqlite3.connect(config.database) as db:  # the articles are still new; the run says why it failed
        assert db.execute("SELECT count(*) FROM briefing_articles").fetchone() == (0,)
        [(outcome,)] = db.execute("SELECT outcome FROM runs").fetchall()
    assert outcome.startswith(f"failed: the cluster at {address} has had no worker")


class KillALocalWorkerAtTheFirstBatch:
    """The same, for local:N, whose cluster the run starts itself: its worker processes are
    this process's own children started by multiprocessing (the ``dask worker`` processes of
    the module's cluster are started with ``-m dask``, and their workers are grandchildren)."""

    def __init__(self) -> None:
        self.killed: int | None = None

    def stage(self, name: str, total: int | None) -> None:
        pass

    def advance(self, steps: int) -> None:
        import psutil  # Dask's own dependency

        if self.killed is None:
            workers = [c for c in psutil.Process().children() if "spawn_main" in " ".join(c.cmdline())]
            assert len(workers) == 2
            self.killed = workers[0].pid
            os.kill(self.killed, signal.SIGKILL)

    def close(self) -> None:
        pass


def test_local_2_with_a_worker_killed_mid_run_makes_the_same_briefing(
    local_run: dict[str, object], packages_dir: Path, tmp_path: Path,
) -> None:
    """The run's own cluster restarts the worker, on a new port its network guard lets through."""
    killer = KillALocalWorkerAtTheFirstBatch()
    with reporting(killer):
        on_cluster = briefing_of(setup(tmp_path, "local-2-killed", packages_dir, cluster="local:2"))
    assert killer.killed is not None
    assert on_cluster == local_run


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_scheduler_fails_the_run_before_anything_is_written(
    packages_dir: Path, seeds_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    config = tmp_path / "briefing.toml"
    config.write_text(
        f'[input]\ndir = "{seeds_dir}"\n[output]\ndir = "{tmp_path / "out"}"\n[store]\npath = "{tmp_path / "r.sqlite3"}"\n'
        f'[translate]\npackages_dir = "{packages_dir}"\ncluster = "{address}"\ncluster_timeout = 1\n',
        encoding="utf-8",
    )
    with pytest.raises(SystemExit) as done:
        main(["--config", str(config), "generate", "--date", "2026-11-22", "--json"])
    out, err = capsys.readouterr()
    message = f"cannot reach the translation cluster at {address} (translate.cluster)"
    assert done.value.code == 5
    report = json.loads(out)
    assert report["exit_code"] == 5 and report["outputs"] is None and report["error"].startswith(message)
    assert err.startswith(f"briefing: error: {message}") and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["briefing.toml", "inbox"]  # no out/, no record


def test_a_scheduler_without_workers_fails_the_run_before_anything_is_written(config: Config, model: ArgosModel) -> None:
    no_http = {"dashboard_address": "127.0.0.1:0"}  # not Dask's 8787, which another cluster may hold
    empty = distributed.LocalCluster(n_workers=0, processes=False, protocol="tcp", host="127.0.0.1",
                                     dashboard_address=None, scheduler_kwargs=no_http)
    with empty, pytest.raises(ClusterError, match=f"the translation cluster at {empty.scheduler_address} has no worker"):
        run_briefing(config.replace(cluster=empty.scheduler_address, cluster_timeout=0.5), date=DATE, decoder=model)
    assert not config.out_dir.exists() and config.database is not None and not config.database.exists()


@pytest.mark.parametrize("case", ["another model", "no model"])
def test_a_worker_without_the_runs_model_fails_the_run_before_anything_is_written(
    scheduler: tuple[str, object], config: Config, model: ArgosModel, tmp_path: Path, case: str,
) -> None:
    elsewhere = tmp_path / "elsewhere" / model.root.name
    if case == "another model":  # the same package, one of its files changed by a byte
        shutil.copytree(model.root, elsewhere)
        with (elsewhere / "model" / "config.json").open("a", encoding="utf-8") as changed:
            changed.write("\n")
        expected = rf"the model in {re.escape(str(elsewhere))} is '{re.escape(model.name)} [0-9a-f]{{16}}', not the run's " \
                   rf"'{re.escape(model.fingerprint)}'"
    else:
        expected = f"no Argos package in {re.escape(str(elsewhere))}"
    with pytest.raises(ClusterError, match=rf"^worker tcp://127\.0\.0\.1:\d+: {expected}"):
        run_briefing(config.replace(cluster=scheduler[0], cluster_model_dir=elsewhere), date=DATE, decoder=model)
    assert not config.out_dir.exists() and config.database is not None and not config.database.exists()


def test_a_cluster_that_loses_its_last_worker_fails_the_run_instead_of_waiting_for_ever(model: ArgosModel) -> None:
    from briefing.translate.cluster import open_cluster

    no_http = {"dashboard_address": "127.0.0.1:0"}
    cluster = distributed.LocalCluster(n_workers=1, processes=False, protocol="tcp", host="127.0.0.1",
                                       dashboard_address=None, scheduler_kwargs=no_http)
    with cluster, open_cluster(model, cluster.scheduler_address, model_dir=None, timeout=0.5, workers=None) as on_cluster:
        cluster.scale(0)
        while cluster.scheduler.workers:  # the worker retires
            time.sleep(0.05)
        with pytest.raises(ClusterError, match=f"the cluster at {cluster.scheduler_address} has had no worker for 0.5 s"):
            on_cluster.decode(["هذا خبر عاجل."])
