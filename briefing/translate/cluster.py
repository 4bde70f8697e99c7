"""Decoding on a Dask cluster (``translate.cluster``): the same batches, on other processes.

``translate.cluster = "local:N"`` starts N worker processes on this machine (a Dask
``LocalCluster``); ``"tcp://host:8786"`` (or ``tls://``) connects to a running Dask
scheduler whose workers have briefing and the model installed. Only this module imports
Dask, and only the run of a configuration that names a cluster imports this module.

``open_cluster`` connects (a LocalCluster is started) before anything of the run is
written, and fails with ``ClusterError`` when the scheduler cannot be reached in
``translate.cluster_timeout`` seconds, has no worker, or a worker has not the run's
model. ``ClusterDecoder.decode`` is the ``Decoder`` the engine calls; what it does:

1. cuts the sentences into the batches a local run decodes (``CTranslate2Model.batches``:
   one token count to a batch, at most 32), with this machine's copy of the tokenizer;
2. sends each batch's sentences as one Dask task, all at once (``decode_batch``): the
   worker opens the model once per process from its folder (``translate.cluster_model_dir``,
   else the folder this machine uses), refuses it if its fingerprint is not the run's,
   and decodes the batch exactly as a local run would (``CTranslate2Model.decode``);
3. puts each batch's English back in input order (the progress display advancing with each).

So a sentence is decoded in the same batch, by the same model, with the same settings,
as in a local run, and comes out the same (CTranslate2 gives the same result for the
same batch on the same kind of CPU; int8 kernels may differ across CPU generations).
The translation memory, the checks and the record stay in this process: workers see
sentences and send back English, nothing else. A worker that dies takes its running
tasks with it; Dask's scheduler gives them to another worker
(``distributed.scheduler.allowed-failures``, 3 by default), so a batch is lost only if
it ended four workers.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import CancelledError
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from briefing import progress
from briefing.errors import BriefingError, ClusterError, TranslationError
from briefing.offline import Peer
from briefing.translate.ctranslate import CTranslate2Model, Decoded

__all__ = ["NO_WORKER_POLL_S", "ClusterDecoder", "WorkerModel", "check_model", "decode_batch", "open_cluster"]

log = logging.getLogger(__name__)

# While batches are out, how often the run asks the scheduler whether it still has a
# worker: a cluster whose last worker is gone would otherwise leave the run waiting for
# ever. One question a second costs the scheduler nothing; the run gives up once the
# cluster has had no worker for translate.cluster_timeout seconds.
NO_WORKER_POLL_S = 1.0
# Dask's own log lines (a worker restarted, a heartbeat that found the scheduler gone as a
# LocalCluster closes, with its traceback) are for whoever runs the cluster: what matters
# to the run comes back as its tasks' results or as ClusterError. In this process, and in
# the worker processes of local:N (whose stderr is the run's), they are shown with -vv only.
DASK_QUIET = logging.CRITICAL + 1
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
# Dask's nanny starts each worker with MALLOC_TRIM_THRESHOLD_=65536, which also stops glibc
# raising its mmap threshold as it sees large blocks freed: every buffer of 128 KB or more
# that CTranslate2 allocates while decoding is then mapped and unmapped each time, and
# the workers decoded 2.6 times slower than this process (1,000 NTREX sentences: 17-25 s
# against 6-8 s on local:2, benchmarks/README.md, "On a cluster"). A worker opening the
# model sets the two thresholds where glibc's own adjustment would take them at most:
# mmap from 32 MiB (its ceiling on 64-bit), trim at twice that.
WORKER_MMAP_THRESHOLD = 32 * 1024 * 1024
WORKER_TRIM_THRESHOLD = 2 * WORKER_MMAP_THRESHOLD


@dataclass(frozen=True, slots=True)
class WorkerModel:
    """What a worker needs to open the run's model, and to know it is the run's."""

    kind: str
    """``models.MODEL_KINDS``: "argos" or "folder"."""
    folder: str
    """The model's folder on the worker's machine."""
    fingerprint: str
    """The run's ``CTranslate2Model.fingerprint``: name, version and a hash of the files."""
    compute_type: str


class ClusterDecoder:
    """The engine's ``Decoder``, decoding each batch on a worker of the cluster."""

    def __init__(self, model: CTranslate2Model, client: Any, worker_model: WorkerModel, address: str, *,
                 no_worker_timeout: float, peer: Peer) -> None:
        self._model = model
        self._client = client
        self._worker_model = worker_model
        self._no_worker_timeout = no_worker_timeout
        self.address = address
        """As configured: "local:2", "tcp://10.0.0.5:8786"."""
        self.peer = peer
        """The destinations this process talks to for the cluster (``offline.allowing``)."""

    @property
    def name(self) -> str:
        return self._model.name

    @property
    def fingerprint(self) -> str:
        return self._model.fingerprint

    def decode(self, sentences: list[str], *, repetition_penalty: float = 1.0) -> list[Decoded]:
        """English for each sentence, each batch decoded by a worker (see the module's docstring)."""
        if not sentences:
            return []
        batches = self._model.batches(sentences)
        futures = [
            self._client.submit(decode_batch, self._worker_model, [sentences[i] for i in batch], repetition_penalty,
                                pure=False)
            for batch in batches
        ]
        log.info("%d sentences in %d batches to %s", len(sentences), len(batches), self.address)
        decoded: list[Decoded | None] = [None] * len(sentences)
        for batch, outputs in zip(batches, self._results(futures), strict=True):
            for index, output in zip(batch, outputs, strict=True):
                decoded[index] = output
            progress.advance(len(batch))
        return [d for d in decoded if d is not None]

    def check_workers(self) -> int:
        """Each worker there now opens the model and checks its fingerprint (ClusterError if
        it is not the run's); how many workers there are."""
        workers = list(self._client.nthreads())
        futures = [
            self._client.submit(check_model, self._worker_model, workers=[worker], allow_other_workers=True, pure=False)
            for worker in workers
        ]
        for _ in self._results(futures):
            pass
        return len(workers)

    def _results(self, futures: list[Any]) -> Iterator[Any]:
        """Each task's result, in the order given (all were submitted at once: the order they are
        fetched in does not hold the workers up). A task's failure is raised: a worker's
        BriefingError as it is, anything else as ClusterError; so is a cluster that has had
        no worker for the timeout. A result lost with its worker is computed again by Dask,
        and waited for. Whatever is left when it stops is cancelled."""
        alone_since, fetched = None, 0
        try:
            for future in futures:
                while True:
                    try:
                        result = self._fetch(future)
                        break
                    except TimeoutError:  # not done yet (or its result was lost): is anyone still working?
                        alone_since = self._still_has_workers(alone_since)
                alone_since, fetched = None, fetched + 1
                yield result
        except BriefingError:
            raise
        except (Exception, CancelledError) as exc:
            raise _failure(exc, self.address) from exc
        finally:
            if fetched < len(futures):
                self._client.cancel(futures[fetched:])

    def _fetch(self, future: Any) -> Any:
        """The task's result, or TimeoutError after NO_WORKER_POLL_S. It is waited for with
        ``wait()``, which leaves nothing behind when it times out; ``result(timeout)`` is
        called only once the task is done, and times out only if the result was lost with
        its worker in the meantime (Dask then computes it again)."""
        with self._client.as_current():
            _distributed().wait([future], timeout=NO_WORKER_POLL_S)
        if future.status == "error":  # raised as the task raised it
            return future.result()
        return future.result(timeout=NO_WORKER_POLL_S)

    def _still_has_workers(self, alone_since: float | None) -> float | None:
        """When the cluster was first seen without a worker (None: it has some)."""
        if self._client.nthreads():
            return None
        now = time.monotonic()
        if alone_since is not None and now - alone_since > self._no_worker_timeout:
            raise ClusterError(
                f"the cluster at {self.address} has had no worker for {self._no_worker_timeout:g} s; "
                "start workers (`dask worker SCHEDULER-ADDRESS`) and run again"
            )
        return alone_since if alone_since is not None else now


def _failure(error: BaseException, address: str) -> BriefingError:
    """A task's failure (not a BriefingError of the worker's) as the run reports it."""
    if isinstance(error, CancelledError):  # the scheduler forgot the task
        return ClusterError(f"the cluster at {address} dropped a batch; was its scheduler restarted?")
    if isinstance(error, _distributed().scheduler.KilledWorker):
        return ClusterError(
            f"a batch was running on every worker that died under it; the cluster at {address} gave it up "
            f"(Dask's allowed-failures): {error}"
        )
    return ClusterError(f"a worker of the cluster at {address} failed: {type(error).__name__}: {error}")


@contextmanager
def open_cluster(model: CTranslate2Model, cluster: str, *, model_dir: Path | None, timeout: float,
                 workers: int | None, tls: tuple[Path, Path, Path] | None = None) -> Iterator[ClusterDecoder]:
    """A ``ClusterDecoder`` for ``model`` on ``cluster`` (``local:N``: ``workers`` processes
    started here; else a scheduler's address, over TLS with ``tls``: the CA's certificate,
    ours and our key), closed at the end; ClusterError now when the scheduler cannot be
    reached, has no worker or a worker has not the run's model."""
    distributed = _distributed()
    dask_level = logging.INFO if log.isEnabledFor(logging.DEBUG) else DASK_QUIET
    logging.getLogger("distributed").setLevel(dask_level)
    worker_model = WorkerModel(model.kind, str(model_dir or model.root), model.fingerprint, model.compute_type)
    local = None
    try:
        if workers is not None:
            # No dashboard; the scheduler's own HTTP server (health, metrics) on a free
            # loopback port rather than Dask's 8787, which another cluster may hold.
            local = distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}, silence_logs=dask_level,
            )
            client = distributed.Client(local, timeout=timeout, set_as_default=False, direct_to_workers=False)
        else:
            security = None
            if tls is not None:
                ca, cert, key = map(str, tls)
                security = distributed.security.Security(
                    tls_ca_file=ca, tls_client_cert=cert, tls_client_key=key, require_encryption=True,
                )
            client = distributed.Client(cluster, timeout=timeout, set_as_default=False, direct_to_workers=False,
                                        security=security)
    # Refused, timed out, TLS refused or not set up; a LocalCluster that could not start (RuntimeError).
    except (OSError, TimeoutError, ValueError, TypeError, RuntimeError) as exc:
        if local is not None:
            local.close()
        raise ClusterError(f"cannot reach the translation cluster at {cluster} (translate.cluster): {exc}") from exc
    address = str(client.scheduler.address)
    client.loop.asyncio_loop.set_exception_handler(_dask_loop_error)
    try:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            raise ClusterError(
                f"the translation cluster at {cluster} has no worker (waited {timeout:g} s): start workers "
                f"(`dask worker {address}`) with briefing and the model installed"
            ) from None
        peer = _local_peer(local) if local is not None else _scheduler_peer(address)
        decoder = ClusterDecoder(model, client, worker_model, cluster, no_worker_timeout=timeout, peer=peer)
        log.info("translating on %s: %d worker(s), each with the run's model", cluster, decoder.check_workers())
        yield decoder
    finally:
        client.close()
        if local is not None:
            local.close()


def _dask_loop_error(loop: Any, context: dict[str, Any]) -> None:
    """What Dask's event loop leaves unhandled goes to the log (-vv), not to the terminal as
    a traceback: a fetch that timed out leaves a waiter that raises Dask's AllExit when
    its task is cancelled (the run failing, or the client closing), and a closing
    LocalCluster may find a connection gone. What matters to the run is a ClusterError."""
    log.debug("Dask's event loop: %s", context.get("message"), exc_info=context.get("exception"))


def _distributed() -> Any:
    """``dask.distributed`` (its API is mostly unannotated: typed here as Any)."""
    import distributed
    import distributed.scheduler
    import distributed.security

    return distributed


def _scheduler_peer(address: str) -> Peer:
    """The scheduler's host and port (its name and the addresses it resolves to, looked up now)."""
    parts = urlsplit(address)
    host, port = parts.hostname or "", parts.port
    names = {host}
    try:
        names |= {str(info[4][0]) for info in socket.getaddrinfo(host, port)}
    except OSError:
        pass
    return lambda peer_host, peer_port: peer_port == port and peer_host in names


def _local_peer(cluster: Any) -> Peer:
    """The loopback ports of a LocalCluster started here: its scheduler's, its workers' and
    their nannies' (read when asked: a worker restarted after a crash listens on a new port)."""

    def ports() -> set[int | None]:
        scheduler = cluster.scheduler
        addresses = [scheduler.address]
        for state in list(scheduler.workers.values()):
            addresses += [state.address, state.nanny or ""]
        return {urlsplit(a).port for a in addresses if a}

    return lambda peer_host, peer_port: peer_host in _LOOPBACK and peer_port in ports()


# What runs on a worker: the model opened once per process, checked against the run's.
_worker_models: dict[WorkerModel, CTranslate2Model] = {}
_worker_lock = threading.Lock()


def decode_batch(worker_model: WorkerModel, sentences: list[str], repetition_penalty: float) -> list[Decoded]:
    """A Dask task: one batch's English, as ``CTranslate2Model.decode`` gives it."""
    return _model_here(worker_model).decode(sentences, repetition_penalty=repetition_penalty)


def check_model(worker_model: WorkerModel) -> str:
    """A Dask task: this worker's model is the run's (ClusterError if not); its fingerprint."""
    return _model_here(worker_model).fingerprint


def _model_here(worker_model: WorkerModel) -> CTranslate2Model:
    from briefing.translate.models import model_at

    with _worker_lock:
        model = _worker_models.get(worker_model)
        if model is not None:
            return model
        worker = _distributed().get_worker()
        where = f"worker {worker.address}"
        _undo_dask_malloc_trim()
        try:
            model = model_at(worker_model.kind, Path(worker_model.folder), compute_type=worker_model.compute_type,
                             threads=worker.state.nthreads)
            fingerprint = model.fingerprint
        except (TranslationError, OSError) as exc:
            raise ClusterError(f"{where}: {exc}; install the run's model there (translate.cluster_model_dir)") from None
        if fingerprint != worker_model.fingerprint:
            raise ClusterError(
                f"{where}: the model in {worker_model.folder} is {fingerprint!r}, not the run's "
                f"{worker_model.fingerprint!r}; install the same model there (translate.cluster_model_dir)"
            )
        _worker_models[worker_model] = model
        return model


def _undo_dask_malloc_trim() -> None:
    """glibc's large blocks back on its heap in a worker Dask started with MALLOC_TRIM_THRESHOLD_
    (see WORKER_MMAP_THRESHOLD); nothing elsewhere, nor with another C library."""
    if "MALLOC_TRIM_THRESHOLD_" not in os.environ:
        return
    import ctypes

    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is not None:
        m_trim_threshold, m_mmap_threshold = -1, -3  # malloc.h
        mallopt(m_mmap_threshold, WORKER_MMAP_THRESHOLD)
        mallopt(m_trim_threshold, WORKER_TRIM_THRESHOLD)
