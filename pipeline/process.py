"""One file through the per-document stages: read → extract → validate → status.

`process_file` is the one function a batch, a Dask worker or `gongkai show` calls for a
document; it never raises for bad input (the record says `rejected` and why).
"""

from __future__ import annotations

from pathlib import Path

from pipeline.record import Record
from pipeline.settings import DEFAULT, Settings


def process_file(path: Path | str, settings: Settings | None = None) -> Record:
    from pipeline.extract import extract_file

    return extract_file(path, settings or DEFAULT)
