"""The command line's arguments."""

from __future__ import annotations

import argparse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="budget-warehouse",
        description="Chinese departmental budget documents into a DuckDB warehouse.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser(
        "build", help="read, gate, transform and publish every document in the raw folder"
    )
    build.add_argument(
        "--raw-dir", help="folder of <year>/<document> files (default $BUDGET_RAW_DIR or data/raw)"
    )
    build.add_argument(
        "--warehouse",
        help="the published DuckDB file (default $BUDGET_WAREHOUSE or data/warehouse.duckdb)",
    )
    build.add_argument(
        "--crosswalk",
        help="your classification crosswalk CSV, added to the dbt seed (default $BUDGET_CROSSWALK)",
    )
    build.add_argument(
        "--department-renames",
        help="your department renames CSV, added to the "
        "dbt seed (default $BUDGET_DEPARTMENT_RENAMES)",
    )
    build.add_argument(
        "--document",
        action="append",
        metavar="ID",
        help="build only this document (its path under the raw folder, e.g. "
        "2026/部门.txt); repeat for several",
    )
    build.add_argument(
        "--reread",
        action="store_true",
        help="read the documents again even if their bytes are unchanged (after "
        "changing a tolerance, a reference seed or the parser)",
    )
    docs = commands.add_parser(
        "docs", help="write the dbt documentation site of the marts (run after a build)"
    )
    docs.add_argument(
        "--warehouse",
        help="the published DuckDB file the build wrote "
        "(default $BUDGET_WAREHOUSE or data/warehouse.duckdb)",
    )
    synth = commands.add_parser(
        "synth",
        help="write a generated corpus in the seed's layout, for tests, demos and "
        "benchmarks (never into data/raw)",
    )
    synth.add_argument("--departments", type=int, required=True, metavar="D")
    synth.add_argument("--years", required=True, metavar="A-B", help="e.g. 2017-2026")
    synth.add_argument("--out", required=True, metavar="DIR")
    synth.add_argument("--seed", type=int, default=0, metavar="N")
    synth.add_argument(
        "--no-final-accounts",
        dest="final_accounts",
        action="store_false",
        help="budgets only; by default each budget year but the last also gets its 决算",
    )
    export = commands.add_parser(
        "export", help="marts of the published warehouse to xlsx, csv or parquet, filtered"
    )
    export.add_argument(
        "--out",
        required=True,
        metavar="PATH",
        help="the workbook (xlsx), or a file or folder for csv and parquet",
    )
    export.add_argument(
        "--format",
        choices=["xlsx", "csv", "parquet"],
        help="default: from --out's suffix, else xlsx",
    )
    export.add_argument(
        "--table",
        action="append",
        metavar="NAME",
        help="a mart (yoy_function) or a marts_zh view (功能分类同比); repeat "
        "for several (default: every marts_zh view)",
    )
    export.add_argument(
        "--department",
        action="append",
        metavar="TEXT",
        help="keep departments whose name contains TEXT; repeat for several",
    )
    export.add_argument("--year", action="append", type=int, metavar="YEAR")
    export.add_argument(
        "--code",
        action="append",
        metavar="CODE",
        help="keep this classification or project code and those under it",
    )
    export.add_argument(
        "--level",
        action="append",
        metavar="LEVEL",
        help="as the table writes it: 类, 款, 项 (marts_zh) or category, subcategory, item (marts)",
    )
    export.add_argument(
        "--encoding",
        choices=["utf-8-sig", "gb18030"],
        default="utf-8-sig",
        help="csv only: UTF-8 with a byte-order mark (default) or GB18030",
    )
    export.add_argument(
        "--warehouse",
        help="the published DuckDB file (default $BUDGET_WAREHOUSE or data/warehouse.duckdb)",
    )
    sql = commands.add_parser(
        "sql", help="run a query on the published warehouse (read-only) and print the result"
    )
    sql.add_argument("query", help='e.g. "select * from marts_zh.三公经费同比"')
    sql.add_argument(
        "--max-rows",
        type=int,
        default=200,
        metavar="N",
        help="rows to print (the rest are counted); 0 prints all",
    )
    sql.add_argument("--csv", action="store_true", help="write every row as CSV to stdout")
    sql.add_argument(
        "--warehouse",
        help="the published DuckDB file (default $BUDGET_WAREHOUSE or data/warehouse.duckdb)",
    )
    return parser
