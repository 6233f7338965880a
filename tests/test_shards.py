"""Shards (many records' facts and headers in two Parquet files): loading through them gives
exactly the rows the JSON gives; a stale entry, a half-written or damaged shard is never
trusted; pack merges loose companions into shards."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline.companion import SUFFIX
from pipeline.db import connect, query
from pipeline.load import load_folder
from pipeline.process import process_file
from pipeline.record import Record, to_json, write_record
from pipeline.shards import FACTS_SUFFIX, INDEX_SUFFIX, facts_file, pack, write_shard
from tests.test_companion import TABLES, _dump, _records


def _json_only(rec: Record, folder: Path) -> Path:
    """The record's JSON as write_record writes it, without a companion."""
    path = write_record(rec, folder)
    path.with_name(path.name.removesuffix(".json") + SUFFIX).unlink()
    return path


def _load(tmp_path: Path, folder: Path, name: str) -> tuple[dict, object]:
    con = connect(tmp_path / f"{name}.duckdb")
    res = load_folder(con, folder)
    out = _dump(con)
    con.close()
    return out, res


def test_loading_through_a_shard_gives_the_rows_the_json_gives(tmp_path: Path, wuhan_txt: Path) -> None:
    recs = _records(tmp_path, wuhan_txt)
    sharded, plain = tmp_path / "sharded", tmp_path / "plain"
    paths = [_json_only(r, sharded) for r in recs]
    index = write_shard(sharded, [(r, p, None) for r, p in zip(recs, paths, strict=True)])
    assert index is not None and facts_file(index).is_file()
    shutil.copytree(sharded, plain)
    for p in [*plain.glob(f"*{INDEX_SUFFIX}"), *plain.glob(f"*{FACTS_SUFFIX}")]:
        p.unlink()  # deleting shards is safe: the JSON is the record
    fast, res = _load(tmp_path, sharded, "fast")
    assert (res.inserted, res.damaged) == (3, [])
    slow, _ = _load(tmp_path, plain, "slow")
    assert fast["facts"] and fast["derived_facts"] and fast["findings"]
    for t in TABLES:
        assert fast[t] == slow[t], t


def test_a_shard_entry_of_a_rewritten_json_is_not_trusted(tmp_path: Path, wuhan_txt: Path) -> None:
    out = tmp_path / "extracted"
    rec = process_file(wuhan_txt)
    path = _json_only(rec, out)
    write_shard(out, [(rec, path, None)])
    path.write_text(to_json(rec).replace('"printed_text": "0"', '"printed_text": "00"', 1), encoding="utf-8")
    con = connect(tmp_path / "g.duckdb")
    assert load_folder(con, out).inserted == 1
    assert query(con, "SELECT count(*) FROM facts WHERE printed_text = '00'") == [(1,)]
    con.close()


def test_a_facts_file_no_index_names_is_ignored(tmp_path: Path, wuhan_txt: Path) -> None:
    """A writer killed between its two renames: the facts file alone is not a shard."""
    out = tmp_path / "extracted"
    recs = _records(tmp_path, wuhan_txt)
    paths = [_json_only(r, out) for r in recs]
    index = write_shard(out, [(r, p, None) for r, p in zip(recs, paths, strict=True)])
    assert index is not None
    # its facts file garbled: were it read, the load would set it aside
    facts_file(index).write_bytes(b"PAR1" + bytes(100) + b"PAR1")
    index.unlink()
    got, res = _load(tmp_path, out, "g")
    assert (res.inserted, res.damaged) == (3, [])
    assert len(got["facts"]) == sum(len(r.facts) for r in recs if r.status != "rejected" or r.facts)


@pytest.mark.parametrize("which", ["index", "facts"])
def test_a_damaged_shard_is_moved_aside_and_the_json_loads(tmp_path: Path, wuhan_txt: Path, which: str) -> None:
    out = tmp_path / "extracted"
    recs = _records(tmp_path, wuhan_txt)
    paths = [_json_only(r, out) for r in recs]
    index = write_shard(out, [(r, p, None) for r, p in zip(recs, paths, strict=True)])
    assert index is not None
    bad = index if which == "index" else facts_file(index)
    data = bad.read_bytes()
    footer = int.from_bytes(data[-8:-4], "little") + 8
    bad.write_bytes(b"PAR1" + bytes(len(data) - footer - 4) + data[-footer:])  # pages overwritten
    con = connect(tmp_path / "g.duckdb")
    res = load_folder(con, out)
    assert res.inserted == 3
    for r in recs:
        assert query(con, "SELECT count(*) FROM facts WHERE report_id = ?", [r.sha256]) == [(len(r.facts),)]
    assert [p for p, _ in res.damaged] == [out / "damaged" / bad.name]
    assert res.damaged[0][1] and not bad.exists()
    assert load_folder(con, out).unchanged == 3
    con.close()


def test_pack_merges_companions_into_a_shard_that_loads_the_same(tmp_path: Path, wuhan_txt: Path) -> None:
    loose, packed = tmp_path / "loose", tmp_path / "packed"
    for r in _records(tmp_path, wuhan_txt):
        write_record(r, loose)
    shutil.copytree(loose, packed)
    con = duckdb.connect()
    assert pack(con, packed) == 3
    assert not list(packed.glob(f"*{SUFFIX}")) and len(list(packed.glob(f"*{INDEX_SUFFIX}"))) == 1
    assert pack(con, packed) == 0
    a, _ = _load(tmp_path, loose, "a")
    b, res = _load(tmp_path, packed, "b")
    assert (res.inserted, res.damaged) == (3, [])
    for t in TABLES:
        assert a[t] == b[t], t


def test_the_newer_shard_holding_a_record_is_read(tmp_path: Path, wuhan_txt: Path) -> None:
    """Two extracts wrote the same record (a rerun): its facts are loaded once."""
    out = tmp_path / "extracted"
    rec = process_file(wuhan_txt)
    path = _json_only(rec, out)
    write_shard(out, [(rec, path, None)])
    write_shard(out, [(rec, path, None)])
    con = connect(tmp_path / "g.duckdb")
    assert load_folder(con, out).inserted == 1
    assert query(con, "SELECT count(*) FROM facts") == [(len(rec.facts),)]
    con.close()
