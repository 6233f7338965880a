"""The extract stage over many files: parallel, resumable, and a crashing file isolated."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import pipeline.process as process_mod
from pipeline.batch import discover, extract_many


def _corpus(tmp_path: Path, wuhan_txt: Path, n: int) -> list[Path]:
    files = []
    for i in range(n):
        p = tmp_path / "in" / f"r{i}.txt"
        p.parent.mkdir(exist_ok=True)
        # distinct content (so distinct records): the publication day differs
        p.write_text(wuhan_txt.read_text(encoding="utf-8").replace("2025年1月13日", f"2025年1月{i + 1}日"),
                     encoding="utf-8")
        files.append(p)
    return files


def test_parallel_then_resume(tmp_path: Path, wuhan_txt: Path) -> None:
    files = _corpus(tmp_path, wuhan_txt, 4)
    out = tmp_path / "ex"
    first = list(extract_many(files, out, jobs=2))
    assert sorted(o.status for o in first) == ["ok"] * 4 and not any(o.skipped for o in first)
    assert len(list(out.glob("*.json"))) == 4 and not list(out.glob(".tmp-*"))
    again = list(extract_many(files, out, jobs=2))
    assert all(o.skipped for o in again)


def test_worker_crash_rejects_only_that_file(tmp_path: Path, wuhan_txt: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    files = _corpus(tmp_path, wuhan_txt, 4)
    real = process_mod.process_file

    def crashing(path, settings=None):  # workers are forked, so they see this patch
        if Path(path).name == "r2.txt":
            os._exit(3)  # what a segfault in a native reader looks like to the pool
        return real(path, settings)

    monkeypatch.setattr(process_mod, "process_file", crashing)
    outcomes = {o.path.name: o for o in extract_many(files, tmp_path / "ex", jobs=2)}
    assert set(outcomes) == {"r0.txt", "r1.txt", "r2.txt", "r3.txt"}
    assert outcomes["r2.txt"].status == "rejected"
    assert "crashed" in (outcomes["r2.txt"].reason or "")
    assert all(outcomes[n].status == "ok" for n in ("r0.txt", "r1.txt", "r3.txt"))


def test_discover_recursive_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "a" / ".git").mkdir(parents=True)
    (tmp_path / "a" / ".git" / "x.txt").write_text("x")
    (tmp_path / "a" / ".hidden.txt").write_text("x")
    (tmp_path / "a" / "b.txt").write_text("x")
    (tmp_path / "c.docx").write_text("x")
    assert [p.name for p in discover([tmp_path])] == ["c.docx", "b.txt"]
    with pytest.raises(FileNotFoundError):
        discover([tmp_path / "nope"])


def test_a_hanging_file_is_stopped_and_rejected(tmp_path: Path, wuhan_txt: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    files = _corpus(tmp_path, wuhan_txt, 2)
    real = process_mod.process_file

    def slow(path, settings=None):
        if Path(path).name == "r0.txt":
            time.sleep(30)
        return real(path, settings)

    monkeypatch.setattr(process_mod, "process_file", slow)
    start = time.monotonic()
    outcomes = {o.path.name: o for o in extract_many(files, tmp_path / "ex", jobs=1, timeout=1)}
    assert time.monotonic() - start < 15
    assert outcomes["r0.txt"].status == "rejected"
    assert outcomes["r0.txt"].reason == "extraction stopped: took longer than 1 s"
    assert outcomes["r1.txt"].status == "ok"
