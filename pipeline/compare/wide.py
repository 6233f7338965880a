"""The report_wide view: one row per current report, one named column per canonical key.

pipeline/sql/report_wide.sql is generated from items.csv by `python -m
pipeline.compare.wide > pipeline/sql/report_wide.sql` (a test keeps the two in step), so the
view is plain SQL in the package like the others, with the keys spelt out.
"""

from __future__ import annotations

from pipeline import spec

ID_COLS = ("agency_id", "agency", "region", "province", "province_code", "city", "city_code", "county",
           "county_code", "township", "region_code", "year", "template", "scope", "report_id")
TABLE_ZH = {"t2": "表二", "t3": "表三", "t4": "表四"}


def wide_keys() -> list[tuple[str, str, str]]:
    """Every canonical key of either template, 2021 order first, then the 2019-only keys."""
    seen: dict[tuple[str, str, str], None] = {}
    for fmt in ("2021", "2019"):
        for i in spec.items(fmt):
            seen.setdefault((i.table_id, i.row_key, i.col_key), None)
    return list(seen)


def zh_labels() -> dict[str, str]:
    """key → a Chinese column label (表三 予以公开 总计), unique; the 2021 wording when both exist."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for fmt in ("2021", "2019"):
        for i in spec.items(fmt):
            if i.key in out:
                continue
            label = f"{TABLE_ZH[i.table_id]} {i.row_label} {i.col_label}"
            if label in used:
                label = f"{label} ({i.key})"
            used.add(label)
            out[i.key] = label
    return out


def wide_sql() -> str:
    cols = ",\n".join(
        f"       max(number) FILTER (WHERE table_id = '{t}' AND row_key = '{r}' AND col_key = '{c}')"
        f' AS "{t}.{r}.{c}"' for t, r, c in wide_keys())
    ids = ", ".join(ID_COLS)
    return ("-- Generated from items.csv by `python -m pipeline.compare.wide`; do not edit by hand.\n"
            "-- One row per current report, one column per canonical key (exact DECIMAL; derived\n"
            "-- values where the cell was printed blank; NULL where the template has no such cell).\n"
            "CREATE OR REPLACE VIEW report_wide AS\n"
            f"SELECT {ids},\n{cols}\nFROM facts_current\nGROUP BY {ids};\n")


if __name__ == "__main__":
    print(wide_sql(), end="")
