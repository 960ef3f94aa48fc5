"""End to end: a planner uploads a CSV in the "我的数据 / My data" section and sees its points on the map."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import streamlit_server

from layers.userdata import Workspace

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "userdata"
WAIT_S = 60.0


@pytest.fixture(scope="module")
def userdata_app(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """A server of its own whose workspace is a temporary file (MYE_WORKSPACE)."""
    ws = tmp_path_factory.mktemp("ws") / "workspace.gpkg"
    with streamlit_server(env={"MYE_WORKSPACE": str(ws)}) as url:
        yield url, ws


def _count_in_frames(page, selector: str) -> int:
    best = 0
    for frame in page.frames:
        try:
            best = max(best, frame.locator(selector).count())
        except Exception:  # frame detached while looking
            continue
    return best


def test_uploaded_csv_is_drawn_and_kept(userdata_app, browser_page, artifacts):
    url, ws_path = userdata_app
    page = browser_page.page
    page.goto(f"{url}/?layers=provinces&lang=zh")
    sidebar = page.locator("section[data-testid='stSidebar']")
    sidebar.get_by_text("我的数据 · 导入与工作区", exact=True).click()
    sidebar.locator("input[type='file']").first.set_input_files(str(FIXTURES / "points_wgs84.csv"))
    sidebar.get_by_role("button", name="导入", exact=True).click()
    selector = "path[class*='mye-user.points_wgs84']"
    deadline = time.monotonic() + WAIT_S
    while _count_in_frames(page, selector) < 3 and time.monotonic() < deadline:
        time.sleep(0.3)
    assert _count_in_frames(page, selector) == 3
    assert page.get_by_text("已导入 3 个要素").count() >= 1
    page.screenshot(path=str(artifacts / "e2e_userdata.png"), full_page=True)
    assert [la.name for la in Workspace(ws_path).layers()] == ["points_wgs84"]
    # Markup in the file's attributes reaches the page only as text.
    assert browser_page.dialogs == []
    assert browser_page.blocked == []
