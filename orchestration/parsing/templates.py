"""Template profiles: how each locality prints the national budget tables (部门预算公开).

Every department publishes the same national set of tables, but each province prints its own
variant. A profile says, as data, which printed titles are which national table, which of them
a document must have, how codes and the document's year and department are printed, and which
columns the readers look for by header label. A document is matched to a profile by its table
titles (docs/architecture.md, "Templates").

Beijing's layout is the one the readers were written for (`预算03表 支出总表`, 7-digit codes in
one cell with their name, year and department in table 13). Another profile's lines are put
into that layout by `normalise`: its titles become `预算NN表 <national name>`, its
`编制部门：… 单位：元` line a unit line, and codes printed in separate 类 / 款 / 项 columns one
code cell; the line numbers (and so pages) stay those of the extracted document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from .grid import Column, column
from .layout import NATIONAL_TABLES, REQUIRED_TABLES, TABLE_NAMES
from .text import normalise_label, split_cells


class Template(StrEnum):
    BEIJING = "beijing"
    SHANGHAI = "shanghai"
    JIANGSU = "jiangsu"


class DocumentScope(StrEnum):
    """What a budget covers (docs/architecture.md, "Department and unit budgets")."""

    DEPARTMENT = "department"  # 部门预算: the department with all its units
    UNIT = "unit"  # 单位预算: one of its units, whose figures the 部门预算 already holds


class CodePrinting(StrEnum):
    # "2050303-技校教育": the code and the name in one cell (Beijing)
    CODE_NAME_CELL = "code_name_cell"
    # 类 | 款 | 项 in separate columns, one level per row ("208 | 05 | 06"), parents printed
    SEPARATE_COLUMNS = "separate_columns"
    # "201", "20131", "2013101" in one code column, one level per row, parents printed (Jiangsu)
    CODE_CELL_ALL_LEVELS = "code_cell_all_levels"

    @property
    def prints_parents(self) -> bool:
        """Every level of a code is printed as its own row: only the items may be kept."""
        return self is not CodePrinting.CODE_NAME_CELL


class TableReader(StrEnum):
    """A template's own layout of a national table, read by its own reader (tables.py)."""

    # The 合计 row alone, no row per code (Jiangsu's 支出预算总表): its figures go to
    # raw.table_totals and no fact row is made of them.
    PRINTED_TOTALS = "printed_totals"
    # 采购品目大类 rows («一、货物A») with the 专项 and 采购物品 lines beneath them (Jiangsu's
    # 政府采购预算表): the categories are the national table's rows.
    PROCUREMENT_CATEGORIES = "procurement_categories"
    # Side-by-side «label | amount» pairs whose columns move from page to page (Jiangsu's
    # 收支预算总表: 收入 | 功能分类 | 支出用途; its 财政拨款收支预算总表: 收入 | 支出用途): each
    # label says which side it is, and its amount is the next cell.
    LABEL_PAIRS = "label_pairs"
    # One source per line, a group's 小计 with its parts beneath it (Jiangsu's 收入预算总表).
    REVENUE_LIST = "revenue_list"


@dataclass(frozen=True, slots=True)
class TemplateTable:
    """One printed table of a template, and the national table it is read as."""

    table_no: str
    titles: tuple[str, ...]  # as printed after the year, normalised
    required: bool = True
    # False: the profile knows the table but no reader maps its layout yet; its lines are
    # counted as `not_read` and nothing of it reaches the marts.
    read: bool = True
    # Read by a template's own reader instead of the national table's (None: the national one).
    reader: TableReader | None = None


@dataclass(frozen=True, slots=True)
class TemplateProfile:
    template: Template
    tables: tuple[TemplateTable, ...]
    codes: CodePrinting
    title: re.Pattern[str] | None = None  # year and table name of a title line
    department: re.Pattern[str] | None = None  # department and unit of the line below a title
    # Each printed figure rounded on its own to its last printed digit (Shanghai prints whole 元
    # of amounts kept in fen): a printed total may then differ from the sum of its printed
    # parts by half a unit of that digit per figure. False: the figures are exact (Beijing's
    # six decimals of 万元), and so must add up exactly.
    rounded: bool = False
    # Column rules by national table, where the template's headers differ from Beijing's.
    columns: dict[str, list[Column]] = field(default_factory=dict)
    # Lines that number the tables apart from their titles («公开01表», «表一»): layout, read as
    # blank lines so they do not end up in the table above them.
    numbering: re.Pattern[str] | None = None
    # How many cells the department line may span («部门：» | «X» | «单位：万元»).
    department_cells: int = 1
    # The titles print no year (Jiangsu): the fiscal year is the folder's (data/raw/<year>/),
    # and a title that does print one (2019年政府采购预算表) must agree with it.
    year_from_folder: bool = False
    # A title wrapped over two lines («…培训费支出预算» / «表») is one title (Word exports).
    wrapped_titles: bool = False
    # A lone number closing a page is its page number (documents that bind the tables into
    # the explanation print one), not a line of the table above it.
    page_numbers: bool = False
    # A note («注：1.…») wraps onto lines of one cell each until its page ends: they are the
    # note's, not rows of its table.
    wrapped_notes: bool = False

    def table_of(self, name: str) -> TemplateTable | None:
        label = normalise_label(name)
        return next((t for t in self.tables if label in t.titles), None)

    def table(self, table_no: str) -> TemplateTable | None:
        return next((t for t in self.tables if t.table_no == table_no), None)

    @property
    def required_tables(self) -> tuple[str, ...]:
        return tuple(t.table_no for t in self.tables if t.required)

    @property
    def read_tables(self) -> frozenset[str]:
        return frozenset(t.table_no for t in self.tables if t.read)


def _titles(*titles: str) -> tuple[str, ...]:
    return tuple(normalise_label(title) for title in titles)


def _scoped(title: str) -> tuple[str, ...]:
    """A Shanghai title as a 部门预算 prints it (部门…表) and as a 单位预算 does (单位…表)."""
    return _titles(title, "单位" + title.removeprefix("部门"))


# Beijing's tables are recognised by layout.title_table_no (their printed 预算NN表 number and
# name); the profile states what is required, for the README and the side-by-side comparison.
BEIJING = TemplateProfile(
    template=Template.BEIJING,
    tables=tuple(
        TemplateTable(no, _titles(name), required=no in REQUIRED_TABLES)
        for no, name in TABLE_NAMES.items()
        if no in NATIONAL_TABLES
    ),
    codes=CodePrinting.CODE_NAME_CELL,
)

# Shanghai (普陀区) 部门预算: nine tables, amounts in 元 (三公 in 万元), codes in 类/款/项
# columns with every level printed, year and department in each table's title lines. A 单位预算
# is taken to title its tables 单位… where the 部门预算 prints 部门… (and 编制单位： for
# 编制部门：); the four real documents read so far are all 部门预算.
_SHANGHAI_FUNCTION = [
    column("function_code", "code", "~科目编码/~类"),
    column("function_name", "name", "~科目名称"),
]
SHANGHAI = TemplateProfile(
    template=Template.SHANGHAI,
    tables=(
        TemplateTable("01", _scoped("部门财务收支预算总表")),
        TemplateTable("02", _scoped("部门收入预算总表")),
        TemplateTable("03", _scoped("部门支出预算总表")),
        TemplateTable("04", _scoped("部门财政拨款收支预算总表")),
        TemplateTable("05", _scoped("部门一般公共预算支出功能分类预算表")),
        TemplateTable(
            "07", _scoped("部门政府性基金预算支出功能分类预算表"), required=False, read=False
        ),
        TemplateTable(
            "08", _scoped("部门国有资本经营预算支出功能分类预算表"), required=False, read=False
        ),
        TemplateTable("06", _scoped("部门一般公共预算基本支出部门预算经济分类预算表")),
        TemplateTable("09", _scoped("部门“三公”经费和机关运行经费预算表")),
    ),
    codes=CodePrinting.SEPARATE_COLUMNS,
    rounded=True,
    # The year is printed in the title ("2025年部门支出预算总表"), except in some 三公 titles,
    # which print it in the column header; a contents line ("1. 2025年…") is not a title.
    title=re.compile(r"^(?:(?P<year>\d{4})年度?)?(?P<name>\S+表)$"),
    department=re.compile(
        r"^编制(?:部门|单位)[:：](?P<department>.+?)(?:金额)?单位[:：]"
        r"(?P<unit>万元|元)$"
    ),
    columns={
        # 收支总表 with 本年收入 / 本年支出 over 项目 and 预算数; no 本年收入合计 or 结转 lines.
        "01": [
            column("revenue_label", "name", "本年收入/项目"),
            column("revenue_amount", "amount", "本年收入/预算数"),
            column("expenditure_label", "name", "本年支出/项目"),
            column("expenditure_amount", "amount", "本年支出/预算数"),
        ],
        # 收入总表 by function code, one column per source, all of this year (收入预算): its 合计
        # row is the revenue by source (tables.read_revenue).
        "02": [
            *_SHANGHAI_FUNCTION,
            column("total__total", "amount", "收入预算/合计"),
            column("current_year__fiscal_appropriation", "amount", "收入预算/财政拨款收入"),
            column("current_year__institution_business", "amount", "收入预算/事业收入"),
            column("current_year__institution_operating", "amount", "收入预算/事业单位经营收入"),
            column("current_year__other", "amount", "收入预算/其他收入"),
        ],
        "03": [
            *_SHANGHAI_FUNCTION,
            column("total", "amount", "支出预算/合计"),
            column("basic", "amount", "支出预算/基本支出"),
            column("project", "amount", "支出预算/项目支出"),
        ],
        # 财政拨款收支总表: each spending category's 合计 is read; its split by fund beside it
        # (一般公共预算, 政府性基金预算, 国有资本经营预算) is not stored, since 05, 07 and 08 print
        # each fund's spending by function code.
        "04": [
            column("revenue_label", "name", "财政拨款收入/项目"),
            column("revenue_amount", "amount", "财政拨款收入/预算数"),
            column("expenditure_label", "name", "财政拨款支出/项目"),
            column("expenditure_amount", "amount", "财政拨款支出/合计"),
            column("general_public_budget", "ignore", "财政拨款支出/一般公共预算", required=False),
            column("government_fund", "ignore", "财政拨款支出/政府性基金预算", required=False),
            column(
                "state_capital_operation", "ignore", "财政拨款支出/国有资本经营预算", required=False
            ),
        ],
        "05": [
            *_SHANGHAI_FUNCTION,
            column("total", "amount", "一般公共预算支出/合计"),
            column("basic", "amount", "一般公共预算支出/基本支出"),
            column("project", "amount", "一般公共预算支出/项目支出"),
        ],
        "06": [
            column("dept_econ_code", "code", "~科目编码/~类"),
            column("dept_econ_name", "name", "~科目名称"),
            column("total", "amount", "一般公共预算基本支出/合计"),
            column("personnel", "amount", "一般公共预算基本支出/人员经费"),
            column("public_use", "amount", "一般公共预算基本支出/公用经费"),
        ],
        "09": [
            column("total", "amount", "~三公/合计"),
            column("outbound_travel", "amount", "~因公出国"),
            column("reception", "amount", "公务接待费"),
            column("vehicles_total", "amount", "~公务用车/小计"),
            column("vehicle_purchase", "amount", "~公务用车/购置费"),
            column("vehicle_operation", "amount", "~公务用车/运行费"),
            column("agency_operation", "amount", "~机关运行经费", required=False),
        ],
    },
)

# Jiangsu (省级部门) 部门预算: twelve tables in 万元 with two decimals, titles without a year,
# a «部门：… 单位：万元» line under each title (sometimes in the title's own cell, sometimes
# wrapped over two lines), function and economic codes of every level in one code column
# (201 / 20131 / 2013101), and single 金额 columns: no 基本支出 / 项目支出 per code. 03 prints
# its totals only; 三公 is printed with 会议费 and 培训费 beside it, under one 合计.
_JIANGSU_FUNCTION = [
    column("function_code", "code", "~科目编码", "~科目代码"),
    column("function_name", "name", "~科目名称"),
    column("total", "amount", "金额"),
]
JIANGSU = TemplateProfile(
    template=Template.JIANGSU,
    tables=(
        TemplateTable("01", _titles("收支预算总表"), reader=TableReader.LABEL_PAIRS),
        TemplateTable("02", _titles("收入预算总表"), reader=TableReader.REVENUE_LIST),
        TemplateTable("03", _titles("支出预算总表"), reader=TableReader.PRINTED_TOTALS),
        TemplateTable("04", _titles("财政拨款收支预算总表"), reader=TableReader.LABEL_PAIRS),
        TemplateTable(
            "15", _titles("财政拨款支出预算表（功能科目）", "财政拨款支出预算表"), required=False
        ),
        TemplateTable(
            "16",
            _titles("财政拨款基本支出预算表（经济科目）", "财政拨款基本支出预算表"),
            required=False,
            read=False,
        ),
        TemplateTable(
            "05", _titles("一般公共预算支出预算表（功能科目）", "一般公共预算支出预算表")
        ),
        TemplateTable(
            "06",
            _titles("一般公共预算基本支出预算表（经济科目）", "一般公共预算基本支出预算表"),
        ),
        TemplateTable(
            "09",
            _titles(
                "“三公”经费、会议费、培训费支出预算表",
                "“三公”经费、会议费、培训费支出预算表（一般公共预算）",
            ),
        ),
        TemplateTable(
            "07",
            _titles("财政拨款政府性基金支出预算表", "政府性基金预算财政拨款支出预算表"),
            required=False,
            read=False,
        ),
        TemplateTable("17", _titles("一般公共预算机关运行经费支出预算表"), required=False),
        TemplateTable(
            "10",
            _titles("政府采购预算表", "政府采购支出预算表"),
            required=False,
            reader=TableReader.PROCUREMENT_CATEGORIES,
        ),
    ),
    codes=CodePrinting.CODE_CELL_ALL_LEVELS,
    rounded=True,
    # On the normalised label (NFKC: full-width brackets and colons half-width, no spaces).
    # The department and unit may share the title's cell («支出预算总表部门：X 单位：万元»).
    title=re.compile(
        r"^(?:(?P<year>\d{4})年度?)?(?P<name>[^:]+?表(?:\([^)]*\))?)"
        r"(?:部门(?:名称)?:(?P<department>.+?)单位:(?P<unit>万元|元))?$"
    ),
    department=re.compile(r"^部门(?:名称)?:(?P<department>.+?)(?:单位:(?P<unit>万元|元))?$"),
    department_cells=3,
    numbering=re.compile(
        r"^(?:公开(?:\d{1,2}表|表[一二三四五六七八九十]+)|表[一二三四五六七八九十]+)$"
    ),
    year_from_folder=True,
    wrapped_titles=True,
    page_numbers=True,
    wrapped_notes=True,
    columns={
        "03": [
            column("total", "amount", "合计"),
            column("basic", "amount", "基本支出"),
            column("project", "amount", "项目支出"),
            column("unit_reserve", "amount", "单位预留机动经费", required=False),
            column("carryover", "amount", "结转下年资金", required=False),
        ],
        "05": _JIANGSU_FUNCTION,
        "15": _JIANGSU_FUNCTION,
        "06": [
            column("dept_econ_code", "code", "科目编码"),
            column("dept_econ_name", "name", "科目名称"),
            column("total", "amount", "金额"),
        ],
        "17": [
            column("dept_econ_code", "code", "科目编码"),
            column("dept_econ_name", "name", "科目名称"),
            column("amount", "amount", "机关运行经费支出"),
        ],
        "09": [
            column("grand_total", "amount", "合计"),
            column("total", "amount", "~三公/小计"),
            column("outbound_travel", "amount", "~因公出国"),
            column("vehicles_total", "amount", "~公务用车购置及运行维护费/小计"),
            column("vehicle_purchase", "amount", "公务用车购置费"),
            column("vehicle_operation", "amount", "公务用车运行维护费"),
            column("reception", "amount", "公务接待费"),
            column("meetings", "amount", "会议费"),
            column("training", "amount", "培训费"),
        ],
    },
)

PROFILES: tuple[TemplateProfile, ...] = (BEIJING, SHANGHAI, JIANGSU)
PROFILE_OF: dict[Template, TemplateProfile] = {p.template: p for p in PROFILES}

# How a document names itself: a cover or heading that ends in 部门预算 or 单位预算
# («上海市普陀区2025年区级部门预算»), or a table title that begins, after its year, with 部门 or
# 单位 («2025年部门收入预算总表», Shanghai). Beijing's numbered titles say neither.
_SCOPE_NAMES = (
    re.compile(r"(?P<scope>部门|单位)(?:预算|决算)$"),
    re.compile(r"^\d{4}年度?(?P<scope>部门|单位)\S*表$"),
)
_SCOPE_WORDS = {"部门": DocumentScope.DEPARTMENT, "单位": DocumentScope.UNIT}


@dataclass(frozen=True, slots=True)
class ScopeReading:
    scope: DocumentScope
    # (line number, text) of the first line that says so; None: nothing did (a 部门预算)
    evidence: tuple[int, str] | None = None
    # (line number, text) of a line that says the other scope
    contradiction: tuple[int, str] | None = None


def document_scope(lines: list[str]) -> ScopeReading:
    """Whether the document is a 部门预算 or a 单位预算, from the first line that names it; a
    document that names neither is a 部门预算, as every one read so far prints itself."""
    found: list[tuple[int, str, DocumentScope]] = []
    for number, text in enumerate(lines, start=1):
        cells = [cell for cell in split_cells(text) if cell]
        if len(cells) != 1:
            continue
        label = normalise_label(cells[0])
        for pattern in _SCOPE_NAMES:
            if match := pattern.search(label):
                found.append((number, cells[0].strip(), _SCOPE_WORDS[match.group("scope")]))
                break
    if not found:
        return ScopeReading(DocumentScope.DEPARTMENT)
    first = found[0]
    other = next((item for item in found if item[2] is not first[2]), None)
    return ScopeReading(
        first[2], (first[0], first[1]), (other[0], other[1]) if other is not None else None
    )


_HEADER_YEAR = re.compile(r"^\s*\d{4}\s*年度?(?=\D*$)")
_TITLE_LIKE = re.compile(r"表(?:[(（]续[)）])?$")
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
_NOTE_START = re.compile(r"^(?:注|备注|说明)[:：]")


@dataclass(slots=True)
class Normalised:
    """A document's lines in the national layout, with what its title lines printed."""

    lines: list[str]
    fiscal_year: int | None
    department_name: str | None
    # (line number, printed title) of each title line, with the national table it is read as
    titles: list[tuple[int, str, str]]
    # The amount unit printed in a title's own cell, by title line: its table's unit.
    title_units: dict[int, str] = field(default_factory=dict)


def printed_titles(lines: list[str]) -> list[str]:
    """Lines that look like a table title (one cell ending in 表), in order, each once: what a
    document that no profile matches is reported with."""
    found: list[str] = []
    for text in lines:
        cells = [cell for cell in split_cells(text) if cell]
        if len(cells) == 1 and _TITLE_LIKE.search(cells[0]) and "…" not in cells[0]:
            title = cells[0].strip()
            if title not in found:
                found.append(title)
    return found


def match_profile(lines: list[str]) -> TemplateProfile | None:
    """The profile whose title pattern recognises a required table of the document (other than
    Beijing, which layout.split_sections recognises by its numbered titles)."""
    for profile in PROFILES:
        if profile.title is None:
            continue
        for title in printed_titles(lines):
            match = profile.title.match(normalise_label(title))
            if match and profile.table_of(match.group("name")) is not None:
                return profile
    return None


def normalise(lines: list[str], profile: TemplateProfile) -> Normalised:
    """The document's lines in the national layout (see the module's docstring)."""
    assert profile.title is not None and profile.department is not None
    out: list[str] = []
    years: set[int] = set()
    departments: list[str] = []
    # (line index, name printed) of each department line
    department_lines: list[tuple[int, str]] = []
    titles: list[tuple[int, str, str]] = []
    title_units: dict[int, str] = {}
    rows = [split_cells(text) for text in lines]
    tables = [_table_title(profile, cells) for cells in rows]
    # Lines that are layout, not content: read as blank lines (their numbers stay).
    layout_lines: set[int] = set()
    if profile.wrapped_titles:
        for index, (cells, following) in enumerate(zip(rows, rows[1:], strict=False)):
            if tables[index] is None and len(cells) == len(following) == 1:
                tables[index] = _table_title(profile, [cells[0] + following[0]])
                if tables[index] is not None:
                    layout_lines.add(index + 1)
    if profile.wrapped_notes:
        note = False
        for index, cells in enumerate(rows):
            if len(cells) != 1:
                note = False
            elif _NOTE_START.match(normalise_label(cells[0])):
                note = True
            elif note and not _PAGE_NUMBER.match(cells[0]):
                layout_lines.add(index)
    if profile.page_numbers:
        layout_lines |= {
            index
            for index, (cells, following) in enumerate(zip(rows, [*rows[1:], []], strict=True))
            if len(cells) == 1 and _PAGE_NUMBER.match(cells[0]) and not following
        }
    layout = (
        _code_layouts(rows, tables)
        if profile.codes is CodePrinting.SEPARATE_COLUMNS
        else [(0, 0)] * len(rows)
    )
    for number, (cells, table, (code_columns, width)) in enumerate(
        zip(rows, tables, layout, strict=True), start=1
    ):
        filled = [cell for cell in cells if cell]
        label = normalise_label(filled[0]) if len(filled) == 1 else ""
        if number - 1 in layout_lines:
            out.append("")
            continue
        if table is not None:
            if table.year is not None:
                years.add(table.year)
            if table.department is not None:
                departments.append(table.department)
            if table.unit is not None:
                title_units[number] = table.unit
            titles.append((number, filled[0], table.table.table_no))
            out.append(f"预算{table.table.table_no}表 {TABLE_NAMES[table.table.table_no]}")
            continue
        if profile.numbering is not None and label and profile.numbering.match(label):
            out.append("")
            continue
        department = (
            profile.department.match(normalise_label("".join(filled)))
            if 0 < len(filled) <= profile.department_cells
            else None
        )
        if department:
            departments.append(department.group("department"))
            department_lines.append((number - 1, department.group("department")))
            # A department line wrapped before its unit: the unit prints on a line of its own.
            unit = department.group("unit")
            out.append(f"金额单位：{unit}" if unit else "")
            continue
        # A column header that begins with the year ("2024年“三公”经费预算数", where the title
        # has none) is known by its words: the year is the document's, stated in its titles.
        cells = [_HEADER_YEAR.sub("", cell) if _HEADER_YEAR.match(cell) else cell for cell in cells]
        if (
            code_columns
            and cells
            and normalise_label(cells[0]) in ("合计", "总计")
            and len(cells) - 1 == width - code_columns - 1
            and cells[1].strip()
        ):
            # The extractor merges a total row's label cells when the row sits alone on its
            # page; its amounts are exactly the table's amount columns, so they go there. (A
            # row whose label cells are not merged but whose last columns are blank, which the
            # extractor drops, has the same width: its second cell is then an empty label.)
            cells = [cells[0], *[""] * code_columns, *cells[1:]]
        if code_columns and len(cells) >= code_columns:
            cells = [_join_code(cells[:code_columns]), *cells[code_columns:]]
        out.append("\t".join(cells))
    department_name = _one_department(departments)
    if department_name is not None:
        _blank_name_ends(out, rows, department_lines, department_name)
    return Normalised(
        lines=out,
        fiscal_year=years.pop() if len(years) == 1 else None,
        department_name=department_name,
        titles=titles,
        title_units=title_units,
    )


def _one_department(printed: list[str]) -> str | None:
    """The department every title states. A department line wrapped in its cell prints the
    start of the name on one line and the rest below it («…委员会办» / «公厅»): a name that
    begins every other one printed is that name, cut."""
    names = set(printed)
    if len(names) == 1:
        return names.pop()
    longest = max(names, key=len, default=None)
    if longest is not None and all(longest.startswith(name) for name in names):
        return longest
    return None


def _blank_name_ends(
    out: list[str], rows: list[list[str]], department_lines: list[tuple[int, str]], name: str
) -> None:
    """A department line cut in its cell prints the rest of the name on a line of its own,
    after the unit («部门：中国共产党江苏省委员会办» / «单位：万元» / «公厅»): that line is the
    name's, not a row of the table."""
    for index, printed in department_lines:
        rest = name[len(printed) :] if name != printed and name.startswith(printed) else ""
        for following in range(index + 1, min(index + 3, len(rows))):
            cells = [cell for cell in rows[following] if cell]
            if rest and len(cells) == 1 and normalise_label(cells[0]) == normalise_label(rest):
                out[following] = ""
                break


@dataclass(frozen=True, slots=True)
class _Title:
    table: TemplateTable
    year: int | None
    # Printed in the title's own cell by some templates («支出预算总表部门：X 单位：万元»).
    department: str | None = None
    unit: str | None = None


def _table_title(profile: TemplateProfile, cells: list[str]) -> _Title | None:
    filled = [cell for cell in cells if cell]
    if len(filled) != 1 or profile.title is None:
        return None
    title = profile.title.match(normalise_label(filled[0]))
    table = profile.table_of(title.group("name")) if title else None
    if not title or not table:
        return None
    printed = title.groupdict()
    return _Title(
        table,
        int(printed["year"]) if printed["year"] else None,
        printed.get("department"),
        printed.get("unit"),
    )


def _code_layouts(rows: list[list[str]], tables: list[_Title | None]) -> list[tuple[int, int]]:
    """(code columns, header width) of every line's table: its 类/款(/项) header row says how
    many columns the code is printed in, and the header row above it how wide the table is."""
    layouts: list[tuple[int, int]] = [(0, 0)] * len(rows)
    start = 0
    bounds = [index for index, table in enumerate(tables) if table is not None] + [len(rows)]
    for start, end in zip(bounds, bounds[1:], strict=False):
        code_columns = width = 0
        for index in range(start + 1, end):
            levels = [normalise_label(cell) for cell in rows[index][:3]]
            if levels[:2] == ["类", "款"]:
                code_columns = 3 if levels[2:] == ["项"] else 2
                width = len(rows[index - 1])
                break
        layouts[start + 1 : end] = [(code_columns, width)] * (end - start - 1)
    return layouts


def _join_code(parts: list[str]) -> str:
    """ "2080506" from 208 | 05 | 06; a header's label from its first filled cell; 类款项 from
    the level row."""
    stripped = [part.strip() for part in parts]
    if all(part.isdigit() or not part for part in stripped) and any(stripped):
        # 款 and 项 are two digits in the national classification; a published table that
        # lost the leading zero (Excel's number format: 2024 万里街道 prints 301 | 2 津贴补贴)
        # gets it back.
        return stripped[0] + "".join(part.zfill(2) for part in stripped[1:] if part)
    return next((part for part in stripped if part), "")


def leaf_codes(codes: list[str | None]) -> list[bool]:
    """Whether each printed code is an item with no printed child: a template that prints every
    level (类, 款, 项) would otherwise be counted three times."""
    present = [code for code in codes if code]
    return [
        code is not None
        and code != ""
        and not any(other != code and other.startswith(code) for other in present)
        for code in codes
    ]
