"""Rejection without loss, end to end: through the CLI and through Dagster."""

from __future__ import annotations

from decimal import Decimal

import dagster as dg
import duckdb
import pytest
from conftest import SEED, SEED_ID, make_raw_dir, rows, run_cli
from documents import add_one_fen, move_to_year, seed_text

from orchestration.partitions import REJECTED_IDS_TAG, REJECTED_TAG
from orchestration.runner import execute_build
from orchestration.settings import Settings

BROKEN_2025 = "2025/北京市人力资源和社会保障局.txt"


@pytest.fixture(scope="module")
def mixed_build(tmp_path_factory: pytest.TempPathFactory):
    """The seed next to five bad documents, built by the real CLI."""
    text = seed_text()
    seed = SEED.read_bytes()
    raw = make_raw_dir(
        tmp_path_factory.mktemp("mixed"),
        {
            SEED_ID: seed,
            # Last year's budget with one fen added to a line of 03 (line 55, 合计).
            BROKEN_2025: move_to_year(add_one_fen(text, 55, 3), 2025).encode(),
            "2024/empty.txt": b"",
            "2024/scan.pdf": b"%PDF-1.7\n\x00\x01\x02\x03" + bytes(range(256)) * 8,
            "2023/cut.txt": seed[: seed.index("预算07表".encode())],
            # The seed says 2026 but sits in the 2022 folder.
            "2022/misfiled.txt": seed,
        },
    )
    return run_cli(raw, raw.parent / "warehouse.duckdb")


def test_a_bad_document_is_rejected_and_the_rest_publish(mixed_build):
    assert mixed_build.returncode == 1, mixed_build.stdout + mixed_build.stderr
    assert "1 published, 5 rejected" in mixed_build.stdout
    with duckdb.connect(str(mixed_build.warehouse), read_only=True) as con:
        assert rows(
            con, "select fiscal_year, count(*), sum(total) from marts.fct_expenditure group by 1"
        ) == [(2026, 241, Decimal("131905.904856"))]
        assert rows(
            con, "select document_id, status from marts.dim_document order by document_id"
        ) == [
            ("2022/misfiled.txt", "rejected"),
            ("2023/cut.txt", "rejected"),
            ("2024/empty.txt", "rejected"),
            ("2024/scan.pdf", "rejected"),
            (BROKEN_2025, "rejected"),
            (SEED_ID, "published"),
        ]


@pytest.mark.parametrize(
    ("document_id", "reason"),
    [
        (BROKEN_2025, f"{BROKEN_2025}, table 03, line 55: 03.row_total"),
        ("2024/empty.txt", "2024/empty.txt: the file is empty"),
        ("2024/scan.pdf", "2024/scan.pdf: the PDF cannot be opened, it is damaged or not a PDF"),
        ("2023/cut.txt", "2023/cut.txt, table 13: table 13 (部门整体支出绩效目标表) not found"),
        (
            "2022/misfiled.txt",
            "2022/misfiled.txt, table 13: the document is for 2026 (table 13) "
            "but sits in the folder for 2022",
        ),
    ],
)
def test_each_rejection_says_why_in_the_summary_and_the_marts(mixed_build, document_id, reason):
    assert reason in mixed_build.stdout
    with duckdb.connect(str(mixed_build.warehouse), read_only=True) as con:
        (reasons,) = rows(
            con,
            "select rejection_reasons from marts.dim_document where document_id = ?",
            [document_id],
        )[0]
        assert reason in reasons
        failed = rows(
            con,
            "select message from marts.data_quality where document_id = ? and outcome = 'rejected'",
            [document_id],
        )
        assert any(reason in message for (message,) in failed)


def test_data_quality_shows_what_passed_too(mixed_build):
    with duckdb.connect(str(mixed_build.warehouse), read_only=True) as con:
        assert rows(
            con,
            """
            select check_name, bool_and(success), bool_or(outcome = 'rejected')
            from marts.data_quality where document_id = ? group by 1 order by 1
        """,
            [SEED_ID],
        ) == [
            ("format", True, False),
            ("parse", True, False),
            # The seed's table 12 has real defects; they warn without rejecting it.
            ("performance", False, False),
            ("reconciliation", True, False),
        ]


def test_the_cli_prints_where_the_check_results_are(mixed_build):
    # The run report's page of check results, which opens offline (GX Data Docs do not).
    page = mixed_build.warehouse.parent / "build" / "site" / "checks.html"
    assert f"Check results (document, table and line of each): {page}" in mixed_build.stdout
    assert SEED_ID in page.read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_broken_re_release_keeps_the_last_good_figures(tmp_path):
    raw = make_raw_dir(tmp_path, {SEED_ID: SEED.read_bytes()})
    settings = Settings.from_env(raw_dir=raw, warehouse=tmp_path / "warehouse.duckdb")
    instance = dg.DagsterInstance.ephemeral()
    first = execute_build(settings, [SEED_ID], instance=instance)
    assert first.success

    # The department re-publishes the same year with 基本工资 of line 55 off by one fen.
    (raw / SEED_ID).write_text(add_one_fen(seed_text(), 55, 4), encoding="utf-8")
    second = execute_build(settings, [SEED_ID], instance=instance)
    assert second.success  # the gate quarantines the document; the run itself succeeds
    # The run says so where a Dagster user looks: its tags, and a failed check evaluated on
    # the document's own partition.
    tags = instance.get_run_by_id(second.run_id).tags
    assert (tags[REJECTED_TAG], tags[REJECTED_IDS_TAG]) == ("1", SEED_ID)
    failed = [
        (e.check_name, e.partition)
        for e in second.get_asset_check_evaluations()
        if e.partition is not None and not e.passed
    ]
    assert ("identities_hold", SEED_ID) in failed
    # A build that reads nothing new checks nothing, and so reports no check as passed.
    third = execute_build(settings, [SEED_ID], instance=instance)
    assert third.success
    assert [e for e in third.get_asset_check_evaluations() if e.partition is not None] == []
    assert instance.get_run_by_id(third.run_id).tags[REJECTED_TAG] == "0"

    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        assert rows(con, "select count(*), sum(total), sum(basic) from marts.fct_expenditure") == [
            (241, Decimal("131905.904856"), Decimal("70692.094503"))
        ]
        assert rows(con, "select status from marts.dim_document order by status") == [
            ("published",),
            ("rejected",),
        ]

    # In the UI the failed check shows the identity, both sides and the difference.
    evaluations = {e.check_name: e for e in second.get_asset_check_evaluations()}
    reconciled = evaluations["identities_hold"]
    assert not reconciled.passed
    table = reconciled.metadata["failures"].value
    assert (
        "| 2026/北京市人力资源和社会保障局.txt | 03 | 55 | 03.row_total | 2050305 | "
        "1,410.093600 | 1,410.093601 | -0.000001 |"
    ) in table
    assert evaluations["documents_are_readable"].passed
    assert evaluations["tables_are_well_formed"].passed
