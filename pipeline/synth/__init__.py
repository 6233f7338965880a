"""Synthetic annual reports with known truth, written the way agencies publish them.

`make_report`/`make_series` produce consistent numbers and prose (data.py); the writers
print them as .docx, .html or a .txt dump in the official merged-cell layout, with the
variations real publishers introduce (writers.py). Used by scripts/make_samples.py and
by round-trip tests of the readers and the extractor.
"""

from pipeline.synth.data import (
    PROFILES,
    SECTION_TITLES,
    SynthReport,
    format_for_year,
    item_keys,
    make_report,
    make_series,
    rule_violations,
)
from pipeline.synth.writers import compose, printed_cells, write_docx, write_html, write_txt

__all__ = [
    "PROFILES",
    "SECTION_TITLES",
    "SynthReport",
    "compose",
    "format_for_year",
    "item_keys",
    "make_report",
    "make_series",
    "printed_cells",
    "rule_violations",
    "write_docx",
    "write_html",
    "write_txt",
]
