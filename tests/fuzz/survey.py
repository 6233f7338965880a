"""The long run (`make fuzz`): many documents per file type from the unrestricted strategy,
tallied by failure class and by layout dimension. Prints a report; never fails."""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter, defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings

from tests.fuzz.check import Outcome, compare, read_back
from tests.fuzz.classes import classify
from tests.fuzz.strategies import reports
from tests.fuzz.truth import Report


def _draw(n: int, seed: int) -> list[Report]:
    drawn: list[Report] = []

    @settings(max_examples=n, database=None, deadline=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(reports())
    def collect(rep: Report) -> None:
        drawn.append(rep)

    from hypothesis import seed as hseed

    hseed(seed)(collect)()
    return drawn


class Tally:
    def __init__(self) -> None:
        self.docs = 0
        self.failed = 0
        self.meta_ok = 0
        self.cells = 0
        self.cells_right = 0
        self.classes: Counter[str] = Counter()
        self.by_dim: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # docs, meta, cells, right
        self.examples: dict[str, str] = {}

    def add(self, rep: Report, fmt: str, out: Outcome) -> None:
        self.docs += 1
        self.failed += not out.ok
        self.meta_ok += out.meta_ok
        self.cells += out.cells
        self.cells_right += out.cells_right
        for cls in classify(rep, fmt, out):
            self.classes[cls] += 1
            self.examples.setdefault(cls, "; ".join(out.problems[:3]))
        dims = {"template": rep.template, **{k: _dim(v) for k, v in asdict(rep.layout).items()}}
        for k, v in dims.items():
            row = self.by_dim[(k, v)]
            row[0] += 1
            row[1] += out.meta_ok
            row[2] += out.cells
            row[3] += out.cells_right

    def summary(self) -> dict[str, Any]:
        return {"docs": self.docs, "failed": self.failed, "meta_ok": self.meta_ok, "cells": self.cells,
                "cells_right": self.cells_right, "classes": dict(self.classes.most_common()),
                "examples": self.examples,
                "by_dim": {f"{k}={v}": r for (k, v), r in sorted(self.by_dim.items())}}


def _dim(v: Any) -> str:
    if isinstance(v, frozenset | set):
        return "none" if not v else "some"
    if isinstance(v, tuple):
        return "+".join(map(str, v)) if len(v) <= 3 else "tuple"
    return str(v)


def _pdf_batch(reps: list[Report], tally: Tally, folder: Path) -> None:
    """LibreOffice starts once for the whole batch: converting one by one costs ~20 s each."""
    import shutil
    import subprocess

    from pipeline.process import process_file
    from tests.fuzz.render_docx import write_docx
    from tests.fuzz.render_pdf import soffice

    exe = soffice()
    if exe is None:
        print("pdf: LibreOffice not installed, skipped")
        return
    srcs = [write_docx(rep, folder / f"doc{i:04d}.docx") for i, rep in enumerate(reps)]
    subprocess.run([exe, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), *map(str, srcs)], check=True, capture_output=True, timeout=3600)
    for i, rep in enumerate(reps):
        tally.add(rep, "pdf", compare(rep, process_file(folder / f"doc{i:04d}.pdf")))
    shutil.rmtree(folder / "profile", ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--examples", type=int, default=400, help="documents per file type")
    ap.add_argument("--pdf", type=int, default=40, help="PDF documents (LibreOffice is slow)")
    ap.add_argument("--formats", default="docx,html,txt,md,pdf")
    ap.add_argument("--json", type=Path, help="also write the tallies here")
    ap.add_argument("--seed", type=int, default=9)
    args = ap.parse_args()
    results: dict[str, Any] = {}
    for fmt in args.formats.split(","):
        tally = Tally()
        with tempfile.TemporaryDirectory(prefix=f"fuzz-{fmt}-") as tmp:
            n = args.pdf if fmt == "pdf" else args.examples
            reps = _draw(n, args.seed)
            if fmt == "pdf":
                _pdf_batch(reps, tally, Path(tmp))
            else:
                for i, rep in enumerate(reps):
                    d = Path(tmp) / str(i)
                    d.mkdir()
                    tally.add(rep, fmt, read_back(rep, fmt, d))
        results[fmt] = tally.summary()
        _print(fmt, results[fmt])
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


def _print(fmt: str, s: dict[str, Any]) -> None:
    print(f"== {fmt}: {s['docs']} documents, {s['failed']} with a difference; metadata right "
          f"{s['meta_ok']}/{s['docs']}; cells right {s['cells_right']}/{s['cells']}"
          f" ({100 * s['cells_right'] / max(1, s['cells']):.2f}%)")
    for cls, n in s["classes"].items():
        print(f"   {n:5d}  {cls}   e.g. {s['examples'][cls][:160]}")
    worst = sorted(((r[3] / max(1, r[2]), r[1] / max(1, r[0]), k, r[0]) for k, r in s["by_dim"].items()))
    for cell_acc, meta_acc, k, n in worst[:12]:
        if cell_acc < 1 or meta_acc < 1:
            print(f"   layout {k:28s} docs {n:4d}  cells {100 * cell_acc:6.2f}%  metadata {100 * meta_acc:6.2f}%")


if __name__ == "__main__":
    main()
