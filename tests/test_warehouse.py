"""Loading, gating and publishing on real DuckDB files (no Dagster)."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import SEED_ID, rows

from orchestration.parsing import RAW_TABLES
from orchestration.quality.gate import gate_documents
from orchestration.warehouse.database import connect, ensure_schema
from orchestration.warehouse.discovery import DocumentFile, discover
from orchestration.warehouse.load import read_file, store_documents
from orchestration.warehouse.promote import Promotion, promote_documents
from orchestration.warehouse.publish import publish


def seed_file(tmp_path: Path, data: bytes, name: str = SEED_ID) -> DocumentFile:
    path = tmp_path / "raw" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return DocumentFile(name, path, int(name[:4]))


def table_counts(con: duckdb.DuckDBPyConnection, schema: str) -> dict[str, int]:
    return {t: rows(con, f"select count(*) from {schema}.{t}")[0][0] for t in RAW_TABLES}


def test_loading_a_document_twice_replaces_its_rows(tmp_path, seed_bytes):
    file = seed_file(tmp_path, seed_bytes)
    with connect(tmp_path / "work.duckdb") as con:
        ensure_schema(con)
        store_documents(con, [read_file(file, seed_bytes)], run_id="first")
        first = table_counts(con, "raw")
        store_documents(con, [read_file(file, seed_bytes)], run_id="second")
        assert table_counts(con, "raw") == first
        assert first["expenditure"] == 241
        assert rows(con, "select run_id, status from raw.document_verdicts") == [
            ("second", "pending")
        ]


def test_a_rejected_re_release_keeps_the_last_good_figures(tmp_path, seed_bytes):
    file = seed_file(tmp_path, seed_bytes)
    broken = seed_bytes.replace(b"1,410.093600", b"1,41O.093600")
    with connect(tmp_path / "work.duckdb") as con:
        ensure_schema(con)
        store_documents(con, [read_file(file, seed_bytes)], run_id="good")
        gate_documents(con, [SEED_ID], run_id="good")
        assert promote_documents(con, [SEED_ID]).published == [SEED_ID]

        file.path.write_bytes(broken)
        store_documents(con, [read_file(file, broken)], run_id="broken")
        # Unreadable figures reject the version before the gate runs.
        assert rows(con, "select status from raw.document_verdicts") == [("rejected",)]
        gate_documents(con, [SEED_ID], run_id="broken")
        assert promote_documents(con, [SEED_ID]) == Promotion(published=[], withdrawn=[])
        assert rows(con, "select status from raw.document_verdicts") == [("rejected",)]
        # accepted still holds the good version, with its figures.
        assert rows(
            con,
            "select source_sha256 = ? from accepted.documents",
            [hashlib.sha256(seed_bytes).hexdigest()],
        ) == [(True,)]
        assert rows(con, "select count(*), sum(total) from accepted.expenditure") == [
            (241, Decimal("131905.904856"))
        ]


def test_two_files_for_the_same_year_and_department_are_both_held_back(tmp_path, seed_bytes):
    first = seed_file(tmp_path, seed_bytes, "2026/a.txt")
    second = seed_file(tmp_path, seed_bytes, "2026/b.txt")
    both = ["2026/a.txt", "2026/b.txt"]
    with connect(tmp_path / "work.duckdb") as con:
        ensure_schema(con)
        store_documents(con, [read_file(f, seed_bytes) for f in (first, second)], run_id="r")
        assert gate_documents(con, both, run_id="r").conflicts == {
            (2026, "北京市人力资源和社会保障局"): both
        }
        assert promote_documents(con, both) == Promotion(published=[], withdrawn=[])
        assert rows(con, "select document_id, status from raw.document_verdicts order by 1") == [
            (d, "rejected") for d in both
        ]
        messages = [
            m
            for (m,) in rows(
                con,
                "select message from raw.check_results "
                "where check_name = 'conflict' order by document_id",
            )
        ]
        assert messages == [
            "2026/a.txt: 2 files of the raw folder are for 2026 北京市人力资源和社会保障局 "
            "(also 2026/b.txt); none is published until only one remains",
            "2026/b.txt: 2 files of the raw folder are for 2026 北京市人力资源和社会保障局 "
            "(also 2026/a.txt); none is published until only one remains",
        ]
        # The conflict is decided again by a run that reads nothing, which checks nothing
        # either: the documents were gated by run r, and the asset checks of run "again"
        # evaluate none of them.
        assert gate_documents(con, both, run_id="again").gated == []
        assert rows(con, "select distinct gated_run_id from raw.document_verdicts") == [("r",)]
        # Once one file is gone the other publishes, from raw, without being read again.
        gate_documents(con, ["2026/a.txt"], run_id="s")
        assert promote_documents(con, ["2026/a.txt"]).published == ["2026/a.txt"]


def test_a_file_that_conflicts_with_a_published_one_withdraws_both(tmp_path, seed_bytes):
    """Built a file at a time, the folder gives what it gives from scratch: nothing for the
    year and department while two files claim it."""
    first = seed_file(tmp_path, seed_bytes, "2026/a.txt")
    with connect(tmp_path / "work.duckdb") as con:
        ensure_schema(con)
        store_documents(con, [read_file(first, seed_bytes)], run_id="r")
        gate_documents(con, ["2026/a.txt"], run_id="r")
        assert promote_documents(con, ["2026/a.txt"]).published == ["2026/a.txt"]
        second = seed_file(tmp_path, seed_bytes, "2026/b.txt")
        store_documents(con, [read_file(second, seed_bytes)], run_id="s")
        gate_documents(con, ["2026/a.txt", "2026/b.txt"], run_id="s")
        assert promote_documents(con, ["2026/a.txt", "2026/b.txt"]) == Promotion(
            published=[], withdrawn=["2026/a.txt"]
        )
        assert rows(con, "select count(*) from accepted.expenditure") == [(0,)]


def test_a_changed_raw_layout_rebuilds_raw_and_keeps_accepted(tmp_path, seed_bytes):
    file = seed_file(tmp_path, seed_bytes)
    with connect(tmp_path / "work.duckdb") as con:
        assert ensure_schema(con) is True
        assert ensure_schema(con) is False
        store_documents(con, [read_file(file, seed_bytes)], run_id="r")
        gate_documents(con, [SEED_ID], run_id="r")
        promote_documents(con, [SEED_ID])
        # A release whose parser writes one more column, and one that widens a type.
        con.execute("update raw.schema_version set fingerprint = 'older'")
        con.execute("alter table accepted.expenditure drop column remit_to_superior")
        con.execute("alter table accepted.documents alter column size_bytes set data type integer")
        assert ensure_schema(con) is True
        assert rows(con, "select count(*) from raw.documents") == [(0,)]
        assert rows(con, "select count(*), sum(total) from accepted.expenditure") == [
            (241, Decimal("131905.904856"))
        ]
        assert rows(
            con,
            "select data_type from information_schema.columns where "
            "table_schema = 'accepted' and table_name = 'documents' and "
            "column_name = 'size_bytes'",
        ) == [("BIGINT",)]
        assert rows(
            con, "select count(*) from accepted.expenditure where remit_to_superior is null"
        ) == [(241,)]


def test_discovery_lists_documents_and_explains_what_it_ignores(tmp_path):
    raw = tmp_path / "raw"
    for relative in (
        "2026/a b.txt",
        "2025/部门's.txt",
        "notes.txt",
        "2026/sub/x.txt",
        "2026/.hidden",
        "drafts/y.txt",
    ):
        path = raw / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    documents, ignored = discover(raw)
    assert [(d.document_id, d.folder_year) for d in documents] == [
        ("2025/部门's.txt", 2025),
        ("2026/a b.txt", 2026),
    ]
    assert sorted(i.path.relative_to(raw).as_posix() for i in ignored) == [
        "2026/sub",
        "drafts",
        "notes.txt",
    ]


def test_publishing_replaces_the_file_and_keeps_comments(tmp_path):
    build = tmp_path / "work.duckdb"
    with connect(build) as con:
        con.execute("create schema marts")
        con.execute("create table marts.t as select 1.5::decimal(18,6) as amount")
        con.execute("comment on column marts.t.amount is 'it''s 万元'")
        con.execute("create schema staging")
        con.execute("create table staging.hidden as select 1 as x")
    target = tmp_path / "published" / "warehouse.duckdb"
    result = publish(build, target)
    assert result.row_counts == {"marts.t": 1}
    assert list(target.parent.iterdir()) == [target]  # no temporary file left behind
    with duckdb.connect(str(target), read_only=True) as con:
        assert rows(con, "select amount from marts.t") == [(Decimal("1.500000"),)]
        assert rows(con, "select comment from duckdb_columns() where table_name = 't'") == [
            ("it's 万元",)
        ]
        assert rows(con, "select count(*) from duckdb_tables() where schema_name = 'staging'") == [
            (0,)
        ]


@pytest.mark.slow
def test_building_twice_gives_identical_marts(cli_build):
    from conftest import run_cli

    def snapshot() -> dict[str, list[tuple]]:
        with duckdb.connect(str(cli_build.warehouse), read_only=True) as con:
            tables = [
                t
                for (t,) in rows(
                    con,
                    "select table_name from duckdb_tables() where schema_name = 'marts' order by 1",
                )
            ]
            return {
                t: rows(con, f"select * exclude (loaded_at) from marts.{t} order by all")
                if t == "dim_document"
                else rows(con, f"select * from marts.{t} order by all")
                for t in tables
            }

    before = snapshot()
    again = run_cli(cli_build.raw_dir, cli_build.warehouse)
    assert again.returncode == 0, again.stdout + again.stderr
    after = snapshot()
    assert after == before
    assert len(after["fct_expenditure"]) == 241
