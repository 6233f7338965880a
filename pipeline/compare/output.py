"""Print a DataFrame as a table, CSV or JSON; numbers exactly as the database holds them."""

from __future__ import annotations

import json
import math
import os
import sys
from typing import Any

import numpy as np
import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table as RichTable

FORMATS = ("table", "csv", "json")


def _plain(v: Any) -> Any:
    if v is None or v is pd.NA:
        return None
    if isinstance(v, float):
        return None if math.isnan(v) else v
    if isinstance(v, np.ndarray | list | tuple):
        return [_plain(x) for x in list(v)]
    if isinstance(v, np.generic):
        return _plain(v.item())
    return v


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{c: _plain(v) for c, v in zip(df.columns, row, strict=True)} for row in df.itertuples(index=False)]


def _cell(v: Any) -> str:
    v = _plain(v)
    if v is None:
        return ""
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def emit(df: pd.DataFrame, fmt: str, title: str, console: Console) -> None:
    if fmt == "csv":
        out = df.copy()
        for c in out.columns:
            if out[c].dtype == object:
                out[c] = out[c].map(_cell)
        out.to_csv(sys.stdout, index=False)
    elif fmt == "json":
        print(json.dumps(records(df), ensure_ascii=False, default=str, indent=1))
    else:
        t = RichTable(title=title)
        for c in df.columns:
            numeric = pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
            t.add_column(str(c), justify="right" if numeric else "left", overflow="fold")
        for row in df.itertuples(index=False):
            t.add_row(*[_cell(v) for v in row])
        console.print(t)


# Short headings of the narrow compare table, so that agency × year and six indicators fit
# an 80-column terminal; --wide and csv/json keep the column names. A share is a fraction
# (0.2686), as the indicators view holds it, so its heading says "sh." and not "%".
SHORT = {"new_requests": "new", "carried_over": "carried over", "partially_granted": "partly",
         "granted_share": "grant sh.", "not_processed": "not proc.", "other_handling": "other",
         "carried_forward": "carried fwd", "reconsiderations": "reconsid", "corrected_share": "corr. sh."}
WIDE_ONLY = ("agency_id", "region", "level", "template", "scope")


def common_prefix(names: list[str]) -> str:
    """The leading part every agency name shares (江城市 in 江城市汉阳区…, 江城市统计局), cut
    back so that no name is left empty: shown once in the title, not on every row."""
    names = [n for n in names if n]
    if len(names) < 2:
        return ""
    prefix = os.path.commonprefix(names)
    while prefix and any(len(n) <= len(prefix) for n in names):
        prefix = prefix[:-1]
    return prefix


def emit_compare(df: pd.DataFrame, fmt: str, wide: bool, console: Console) -> None:
    """The compare verb's output: csv/json whole; the table narrow unless `wide`."""
    if fmt != "table":
        emit(df, fmt, "agencies compared", console)
        return
    prefix = "" if wide else common_prefix([str(a) for a in df["agency"] if isinstance(a, str)])
    shown = df if wide else df.drop(columns=[c for c in WIDE_ONLY if c in df.columns])
    title = "agencies compared (current reports)" + (f"; agencies of {prefix}…" if prefix else "")
    # Light rules and one space between columns (rich's SIMPLE_HEAD box, no edge).
    t = RichTable(title=title, box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1), pad_edge=False,
                  collapse_padding=True)
    for c in shown.columns:
        numeric = pd.api.types.is_numeric_dtype(shown[c]) and not pd.api.types.is_bool_dtype(shown[c])
        t.add_column(str(c) if wide else SHORT.get(str(c), str(c)), justify="right" if numeric else "left",
                     overflow="fold", no_wrap=c != "agency")
    for row in shown.itertuples(index=False):
        cells = [_cell(v) for v in row]
        if prefix:
            i = list(shown.columns).index("agency")
            cells[i] = cells[i][len(prefix):]
        t.add_row(*cells)
    console.print(t)
