"""Settings for one run of the pipeline, passed from the CLI (or a batch) down to the readers.

One object rather than keyword arguments threaded through every call, so that a batch,
a Dask worker and a test all read a document the same way. Each reader's own settings
object explains its values (see `pipeline.readers.pdf.settings`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.readers.pdf.settings import PdfSettings


@dataclass(frozen=True)
class Settings:
    pdf: PdfSettings = field(default_factory=PdfSettings)


DEFAULT = Settings()
