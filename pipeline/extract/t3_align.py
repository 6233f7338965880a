"""Table 三 rows as conversion tools leave them: value cells off their grid, labels lost.

Converters (OCR, PDF → Markdown) break table 三 into fragments: a row gets an empty cell
appended after its values (the grid was padded to a wider row), and some value rows lose
their label altogether (it went into the text above the table). Two rules recover what the
file still decides, and nothing more:

- value window: after a row's last label cell, the k value cells are the only run of k
  cells with nothing but blanks outside it; when blanks on both sides leave several runs,
  the one whose applicant columns add up to its 总计 is taken if it is the only such run,
  else the grid's own alignment (the last k cells), as for any other table;
- unlabelled rows: a run of value rows without a readable label between two labelled rows
  takes the template rows between those two, in order, when their numbers are equal (and
  none of those rows is labelled elsewhere); otherwise the run stays unread.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline import spec
from pipeline.extract.values import parse_value
from pipeline.model import Cell

# The rows of table 三 in printed order, in either template (2019 prints （六）其他处理 as
# one row, 2021 as three).
_ORDERS = (tuple(spec.row_keys("2021", "t3")), tuple(spec.row_keys("2019", "t3")))


def _blank(cell: Cell) -> bool:
    return not cell.text.strip()


def _number(cell: Cell) -> int | None:
    p = parse_value(cell.text)
    if p.kind == "blank":
        return 0
    return int(p.value) if p.kind == "number" and p.value is not None and p.value == int(p.value) else None


def _adds_up(cells: list[Cell]) -> bool:
    nums = [_number(c) for c in cells]
    return not _blank(cells[-1]) and None not in nums and sum(n or 0 for n in nums[:-1]) == nums[-1]


def value_window(cells: list[Cell], k: int) -> list[Cell] | None:
    """The k value cells of a row whose tail after its last label cell is longer than k
    and blank outside one run of k; None when the rule does not apply (the caller keeps its
    usual alignment)."""
    last_text = max((i for i, c in enumerate(cells) if not _blank(c) and parse_value(c.text).kind == "text"),
                    default=-1)
    tail = cells[last_text + 1:]
    if len(tail) <= k:
        return None
    runs = [tail[i:i + k] for i in range(len(tail) - k + 1)
            if all(_blank(c) for c in tail[:i]) and all(_blank(c) for c in tail[i + k:])]
    if len(runs) == 1:
        return runs[0]
    summing = [r for r in runs if _adds_up(r)]
    return summing[0] if len(summing) == 1 else None


@dataclass
class ValueRow:
    """A value row of table 三 in printed order: its key (None when its label could not be
    read), its value cells, where it is, and its label as printed (for findings)."""

    key: str | None
    cells: list[Cell] | None
    table_index: int
    row_index: int
    label: str = ""


def fill_unlabelled(rows: list[ValueRow]) -> None:
    """Give each run of unlabelled rows between two labelled rows the template rows between
    them, when the counts match under exactly one template reading."""
    labelled = {r.key for r in rows if r.key is not None}
    i = 0
    while i < len(rows):
        if rows[i].key is not None:
            i += 1
            continue
        j = i
        while j < len(rows) and rows[j].key is None:
            j += 1
        if i > 0 and j < len(rows):
            keys = _between(rows[i - 1].key, rows[j].key, j - i, labelled)
            if keys is not None:
                for r, k in zip(rows[i:j], keys, strict=True):
                    r.key = k
        i = j


def _between(before: str | None, after: str | None, count: int, labelled: set[str]) -> tuple[str, ...] | None:
    readings: set[tuple[str, ...]] = set()
    for order in _ORDERS:
        if before not in order or after not in order:
            continue
        a, b = order.index(before), order.index(after)
        keys = order[a + 1:b]
        if a < b and len(keys) == count and not set(keys) & labelled:
            readings.add(keys)
    return readings.pop() if len(readings) == 1 else None
