"""The alias file users edit: renames and mergers in institutional reforms.

TOML, one table per change:

    [[rename]]
    from = "江城市汉阳区档案局"          # the name printed on older reports
    to = "江城市汉阳区档案馆"            # the agency it became
    since = 2022                        # first year under the new name
    note = "2021 机构改革"

    [[merge]]
    from = ["江城市环境保护局", "江城市林业局"]
    to = "江城市生态环境局"
    since = 2019

Either way every report filed under a `from` name joins the series of `to` (its agency_id);
a merged agency's earlier years are the sum of its predecessors. Chains (A → B, B → C) are
followed to the end.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from pipeline.agencies.names import normalise_name


class AliasError(ValueError):
    """The alias file cannot be used; the message is one line."""


@dataclass(frozen=True)
class Alias:
    old: str
    new: str
    since: int | None
    kind: str  # rename or merge
    note: str | None


def _entry(kind: str, i: int, e: object) -> list[Alias]:
    if not isinstance(e, dict) or "from" not in e or "to" not in e:
        raise AliasError(f"{kind} #{i + 1}: needs 'from' and 'to'")
    olds = e["from"] if isinstance(e["from"], list) else [e["from"]]
    since = e.get("since")
    if since is not None and not isinstance(since, int):
        raise AliasError(f"{kind} #{i + 1}: 'since' must be a year, not {since!r}")
    if not all(isinstance(o, str) and o for o in olds) or not isinstance(e["to"], str) or not e["to"]:
        raise AliasError(f"{kind} #{i + 1}: 'from' and 'to' must be agency names")
    return [Alias(o, e["to"], since, kind, e.get("note")) for o in olds]


def read_aliases(path: Path | None) -> list[Alias]:
    """Aliases from a TOML file; none when there is no file."""
    if path is None or not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AliasError(f"{path}: not valid TOML ({exc})") from exc
    out: list[Alias] = []
    for kind in ("rename", "merge"):
        entries = data.get(kind, [])
        if not isinstance(entries, list):
            raise AliasError(f"{path}: [[{kind}]] must be a list of tables")
        for i, e in enumerate(entries):
            out.extend(_entry(kind, i, e))
    return out


def resolve(aliases: list[Alias]) -> dict[str, Alias]:
    """Normalised old name → the alias whose `new` is the end of its chain."""
    step = {normalise_name(a.old): a for a in aliases}
    out: dict[str, Alias] = {}
    for key, a in step.items():
        seen = {key}
        end = a
        while (nxt := step.get(normalise_name(end.new))) is not None:
            if normalise_name(nxt.old) in seen or normalise_name(end.new) in seen:
                raise AliasError(f"alias cycle through {end.new}")
            seen.add(normalise_name(end.new))
            end = nxt
        out[key] = Alias(a.old, end.new, a.since, a.kind, a.note)
    return out
