"""End to end: a planner builds a what-if scenario in the app, saves it, compares it with today and sees the
difference map and the gains table (headless Chromium, outside requests blocked)."""

from __future__ import annotations

import time

import pytest

from tests.conftest import count_in_frames, frame_count
from workspace import Workspace

pytestmark = pytest.mark.browser

WAIT_S = 60.0
NAME = "武汉南昌直达"


def _wait_in_frames(page, selector: str, at_least: int = 1) -> int:
    deadline = time.monotonic() + WAIT_S
    while count_in_frames(page, selector) < at_least and time.monotonic() < deadline:
        time.sleep(0.3)
    return count_in_frames(page, selector)


def _type(page, label: str, text: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox or multiselect labelled ``label`` (type to filter, then click it)."""
    box = page.get_by_label(label, exact=True)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option).first.click()


def _idle(page) -> None:
    """Wait until the app's run has finished (Streamlit shows its status widget while a run is going): a pick made
    while the previous pick's run is still going can be dropped."""
    time.sleep(0.5)
    deadline = time.monotonic() + WAIT_S
    while page.locator("[data-testid='stStatusWidget']").count() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(0.5)


def test_build_compare_and_see_the_difference_map(workspace_app, browser_page, artifacts):
    url, ws_path = workspace_app
    page = browser_page.page
    page.goto(f"{url}/?layers=provinces,cities&origins=武汉&lang=zh")
    page.get_by_text("导出 / Export", exact=True).wait_for(timeout=WAIT_S * 1000)
    assert _wait_in_frames(page, "path.mye-cities") > 0
    panel = page.get_by_text("情景分析 (假设方案)", exact=True)
    panel.click()  # the panel starts closed

    _type(page, "情景名称", NAME)
    page.get_by_text("新增列车", exact=True).click()
    page.get_by_label("列车名称", exact=True).wait_for(timeout=WAIT_S * 1000)
    _type(page, "列车名称", "武汉—南昌西 直达")
    _idle(page)
    _choose(page, "经停车站 (按选择顺序)", "武汉站 · Wuhan")
    _idle(page)
    _choose(page, "经停车站 (按选择顺序)", "南昌西站 · Nanchang West")
    page.keyboard.press("Escape")
    _idle(page)
    _type(page, "区间运行时间 (分钟，逗号分隔)", "60")
    _idle(page)
    page.get_by_role("button", name="添加", exact=True).click()
    # The draft's list of changes shows the new train (the confirmation itself lasts one run only).
    try:
        page.get_by_text("1. 新增列车: 武汉—南昌西 直达", exact=False).wait_for(timeout=WAIT_S * 1000)
    except Exception:
        page.screenshot(path=str(artifacts / "e2e_scenarios_failed.png"))
        raise
    page.get_by_role("button", name="保存情景", exact=True).click()
    deadline = time.monotonic() + WAIT_S
    while not Workspace(ws_path).scenarios() and time.monotonic() < deadline:
        time.sleep(0.3)
    assert list(Workspace(ws_path).scenarios()) == [NAME]

    page.get_by_role("tab", name="对比", exact=True).click()
    _choose(page, "对比方案 (之后)", f"情景：{NAME}")
    page.get_by_role("button", name="对比", exact=True).click()
    page.get_by_text("各阈值内新增的城市与人口", exact=True).wait_for(timeout=WAIT_S * 1000)

    # The difference map: 南昌 and the cities beyond it are drawn as time saved, with the bilingual legend.
    assert _wait_in_frames(page, "path.mye-diff-saved") >= 1
    assert _wait_in_frames(page, ".mye-diff-legend") == 1
    legend = next(f for f in page.frames if frame_count(f, ".mye-diff-legend"))
    assert "自武汉出发节省的时间" in legend.locator(".mye-diff-legend").inner_text()
    # The gains table: 武汉's 2-hour circle newly holds 南昌.
    grid = page.locator("[data-testid='stDataFrame']").filter(has_text="新进入城市")
    grid.first.wait_for(timeout=WAIT_S * 1000)
    assert "南昌" in (grid.first.text_content() or "")
    legend.frame_element().scroll_into_view_if_needed()
    time.sleep(1.0)  # let the map tiles of the offline basemap settle before the picture
    page.screenshot(path=str(artifacts / "e2e_scenarios_compare.png"), full_page=True)
    assert browser_page.dialogs == []
    assert browser_page.blocked == []

