"""Generate the synthetic sample reports in raw/ (deterministic: same code, same bytes).

    .venv/bin/python scripts/make_samples.py [--out raw]

Every file except wuhan-qiaokou-archives-2024.txt (a real report, copied verbatim from
the real sample, and huaian-city-2024.pdf, a real published PDF) is SYNTHETIC: fictional agencies with numbers drawn by
the test kit (tests/kit) so that every accounting rule holds. scripts/samples-manifest.csv lists them.

`build_samples()` returns the reports with their writer and variants, so a test can
regenerate the truth of any file in raw/ without a truth file beside it.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The writers are a test kit, not part of the package: import it from the repository.
sys.path.insert(0, str(ROOT))

from tests.kit import SynthReport, make_series, write_docx, write_html, write_txt  # noqa: E402

REAL_SAMPLE = ROOT / "tests" / "fixtures" / "wuhan-qiaokou-archives-2024.txt"
REAL_PDF = ROOT / "tests" / "fixtures" / "huaian-city-2024.pdf"
# The manifest lives beside this script, not in raw/: raw/ holds only documents, so
# `gongkai ingest raw` reads nothing but reports.
MANIFEST = ROOT / "scripts" / "samples-manifest.csv"
SEED = "gongkai-samples-v1"


@dataclass
class Sample:
    file: str
    report: SynthReport
    writer: str  # docx, html, txt
    variants: dict[str, object] = field(default_factory=dict)
    series: str = ""  # several files of one consistent series share this name

    def write(self, out_dir: Path) -> Path:
        writers: dict[str, Callable[..., Path]] = {
            "docx": write_docx,
            "html": write_html,
            "txt": write_txt,
        }
        return writers[self.writer](self.report, out_dir / self.file, **self.variants)


def _series(agency: str, years: list[int], **kw: object) -> dict[int, SynthReport]:
    # One generator per agency, seeded by name, so adding a sample never shifts the others.
    rng = random.Random(f"{SEED}:{agency}")
    return {r.year: r for r in make_series(rng, agency, years, **kw)}  # type: ignore[arg-type]


def _zero_keys(rep: SynthReport, prefix: str) -> frozenset[str]:
    return frozenset(k for k, v in rep.values.items() if k.startswith(prefix) and v == 0)


def build_samples() -> list[Sample]:
    archive = _series("江城市汉阳区档案馆", [2022, 2023, 2024])
    county = _series("清河县人民政府办公室", [2019, 2020, 2023])
    bureau = _series("江城市生态环境局", [2023, 2024])
    street = _series("江城市汉阳区五里街道办事处", [2020, 2024])
    city = _series("江城市人民政府", [2019, 2022])
    return [
        # A district archive over three consecutive years, one per medium.
        Sample(
            "jiangcheng-hanyang-archives-2022.docx",
            archive[2022],
            "docx",
            {"title_split": True},
            "archive",
        ),
        Sample(
            "jiangcheng-hanyang-archives-2023.html",
            archive[2023],
            "html",
            {"container": "zoom"},
            "archive",
        ),
        Sample(
            "jiangcheng-hanyang-archives-2024.txt",
            archive[2024],
            "txt",
            {"title_split": True},
            "archive",
        ),
        # County government office on the 2019 template, then the 2021 one.
        Sample(
            "qinghe-county-office-2019.docx",
            county[2019],
            "docx",
            {"caption": True, "split_labels": True},
            "county",
        ),
        Sample(
            "qinghe-county-office-2020.html",
            county[2020],
            "html",
            {"encoding": "gbk", "blank_zeros": True, "plus_sign": True},
            "county",
        ),
        Sample(
            "qinghe-county-office-2023.docx",
            county[2023],
            "docx",
            {"text_cells": {"t2.fees.amount": "见附件"}, "title_niandu": True},
        ),
        # City bureau: licences, penalties and fees.
        Sample(
            "jiangcheng-eeb-2023.html",
            bureau[2023],
            "html",
            {"container": "article", "split_labels": True, "title_in_body": True},
            "eeb",
        ),
        Sample(
            "jiangcheng-eeb-2024.docx",
            bureau[2024],
            "docx",
            {
                "t2_layout": "four",
                "vertical_label": True,
                "money_in_yuan": True,
                "title_niandu": True,
            },
            "eeb",
        ),
        # Street office: tiny numbers, dashes and blanks for zero.
        Sample(
            "jiangcheng-hanyang-wuli-street-2020.txt", street[2020], "txt", {"blank_zeros": True}
        ),
        Sample(
            "jiangcheng-hanyang-wuli-street-2024.docx",
            street[2024],
            "docx",
            {
                "other_single_row": True,
                "fullwidth_digits": True,
                "dash_cells": _zero_keys(street[2024], "t4.")
                | _zero_keys(street[2024], "t2.rules."),
            },
        ),
        # City government, aggregate of all its departments and districts.
        Sample(
            "jiangcheng-city-2019.docx",
            city[2019],
            "docx",
            {"title_fullwidth": True, "caption": True},
        ),
        Sample(
            "jiangcheng-city-2022.html",
            city[2022],
            "html",
            {"encoding": "gbk", "t3_header_repeat": True, "container": "zoom"},
        ),
    ]


def _variant_text(variants: dict[str, object]) -> str:
    def plain(v: object) -> object:
        return sorted(v) if isinstance(v, frozenset | set) else v

    return json.dumps(
        {k: plain(v) for k, v in variants.items()}, ensure_ascii=False, sort_keys=True
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "raw")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for s in build_samples():
        path = s.write(out)
        rows.append(
            {
                "file": s.file,
                "agency": s.report.agency,
                "year": s.report.year,
                "format": s.report.format_version,
                "scope": s.report.scope,
                "writer": s.writer,
                "variants": _variant_text(s.variants),
                "series": s.series,
                "synthetic": "yes",
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "note": "SYNTHETIC: fictional agency, numbers generated by tests/kit (seed "
                f"{SEED}); regenerate with scripts/make_samples.py",
            }
        )
    if REAL_SAMPLE.exists():
        dest = out / REAL_SAMPLE.name
        shutil.copyfile(REAL_SAMPLE, dest)
        rows.append(
            {
                "file": REAL_SAMPLE.name,
                "agency": "武汉市硚口区档案馆",
                "year": 2024,
                "format": "2021",
                "scope": "agency",
                "writer": "txt",
                "variants": "",
                "series": "",
                "synthetic": "no",
                "sha256": hashlib.sha256(dest.read_bytes()).hexdigest(),
                "note": "REAL report (text dump of the published docx), copied verbatim",
            }
        )
    if REAL_PDF.exists():
        dest = out / REAL_PDF.name
        shutil.copyfile(REAL_PDF, dest)
        rows.append(
            {
                "file": REAL_PDF.name,
                "agency": "淮安市人民政府",
                "year": 2024,
                "format": "2021",
                "scope": "agency",
                "writer": "pdf",
                "variants": "",
                "series": "",
                "synthetic": "no",
                "sha256": hashlib.sha256(dest.read_bytes()).hexdigest(),
                "note": "REAL report as published (WPS-exported PDF, tables split across pages)",
            }
        )
    with MANIFEST.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} files to {out} and the manifest to {MANIFEST}")


if __name__ == "__main__":
    main()
