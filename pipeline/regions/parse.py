"""Region of an agency from its name (and, to break ties, its report's text).

The name is read left to right: a province, then a city, then a county, then a township,
each optional, each a full name from the division table (short names like 武汉 are not
used: 江城 is a county's short name and also the first two characters of many names). A
county name that several places share (朝阳区, 鼓楼区) is resolved by the province or city
already read, else by the one the context mentions, else left out. Development zones not in
the table (…开发区管委会) become a county-level region without a code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.normalize import nfkc, squash
from pipeline.regions.divisions import Division, divisions

LEVELS = ("province", "city", "county", "township")
_ZONE = re.compile(r"^(.{2,24}?(?:经济技术开发区|高新技术产业开发区|经济开发区|开发区|高新区|新区|工业园区|园区|保税区|示范区))")


@dataclass(frozen=True)
class Region:
    province: str | None = None
    province_code: str | None = None
    city: str | None = None
    city_code: str | None = None
    county: str | None = None
    county_code: str | None = None
    township: str | None = None

    @property
    def level(self) -> str | None:
        """The finest level known."""
        for lv in reversed(LEVELS):
            if getattr(self, lv):
                return lv
        return None

    @property
    def code(self) -> str | None:
        """The code of the finest level that has one (townships have none)."""
        return self.county_code or self.city_code or self.province_code

    @property
    def name(self) -> str:
        return "".join(p for p in (self.province, self.city, self.county, self.township) if p)


def _match(text: str, level: str, ok: object = None) -> tuple[str, list[Division]]:
    """The longest full name of `level` that `text` starts with, its divisions filtered by ok."""
    idx = divisions()
    table = idx.names[level]
    for n in range(min(len(text), idx.longest), 1, -1):
        cands = table.get(text[:n])
        if cands:
            if callable(ok):
                cands = [c for c in cands if ok(c)]
            if cands:
                return text[:n], cands
    return "", []


def _pick(cands: list[Division], context: str) -> Division | None:
    if len(cands) == 1:
        return cands[0]
    hits = [c for c in cands if (c.city and c.city in context) or c.province in context]
    return hits[0] if len(hits) == 1 else None


def _from_province(prov: Division) -> dict[str, str | None]:
    return {"province": prov.name, "province_code": prov.code}


def _from_city(city: Division) -> dict[str, str | None]:
    idx = divisions().by_code
    return {**_from_province(idx[city.parent_code]), "city": city.name, "city_code": city.code}


def _from_county(county: Division) -> dict[str, str | None]:
    parent = divisions().by_code.get(county.parent_code)
    up = {} if parent is None else _from_city(parent) if parent.level == "city" else _from_province(parent)
    return {**up, "county": county.name, "county_code": county.code}


def parse_region(name: str | None, context: str = "") -> Region:
    """Region of an agency name; `context` (title, report text) only breaks ties."""
    s = squash(nfkc(name or ""))
    ctx = squash(nfkc(context))
    found: dict[str, str | None] = {}
    pos = 0
    n, cands = _match(s, "province")
    if cands:
        found.update(_from_province(cands[0]))
        pos += len(n)
    n, cands = _match(s[pos:], "city", lambda c: not found or c.province == found["province"])
    if cands:
        found.update(_from_city(cands[0]))
        pos += len(n)
    n, cands = _match(s[pos:], "county", lambda c: (
        (not found.get("province") or c.province == found["province"])
        and (not found.get("city") or c.city == found["city"])))
    county = _pick(cands, ctx) if cands else None
    if county is not None:
        found.update(_from_county(county))
        pos += len(n)
    elif not cands and (z := _ZONE.match(s[pos:])):
        found["county"] = z.group(1)
        pos += len(z.group(1))
    if county is not None:
        towns = divisions().towns.get(county.code, {})
        for k in range(min(len(s) - pos, 16), 1, -1):
            if s[pos:pos + k] in towns:
                found["township"] = s[pos:pos + k]
                break
    return Region(**found)
