"""Export facts, tidy (one row per fact) or wide (one row per report), to CSV, Parquet or xlsx.

CSV and Parquet are written by DuckDB itself (COPY), so money stays an exact DECIMAL and
millions of rows stream without passing through Python; xlsx goes through pandas and
openpyxl (Excel holds numbers as doubles; a sheet holds at most 1,048,575 data rows).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from pipeline import spec
from pipeline.compare.queries import QueryError, Years, region_filter
from pipeline.compare.wide import ID_COLS, wide_keys, zh_labels

EXPORT_FORMATS = ("csv", "parquet", "xlsx")
TIDY_COLS = (*ID_COLS, "table_id", "row_key", "col_key", "key", "value", "amount", "number", "value_kind",
             "printed_text", "unit", "derived_from_parts")
ZH = {
    "agency_id": "机关编号", "agency": "机关", "region": "地区", "province": "省", "city": "市",
    "county": "县区", "township": "乡镇街道", "province_code": "省代码", "city_code": "市代码",
    "county_code": "县区代码", "region_code": "区划代码", "year": "年度",
    "template": "模板", "scope": "范围", "report_id": "报告编号", "table_id": "表", "row_key": "行键",
    "col_key": "列键", "key": "键", "value": "数量", "amount": "金额(万元)", "number": "数值",
    "value_kind": "取值类型", "printed_text": "原文", "unit": "单位", "derived_from_parts": "推算值",
    "item": "项目",
}
XLSX_MAX_ROWS = 1_048_575
# DuckDB's memory during a CSV/Parquet export: a reader otherwise may take 80% of RAM, and
# the sort of a whole export (20 million facts) took 11.9 GB; past this it spills to disk
# (20,000 reports: 3.23 GB -> 0.73 GB peak, 11.6 -> 15.8 CPU seconds).
EXPORT_MEMORY_LIMIT = "512MB"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _item_labels(con: duckdb.DuckDBPyConnection) -> None:
    rows = {}
    for fmt in ("2019", "2021"):
        for i in spec.items(fmt):
            rows.setdefault(i.key, f"{i.row_label} {i.col_label}")
    con.register("_item_labels", pd.DataFrame({"key": list(rows), "item": list(rows.values())}))


def export_sql(con: duckdb.DuckDBPyConnection, wide: bool, labels: str, region: str | None,
               years: Years | None) -> tuple[str, list]:
    """The SELECT an export writes, with its parameters."""
    if labels not in ("en", "zh"):
        raise QueryError(f"--labels is zh or en, not {labels!r}")
    where, params = region_filter(region, "x")
    if years is not None:
        where += " AND x.year BETWEEN ? AND ?"
        params += [years.first, years.last]
    if wide:
        keys = [f"{t}.{r}.{c}" for t, r, c in wide_keys()]
        names = zh_labels() if labels == "zh" else {k: k for k in keys}
        cols = [f"x.{c} AS {_quote(ZH[c] if labels == 'zh' else c)}" for c in ID_COLS]
        cols += [f"x.{_quote(k)} AS {_quote(names[k])}" for k in keys]
        return (f"SELECT {', '.join(cols)} FROM report_wide x WHERE {where} "
                "ORDER BY x.agency, x.year, x.report_id"), params
    cols = [f"x.{c} AS {_quote(ZH[c] if labels == 'zh' else c)}" for c in TIDY_COLS]
    join = ""
    if labels == "zh":
        _item_labels(con)
        cols.insert(len(ID_COLS) + 4, f"l.item AS {_quote(ZH['item'])}")
        join = "LEFT JOIN _item_labels l ON l.key = x.key"
    return (f"SELECT {', '.join(cols)} FROM facts_current x {join} WHERE {where} "
            "ORDER BY x.agency, x.year, x.report_id, x.table_id, x.row_key, x.col_key"), params


def _xlsx(df: pd.DataFrame, out: Path) -> None:
    if len(df) > XLSX_MAX_ROWS:
        raise QueryError(f"{len(df)} rows do not fit one xlsx sheet (at most {XLSX_MAX_ROWS}): "
                         "use --format parquet or csv, or narrow with --region/--years")
    with pd.ExcelWriter(out, engine="openpyxl") as xw:
        df.to_excel(xw, index=False, sheet_name="gongkai", freeze_panes=(1, 0))
        ws = xw.sheets["gongkai"]
        for i, c in enumerate(df.columns, start=1):
            sample = [str(c), *(str(v) for v in df[c].head(200).tolist())]
            # CJK characters are about two Latin widths wide in a spreadsheet.
            width = max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in s) for s in sample)
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(60, width + 2)


def export(con: duckdb.DuckDBPyConnection, out: Path, fmt: str, wide: bool = False, labels: str = "en",
           region: str | None = None, years: Years | None = None) -> int:
    """Write the export; returns the number of rows written."""
    if fmt not in EXPORT_FORMATS:
        raise QueryError(f"--format is one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}")
    sql, params = export_sql(con, wide, labels, region, years)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        df = con.execute(sql, params).df()
        _xlsx(df, out)
        return len(df)
    opts = "FORMAT parquet, COMPRESSION zstd" if fmt == "parquet" else "FORMAT csv, HEADER true"
    # COPY takes no prepared parameters (and a read-only snapshot no views): the few
    # parameters (a region name, years) go in as escaped literals.
    with memory_limit(con, EXPORT_MEMORY_LIMIT):
        n = con.execute(f"COPY ({_inline(sql, params)}) TO {_literal(str(out))} ({opts})").fetchall()[0]
    return int(n[0]) if n else 0


@contextmanager
def memory_limit(con: duckdb.DuckDBPyConnection, limit: str) -> Iterator[None]:
    """DuckDB's memory limit set to `limit` for the block, the connection's own put back after."""
    (before,) = con.execute("SELECT current_setting('memory_limit')").fetchall()[0]
    con.execute(f"SET memory_limit = {_literal(limit)}")
    try:
        yield
    finally:
        con.execute(f"SET memory_limit = {_literal(before)}")


def _literal(v: object) -> str:
    if isinstance(v, bool) or v is None:
        raise TypeError(f"no literal for {v!r}")
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


def _inline(sql: str, params: list) -> str:
    parts = sql.split("?")
    if len(parts) != len(params) + 1:
        raise ValueError("placeholder count does not match the parameters")
    out = [parts[0]]
    for p, rest in zip(params, parts[1:], strict=True):
        out += [_literal(p), rest]
    return "".join(out)
