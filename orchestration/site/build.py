"""Pages from the published marts: static HTML and plotly charts that open from disk, offline.

Every department and every function code gets its page; nothing is left out to keep a chart
readable (a chart that shows part of its data says so and the table under it has all).
Amounts in tables are exact (DECIMAL, six decimals); charts use floats only for geometry.
"""

from __future__ import annotations

import hashlib
import html
import shutil
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
from plotly.offline import get_plotlyjs

from orchestration.warehouse.database import query_frame

PLOTLY_JS = "plotly.min.js"
# Bars of a department's largest movers in one chart; the table below it lists them all.
MOVERS_CHARTED = 20
STATUS_COLOURS = {
    "new": "#54a24b",
    "continuing": "#4c78a8",
    "discontinued": "#e45756",
    "remapped": "#b279a2",
}
# The marts' own codes are labelled by marts_zh.标签 (one place: the dbt macros); these two are
# the check results' words, used only here.
OUTCOME_ZH = {"passed": "通过", "rejected": "拒绝", "warning": "警告", "skipped": "跳过"}
CHECK_ZH = {
    "parse": "读取",
    "format": "格式",
    "reconciliation": "勾稽关系",
    "performance": "绩效表",
    "narrative": "说明与表",
}
FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'


@dataclass(frozen=True, slots=True)
class Site:
    index: Path
    checks: Path
    codes: Path
    departments: dict[str, Path] = field(default_factory=dict)
    code_pages: dict[str, Path] = field(default_factory=dict)


def write_site(warehouse: Path, out: Path) -> Site:
    """Read the published marts and write the site into `out` (replacing what was there)."""
    staging = out.with_name(f".{out.name}.writing")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    (staging / PLOTLY_JS).write_text(get_plotlyjs(), encoding="utf-8")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        data = _Data.read(con)
    finally:
        con.close()
    departments = {name: department_file(name) for name in data.department_names}
    codes = {code: code_file(code) for code in data.codes["function_code"]}
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    _write(staging / "index.html", "部门预算 · 首页", _index(data, departments, generated))
    _write(staging / "checks.html", "检查结果", _checks(data))
    _write(staging / "codes.html", "支出功能分类科目", _code_index(data, codes))
    for name, file in departments.items():
        _write(staging / file, name, _department(data, name, codes))
    for code, file in codes.items():
        _write(
            staging / file,
            f"{code} {data.code_names.get(code, '')}",
            _code(data, code, departments),
        )
    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)
    return Site(
        index=out / "index.html",
        checks=out / "checks.html",
        codes=out / "codes.html",
        departments={name: out / file for name, file in departments.items()},
        code_pages={code: out / file for code, file in codes.items()},
    )


def department_file(name: str) -> str:
    # ASCII file names: stable across builds and safe in any file:// URL.
    return f"department-{hashlib.sha1(name.encode()).hexdigest()[:12]}.html"


def code_file(code: str) -> str:
    return f"code-{code}.html"


@dataclass(frozen=True, slots=True)
class _Data:
    documents: pl.DataFrame
    functions: pl.DataFrame  # yoy_function, all funds
    general_budget: pl.DataFrame  # yoy_function, general public budget, category level
    three_public: pl.DataFrame
    revenue: pl.DataFrame
    projects: pl.DataFrame
    quality: pl.DataFrame
    codes: pl.DataFrame
    code_names: dict[str, str]
    labels: dict[tuple[str, str], str]
    # Each frame split once by department, and yoy_function by code: a corpus of a thousand
    # documents has hundreds of pages, and filtering the whole frame for each costs minutes.
    by_department: dict[str, dict[str, pl.DataFrame]] = field(default_factory=dict)
    by_code: dict[str, pl.DataFrame] = field(default_factory=dict)

    def of(self, kind: str, department: str) -> pl.DataFrame:
        """One department's rows of a frame (`kind` is the field's name)."""
        frame = self.by_department[kind].get(department)
        return frame if frame is not None else getattr(self, kind).clear()

    def split(self) -> _Data:
        for kind in (
            "documents",
            "functions",
            "general_budget",
            "three_public",
            "revenue",
            "projects",
        ):
            frame = getattr(self, kind).filter(pl.col("department_name").is_not_null())
            self.by_department[kind] = {
                key[0]: part
                for key, part in frame.partition_by(
                    "department_name", as_dict=True, maintain_order=True
                ).items()
            }
        self.by_code.update(
            {
                key[0]: part
                for key, part in self.functions.partition_by(
                    "function_code", as_dict=True, maintain_order=True
                ).items()
            }
        )
        return self

    def label(self, kind: str, code: str | None) -> str:
        """The Chinese word marts_zh uses for a mart's code (the code itself if it has none)."""
        return "" if code is None else self.labels.get((kind, code), code)

    @property
    def department_names(self) -> list[str]:
        published = self.documents.filter(pl.col("department_name").is_not_null())
        return sorted(set(published["department_name"]))

    @property
    def years(self) -> list[int]:
        return sorted(set(self.documents["fiscal_year"].drop_nulls()))

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection) -> _Data:
        functions = query_frame(
            con,
            """
            select fiscal_year, department_name, level, function_code, function_name, amount,
                   prior_amount, change, change_pct, status
            from marts.yoy_function where fund_scope = 'all_funds'
            order by department_name, fiscal_year, function_code""",
        )
        codes = (
            functions.select("function_code", "function_name", "level")
            .unique(["function_code"], keep="last")
            .sort("function_code")
        )
        return cls(
            documents=query_frame(
                con,
                """
                select document_id, fiscal_year, department_name, status, failed_checks,
                       rejection_reasons
                from marts.dim_document order by department_name, fiscal_year, document_id""",
            ),
            functions=functions,
            general_budget=query_frame(
                con,
                """
                select fiscal_year, department_name, sum(amount) as amount
                from marts.yoy_function
                where fund_scope = 'general_public_budget' and level = 'category'
                group by all""",
            ),
            three_public=query_frame(
                con,
                """
                select fiscal_year, department_name, item, item_name, amount, change_pct, status
                from marts.yoy_three_public order by department_name, fiscal_year""",
            ),
            revenue=query_frame(
                con,
                """
                select fiscal_year, department_name, fund_group, revenue_source, revenue_name,
                       amount
                from marts.yoy_revenue order by department_name, fiscal_year""",
            ),
            projects=query_frame(
                con,
                """
                select fiscal_year, department_name, project_code, project_name, total, flags,
                       document_id, source_line
                from marts.fct_project
                order by department_name, fiscal_year desc, total desc nulls last,
                         source_line""",
            ),
            quality=query_frame(
                con,
                """
                select document_id, fiscal_year, department_name, document_status, check_name,
                       identity, table_no, source_line, outcome, expected, observed,
                       difference, allowance, message
                from marts.data_quality
                order by document_id, table_no nulls first, source_line nulls first,
                         check_name""",
            ),
            codes=codes,
            code_names=dict(zip(codes["function_code"], codes["function_name"], strict=True)),
            labels={
                (kind, code): label
                for kind, code, label in con.execute(
                    "select 类别, 代码, 名称 from marts_zh.标签"
                ).fetchall()
            },
        ).split()


# ---------------------------------------------------------------------------------------------
# Pages


def _index(data: _Data, departments: dict[str, str], generated: str) -> str:
    documents = data.documents
    published = documents.filter(pl.col("status") == "published")
    rejected = documents.filter(pl.col("status") != "published")
    years = data.years
    cells: dict[tuple[str, int], str] = {}
    for row in documents.iter_rows(named=True):
        if row["department_name"] is None or row["fiscal_year"] is None:
            continue
        key = (row["department_name"], row["fiscal_year"])
        mark = "✓" if row["status"] == "published" else "✗"
        cells[key] = cells.get(key, "") + mark
    header = "".join(f"<th>{year}</th>" for year in years)
    lines = []
    for name in data.department_names:
        marks = "".join(
            f'<td class="{"ok" if cells.get((name, y), "").startswith("✓") else "bad"}">'
            f"{cells.get((name, y), '')}</td>"
            for y in years
        )
        lines.append(f'<tr><td><a href="{departments[name]}">{_e(name)}</a></td>{marks}</tr>')
    unread = documents.filter(pl.col("department_name").is_null() | pl.col("fiscal_year").is_null())
    unread_note = (
        ""
        if unread.is_empty()
        else (
            f"<p>{unread.height} 个文件未能读出年度或部门，"
            '见<a href="checks.html">检查结果</a>。</p>'
        )
    )
    return f"""
<h1>部门预算</h1>
<p class="facts"><span>{published.height} 份文件已发布</span>
<span>{rejected.height} 份未通过检查</span><span>{len(data.department_names)} 个部门</span>
<span>{len(years)} 个年度</span></p>
<p>生成于 {generated}。<a href="checks.html">检查结果</a>（每份文件每项检查，注明文件、表和行）·
<a href="codes.html">支出功能分类科目</a>（每个科目的历年金额）</p>
<h2>部门与年度</h2>
<p>✓ 已发布，✗ 未通过检查（其上一份合格版本仍在数据中）。
共 {len(data.department_names)} 个部门，全部列出。</p>
<table class="matrix"><thead><tr><th>部门</th>{header}</tr></thead>
<tbody>{"".join(lines)}</tbody></table>
{unread_note}"""


def _department(data: _Data, name: str, codes: dict[str, str]) -> str:
    functions = data.of("functions", name)
    documents = data.of("documents", name)
    years = sorted(set(documents["fiscal_year"].drop_nulls()))
    sections = [
        _totals(data, name, years),
        _spending_by_category(functions, years, codes),
        _three_public(data.of("three_public", name), years),
        _revenue(data.of("revenue", name), years),
        _movers(data, functions, codes),
        _projects(data.of("projects", name)),
        _documents(data, documents),
    ]
    return f'<p><a href="index.html">首页</a></p><h1>{_e(name)}</h1>' + "".join(sections)


def _totals(data: _Data, name: str, years: list[int]) -> str:
    spending = _sum_by_year(data.of("functions", name).filter(pl.col("level") == "category"))
    general = _sum_by_year(data.of("general_budget", name))
    revenue = _sum_by_year(data.of("revenue", name).filter(pl.col("fund_group") == "total"))
    three = _sum_by_year(data.of("three_public", name).filter(pl.col("item") == "total"))
    projects = data.of("projects", name)
    counts = dict(projects.group_by("fiscal_year").len().iter_rows())
    rows = [
        [
            str(y),
            _amount(spending.get(y)),
            _amount(general.get(y)),
            _amount(revenue.get(y)),
            _amount(three.get(y)),
            str(counts.get(y, 0)),
        ]
        for y in years
    ]
    chart = go.Figure()
    chart.add_bar(
        x=[str(y) for y in years],
        y=[_plot(spending.get(y)) for y in years],
        name="支出合计",
        hovertext=[f"{y}年 支出合计 {_amount(spending.get(y))} 万元" for y in years],
        hoverinfo="text",
    )
    chart.add_bar(
        x=[str(y) for y in years],
        y=[_plot(revenue.get(y)) for y in years],
        name="收入合计",
        hovertext=[f"{y}年 收入合计 {_amount(revenue.get(y))} 万元" for y in years],
        hoverinfo="text",
    )
    _years_axis(chart, years)
    chart.update_layout(barmode="group", yaxis_title="万元", height=360)
    return _section(
        "totals",
        "历年总额",
        "支出合计为预算03表支出总表（全部资金），一般公共预算支出为预算05表，"
        "收入合计为预算02表收入总表；单位：万元。",
        _chart(chart)
        + _table(
            [
                "年度",
                "支出合计（万元）",
                "一般公共预算支出（万元）",
                "收入合计（万元）",
                "“三公”经费（万元）",
                "项目数",
            ],
            rows,
            numeric={1, 2, 3, 4, 5},
        ),
    )


def _spending_by_category(functions: pl.DataFrame, years: list[int], codes: dict[str, str]) -> str:
    categories = functions.filter(pl.col("level") == "category")
    chart = go.Figure()
    for (code, label), group in categories.group_by(
        ["function_code", "function_name"], maintain_order=True
    ):
        chart.add_bar(
            x=[str(y) for y in group["fiscal_year"]],
            y=[_plot(v) for v in group["amount"]],
            name=f"{code} {label}",
            hovertext=[
                f"{code} {label}<br>{y}年 {_amount(v)} 万元"
                for y, v in zip(group["fiscal_year"], group["amount"], strict=True)
            ],
            hoverinfo="text",
        )
    _years_axis(chart, years)
    chart.update_layout(
        barmode="stack", yaxis_title="万元", legend_title_text="功能分类（类）", height=440
    )
    return _section(
        "spending-by-category",
        "支出按功能分类（类）",
        "预算03表支出总表，全部资金，按支出功能分类的类；单位：万元。",
        _chart(chart) + _pivot(categories, years, codes),
    )


def _pivot(frame: pl.DataFrame, years: list[int], codes: dict[str, str]) -> str:
    amounts: dict[tuple[str, str], dict[int, Decimal]] = {}
    for row in frame.iter_rows(named=True):
        amounts.setdefault((row["function_code"], row["function_name"] or ""), {})[
            row["fiscal_year"]
        ] = row["amount"]
    rows = [
        [_code_link(code, codes), _e(label), *(_amount(values.get(y)) for y in years)]
        for (code, label), values in sorted(amounts.items())
    ]
    return _table(
        ["科目编码", "科目名称", *(f"{y}（万元）" for y in years)],
        rows,
        numeric=set(range(2, 2 + len(years))),
        escape=False,
    )


def _three_public(frame: pl.DataFrame, years: list[int]) -> str:
    chart = go.Figure()
    for (_item, label), group in frame.group_by(["item", "item_name"], maintain_order=True):
        chart.add_scatter(
            x=[str(y) for y in group["fiscal_year"]],
            y=[_plot(v) for v in group["amount"]],
            mode="lines+markers",
            name=label,
            hovertext=[
                f"{label}<br>{y}年 {_amount(v)} 万元"
                for y, v in zip(group["fiscal_year"], group["amount"], strict=True)
            ],
            hoverinfo="text",
        )
    _years_axis(chart, years)
    chart.update_layout(yaxis_title="万元", height=380)
    table: dict[str, dict[int, Decimal]] = {}
    for row in frame.iter_rows(named=True):
        table.setdefault(row["item_name"], {})[row["fiscal_year"]] = row["amount"]
    rows = [
        [_e(label), *(_amount(values.get(y)) for y in years)] for label, values in table.items()
    ]
    return _section(
        "three-public",
        "“三公”经费",
        "预算09表，历年按年度排列；单位：万元。",
        _chart(chart)
        + _table(
            ["项目", *(f"{y}（万元）" for y in years)],
            rows,
            numeric=set(range(1, 1 + len(years))),
            escape=False,
        ),
    )


def _revenue(frame: pl.DataFrame, years: list[int]) -> str:
    sources = frame.filter(
        (pl.col("fund_group") != "total") & (pl.col("revenue_source") != "subtotal")
    )
    chart = go.Figure()
    for (group_name, label), group in sources.group_by(
        ["fund_group", "revenue_name"], maintain_order=True
    ):
        prefix = "上年结转·" if group_name == "carryover" else ""
        chart.add_bar(
            x=[str(y) for y in group["fiscal_year"]],
            y=[_plot(v) for v in group["amount"]],
            name=prefix + label,
            hovertext=[
                f"{prefix}{label}<br>{y}年 {_amount(v)} 万元"
                for y, v in zip(group["fiscal_year"], group["amount"], strict=True)
            ],
            hoverinfo="text",
        )
    _years_axis(chart, years)
    chart.update_layout(
        barmode="stack", yaxis_title="万元", legend_title_text="收入来源", height=420
    )
    table: dict[str, dict[int, Decimal]] = {}
    for row in frame.iter_rows(named=True):
        prefix = {"carryover": "上年结转·", "total": ""}.get(row["fund_group"], "本年收入·")
        table.setdefault(prefix + row["revenue_name"], {})[row["fiscal_year"]] = row["amount"]
    rows = [
        [_e(label), *(_amount(values.get(y)) for y in years)] for label, values in table.items()
    ]
    return _section(
        "revenue",
        "收入按来源",
        "预算02表收入总表；单位：万元。",
        _chart(chart)
        + _table(
            ["收入来源", *(f"{y}（万元）" for y in years)],
            rows,
            numeric=set(range(1, 1 + len(years))),
            escape=False,
        ),
    )


def _movers(data: _Data, functions: pl.DataFrame, codes: dict[str, str]) -> str:
    moved = (
        functions.filter(
            (pl.col("level") == "item")
            & pl.col("prior_amount").is_not_null()
            & (pl.col("change") != 0)
        )
        .with_columns(pl.col("change").abs().alias("size"))
        .sort(["fiscal_year", "size", "function_code"], descending=[True, True, False])
    )
    if moved.is_empty():
        return _section(
            "largest-changes",
            "变动最大的支出项目",
            "没有可比较的上一年度（该部门只有一个年度的数据）。",
            "",
        )
    latest = int(moved["fiscal_year"].max())  # type: ignore[arg-type]  # not empty here
    charted = moved.filter(pl.col("fiscal_year") == latest).head(MOVERS_CHARTED)
    in_latest = moved.filter(pl.col("fiscal_year") == latest).height
    bars = list(reversed(charted.rows(named=True)))
    chart = go.Figure(
        go.Bar(
            orientation="h",
            x=[_plot(r["change"]) for r in bars],
            y=[f"{r['function_code']} {r['function_name'] or ''}" for r in bars],
            marker_color=[STATUS_COLOURS.get(r["status"], "#888888") for r in bars],
            hovertext=[
                f"{data.label('status', r['status'])}：{_amount(r['prior_amount'])} → "
                f"{_amount(r['amount'])} 万元（{_pct(r['change_pct'])}）"
                for r in bars
            ],
            hoverinfo="text",
        )
    )
    chart.update_layout(
        xaxis_title="增减额（万元）", height=max(300, 26 * len(bars) + 120), margin={"l": 320}
    )
    rows = [
        [
            str(r["fiscal_year"]),
            _code_link(r["function_code"], codes),
            _e(r["function_name"] or ""),
            _amount(r["prior_amount"]),
            _amount(r["amount"]),
            _amount(r["change"]),
            _pct(r["change_pct"]),
            data.label("status", r["status"]),
        ]
        for r in moved.iter_rows(named=True)
    ]
    caption = (
        f"{latest}年与上一年度相比，按支出功能分类的项，全部资金。图中为增减额最大的 "
        f"{charted.height} 项（该年共 {in_latest} 项有变动）；下表列出各年全部 "
        f"{moved.height} 项变动。"
    )
    return _section(
        "largest-changes",
        "变动最大的支出项目",
        caption,
        _chart(chart)
        + _table(
            [
                "年度",
                "科目编码",
                "科目名称",
                "上年金额（万元）",
                "金额（万元）",
                "增减额（万元）",
                "增减率",
                "状态",
            ],
            rows,
            numeric={3, 4, 5, 6},
            escape=False,
        ),
    )


def _projects(frame: pl.DataFrame) -> str:
    rows = [
        [
            str(r["fiscal_year"]),
            _e(r["project_code"] or "（未印编码）"),
            _e(r["project_name"] or "（未印名称）"),
            _amount(r["total"]),
            _e(r["flags"] or ""),
            f"{_e(r['document_id'])} 第{r['source_line']}行",
        ]
        for r in frame.iter_rows(named=True)
    ]
    caption = (
        f"预算12表项目支出绩效目标表：全部 {frame.height} 个项目；项目总额单位万元。"
        "“标记”说明读取时推断的内容（如 decimal_point_misread：小数点被提取为逗号）。"
    )
    return _section(
        "projects",
        "项目",
        caption,
        _table(
            ["年度", "项目编码", "项目名称", "项目总额（万元）", "标记", "来源"],
            rows,
            numeric={3},
            escape=False,
        ),
    )


def _documents(data: _Data, documents: pl.DataFrame) -> str:
    rows = [
        [
            str(r["fiscal_year"]),
            _e(r["document_id"]),
            data.label("document_status", r["status"]),
            _e(r["rejection_reasons"] or ""),
        ]
        for r in documents.iter_rows(named=True)
    ]
    return _section(
        "documents",
        "文件",
        '该部门的全部文件及其状态；检查详情见<a href="checks.html">检查结果</a>。',
        _table(["年度", "文件", "状态", "未通过原因"], rows, escape=False),
        raw_caption=True,
    )


def _code_index(data: _Data, codes: dict[str, str]) -> str:
    used = (
        data.functions.group_by("function_code")
        .agg(
            pl.col("fiscal_year").min().alias("first"),
            pl.col("fiscal_year").max().alias("last"),
            pl.col("department_name").n_unique().alias("departments"),
        )
        .sort("function_code")
    )
    rows = [
        [
            _code_link(r["function_code"], codes),
            _e(data.code_names[r["function_code"]] or ""),
            data.label("level", _level(data, r["function_code"])),
            f"{r['first']}–{r['last']}",
            str(r["departments"]),
        ]
        for r in used.iter_rows(named=True)
    ]
    return '<p><a href="index.html">首页</a></p><h1>支出功能分类科目</h1>' + _section(
        "codes",
        "全部科目",
        f"预算03表中出现过的全部 {used.height} 个科目（类、款、项）。",
        _table(["科目编码", "科目名称", "级次", "年度", "部门数"], rows, numeric={4}, escape=False),
    )


def _level(data: _Data, code: str) -> str:
    return data.by_code[code]["level"][0]


def _code(data: _Data, code: str, departments: dict[str, str]) -> str:
    frame = data.by_code[code]
    years = sorted(set(frame["fiscal_year"]))
    totals = _sum_by_year(frame)
    chart = go.Figure()
    chart.add_bar(
        x=[str(y) for y in years],
        y=[_plot(totals.get(y)) for y in years],
        name="全部部门合计",
        hovertext=[f"{y}年 全部部门合计 {_amount(totals.get(y))} 万元" for y in years],
        hoverinfo="text",
    )
    _years_axis(chart, years)
    chart.update_layout(
        yaxis_title="万元", height=360, title=f"{code} {data.code_names[code] or ''}"
    )
    per_department: dict[str, dict[int, Decimal]] = {}
    for row in frame.iter_rows(named=True):
        per_department.setdefault(row["department_name"], {})[row["fiscal_year"]] = row["amount"]
    rows = [
        [f'<a href="{departments[name]}">{_e(name)}</a>', *(_amount(values.get(y)) for y in years)]
        for name, values in sorted(per_department.items())
    ]
    rows.append(["<b>合计</b>", *(f"<b>{_amount(totals.get(y))}</b>" for y in years)])
    title = f"{code} {data.code_names[code] or ''}"
    return (
        f'<p><a href="index.html">首页</a> · <a href="codes.html">全部科目</a></p>'
        f"<h1>{_e(title)}</h1>"
        + _section(
            "history",
            "历年金额",
            f"预算03表，全部资金，{data.label('level', _level(data, code))}"
            f"级科目；图为全部 {len(per_department)} 个部门合计，各部门见下表；单位：万元。",
            _chart(chart)
            + _table(
                ["部门", *(f"{y}（万元）" for y in years)],
                rows,
                numeric=set(range(1, 1 + len(years))),
                escape=False,
            ),
        )
    )


def _checks(data: _Data) -> str:
    quality = data.quality
    summary = quality.group_by(["check_name", "outcome"]).len().sort(["check_name", "outcome"])
    summary_rows = [
        [
            CHECK_ZH.get(r["check_name"], r["check_name"]),
            OUTCOME_ZH.get(r["outcome"], r["outcome"]),
            str(r["len"]),
        ]
        for r in summary.iter_rows(named=True)
    ]
    documents = quality.group_by(
        ["document_id", "fiscal_year", "department_name", "document_status"], maintain_order=True
    ).agg(
        (pl.col("outcome") == "rejected").sum().alias("rejected"),
        (pl.col("outcome") == "warning").sum().alias("warnings"),
        pl.len().alias("checks"),
    )
    document_rows = [
        [
            _e(r["document_id"]),
            str(r["fiscal_year"] or ""),
            _e(r["department_name"] or ""),
            data.label("document_status", r["document_status"]),
            str(r["checks"]),
            str(r["rejected"]),
            str(r["warnings"]),
        ]
        for r in documents.iter_rows(named=True)
    ]
    problems = quality.filter(pl.col("outcome") != "passed")
    problem_rows = [
        [
            _e(r["document_id"]),
            _e(r["table_no"] or ""),
            str(r["source_line"] or ""),
            CHECK_ZH.get(r["check_name"], r["check_name"]),
            OUTCOME_ZH.get(r["outcome"], r["outcome"]),
            _e(r["identity"] or ""),
            _e(r["expected"] or ""),
            _e(r["observed"] or ""),
            _amount(r["difference"]),
            _amount(r["allowance"]),
            _e(r["message"] or ""),
        ]
        for r in problems.iter_rows(named=True)
    ]
    return (
        '<p><a href="index.html">首页</a></p><h1>检查结果</h1>'
        "<p>每份文件在发布前经过读取、格式和勾稽关系检查；“拒绝”使文件不进入数据（其上一份合格版本"
        "保留），“警告”只提示。每条结果注明文件、表和行。</p>"
        + _section(
            "summary", "按检查汇总", "", _table(["检查", "结果", "条数"], summary_rows, numeric={2})
        )
        + _section(
            "by-document",
            "按文件",
            f"全部 {documents.height} 份文件。",
            _table(
                ["文件", "年度", "部门", "状态", "检查条数", "拒绝", "警告"],
                document_rows,
                numeric={4, 5, 6},
                escape=False,
            ),
        )
        + _section(
            "problems",
            "未通过的检查",
            f"全部 {problems.height} 条未通过的检查结果。",
            _table(
                [
                    "文件",
                    "表",
                    "行",
                    "检查",
                    "结果",
                    "规则",
                    "应为",
                    "实为",
                    "差额（万元）",
                    # half the last printed digit per rounded figure: within it, a warning
                    "允许的舍入差（万元）",
                    "说明",
                ],
                problem_rows,
                numeric={8, 9},
                escape=False,
            ),
        )
    )


# ---------------------------------------------------------------------------------------------
# Pieces


def _sum_by_year(frame: pl.DataFrame) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = {}
    for year, amount in frame.select("fiscal_year", "amount").iter_rows():
        if amount is not None:
            totals[year] = totals.get(year, Decimal(0)) + amount
    return totals


def _years_axis(figure: go.Figure, years: Sequence[int]) -> None:
    # Years as categories in calendar order, whatever order the traces meet them in.
    figure.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=[str(y) for y in sorted(years)],
        title_text="年度",
    )


def _chart(figure: go.Figure) -> str:
    figure.update_layout(font={"family": FONT}, margin={"t": 40}, separators=".,")
    return pio.to_html(
        figure,
        full_html=False,
        include_plotlyjs=False,
        config={"displaylogo": False, "responsive": True},
    )


def _section(anchor: str, title: str, caption: str, body: str, raw_caption: bool = False) -> str:
    text = caption if raw_caption else _e(caption)
    paragraph = f"<p>{text}</p>" if caption else ""
    return f'<section id="{anchor}"><h2>{_e(title)}</h2>{paragraph}{body}</section>'


def _table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: Collection[int] = (),
    escape: bool = True,
) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = "".join(
            f"<td{' class=num' if i in numeric else ''}>{_e(v) if escape else v}</td>"
            for i, v in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _code_link(code: str, codes: dict[str, str]) -> str:
    return f'<a href="{codes[code]}">{_e(code)}</a>' if code in codes else _e(code)


def _amount(value: Decimal | None) -> str:
    """A 万元 amount as the documents print it: thousands separators, six decimals, exact."""
    return "" if value is None else f"{value:,.6f}"


def _pct(value: Decimal | None) -> str:
    return "" if value is None else f"{value}%"


def _plot(value: Decimal | None) -> float:
    # Only for a chart's geometry (bar length, line height); labels show _amount().
    return float(value or 0)


def _e(text: object) -> str:
    return html.escape(str(text))


def _write(path: Path, title: str, body: str) -> None:
    path.write_text(
        f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{_e(title)}</title>
<script src="{PLOTLY_JS}"></script>
<style>
body {{ font-family: {FONT}; margin: 2rem; color: #222; max-width: 1200px; }}
section {{ margin: 2.5rem 0; }} h2 {{ border-bottom: 1px solid #ddd; padding-bottom: .3rem; }}
table {{ border-collapse: collapse; font-size: .9rem; }}
th, td {{ border: 1px solid #ddd; padding: .25rem .5rem; vertical-align: top; }}
th {{ background: #f3f6fa; position: sticky; top: 0; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.scroll {{ max-height: 32rem; overflow: auto; }}
.matrix td.ok {{ color: #2a7a2a; text-align: center; }}
.matrix td.bad {{ color: #c0392b; text-align: center; }}
.facts span {{ display: inline-block; margin-right: 2rem; font-size: 1.1rem; }}
</style></head><body>
{body}
</body></html>
""",
        encoding="utf-8",
    )
