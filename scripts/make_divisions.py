"""Convert jionlp's administrative-division dictionary into pipeline/data/divisions.csv.

Run once by hand when the division list needs refreshing (never at run time):

    pip download jionlp==1.5.31 --no-deps -d /tmp/jio && cd /tmp/jio && unzip -q jionlp-*.whl
    unzip -q jionlp/dictionary/china_location.zip -d loc
    python scripts/make_divisions.py /tmp/jio/loc/china_location.txt pipeline/data/divisions.csv

Source: jionlp 1.5.31 (Apache License 2.0), jionlp/dictionary/china_location.zip, a tree of
province / city / county (with 6-digit division codes) / township (names only). Villages are
dropped. 直辖市 and 省直辖行政区划 have no real city level: their counties hang directly
under the province (city left empty).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

NO_CITY = {"省直辖行政区划", "自治区直辖县级行政区划"}
MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}
HEADER = ["code", "name", "short", "level", "parent_code", "province", "city", "county"]


def convert(src: Path) -> list[list[str]]:
    rows: list[list[str]] = []
    prov = city = county = ("", "", "")
    for raw in src.read_text(encoding="utf-8").splitlines():
        depth = len(raw) - len(raw.lstrip("\t"))
        # Some entries (Taiwan's) carry no code or short name: kept, code left empty.
        parts = (raw.strip().split("\t") + ["", ""])[:3]
        if not parts[0] or depth == 4:
            continue
        if depth == 0:
            prov = (parts[1], parts[0], parts[2])
            city = county = ("", "", "")
            rows.append([prov[0], prov[1], prov[2], "province", "", prov[1], "", ""])
        elif depth == 1:
            if parts[0] in NO_CITY or parts[0] in MUNICIPALITIES:
                city = ("", "", "")
                continue
            city = (parts[1], parts[0], parts[2].split("/")[0])
            rows.append([city[0], city[1], parts[2], "city", prov[0], prov[1], city[1], ""])
        elif depth == 2:
            county = (parts[1], parts[0], parts[2])
            rows.append([county[0], county[1], county[2], "county", city[0] or prov[0], prov[1], city[1], ""])
        elif depth == 3:
            rows.append(["", parts[0], "", "township", county[0], prov[1], city[1], county[1]])
    return rows


def main() -> None:
    src, dst = Path(sys.argv[1]), Path(sys.argv[2])
    rows = convert(src)
    with dst.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# Source: jionlp 1.5.31 (Apache License 2.0), dictionary/china_location.zip; "
                 "converted by scripts/make_divisions.py. Township codes are not in the source.\n")
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows)
    print(f"{len(rows)} divisions written to {dst}")


if __name__ == "__main__":
    main()
