"""Checks on extracted records: within one report (rules) and across years (crossyear).

`RULES` lists every rule of both kinds, for the README and `gongkai check`.
"""

from __future__ import annotations

from pipeline.validate.crossyear import RULES as SERIES_RULES
from pipeline.validate.crossyear import SeriesReport, check_series
from pipeline.validate.messages import RuleInfo
from pipeline.validate.rules import RULES as RECORD_RULES
from pipeline.validate.rules import derived_values, validate_record

RULES: list[RuleInfo] = [*RECORD_RULES, *SERIES_RULES]

__all__ = [
    "RECORD_RULES",
    "RULES",
    "SERIES_RULES",
    "RuleInfo",
    "SeriesReport",
    "check_series",
    "derived_values",
    "validate_record",
]
