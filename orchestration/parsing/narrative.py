"""The explanation sentences: the figures a document states in words, read with their page.

Budgets (编制说明) and final accounts (决算情况说明) repeat their totals in sentences:
«收入预算18,976.76万元，其中：财政拨款收入…», «“三公”经费预算数为47.91万元»,
«年初预算为 1560.05 万元，支出决算为1511.89万元，完成年初预算的98.20%». Nothing checks a
sentence against the table it summarises except a reader, so these figures are read here and
compared with the tables by the `narrative` check (expectations/narrative.yml), which warns and
never rejects: the tables are the publication's figures, the sentences its commentary.

One reader for both kinds of document: the same running text (PDF narrative pages placed by
position, extract/prose.py; the lines of a text document), the same figure pattern, and the
function names resolved to codes the same way. What each kind states is listed once below.

- `stated_figures`: one row per stated total (StatedFigure), both kinds.
- `final_narrative`: a 决算's «年初预算 / 全年预算 X 万元，支出决算 Y 万元，完成…Z%» per function
  item, for the general public budget total and for 三公; one row per baseline stated.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

import polars as pl

from .extract import ExtractedDocument, SourceFormat
from .extract.prose import ProseLine
from .final_accounts import DocumentKind
from .model import RAW_TABLES


class StatedFigure(StrEnum):
    """What a sentence states, in the names of the figure it summarises."""

    REVENUE_TOTAL = "revenue_total"  # 收入预算 / 本年收入合计
    FISCAL_REVENUE = "fiscal_revenue"  # 财政拨款收入
    EXPENDITURE_TOTAL = "expenditure_total"  # 支出预算 / 本年支出合计
    FISCAL_EXPENDITURE = "fiscal_expenditure"  # 财政拨款支出预算
    GENERAL_BUDGET_EXPENDITURE = "general_budget_expenditure"  # 一般公共预算拨款支出预算
    GOVERNMENT_FUND_EXPENDITURE = "government_fund_expenditure"  # 政府性基金拨款支出预算
    STATE_CAPITAL_EXPENDITURE = "state_capital_expenditure"  # 国有资本经营预算拨款支出预算
    BASIC_EXPENDITURE = "basic_expenditure"  # 基本支出
    PROJECT_EXPENDITURE = "project_expenditure"  # 项目支出
    THREE_PUBLIC_TOTAL = "three_public_total"  # “三公”经费预算数
    OUTBOUND_TRAVEL = "outbound_travel"  # 因公出国（境）费
    VEHICLES_TOTAL = "vehicles_total"  # 公务用车购置及运行费
    VEHICLE_PURCHASE = "vehicle_purchase"  # 公务用车购置费
    VEHICLE_OPERATION = "vehicle_operation"  # 公务用车运行费
    RECEPTION = "reception"  # 公务接待费
    AGENCY_OPERATION = "agency_operation"  # 机关运行经费
    PROCUREMENT_TOTAL = "procurement_total"  # 政府采购预算
    # 财政拨款支出主要内容: «“…（类）…（款）…（项）”X万元» and, in the same paragraph,
    # «2024年预算安排Y万元»; both state the item's budget.
    FUNCTION_ITEM = "function_item"
    FUNCTION_ITEM_PLANNED = "function_item_planned"
    # 决算 结构情况: «一般公共服务支出（类）2106.66万元，占71.73%»
    FUNCTION_CATEGORY = "function_category"


class Baseline(StrEnum):
    """The budget a 决算 sentence measures its spending against (phases, issue 13)."""

    APPROVED = "approved"  # 年初预算
    ADJUSTED = "adjusted"  # 全年预算


class NarrativeSubject(StrEnum):
    """What a 决算 execution sentence is about."""

    GENERAL_BUDGET_TOTAL = "general_budget_total"  # 一般公共预算财政拨款支出 as a whole
    FUNCTION_ITEM = "function_item"  # one function item (类 款 项)
    THREE_PUBLIC_TOTAL = "three_public_total"  # “三公”经费财政拨款支出


# A stated amount: thousands separated or not, any decimals; 万元 follows it.
_N = r"(?P<{}>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_WAN = "万元"


def _amount(name: str = "amount") -> str:
    return _N.format(name) + _WAN


# Each kind's sentences, most specific first where two could match the same words. The
# running text has no spaces (removed when it is joined), so none appear here.
# 收入预算 after a source's name is that source's (Jiangsu's 人大 2018, p.19: «财政拨款收入预算
# 总计…», «政府性基金收入预算0万元», «财政专户管理资金收入预算总计0万元»), not the total.
_SOURCE_BEFORE = "".join(
    f"(?<!{word})"
    for word in ("拨款", "资金", "预算", "基金", "事业", "经营", "其他", "补助", "上缴")
)
_COMMON = (
    (
        StatedFigure.REVENUE_TOTAL,
        rf"(?:{_SOURCE_BEFORE}收入预算|本年收入合计)(?:总计|合计)?为?{_amount()}",
    ),
    (StatedFigure.FISCAL_REVENUE, rf"(?<!一般公共预算)财政拨款收入(?:预算)?为?{_amount()}"),
    (StatedFigure.EXPENDITURE_TOTAL, rf"本年支出合计为?{_amount()}"),
    # Not «一般公共预算（财政拨款）基本支出»: that is 05's, a part of 03's.
    (StatedFigure.BASIC_EXPENDITURE, rf"(?<!拨款)(?<!预算)基本支出(?:预算)?为?{_amount()}"),
    (StatedFigure.PROJECT_EXPENDITURE, rf"(?<!拨款)(?<!预算)项目支出(?:预算)?为?{_amount()}"),
)
_SPENDING_PREFIX = {
    "": StatedFigure.EXPENDITURE_TOTAL,
    "财政拨款": StatedFigure.FISCAL_EXPENDITURE,
    "一般公共预算拨款": StatedFigure.GENERAL_BUDGET_EXPENDITURE,
    "一般公共预算财政拨款": StatedFigure.GENERAL_BUDGET_EXPENDITURE,
    "政府性基金拨款": StatedFigure.GOVERNMENT_FUND_EXPENDITURE,
    "政府性基金预算拨款": StatedFigure.GOVERNMENT_FUND_EXPENDITURE,
    "国有资本经营预算拨款": StatedFigure.STATE_CAPITAL_EXPENDITURE,
}
# «支出预算X万元» and its fund-specific forms, told apart by the words before it. «基本支出预算»
# and «项目支出预算» are parts, not the total (Jiangsu's 人大 2017 states «财政拨款基本支出预算
# 7666.68万元»): they are read by _COMMON's patterns or not at all.
_SPENDING = re.compile(
    rf"(?P<prefix>{'|'.join(sorted(filter(None, _SPENDING_PREFIX), key=len, reverse=True))})?"
    rf"(?<!基本)(?<!项目)支出预算(?:总计|合计)?为?{_amount()}"
)
_BUDGET_ONLY = (
    (StatedFigure.THREE_PUBLIC_TOTAL, rf"三公.?经费(?:财政拨款)?预算数?为?{_amount()}"),
    (StatedFigure.OUTBOUND_TRAVEL, rf"因公出国[（(]境[）)]费(?:预算)?为?{_amount()}"),
    (StatedFigure.VEHICLES_TOTAL, rf"公务用车购置及运行(?:维护)?费(?:预算)?为?{_amount()}"),
    (StatedFigure.VEHICLE_PURCHASE, rf"公务用车购置费(?:预算)?为?{_amount()}"),
    (StatedFigure.VEHICLE_OPERATION, rf"公务用车运行(?:维护)?费(?:预算)?为?{_amount()}"),
    (StatedFigure.RECEPTION, rf"公务接待费(?:预算)?为?{_amount()}"),
    (StatedFigure.AGENCY_OPERATION, rf"机关运行经费预算数?为?{_amount()}"),
    (StatedFigure.PROCUREMENT_TOTAL, rf"政府采购预算(?:总额)?为?{_amount()}"),
)
_FINAL_ONLY = (
    # «一般公共预算财政拨款支出2940.05万元，占本年支出合计的100.00%» (not its 年初预算 sentence)
    (StatedFigure.GENERAL_BUDGET_EXPENDITURE, rf"一般公共预算财政拨款支出(?:决算)?为?{_amount()}"),
)
_FIGURES: dict[DocumentKind, tuple[tuple[StatedFigure, re.Pattern[str]], ...]] = {
    DocumentKind.BUDGET: tuple(
        (figure, re.compile(pattern)) for figure, pattern in (*_COMMON, *_BUDGET_ONLY)
    ),
    DocumentKind.FINAL_ACCOUNTS: tuple(
        (figure, re.compile(pattern)) for figure, pattern in (*_COMMON, *_FINAL_ONLY)
    ),
}

# A function item named by its three levels, with or without their codes:
# «一般公共服务支出（类）财政事务（款）行政运行（项）»,
# «公共安全支出（204类）司法（06款）行政运行（01项）».
_NAME = r"[^，。；：、“”（）()\d\s]+?"
_ITEM = re.compile(
    rf"(?P<category>{_NAME})[（(](?P<code1>\d{{3}})?类[）)]"
    rf"(?P<subcategory>{_NAME})[（(](?P<code2>\d{{2}})?款[）)]"
    rf"(?P<item>{_NAME})[（(](?P<code3>\d{{2}})?项[）)]"
)
# 决算: a category's spending, «…支出（类）2106.66万元» (its 款 and 项 not named).
_CATEGORY_AMOUNT = re.compile(rf"(?P<category>{_NAME})[（(](?P<code1>\d{{3}})?类[）)]{_amount()}")
# Budgets: the item's amount right after its name, then «2025年预算安排X万元» in its paragraph.
_ITEM_AMOUNT = re.compile(rf"”?(?:科目)?{_amount()}")
_ITEM_PLANNED = re.compile(rf"\d{{4}}年预算安排{_amount()}")
# 决算: the sentences that open an execution statement besides the items.
_FINAL_TOTAL = re.compile(r"一般公共预算财政拨款支出(?=(?:年初|全年)预算数?为)")
_FINAL_THREE_PUBLIC = re.compile(r"三公.?经费财政拨款支出(?=(?:年初|全年)预算数?为)")
_BASELINE_AMOUNT = re.compile(rf"(?P<baseline>年初|全年)预算数?为{_amount()}")
_ACTUAL = re.compile(rf"(?:支出)?决算数?为{_amount()}")
_RATE = re.compile(r"完成(?P<baseline>年初|全年)?预算数?的(?P<rate>\d+(?:\.\d+)?)%")
# Where an execution statement ends at the latest: the next numbered section.
_SECTION = re.compile(r"[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]")
_BASELINE_WORDS = {"年初": Baseline.APPROVED, "全年": Baseline.ADJUSTED}
# Pages worth placing word by word: those that state an amount in 万元 (every figure read
# here is one).
WANTED = re.compile(r"\d万元")
_SENTENCE_END = "。；;"
_SENTENCE_MAX = 240


@dataclass(frozen=True, slots=True)
class _Text:
    """The running text: lines joined without separators (Chinese wraps inside words and
    figures), with where each line starts, so an offset names its page and line."""

    text: str
    starts: list[int]
    lines: Sequence[ProseLine]

    @classmethod
    def of(cls, lines: Sequence[ProseLine]) -> _Text:
        parts, starts, offset = [], [], 0
        for index, line in enumerate(lines):
            squeezed = re.sub(r"[\s\u3000]+", "", line.text)
            previous = lines[index - 1].page if index else None
            if previous is not None and line.page not in (previous, previous + 1):
                # Pages between them were not read (tables): no sentence runs across.
                parts.append("\n")
                offset += 1
            starts.append(offset)
            parts.append(squeezed)
            offset += len(squeezed)
        return cls("".join(parts), starts, lines)

    def place(self, offset: int) -> ProseLine:
        return self.lines[max(bisect_right(self.starts, offset) - 1, 0)]

    def sentence(self, start: int, end: int) -> str:
        """The sentence around [start, end): from the previous full stop to the next."""
        before = max(self.text.rfind(mark, 0, start) for mark in _SENTENCE_END)
        after = [i for mark in _SENTENCE_END if (i := self.text.find(mark, end)) >= 0]
        stop = min(after) + 1 if after else len(self.text)
        begin = max(before + 1, start - _SENTENCE_MAX)
        return self.text[begin : min(stop, end + _SENTENCE_MAX)]


def read_narrative(
    data: bytes,
    source_file: str,
    lines: Sequence[str],
    extracted: ExtractedDocument | None,
    kind: DocumentKind,
    frames: dict[str, pl.DataFrame],
) -> dict[str, pl.DataFrame]:
    """The stated figures of one document, as raw frames. `lines` are a text document's lines;
    a PDF's narrative pages are read from its bytes (the extraction keeps only its tables)."""
    prose: list[ProseLine]
    if extracted is None:
        # Table rows are tab-separated cells, never sentences.
        prose = [ProseLine(text, None, n) for n, text in enumerate(lines, 1) if "\t" not in text]
    elif extracted.source_format is SourceFormat.PDF:
        from .extract.prose import prose_lines

        prose = prose_lines(data, source_file, set(extracted.table_pages), WANTED)
    else:
        prose = []
    text = _Text.of(prose)
    codes = function_codes(frames)
    figures = sorted(
        _stated_figures(text, kind, codes),
        key=lambda row: (row["source_page"] or 0, row["source_line"]),
    )
    out = {"stated_figures": _frame("stated_figures", figures)}
    if kind is DocumentKind.FINAL_ACCOUNTS:
        out["final_narrative"] = _frame("final_narrative", list(_executions(text, codes)))
    return out


def _frame(table: str, rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=RAW_TABLES[table], orient="row")


def _decimal(printed: str) -> tuple[Decimal, int]:
    """A printed figure exactly, and how many decimals it prints."""
    plain = printed.replace(",", "")
    return Decimal(plain), len(plain.partition(".")[2])


def _figure_row(
    text: _Text,
    figure: StatedFigure,
    match: re.Match[str],
    group: str = "amount",
    function_code: str | None = None,
    function_name: str | None = None,
) -> dict:
    amount, decimals = _decimal(match.group(group))
    where = text.place(match.start(group))
    return {
        "figure": figure.value,
        "function_code": function_code,
        "function_name": function_name,
        "amount": amount,
        "printed": match.group(group),
        "decimals": decimals,
        "sentence": text.sentence(match.start(), match.end()),
        "source_line": where.line,
        "source_page": where.page,
    }


def _stated_figures(text: _Text, kind: DocumentKind, codes: FunctionCodes) -> Iterable[dict]:
    taken: set[int] = set()
    for figure, pattern in _FIGURES[kind]:
        for match in pattern.finditer(text.text):
            if match.start("amount") not in taken:
                taken.add(match.start("amount"))
                yield _figure_row(text, figure, match)
    if kind is DocumentKind.FINAL_ACCOUNTS:
        for match in _CATEGORY_AMOUNT.finditer(text.text):
            yield _figure_row(
                text,
                StatedFigure.FUNCTION_CATEGORY,
                match,
                function_code=codes.category(match),
                function_name=match.group(0)[: -len(match.group("amount")) - len(_WAN)],
            )
    if kind is DocumentKind.BUDGET:
        for match in _SPENDING.finditer(text.text):
            if match.start("amount") not in taken:
                taken.add(match.start("amount"))
                yield _figure_row(text, _SPENDING_PREFIX[match.group("prefix") or ""], match)
        items = list(_ITEM.finditer(text.text))
        for index, item in enumerate(items):
            end = items[index + 1].start() if index + 1 < len(items) else len(text.text)
            code = codes.resolve(item)
            for figure, found in (
                (StatedFigure.FUNCTION_ITEM, _ITEM_AMOUNT.match(text.text, item.end())),
                (
                    StatedFigure.FUNCTION_ITEM_PLANNED,
                    _ITEM_PLANNED.search(text.text, item.end(), end),
                ),
            ):
                if found:
                    yield _figure_row(
                        text, figure, found, function_code=code, function_name=item.group(0)
                    )


def _executions(text: _Text, codes: FunctionCodes) -> Iterable[dict]:
    """A 决算's execution statements: each opens with an item's name, «一般公共预算财政拨款支出»
    or «“三公”经费财政拨款支出», and runs to the next opening or section."""
    openings: list[tuple[int, int, NarrativeSubject, re.Match[str] | None]] = []
    for match in _FINAL_TOTAL.finditer(text.text):
        openings.append((match.start(), match.end(), NarrativeSubject.GENERAL_BUDGET_TOTAL, None))
    for match in _FINAL_THREE_PUBLIC.finditer(text.text):
        openings.append((match.start(), match.end(), NarrativeSubject.THREE_PUBLIC_TOTAL, None))
    for match in _ITEM.finditer(text.text):
        openings.append((match.start(), match.end(), NarrativeSubject.FUNCTION_ITEM, match))
    openings.sort(key=lambda opening: opening[0])
    for index, (start, body, subject, item) in enumerate(openings):
        end = openings[index + 1][0] if index + 1 < len(openings) else len(text.text)
        section = _SECTION.search(text.text, body, end)
        end = section.start() if section else end
        budgets = list(_BASELINE_AMOUNT.finditer(text.text, body, end))
        if not budgets:
            continue  # a name in passing (结构情况), not an execution statement
        actual = _ACTUAL.search(text.text, budgets[-1].end(), end)
        rate = _RATE.search(text.text, actual.end() if actual else budgets[-1].end(), end)
        rate_baseline = None
        if rate is not None:
            word = rate.group("baseline")
            # «完成预算的Z%» names no baseline: the first one the sentence states.
            rate_baseline = (
                _BASELINE_WORDS[word] if word else _BASELINE_WORDS[budgets[0].group("baseline")]
            )
        last = rate or actual or budgets[-1]
        where = text.place(start)
        for budget in budgets:
            baseline = _BASELINE_WORDS[budget.group("baseline")]
            amount = _decimal(budget.group("amount"))[0]
            stated = rate if rate is not None and rate_baseline is baseline else None
            yield {
                "subject": subject.value,
                "function_code": codes.resolve(item) if item else None,
                "function_name": item.group(0) if item else None,
                "baseline": baseline.value,
                "budget": amount,
                "budget_printed": budget.group("amount"),
                "actual": _decimal(actual.group("amount"))[0] if actual else None,
                "actual_printed": actual.group("amount") if actual else None,
                "stated_rate": Decimal(stated.group("rate")) if stated else None,
                "stated_rate_printed": stated.group("rate") + "%" if stated else None,
                "sentence": text.text[start : last.end()],
                "source_line": where.line,
                "source_page": where.page,
            }


@dataclass(frozen=True, slots=True)
class FunctionCodes:
    """Function items by their three printed names (类, 款, 项), from the document's own
    tables: the sentences name items, the tables code them."""

    by_names: dict[tuple[str, str, str], str]
    categories: dict[str, str]

    def category(self, match: re.Match[str]) -> str | None:
        return match.group("code1") or self.categories.get(_name(match.group("category")))

    def resolve(self, item: re.Match[str]) -> str | None:
        codes = [item.group(f"code{n}") for n in (1, 2, 3)]
        if all(codes):
            return "".join(codes)
        names = tuple(_name(item.group(level)) for level in ("category", "subcategory", "item"))
        return self.by_names.get(names)  # type: ignore[arg-type]


def function_codes(frames: dict[str, pl.DataFrame]) -> FunctionCodes:
    named: dict[str, str] = {}
    for table in (
        "printed_codes",
        "general_budget_expenditure",
        "expenditure",
        "final_general_budget_expenditure",
        "final_expenditure",
    ):
        frame = frames.get(table)
        if frame is None or frame.is_empty():
            continue
        if table == "printed_codes":
            frame = frame.filter(pl.col("classification") == "function").select(
                pl.col("code").alias("function_code"), pl.col("name").alias("function_name")
            )
        for code, name in frame.select("function_code", "function_name").iter_rows():
            if code and name:
                # Beijing prints «2050305-高等职业教育» in one cell.
                named.setdefault(code, _name(name.removeprefix(f"{code}-")))
    by_names = {
        (named[code[:3]], named[code[:5]], named[code]): code
        for code in named
        if len(code) == 7 and code[:3] in named and code[:5] in named
    }
    categories = {name: code for code, name in named.items() if len(code) == 3}
    return FunctionCodes(by_names, categories)


def _name(printed: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", printed))
