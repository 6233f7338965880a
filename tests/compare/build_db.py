"""A generated multi-region database for the comparison tests, built through the real load.

Reports come from the synthetic generator (numbers that obey the template's rules), become
Records as extraction would produce them, and go through pipeline.load.load_records into a
real DuckDB file. `TRUTH` keeps every value, so tests compare the database's answers with
numbers computed here in Python, never with numbers copied into the test.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pipeline.db import connect
from pipeline.load import load_records
from pipeline.record import Fact, Record
from pipeline.snapshot import publish
from tests.kit import make_report

# (name printed on the report, years). Several provinces, a 直辖市, districts, a township,
# a development zone, a rename (档案局 → 档案馆 from 2021, via the alias file), two
# spellings of one office, a missing year (汉阳区 2022), the 2019/2021 template boundary.
SERIES: list[tuple[str, list[int]]] = [
    ("武汉市硚口区档案局", [2019, 2020]),
    ("武汉市硚口区档案馆", [2021, 2022, 2023, 2024]),
    ("武汉市汉阳区人民政府办公室", [2020, 2021, 2024]),
    ("武汉市汉阳区政府办公室", [2023]),
    ("武汉市人民政府", [2020, 2021, 2022, 2023, 2024]),
    ("武汉市硚口区六角亭街道办事处", [2022, 2023, 2024]),
    ("北京市朝阳区人民政府", [2021, 2022, 2023, 2024]),
    ("淮安市人民政府办公室", [2019, 2020, 2021, 2022, 2023, 2024]),
    ("淮安市清江浦区人民政府", [2023, 2024]),
    ("长春经济技术开发区管理委员会", [2024]),
]
RENAME = ("武汉市硚口区档案局", "武汉市硚口区档案馆", 2021)
ALIASES_TOML = f"""
[[rename]]
from = "{RENAME[0]}"
to = "{RENAME[1]}"
since = {RENAME[2]}
note = "机构改革"
"""
# An older version of one report (same agency and year, published earlier, other numbers):
# only the newer one is current.
SUPERSEDED = ("淮安市人民政府办公室", 2024)


@dataclass
class Truth:
    agency: str
    year: int
    fmt: str
    scope: str
    values: dict[str, int | Decimal]
    report_id: str


def _sha(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def make_record(name: str, year: int, seed: int, published: dt.date | None = None) -> tuple[Record, Truth]:
    rng = random.Random(seed)
    rep = make_report(rng, name, year, published_on=published or dt.date(year + 1, 1, 20))
    sha = _sha(name, year, seed)
    facts = [Fact(table_id=k.split(".", 1)[0], row_key=k.split(".", 1)[1].rsplit(".", 1)[0],
                  col_key=k.rsplit(".", 1)[1], value=v, value_kind="number", printed_text=str(v),
                  unit="万元" if isinstance(v, Decimal) else "件")
             for k, v in rep.values.items()]
    rec = Record(sha256=sha, source_path=f"/reports/{name}-{year}-{seed}.txt", file_type="txt", status="ok",
                 metadata={"title": rep.title, "agency": name, "year": year, "format_version": rep.format_version,
                           "scope": rep.scope, "published_on": rep.published_on.isoformat()},
                 facts=facts, provenance={"extractor": "test"})
    return rec, Truth(name, year, rep.format_version, rep.scope, dict(rep.values), sha)


def build(db: Path, with_aliases: bool = True) -> dict[tuple[str, int], Truth]:
    """Build the database (and its snapshot); returns the current report's truth by (name, year)."""
    if with_aliases:
        (db.parent / "aliases.toml").write_text(ALIASES_TOML, encoding="utf-8")
    records, truth = [], {}
    for i, (name, years) in enumerate(SERIES):
        for year in years:
            rec, t = make_record(name, year, seed=i * 100 + year)
            records.append(rec)
            truth[(name, year)] = t
    old, _ = make_record(*SUPERSEDED, seed=7, published=dt.date(SUPERSEDED[1] + 1, 1, 2))
    records.append(old)
    con = connect(db)
    load_records(con, records)
    publish(con, db)
    con.close()
    return truth


def indicator(t: Truth, name: str) -> int | None:
    """The documented formula of an indicator, computed from the generator's values."""
    v = t.values

    def total(prefix: str, table: str = "t3", col: str = "total") -> int:
        return sum(int(x) for k, x in v.items()
                   if k.startswith(f"{table}.{prefix}") and k.endswith(f".{col}") and k.count(".") >= 2)

    simple = {"new_requests": "t3.new_received.total", "carried_over": "t3.carried_over.total",
              "handled": "t3.total.total", "granted": "t3.granted.total",
              "partially_granted": "t3.partially_granted.total", "carried_forward": "t3.carried_forward.total",
              "reconsiderations": "t4.reconsideration.total"}
    if name in simple:
        return int(v[simple[name]])
    if name in ("denied", "unavailable", "not_processed"):
        return total(name + ".")
    if name == "other_handling":
        return int(v["t3.other.total"]) if "t3.other.total" in v else total("other.")
    if name == "lawsuits":
        return total("litigation_", "t4")
    raise KeyError(name)


def share(num: int, den: int) -> float | None:
    return None if den == 0 else round(Decimal(num) / Decimal(den), 4).__float__()
