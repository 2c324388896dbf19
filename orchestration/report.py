"""The run report: charts from the published marts in one HTML file that opens offline."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import plotly.graph_objects as go
import plotly.io as pio

from orchestration.warehouse.database import query_frame

# Charts of many departments stay readable: the largest ones are shown, the rest counted.
MAX_DEPARTMENTS = 12
MAX_MOVERS = 20
SECTIONS = ("spending-by-category", "largest-changes", "three-public", "rejected-documents")


@dataclass(frozen=True, slots=True)
class Report:
    path: Path
    sections: tuple[str, ...]


def exact(value: Decimal | None) -> str:
    """A 万元 amount as printed: thousands separators, six decimals."""
    return "" if value is None else f"{value:,.6f}"


def _plot(value: Decimal | None) -> float:
    # Only for the chart's geometry (bar length, line height); labels show exact().
    return float(value or 0)


def write_report(warehouse: Path, path: Path) -> Report:
    """Read the published marts and write the report to `path`."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        parts = [
            ("spending-by-category", "Spending by function category",
             "All funds (预算03表) by 支出功能分类 category, per department and year, 万元.",
             _spending_by_category(con)),
            ("largest-changes", "Largest year-over-year changes",
             "Function items whose spending changed most in the latest year, all departments.",
             _largest_changes(con)),
            ("three-public", "三公经费 over time",
             "The three public expenses (预算09表), per department and year, 万元.",
             _three_public(con)),
            ("rejected-documents", "Rejected documents and why",
             "Documents kept out of the marts and the checks they failed; their last good "
             "version, if any, stays published.",
             _rejected(con)),
        ]
        summary = query_frame(con, """
            select count(*) filter (where status = 'published') as published,
                   count(*) filter (where status = 'rejected') as rejected,
                   count(distinct fiscal_year) filter (where status = 'published') as years,
                   count(distinct department_name) filter (where status = 'published')
                       as departments
            from marts.dim_document
        """).row(0, named=True)
    finally:
        con.close()

    body = []
    for index, (anchor, title, caption, figures) in enumerate(parts):
        charts = "".join(
            pio.to_html(figure, full_html=False,
                        include_plotlyjs=(index == 0 and position == 0),
                        config={"displaylogo": False})
            for position, figure in enumerate(figures)
        )
        body.append(f'<section id="{anchor}"><h2>{html.escape(title)}</h2>'
                    f"<p>{html.escape(caption)}</p>{charts}</section>")
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    page = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Budget warehouse run report</title>
<style>
body {{ font-family: system-ui, "PingFang SC", "Noto Sans CJK SC", sans-serif; margin: 2rem;
        color: #222; max-width: 1200px; }}
section {{ margin: 2.5rem 0; }} h2 {{ border-bottom: 1px solid #ddd; padding-bottom: .3rem; }}
.facts span {{ display: inline-block; margin-right: 2rem; font-size: 1.1rem; }}
</style></head><body>
<h1>Budget warehouse run report</h1>
<p class="facts"><span>{summary['published']} documents published</span>
<span>{summary['rejected']} rejected</span><span>{summary['departments']} departments</span>
<span>{summary['years']} years</span></p>
<p>Built {generated} from <code>{html.escape(str(warehouse))}</code>.</p>
{''.join(body)}
</body></html>
"""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return Report(path, tuple(anchor for anchor, *_ in parts))


def _largest_departments(con: duckdb.DuckDBPyConnection) -> list[str]:
    frame = query_frame(con, """
        select department_name, sum(amount) as amount from marts.yoy_function
        where fund_scope = 'all_funds' and level = 'category'
          and fiscal_year = (select max(fiscal_year) from marts.yoy_function)
        group by 1 order by amount desc, department_name limit ?
    """, [MAX_DEPARTMENTS])
    return frame["department_name"].to_list()


def _spending_by_category(con: duckdb.DuckDBPyConnection) -> list[go.Figure]:
    departments = _largest_departments(con)
    frame = query_frame(con, """
        select department_name, fiscal_year, function_code, function_name, amount
        from marts.yoy_function
        where fund_scope = 'all_funds' and level = 'category' and amount <> 0
          and department_name in (select unnest(?::varchar[]))
        order by department_name, function_code, fiscal_year
    """, [departments])
    figure = go.Figure()
    traces_per_department = []
    for department in departments:
        rows = frame.filter(frame["department_name"] == department)
        count = 0
        for (code, name), group in rows.group_by(["function_code", "function_name"],
                                                 maintain_order=True):
            figure.add_bar(
                x=[str(y) for y in group["fiscal_year"]],
                y=[_plot(v) for v in group["amount"]],
                name=f"{code} {name}",
                hovertext=[f"{department}<br>{code} {name}<br>{exact(v)} 万元"
                           for v in group["amount"]],
                hoverinfo="text",
                visible=department == departments[0],
            )
            count += 1
        traces_per_department.append(count)
    buttons = []
    start = 0
    total = sum(traces_per_department)
    for department, count in zip(departments, traces_per_department, strict=True):
        visible = [start <= i < start + count for i in range(total)]
        buttons.append({"label": department, "method": "update", "args": [{"visible": visible}]})
        start += count
    figure.update_layout(
        barmode="stack", xaxis_title="fiscal year", yaxis_title="万元", height=480,
        updatemenus=[{"buttons": buttons, "x": 0, "y": 1.18, "xanchor": "left"}] if buttons
        else [],
        legend_title_text="category",
    )
    return [figure]


def _largest_changes(con: duckdb.DuckDBPyConnection) -> list[go.Figure]:
    frame = query_frame(con, """
        select department_name, function_code, function_name, prior_amount, amount, change,
               change_pct, status, fiscal_year
        from marts.yoy_function
        where fund_scope = 'all_funds' and level = 'item' and prior_amount is not null
          and fiscal_year = (select max(fiscal_year) from marts.yoy_function
                             where prior_amount is not null)
        order by abs(change) desc, department_name, function_code
        limit ?
    """, [MAX_MOVERS])
    colours = {"continuing": "#4c78a8", "new": "#54a24b", "discontinued": "#e45756",
               "remapped": "#b279a2"}
    rows = list(reversed(frame.rows(named=True)))
    figure = go.Figure(go.Bar(
        orientation="h",
        x=[_plot(r["change"]) for r in rows],
        y=[f"{r['department_name']} · {r['function_code']} {r['function_name'] or ''}"
           for r in rows],
        marker_color=[colours[r["status"]] for r in rows],
        hovertext=[f"{r['status']}: {exact(r['prior_amount'])} → {exact(r['amount'])} 万元 "
                   f"({'' if r['change_pct'] is None else r['change_pct']}%)" for r in rows],
        hoverinfo="text",
    ))
    year = rows[0]["fiscal_year"] if rows else "no year with a prior"
    figure.update_layout(title=f"{year}: change against the prior year (万元)",
                         height=max(320, 28 * len(rows) + 120), margin={"l": 360})
    return [figure]


def _three_public(con: duckdb.DuckDBPyConnection) -> list[go.Figure]:
    departments = _largest_departments(con)
    frame = query_frame(con, """
        select department_name, fiscal_year, amount from marts.yoy_three_public
        where item = 'total' and department_name in (select unnest(?::varchar[]))
        order by department_name, fiscal_year
    """, [departments])
    figure = go.Figure()
    for (department,), group in frame.group_by(["department_name"], maintain_order=True):
        figure.add_scatter(
            x=[str(y) for y in group["fiscal_year"]],
            y=[_plot(v) for v in group["amount"]],
            mode="lines+markers", name=department,
            hovertext=[f"{department}: {exact(v)} 万元" for v in group["amount"]],
            hoverinfo="text",
        )
    figure.update_layout(xaxis_title="fiscal year", yaxis_title="万元", height=420)
    return [figure]


def _rejected(con: duckdb.DuckDBPyConnection) -> list[go.Figure]:
    failures = query_frame(con, """
        select d.document_id, q.check_name, count(*) as failures
        from marts.dim_document d
        join marts.data_quality q
          on q.document_id = d.document_id and q.outcome = 'rejected'
        where d.status = 'rejected'
        group by all order by d.document_id, q.check_name
    """)
    reasons = query_frame(con, """
        select document_id, coalesce(fiscal_year::varchar, '') as fiscal_year,
               coalesce(department_name, '') as department_name, rejection_reasons
        from marts.dim_document where status = 'rejected' order by document_id
    """)
    counts = query_frame(con, "select status, count(*) as documents from marts.dim_document "
                              "group by status order by status")
    chart = go.Figure()
    if failures.is_empty():
        chart.add_bar(x=counts["status"].to_list(), y=counts["documents"].to_list(),
                      marker_color="#54a24b")
        chart.update_layout(title="No document was rejected: documents by status", height=320)
    else:
        for (check,), group in failures.group_by(["check_name"], maintain_order=True):
            chart.add_bar(x=group["document_id"].to_list(), y=group["failures"].to_list(),
                          name=check)
        chart.update_layout(barmode="stack", title="Failed checks per rejected document",
                            height=380)
    figures = [chart]
    if not reasons.is_empty():
        figures.append(go.Figure(go.Table(
            header={"values": ["document", "year", "department", "first reasons"]},
            cells={"values": [reasons[c].to_list() for c in reasons.columns],
                   "align": "left"},
            columnwidth=[2, 1, 2, 8],
        )))
    return figures
