"""Column keys of tables t3 and t4 from their header rows, by label, not by position.

Header rows come in two shapes: a full grid with merges resolved (Word, HTML, PDF),
or the text dump's shape where a merged header cell is printed once and later header
rows carry only the labels under it. Both reduce to the same thing once covered grid
positions are dropped: labels in reading order, row by row. Each label is a column or
a group of columns with a known number of children (法人或其他组织 has five, 行政诉讼
two groups of five...), so a tree can be rebuilt by giving each label to the leftmost
open group that accepts it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline import spec
from pipeline.extract import labels as lab
from pipeline.normalize import norm_label

# From the template's header tree (data/structure.csv): group key → (number of children,
# keys it accepts); the keys that may stand at the top; the value columns in printed order.
GROUPS: dict[str, dict[str, tuple[int, set[str]]]] = {
    tid: {g: (len(ch), set(ch)) for g, ch in spec.column_groups(tid).items()} for tid in ("t3", "t4")
}
# the organisation columns stand at the top when no 法人或其他组织 band is printed
TOP_LEVEL = {tid: set(spec.column_roots(tid)) for tid in ("t3", "t4")}
CANONICAL = {tid: list(spec.column_paths(tid)) for tid in ("t3", "t4")}


@dataclass
class _Slot:
    key: str
    children: list[_Slot] = field(default_factory=list)

    def open_for(self, table_id: str, key: str) -> _Slot | None:
        """Leftmost slot in this subtree that still takes `key` as a child."""
        for child in self.children:
            found = child.open_for(table_id, key)
            if found is not None:
                return found
        spec = GROUPS[table_id].get(self.key)
        if spec and key in spec[1] and len(self.children) < spec[0]:
            return self
        return None

    def paths(self, table_id: str) -> list[str]:
        """t4 keys as row.col (reconsideration.upheld); t3 keys as col."""
        if self.key not in GROUPS[table_id]:
            return [self.key]
        out: list[str] = []
        for child in self.children:
            if child.key in GROUPS[table_id]:
                out.extend(child.paths(table_id))
            elif table_id == "t4":
                out.append(f"{self.key}.{child.key}")
            else:
                out.append(child.key)
        return out




def label_key(text: str, table_id: str) -> str | None:
    t = norm_label(text)
    if not t:
        return None
    return lab.match(t, table_id, "colgroup") or lab.match(t, table_id, "col")


def resolve(header_rows: list[list[str]], table_id: str, partial: bool = False) -> list[str] | None:
    """Column keys in printed order, or None when the header cannot be read.

    `partial` accepts whole groups of t4 (行政复议 printed in a table of its own)."""
    tops: list[_Slot] = []
    for row in header_rows:
        for text in row:
            key = label_key(text, table_id)
            if key is None:
                continue
            slot = None
            for top in tops:
                slot = top.open_for(table_id, key)
                if slot is not None:
                    break
            node = _Slot(key)
            if slot is not None:
                slot.children.append(node)
            elif key in TOP_LEVEL[table_id] and all(t.key != key for t in tops):
                tops.append(node)
    keys: list[str] = []
    for top in tops:
        keys.extend(top.paths(table_id))
    if sorted(keys) == sorted(CANONICAL[table_id]):
        return keys
    if partial and keys and len(set(keys)) == len(keys) and set(keys) <= set(CANONICAL[table_id]) \
            and len(keys) % 5 == 0:
        return keys
    return None
