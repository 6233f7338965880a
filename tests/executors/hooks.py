"""Per-document functions for the Dask tests: the real process_file, made slow, hanging or
crashing on one named file. Module-level, so that the cluster's worker processes (spawned,
not forked: a monkeypatch in the test process never reaches them) import them by name."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pipeline.process import process_file
from pipeline.record import Record
from pipeline.settings import Settings


def slow(path: Path, settings: Settings) -> Record:
    """Long enough per document for a worker to be killed while it holds one."""
    time.sleep(0.4)
    return process_file(path, settings)


def crash_on_r2(path: Path, settings: Settings) -> Record:
    if Path(path).name.startswith("r2."):
        os._exit(3)  # what a segfault in a native reader looks like to the nanny
    return process_file(path, settings)


def hang_on_r0(path: Path, settings: Settings) -> Record:
    if Path(path).name.startswith("r0."):
        for _ in range(600):  # a reader looping in Python for a minute
            time.sleep(0.1)
    return process_file(path, settings)
