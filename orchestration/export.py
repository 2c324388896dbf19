"""`budget-warehouse export`: marts from the published file to xlsx, csv or parquet.

For people who take figures away in Excel. The workbook has one sheet per table, the Chinese
column names of marts_zh, and numbers stored as numbers with their exact decimals shown and
the unit in the header. CSV is what Excel on Chinese Windows opens without garbling: UTF-8 with
a byte-order mark, or GB18030 on request. Parquet keeps DECIMAL as DECIMAL.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

import duckdb
import polars as pl

from orchestration.warehouse.database import query_frame, quote_identifier

DEFAULT_SCHEMA = "marts_zh"
SCHEMAS = ("marts_zh", "marts")
# Excel's sheet: 1,048,576 rows, one of them the header.
XLSX_MAX_ROWS = 1_048_575


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    PARQUET = "parquet"


class CsvEncoding(StrEnum):
    # The byte-order mark is what tells Excel the file is UTF-8 (without it, Chinese Windows
    # reads it as GBK and shows mojibake).
    UTF8_BOM = "utf-8-sig"
    GB18030 = "gb18030"


class ExportError(ValueError):
    """A request the warehouse cannot answer (unknown table, a filter on a missing column)."""


@dataclass(frozen=True, slots=True)
class Filters:
    """Rows to keep. Each filter looks at the columns its table has, in English or Chinese."""

    departments: tuple[str, ...] = ()  # part of the department's name
    years: tuple[int, ...] = ()
    codes: tuple[str, ...] = ()  # a code or its prefix (208 keeps every code of 类 208)
    levels: tuple[str, ...] = ()  # as the table writes them: item, or 项 in marts_zh

    def is_empty(self) -> bool:
        return not (self.departments or self.years or self.codes or self.levels)


# The columns each filter applies to: the marts' English names and marts_zh's Chinese ones.
DEPARTMENT_COLUMNS = ("department_name", "部门")
YEAR_COLUMNS = ("fiscal_year", "年度")
CODE_COLUMNS = ("function_code", "econ_code", "project_code", "code", "科目编码", "项目编码")
LEVEL_COLUMNS = ("level", "级次")


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    header: str  # with the unit, e.g. 金额（万元）
    decimals: int | None = None  # DECIMAL's scale; None for other types
    integer: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    schema: str
    name: str
    columns: tuple[Column, ...]
    frame: pl.DataFrame

    @property
    def label(self) -> str:
        return self.name


@dataclass(slots=True)
class Exported:
    paths: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    # Values too long for an Excel number, written as text: "table, column, row".
    as_text: list[str] = field(default_factory=list)


def export(
    warehouse: Path,
    out: Path,
    export_format: ExportFormat,
    tables: Sequence[str] = (),
    filters: Filters = Filters(),
    encoding: CsvEncoding = CsvEncoding.UTF8_BOM,
) -> Exported:
    """Write the tables (default: every view of marts_zh), filtered, to `out`."""
    if not warehouse.exists():
        raise ExportError(f"no published warehouse at {warehouse}; run `budget-warehouse build`")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        selected = [
            read_table(con, schema, name, filters) for schema, name in resolve_tables(con, tables)
        ]
    result = Exported(rows={f"{t.schema}.{t.name}": t.frame.height for t in selected})
    if export_format is ExportFormat.XLSX:
        path = out if out.suffix else out.with_suffix(".xlsx")
        write_xlsx(selected, path, result)
        result.paths.append(path)
        return result
    suffix = f".{export_format.value}"
    if len(selected) == 1 and out.suffix == suffix:
        targets = [(selected[0], out)]
    else:
        targets = [(table, out / f"{table.label}{suffix}") for table in selected]
    for table, path in targets:
        path.parent.mkdir(parents=True, exist_ok=True)
        if export_format is ExportFormat.CSV:
            write_csv(table, path, encoding)
        else:
            table.frame.write_parquet(path)
        result.paths.append(path)
    return result


def resolve_tables(
    con: duckdb.DuckDBPyConnection, requested: Sequence[str]
) -> list[tuple[str, str]]:
    """(schema, name) of each requested table: `name` or `schema.name`, marts_zh first."""
    known = con.execute(
        """
        select schema_name, table_name from duckdb_tables()
        where schema_name in ('marts', 'marts_zh')
        union all
        select schema_name, view_name from duckdb_views()
        where schema_name in ('marts', 'marts_zh') and not internal
        """
    ).fetchall()
    if not requested:
        views = sorted((s, n) for s, n in known if s == DEFAULT_SCHEMA)
        if not views:
            raise ExportError(
                f"the published warehouse has no {DEFAULT_SCHEMA} views (built "
                "before they existed?); run `budget-warehouse build` again, or "
                "name tables with --table"
            )
        return views
    resolved = []
    for name in requested:
        schema, _, table = name.rpartition(".")
        matches = [(s, n) for s, n in known if n == table and (s == schema or not schema)]
        matches.sort(key=lambda match: SCHEMAS.index(match[0]))
        if not matches:
            available = ", ".join(f"{s}.{n}" for s, n in sorted(known))
            raise ExportError(
                f"no table {name!r} in the published warehouse; available: {available}"
            )
        resolved.append(matches[0])
    return resolved


def read_table(con: duckdb.DuckDBPyConnection, schema: str, name: str, filters: Filters) -> Table:
    described = con.execute(
        """
        select column_name, data_type, numeric_scale, comment from duckdb_columns()
        where schema_name = ? and table_name = ? order by column_index
        """,
        [schema, name],
    ).fetchall()
    columns = tuple(_column(*row) for row in described)
    names = [c.name for c in columns]
    relation = f"{quote_identifier(schema)}.{quote_identifier(name)}"
    conditions, parameters = _conditions(con, relation, names, filters)
    where = f" where {' and '.join(conditions)}" if conditions else ""
    frame = query_frame(
        con,
        f"select * from {relation}{where}",
        parameters,
    )
    return Table(schema, name, columns, frame)


def _column(name: str, data_type: str, scale: int | None, comment: str | None) -> Column:
    if data_type.startswith("DECIMAL"):
        # marts_zh names carry their unit; a mart's amount columns say 万元 in their comment.
        unit = ""
        if "（" not in name:
            if name.endswith("_pct"):
                unit = "（%）"
            elif comment and "万元" in comment:
                unit = "（万元）"
        return Column(name, name + unit, decimals=scale or 0)
    return Column(name, name, integer=data_type in {"INTEGER", "BIGINT", "SMALLINT", "HUGEINT"})


def _conditions(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[str], filters: Filters
) -> tuple[list[str], list[object]]:
    conditions: list[str] = []
    parameters: list[object] = []

    def column_for(candidates: tuple[str, ...], option: str) -> str:
        for candidate in candidates:
            if candidate in columns:
                return quote_identifier(candidate)
        raise ExportError(
            f"{table} has no column for {option} (looked for "
            f"{', '.join(candidates)}); leave {option} out for this table"
        )

    if filters.departments:
        column = column_for(DEPARTMENT_COLUMNS, "--department")
        conditions.append(
            "(" + " or ".join(f"contains({column}, ?)" for _ in filters.departments) + ")"
        )
        parameters.extend(filters.departments)
    if filters.years:
        column = column_for(YEAR_COLUMNS, "--year")
        conditions.append(f"{column} in (select unnest(?::integer[]))")
        parameters.append(list(filters.years))
    if filters.codes:
        column = column_for(CODE_COLUMNS, "--code")
        conditions.append(
            "(" + " or ".join(f"starts_with({column}, ?)" for _ in filters.codes) + ")"
        )
        parameters.extend(filters.codes)
    if filters.levels:
        column = column_for(LEVEL_COLUMNS, "--level")
        held = [
            value
            for (value,) in con.execute(
                f"select distinct {column} from {table} order by 1"
            ).fetchall()
        ]
        unknown = [level for level in filters.levels if level not in held]
        if unknown:
            raise ExportError(
                f"{table} has no level {', '.join(unknown)}; its levels are "
                f"{', '.join(map(str, held))}"
            )
        conditions.append(f"{column} in (select unnest(?::varchar[]))")
        parameters.append(list(filters.levels))
    return conditions, parameters


def write_xlsx(tables: Sequence[Table], path: Path, result: Exported) -> None:
    import xlsxwriter

    for table in tables:
        if table.frame.height > XLSX_MAX_ROWS:
            raise ExportError(
                f"{table.schema}.{table.name}: {table.frame.height:,} rows, more than an Excel "
                f"sheet holds ({XLSX_MAX_ROWS:,}); filter by --department or --year, or export "
                "csv or parquet"
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    # constant_memory writes each row as it goes: a large mart never sits in memory twice.
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    try:
        header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True})
        integer = workbook.add_format({"num_format": "0"})
        by_scale: dict[int, object] = {}
        for table in tables:
            sheet = workbook.add_worksheet(_sheet_name(table.label))
            formats = []
            for position, column in enumerate(table.columns):
                if column.decimals is not None:
                    if column.decimals not in by_scale:
                        decimals = "." + "0" * column.decimals if column.decimals else ""
                        by_scale[column.decimals] = workbook.add_format(
                            {"num_format": f"#,##0{decimals}"}
                        )
                    formats.append(by_scale[column.decimals])
                    width = 16
                elif column.integer:
                    formats.append(integer)
                    width = 8
                else:
                    formats.append(None)
                    width = 24
                sheet.set_column(position, position, max(width, len(column.header) * 2))
                sheet.write_string(0, position, column.header, header)
            for row_number, row in enumerate(table.frame.iter_rows(), start=1):
                for position, value in enumerate(row):
                    if value is None:
                        continue
                    if isinstance(value, Decimal):
                        if _fits_a_float(value):
                            sheet.write_number(
                                row_number, position, float(value), formats[position]
                            )
                        else:
                            sheet.write_string(row_number, position, format(value, "f"))
                            result.as_text.append(
                                f"{table.name}, {table.columns[position].header}"
                                f", row {row_number + 1}"
                            )
                    elif isinstance(value, bool):
                        sheet.write_boolean(row_number, position, value)
                    elif isinstance(value, int):
                        sheet.write_number(row_number, position, value, formats[position])
                    else:
                        sheet.write_string(row_number, position, str(value))
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, max(table.frame.height, 1), len(table.columns) - 1)
    finally:
        workbook.close()


def _fits_a_float(value: Decimal) -> bool:
    """True when the workbook stores exactly these digits: xlsxwriter writes a number with 16
    significant digits, which holds every amount up to a billion 万元 with 6 decimals. A longer
    one is written as text rather than changed."""
    return Decimal(f"{float(value):.16G}") == value


def _sheet_name(label: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in label)
    return cleaned[:31]


def write_csv(table: Table, path: Path, encoding: CsvEncoding) -> None:
    # newline="" with the csv module's CRLF row ends, as Excel writes them.
    with path.open("w", encoding=encoding.value, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([column.header for column in table.columns])
        for row in table.frame.iter_rows():
            writer.writerow([_csv_value(value) for value in row])


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")  # 0.000000, never 0E-6
    return str(value)


def run(args: argparse.Namespace) -> int:
    """The command: export, then say what was written (exit 0) or why not (exit 2)."""
    import sys

    from rich.console import Console

    from orchestration.settings import Settings

    out, err = Console(soft_wrap=True), Console(stderr=True, soft_wrap=True)
    export_format = ExportFormat(args.format or _format_from_suffix(Path(args.out)))
    filters = Filters(
        departments=tuple(args.department or ()),
        years=tuple(args.year or ()),
        codes=tuple(args.code or ()),
        levels=tuple(args.level or ()),
    )
    try:
        result = export(
            Settings.from_env(warehouse=args.warehouse).warehouse,
            Path(args.out),
            export_format,
            tables=args.table or (),
            filters=filters,
            encoding=CsvEncoding(args.encoding),
        )
    except ExportError as error:
        err.print(f"[red]error:[/red] {error}", highlight=False)
        return 2
    for table, count in result.rows.items():
        out.print(f"{table}: {count:,} rows", highlight=False)
    for value in result.as_text:
        err.print(
            f"[yellow]written as text[/yellow] (too many digits for an Excel number): {value}",
            highlight=False,
        )
    for path in result.paths:
        out.print(f"Wrote {path}", highlight=False)
    sys.stdout.flush()
    return 0


def _format_from_suffix(path: Path) -> str:
    suffix = path.suffix.lstrip(".").lower()
    return suffix if suffix in {f.value for f in ExportFormat} else ExportFormat.XLSX.value
