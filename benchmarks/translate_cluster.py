"""Translation on a cluster (``translate.cluster``) against translation in the run's process.

    python benchmarks/translate_cluster.py [--ntrex DIR] [--day ZIP] [--package FILE.argosmodel]
                                           [--workers 2] [--repeat 3] [--json]

The same 2,000 real sentences (NTREX's 1,997 Arabic news sentences, and the first 5-40-word
sentences of a SaudiNewsNet day to make up the number) are decoded by the test model
(tests/data, installed into a temporary folder), in one run of this script:

- locally: ``ArgosModel.decode``, what a run without a cluster does (its batches two at a
  time, one core each);
- on ``local:N``: ``ClusterDecoder.decode`` on N worker processes of this machine (the
  cluster started once, its start timed apart), each batch one Dask task.

Each is timed ``--repeat`` times, in turns (the median is printed, and every run), with the
CPU time it took (this process's; the workers' and this process's for the cluster: on a
busy machine far steadier than the wall time), and the outputs are compared (text, score,
confidence, truncation: every sentence). Then what a scaling
estimate needs, measured here: the batches (how many, their sizes), each batch's cost
decoded alone on one core (the work, and the longest batch: the floor of any cluster's
time), Dask's own cost per task (a task that does nothing, submitted and fetched as the
decoder does), and what crosses the network per batch (the task's arguments and its
result, pickled as Dask sends them); from these, the time expected on W machines
(``predicted_s``). ``--json`` prints the measurements as one object.
"""

from __future__ import annotations

import argparse
import json
import pickle
import statistics
import time
from pathlib import Path
from typing import Any

from isolation import REPO, data_missing, scratch_home

DEFAULT_NTREX = REPO.parent / "shared" / "data" / "ntrex"
DEFAULT_DAY = REPO.parent / "shared" / "data" / "saudinewsnet" / "2015-07-21.zip"
DEFAULT_PACKAGE = REPO / "tests" / "data" / "translate-ar_en-test.argosmodel"
SENTENCES = 2000
# Tasks that do nothing, to time Dask's own cost per task: enough for a steady median.
EMPTY_TASKS = 500


def sentences(ntrex: Path, day: Path) -> list[str]:
    from translate_speed import real_sentences

    chosen = dict.fromkeys(line.strip() for line in (ntrex / "ar.txt").read_text(encoding="utf-8").splitlines())
    chosen.pop("", None)
    for sentence in real_sentences(day, SENTENCES):
        if len(chosen) == SENTENCES:
            break
        chosen.setdefault(sentence)
    return list(chosen)


def timed(decode: Any, texts: list[str]) -> tuple[list[Any], float]:
    started = time.perf_counter()
    outputs = decode(texts)
    return outputs, time.perf_counter() - started


def cpu_s() -> float:
    """CPU seconds this process has used (all its threads): steadier than wall time on a busy machine."""
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def predicted_s(work_s: float, longest_s: float, batches: int, per_task_s: float, cores: int) -> float:
    """Seconds to decode on ``cores`` free cores of a cluster: the workers' CPU time shared out
    (never less than the longest batch), plus Dask's cost per task paid one after another."""
    return max(work_s / cores, longest_s) + batches * per_task_s


def noop() -> None:
    """A Dask task that does nothing."""


def task_cost(client: Any) -> float:
    """Seconds per task of Dask's own work: submitted, scheduled, run, fetched (as decode does)."""
    started = time.perf_counter()
    futures = [client.submit(noop, pure=False) for _ in range(EMPTY_TASKS)]
    client.gather(futures)
    return (time.perf_counter() - started) / EMPTY_TASKS


def batch_figures(model: Any, texts: list[str]) -> dict[str, Any]:
    """Each batch decoded alone, one at a time (one core; its CPU time): the work and the
    longest batch; the bytes each batch's task sends out and brings back."""
    from briefing.translate.cluster import WorkerModel

    worker_model = WorkerModel(model.kind, str(model.root), model.fingerprint, model.compute_type)
    seconds, out_bytes, back_bytes, text_bytes = [], [], [], []
    for batch in model.batches(texts):
        chosen = [texts[i] for i in batch]
        started = cpu_s()
        decoded = model.decode(chosen)
        seconds.append(cpu_s() - started)
        out_bytes.append(len(pickle.dumps((worker_model, chosen, 1.0))))
        back_bytes.append(len(pickle.dumps(decoded)))
        text_bytes.append(sum(len(t.encode()) for t in chosen) + sum(len(d.text.encode()) for d in decoded))
    return {
        "batches": len(seconds),
        "sentences_per_batch": len(texts) / len(seconds),
        "work_one_core_cpu_s": sum(seconds),
        "longest_batch_cpu_s": max(seconds),
        "mean_batch_cpu_s": statistics.mean(seconds),
        "bytes_out": sum(out_bytes),
        "bytes_back": sum(back_bytes),
        "bytes_text": sum(text_bytes),
        "bytes_per_batch": (sum(out_bytes) + sum(back_bytes)) / len(seconds),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ntrex", type=Path, default=DEFAULT_NTREX)
    parser.add_argument("--day", type=Path, default=DEFAULT_DAY)
    parser.add_argument("--package", type=Path, default=DEFAULT_PACKAGE)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if data_missing(args.ntrex / "ar.txt") or data_missing(args.day):
        return 0
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("skipped: Dask is not installed (pip install -e '.[cluster]')")
        return 0
    with scratch_home() as work:
        from briefing.config import available_cores
        from briefing.translate import ArgosModel, install_from_file
        from briefing.translate.cluster import open_cluster

        install_from_file(work / "packages", args.package)
        model = ArgosModel.for_pair(work / "packages", "ar", "en")
        texts = sentences(args.ntrex, args.day)
        model.decode(texts[:2])  # loaded outside the timing; each worker loads its copy when the cluster opens
        started = time.perf_counter()
        with open_cluster(model, f"local:{args.workers}", model_dir=None, timeout=30, workers=args.workers) as cluster:
            start_s = time.perf_counter() - started
            local_s, remote_s, local_cpu, workers_cpu, run_cpu = [], [], [], [], []
            client = cluster._client
            for _ in range(args.repeat):  # in turns: a busy spell of the machine falls on both
                before = cpu_s()
                local, seconds = timed(model.decode, texts)
                local_s.append(seconds)
                local_cpu.append(cpu_s() - before)
                before, workers_before = cpu_s(), client.run(cpu_s)
                remote, seconds = timed(cluster.decode, texts)
                remote_s.append(seconds)
                run_cpu.append(cpu_s() - before)  # the client, and here the scheduler (local:N runs it in this process)
                workers_cpu.append(sum(client.run(cpu_s).values()) - sum(workers_before.values()))
            per_task_s = task_cost(client)
        figures = batch_figures(model, texts)
    report = {
        "sentences": len(texts),
        "cores": available_cores(),
        "workers": args.workers,
        "local_s": local_s,
        "cluster_s": remote_s,
        "local_median_s": statistics.median(local_s),
        "cluster_median_s": statistics.median(remote_s),
        "cluster_start_s": start_s,
        "local_cpu_s": statistics.median(local_cpu),
        "workers_cpu_s": statistics.median(workers_cpu),
        "run_cpu_s": statistics.median(run_cpu),
        "identical": remote == local,
        "differing": sum(a != b for a, b in zip(remote, local, strict=True)),
        "dask_per_task_s": per_task_s,
        **figures,
    }
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"{report['sentences']} sentences (NTREX + {args.day.name}), {args.package.name}, {report['cores']} cores")
    print(f"local:      median {report['local_median_s']:.2f} s ({', '.join(f'{t:.2f}' for t in local_s)})"
          f"  {len(texts) / report['local_median_s']:.0f} sentences/s")
    print(f"local:{args.workers}:    median {report['cluster_median_s']:.2f} s ({', '.join(f'{t:.2f}' for t in remote_s)})"
          f"  {len(texts) / report['cluster_median_s']:.0f} sentences/s; cluster start {start_s:.2f} s")
    print(f"CPU, medians: local {report['local_cpu_s']:.2f} s; local:{args.workers} {report['workers_cpu_s']:.2f} s in the "
          f"workers and {report['run_cpu_s']:.2f} s in the run (client and scheduler)")
    print(f"identical outputs: {report['identical']} ({report['differing']} differ)")
    print(f"batches: {report['batches']} ({report['sentences_per_batch']:.1f} sentences each on average); "
          f"decoded one at a time: {report['work_one_core_cpu_s']:.2f} CPU s in all, "
          f"mean {report['mean_batch_cpu_s'] * 1000:.0f} ms, longest {report['longest_batch_cpu_s'] * 1000:.0f} ms")
    print(f"Dask's own cost per task: {per_task_s * 1000:.2f} ms")
    print(f"over the network: {report['bytes_out'] / 1000:.0f} KB out, {report['bytes_back'] / 1000:.0f} KB back "
          f"({report['bytes_per_batch'] / 1000:.1f} KB per batch); the text alone {report['bytes_text'] / 1000:.0f} KB")
    for machines in (1, 2, 4, 8, 16):
        cores = machines * report["cores"]
        seconds = predicted_s(report["workers_cpu_s"], report["longest_batch_cpu_s"], report["batches"], per_task_s, cores)
        print(f"expected on {machines:2d} machine(s) of {report['cores']} free cores: {seconds:5.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
