"""The extract stage on a dask.distributed cluster: the same per-document task mapped over
the cluster's workers, outcomes yielded to the client as they finish.

Crash isolation comes from the scheduler: a worker process that dies (a native library
crashing on a file, the kernel's OOM killer, kill -9) is restarted by its nanny, and the
documents it held are run again on another worker. Two settings make that exact, and this
module sets them on the LocalCluster it starts (a separate `dask scheduler` takes them from
its environment, see README "Scaling out"):

- `distributed.scheduler.allowed-failures = 1`: a document whose worker died is retried
  elsewhere once; a second death makes it KilledWorker, which becomes a rejected record
  naming the crash, and the batch carries on.
- `distributed.scheduler.worker-saturation = 1.0`: a worker holds only the documents it is
  running (one per thread), so the death counts against the culprit, not against documents
  that were merely queued behind it.

Submission is a window (a few tasks per worker thread in flight), so the scheduler's memory
and the client's do not grow with a million-document batch, and records reach the loader
while the batch runs.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipeline.batch import Outcome, _path_id, _sha_of, not_regular, warm_imports
from pipeline.executors.store import RecordStore, fetch, is_url
from pipeline.executors.task import Process, extract_one, rejected
from pipeline.record import flush_to_disk
from pipeline.settings import Settings

CLUSTER_CONFIG = {
    "distributed.scheduler.allowed-failures": 1,
    "distributed.scheduler.worker-saturation": 1.0,
}
IN_FLIGHT_PER_THREAD = 4
CRASHED = "the reader crashed its worker process on this file (twice, on two workers)"


@contextmanager
def dask_client(scheduler: str | None, workers: int, dashboard: str | None = ":8787") -> Iterator[Any]:
    """A client of the given scheduler, or of a LocalCluster of `workers` single-threaded
    worker processes started here (and stopped on leaving)."""
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set(CLUSTER_CONFIG):
        if scheduler:
            with Client(scheduler) as client:
                yield client
            return
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=dashboard) as cluster, Client(cluster) as client:
            yield client


def describe(client: Any) -> str:
    """One line: where the dashboard is, how many workers and threads."""
    info = client.scheduler_info()
    threads = sum(w.get("nthreads", 0) for w in info.get("workers", {}).values())
    link = client.dashboard_link if "dashboard" in info.get("services", {}) else "none (bokeh missing on the scheduler)"
    return f"dask: {len(info.get('workers', {}))} workers, {threads} threads; dashboard {link}"


def extract_on_dask(client: Any, files: list[Path | str], store: RecordStore, force: bool, timeout: int,
                    settings: Settings, process: Process | None = None) -> Iterator[Outcome]:
    """Extract every file on the cluster; yields one outcome per file as it finishes."""
    from distributed import as_completed

    store.prepare()
    # Every worker imports the readers once now, not inside its first documents (as the
    # local pool's parent does before it forks).
    client.run(warm_imports)
    threads = sum(client.nthreads().values()) or 1
    todo = iter(str(f) for f in files)
    which: dict[str, str] = {}
    serial = itertools.count()

    def submit(src: str) -> Any:
        fut = client.submit(extract_one, src, store, force, timeout, settings, process,
                            key=f"gongkai-extract-{hashlib.sha256(src.encode()).hexdigest()[:20]}-{next(serial)}",
                            pure=False)
        which[fut.key] = src
        return fut

    first = [submit(src) for src in itertools.islice(todo, threads * IN_FLIGHT_PER_THREAD)]
    pending = as_completed(first)
    for fut in pending:
        src = which.pop(fut.key)
        yield _outcome(fut, src, store)
        fut.release()
        nxt = next(todo, None)
        if nxt is not None:
            pending.add(submit(nxt))
    if store.local is not None:
        # Records are written without an fsync each (pipeline.record.write_record): every
        # worker puts what it wrote on its disk once, at the end of the batch.
        client.run(flush_to_disk)


def _outcome(fut: Any, src: str, store: RecordStore) -> Outcome:
    from distributed import KilledWorker

    try:
        # result() rather than the status: a result lost with its worker before it was
        # gathered is computed again by the scheduler, and result() waits for that.
        return fut.result()
    except KilledWorker:
        return rejected(src, _content_id(src), CRASHED, store)
    except Exception as exc:  # the task failed (say, the store refused the write): one line, batch goes on
        return rejected(src, _content_id(src), f"extraction failed on the cluster: {type(exc).__name__}: "
                        + " ".join(str(exc).split())[:200], store)


def _content_id(src: str) -> str:
    """The sha256 of a document that crashed its workers, read on the client (so that its
    rejected row is replaced when it reads one day); the hash of its name when unreadable."""
    try:
        if is_url(src):
            return hashlib.sha256(fetch(src)).hexdigest()
        if not_regular(Path(src)) is None:
            return _sha_of(Path(src))
    except OSError:
        pass
    return _path_id(Path(src)) if not is_url(src) else hashlib.sha256(src.encode()).hexdigest()
