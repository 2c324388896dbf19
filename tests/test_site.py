"""The run report's site, opened as a user opens it: from disk, in Chromium, with no network."""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SEED, make_raw_dir, run_cli
from documents import add_one_fen, cell, move_to_year, rename_department, scale_document

from orchestration.site import department_file

A = "北京市人力资源和社会保障局"
B = "北京市测试局"
SEED_TEXT = SEED.read_text(encoding="utf-8")
# 预算09表 “三公”经费, line 592 of the seed: "222.676050	130.819050	9.000000	82.857000 ...";
# 2024 is the seed doubled and 2025 tripled (every identity stays exact).
THREE_PUBLIC_TOTAL = {
    2024: Decimal("445.352100"),
    2025: Decimal("668.028150"),
    2026: Decimal("222.676050"),
}
# 预算03表 支出总表, 合计 (line 302):
# "合 计⇥⇥⇥131,905.904856⇥70,692.094503⇥61,213.810353" (⇥ a tab).
SPENDING_2026 = Decimal("131905.904856")
# B's 2025 document has one fen added to the 基本支出 of its 03 合计 line: rejected.
REJECTED_LINE, REJECTED_CELL = 302, 4


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A three years, B one good year (2026, listed first) and a rejected 2025 version."""
    root = tmp_path_factory.mktemp("site")
    assert cell(SEED_TEXT, REJECTED_LINE, REJECTED_CELL) == "70,692.094503"
    raw = make_raw_dir(
        root,
        {
            f"2024/{A}.txt": move_to_year(scale_document(SEED_TEXT, 2), 2024).encode(),
            f"2025/{A}.txt": move_to_year(scale_document(SEED_TEXT, 3), 2025).encode(),
            f"2026/{A}.txt": SEED_TEXT.encode(),
            f"2026/{B}.txt": rename_department(SEED_TEXT, B).encode(),
            f"2025/{B}.txt": move_to_year(
                add_one_fen(rename_department(SEED_TEXT, B), REJECTED_LINE, REJECTED_CELL), 2025
            ).encode(),
        },
    )
    run = run_cli(raw, root / "warehouse.duckdb")
    assert run.returncode == 1, run.stdout + run.stderr  # one document rejected
    assert "site/index.html" in run.stdout
    return root / "build" / "site"


def test_every_page_loads_nothing_from_the_network(site):
    pages = list(site.glob("*.html"))
    assert len(pages) > 10
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), page.name
        assert '<script src="plotly.min.js">' in text
    assert (site / "plotly.min.js").stat().st_size > 1_000_000  # the library, on disk


def test_the_index_lists_every_department_and_year(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    for name in (A, B):
        assert f'<a href="{department_file(name)}">{name}</a>' in index
    assert re.search(r"<th>2024</th><th>2025</th><th>2026</th>", index)
    assert "4 份文件已发布" in index and "1 份未通过检查" in index


def test_a_department_page_renders_its_figures_in_chromium_offline(site, tmp_path):
    dom = render(site / department_file(A), tmp_path)
    three_public = section(dom, "three-public")
    # The table: one column per year, in calendar order, exact figures.
    assert re.search(r"2024（万元）.*2025（万元）.*2026（万元）", three_public)
    totals_row = re.search(r"“三公”经费合计</td>(.*?)</tr>", three_public).group(1)
    assert re.findall(r"[\d,]+\.\d{6}", totals_row) == [
        f"{THREE_PUBLIC_TOTAL[year]:,.6f}" for year in (2024, 2025, 2026)
    ]
    # The chart was drawn (plotly ran from disk) with its years in order.
    assert "main-svg" in three_public
    ticks = re.findall(r'class="xtick"[^>]*>.*?>(\d{4})</text>', three_public)
    assert ticks == ["2024", "2025", "2026"]
    assert f"{SPENDING_2026:,.6f}" in section(dom, "totals")
    assert "main-svg" in section(dom, "spending-by-category")
    # 三公, the projects and the movers are all there, each saying how many it shows.
    assert "全部 " in section(dom, "projects")
    assert "变动" in section(dom, "largest-changes")


def test_the_check_results_name_document_table_and_line(site):
    checks = (site / "checks.html").read_text(encoding="utf-8")
    problems = checks[checks.index('id="problems"') :]
    row = next(r for r in problems.split("<tr>") if f"2025/{B}.txt" in r and "拒绝" in r)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[1] == "03" and cells[2] == str(REJECTED_LINE)
    assert "0.000001" in row  # the difference: one fen


def render(page: Path, tmp_path: Path) -> str:
    """The page's DOM after its scripts ran, in headless Chromium with no network."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (.ci/run installs it with apt-get)")
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        # No network even if a page asked for one: no proxy reachable, no name resolved.
        "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--virtual-time-budget=15000",
        "--dump-dom",
        page.as_uri(),
    ]
    # A network namespace of its own, when allowed: then there is no network at all.
    if (
        shutil.which("unshare")
        and subprocess.run(
            ["unshare", "--net", "true"], capture_output=True, check=False
        ).returncode
        == 0
    ):
        command = ["unshare", "--net", *command]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout


def section(dom: str, anchor: str) -> str:
    start = dom.index(f'<section id="{anchor}">')
    return dom[start : dom.index("</section>", start)]
