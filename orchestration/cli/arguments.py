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
    build.add_argument("--raw-dir", help="folder of <year>/<document> files "
                                         "(default $BUDGET_RAW_DIR or data/raw)")
    build.add_argument("--warehouse", help="the published DuckDB file "
                                           "(default $BUDGET_WAREHOUSE or data/warehouse.duckdb)")
    build.add_argument("--crosswalk", help="your classification crosswalk CSV, added to the "
                                           "dbt seed (default $BUDGET_CROSSWALK)")
    build.add_argument("--department-renames", help="your department renames CSV, added to the "
                                                    "dbt seed (default $BUDGET_DEPARTMENT_RENAMES)")
    build.add_argument("--document", action="append", metavar="ID",
                       help="build only this document (its path under the raw folder, e.g. "
                            "2026/部门.txt); repeat for several")
    build.add_argument("--reread", action="store_true",
                       help="read the documents again even if their bytes are unchanged (after "
                            "changing a tolerance, a reference seed or the parser)")
    docs = commands.add_parser(
        "docs", help="write the dbt documentation site of the marts (run after a build)"
    )
    docs.add_argument("--warehouse", help="the published DuckDB file the build wrote "
                                          "(default $BUDGET_WAREHOUSE or data/warehouse.duckdb)")
    synth = commands.add_parser(
        "synth", help="write a generated corpus in the seed's layout, for tests, demos and "
                      "benchmarks (never into data/raw)")
    synth.add_argument("--departments", type=int, required=True, metavar="D")
    synth.add_argument("--years", required=True, metavar="A-B", help="e.g. 2017-2026")
    synth.add_argument("--out", required=True, metavar="DIR")
    synth.add_argument("--seed", type=int, default=0, metavar="N")
    return parser
