"""Checks on extracted records: within one report (rules) and across years (crossyear).

`CATALOGUE` (in `catalogue`) registers every id any stage emits; `RULES` lists them all,
for the README, `gongkai rules` and `gongkai check`.
"""

from __future__ import annotations

from pipeline.validate.catalogue import CATALOGUE, Rule, RuleInfo, all_rules, finding
from pipeline.validate.crossyear import RULES as SERIES_RULES
from pipeline.validate.crossyear import SeriesReport, check_series
from pipeline.validate.rules import RULES as RECORD_RULES
from pipeline.validate.rules import derived_values, validate_record

RULES: list[Rule] = all_rules()

__all__ = [
    "CATALOGUE",
    "RECORD_RULES",
    "RULES",
    "SERIES_RULES",
    "Rule",
    "RuleInfo",
    "SeriesReport",
    "check_series",
    "derived_values",
    "finding",
    "all_rules",
    "validate_record",
]
