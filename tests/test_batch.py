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
    found = discover([tmp_path])
    assert [p.name for p in found.files] == ["c.docx", "b.txt"] and found.unreadable == []
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


def test_symlinked_subfolder_followed_and_loops_walked_once(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "2024"
    elsewhere.mkdir(parents=True)
    (elsewhere / "r.txt").write_text("x")
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "2024").symlink_to(elsewhere, target_is_directory=True)
    (inbox / "loop").symlink_to(inbox, target_is_directory=True)  # in/loop -> in
    found = discover([inbox])
    assert found.files == [inbox / "2024" / "r.txt"] and found.unreadable == []


def test_special_files_rejected_within_the_deadline_and_the_rest_extracted(tmp_path: Path,
                                                                          wuhan_txt: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    os.mkfifo(inbox / "report.pdf")  # opening it for reading would block forever
    (inbox / "zero.txt").symlink_to("/dev/zero")  # reading it would never end
    (inbox / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (inbox / "good.txt").write_bytes(wuhan_txt.read_bytes())
    found = discover([inbox])
    outcomes = {o.path.name: o for o in extract_many(found.files, tmp_path / "ex", jobs=1, timeout=20)}
    assert outcomes["report.pdf"].reason == "not a regular file (a FIFO)"
    assert outcomes["zero.txt"].reason == "not a regular file (a device)"
    assert outcomes["dangling.txt"].reason == "cannot read: No such file or directory"
    assert outcomes["good.txt"].status == "ok"
    assert {o.status for n, o in outcomes.items() if n != "good.txt"} == {"rejected"}


def test_unreadable_subfolder_is_reported(tmp_path: Path) -> None:
    import tempfile

    # Permission bits do not stop root, so the walk runs in a child process that has
    # dropped to an unprivileged user; the folder is made where that user may look.
    top = Path(tempfile.mkdtemp(prefix="gongkai-unreadable-"))
    try:
        top.chmod(0o755)
        (top / "open").mkdir()
        (top / "open" / "r.txt").write_text("x")
        (top / "locked").mkdir()
        (top / "locked" / "hidden.txt").write_text("x")
        (top / "locked").chmod(0o000)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: drop privileges if we have them, walk, report, leave
            try:
                os.close(read)
                if os.geteuid() == 0:
                    os.setgid(65534)
                    os.setuid(65534)
                found = discover([top])
                os.write(write, repr(([str(p) for p in found.files],
                                      [(str(p), why) for p, why in found.unreadable])).encode())
            finally:
                os._exit(0)
        os.close(write)
        with os.fdopen(read) as fh:
            files, unreadable = eval(fh.read())  # our own repr of two lists of strings
        os.waitpid(pid, 0)
        assert files == [str(top / "open" / "r.txt")]
        assert unreadable == [(str(top / "locked"), "Permission denied")]
    finally:
        (top / "locked").chmod(0o755)
        import shutil

        shutil.rmtree(top)


def test_stale_temp_files_are_cleaned_fresh_ones_kept(tmp_path: Path) -> None:
    from pipeline.batch import clean_stale_temp

    out = tmp_path / "ex"
    out.mkdir()
    old = out / ".tmp-killed.json"
    old.write_bytes(b"")
    os.utime(old, (1_000_000_000, 1_000_000_000))
    fresh = out / ".tmp-being-written.json"
    fresh.write_bytes(b"{")
    assert clean_stale_temp(out) == [old]
    assert not old.exists() and fresh.exists()


def test_pool_workers_start_with_the_readers_imported(tmp_path: Path) -> None:
    """The readers' libraries are imported before the pool forks, so a worker's first
    document of each type does not pay for the imports (a fresh interpreter: this test
    process has imported them already)."""
    import subprocess
    import sys

    from tests.paths import ROOT

    script = (
        "import sys\n"
        "import pipeline.batch as b\n"
        "def missing():\n"
        "    return [m for m in b.WARM_MODULES if m not in sys.modules]\n"
        "before = missing()\n"
        "with b._pool(1, b.DEFAULT) as pool:\n"
        "    print(repr((before, pool.submit(missing).result())))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    before, in_worker = eval(out.stdout.strip())  # noqa: S307 - our own repr of two lists
    assert before, "the parent had not imported the readers yet: the test proves nothing"
    assert in_worker == []
