"""The administrative-division table shipped in the package (pipeline/data/divisions.csv).

Converted once from jionlp's location dictionary by scripts/make_divisions.py (source and
licence in the CSV's first line); read from the package, never from the network.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Division:
    code: str  # 6-digit division code; empty for townships (the source has none)
    name: str
    level: str  # province, city, county, township
    parent_code: str
    province: str
    city: str  # empty under 直辖市 and 省直辖行政区划
    county: str


@dataclass
class DivisionIndex:
    by_code: dict[str, Division]
    # full name → every division of that level with the name (county names repeat)
    names: dict[str, dict[str, list[Division]]]
    # county code → township name → township
    towns: dict[str, dict[str, Division]]
    longest: int


@cache
def divisions() -> DivisionIndex:
    by_code: dict[str, Division] = {}
    names: dict[str, dict[str, list[Division]]] = {lv: defaultdict(list) for lv in ("province", "city", "county")}
    towns: dict[str, dict[str, Division]] = defaultdict(dict)
    with resources.files("pipeline.data").joinpath("divisions.csv").open(encoding="utf-8") as fh:
        lines = (ln for ln in fh if not ln.startswith("#"))
        for row in csv.DictReader(lines):
            d = Division(row["code"], row["name"], row["level"], row["parent_code"], row["province"],
                         row["city"], row["county"])
            if d.level == "township":
                towns[d.parent_code].setdefault(d.name, d)
                continue
            if d.code:
                by_code[d.code] = d
            names[d.level][d.name].append(d)
    longest = max(len(n) for lv in names.values() for n in lv)
    return DivisionIndex(by_code, names, dict(towns), longest)
