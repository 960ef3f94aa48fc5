"""End to end: a planner uploads a CSV in the "我的数据 / My data" section and sees its points on the map."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import count_in_frames, streamlit_server
from workspace import Workspace

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "userdata"
WAIT_S = 60.0


def _open_my_data(page, url: str):
    """Load ``url`` (a ``lang=zh`` view), wait until the first script run is over, then open My data.

    The export panel is the last thing a run draws. An upload sent while the first (cold) run is still
    going was sometimes lost on a loaded CI machine, so nothing is touched before the page has settled.
    """
    page.goto(url)
    page.get_by_text("导出 / Export", exact=True).wait_for(timeout=WAIT_S * 1000)
    deadline = time.monotonic() + WAIT_S
    while count_in_frames(page, "path") == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    sidebar = page.locator("section[data-testid='stSidebar']")
    sidebar.get_by_text("我的数据 · 导入与工作区", exact=True).click()
    return sidebar


def _upload(sidebar, path: Path, *, crs: str | None = "WGS-84") -> None:
    """Choose ``path`` in the import form, then (unless ``crs`` is None) the coordinate system whose label starts
    with ``crs``, and wait for the form's Import button to be usable (the next run draws it)."""
    sidebar.locator("input[type='file']").first.set_input_files(str(path))
    button = sidebar.get_by_role("button", name="导入", exact=True)
    button.wait_for(timeout=WAIT_S * 1000)
    if crs is None:
        return
    box = sidebar.locator("[data-testid='stSelectbox']").filter(has_text="坐标系").locator("input")
    box.click()
    box.press_sequentially(crs)
    box.press("Enter")  # the first option that matches (clicking it raced the reruns the map triggers)
    deadline = time.monotonic() + WAIT_S
    while button.is_disabled() and time.monotonic() < deadline:
        time.sleep(0.2)


def test_uploaded_csv_is_drawn_and_kept(workspace_app, browser_page, artifacts):
    url, ws_path = workspace_app
    page = browser_page.page
    sidebar = _open_my_data(page, f"{url}/?layers=provinces&lang=zh")
    _upload(sidebar, FIXTURES / "points_wgs84.csv")
    sidebar.get_by_role("button", name="导入", exact=True).click()
    # The confirmation shows for one run (any later rerun, e.g. the map reporting its view, clears it): catch it then.
    page.get_by_text("已导入 3 个要素").first.wait_for(timeout=WAIT_S * 1000)
    selector = "path[class*='mye-user.points_wgs84']"
    deadline = time.monotonic() + WAIT_S
    while count_in_frames(page, selector) < 3 and time.monotonic() < deadline:
        time.sleep(0.3)
    assert count_in_frames(page, selector) == 3
    page.screenshot(path=str(artifacts / "e2e_userdata.png"), full_page=True)
    assert [la.name for la in Workspace(ws_path).layers()] == ["points_wgs84"]
    # Markup in the file's attributes reaches the page only as text.
    assert browser_page.dialogs == []
    assert browser_page.blocked == []


def _marker_width(page, selector: str) -> float:
    """Width in px of the first user marker on the map (0 if none is drawn yet)."""
    for frame in page.frames:
        try:
            paths = frame.locator(selector)
            if paths.count():
                box = paths.first.bounding_box()
                return box["width"] if box else 0.0
        except Exception:  # frame detached while looking
            continue
    return 0.0


def test_restyled_layer_is_redrawn_bigger(workspace_app, browser_page, artifacts):
    """Runs after the upload test: the same layer, its marker radius raised from 6 to 12 px in the Style panel."""
    url, ws_path = workspace_app
    page = browser_page.page
    sidebar = _open_my_data(page, f"{url}/?layers=provinces,user.points_wgs84&lang=zh")
    selector = "path[class*='mye-user.points_wgs84']"
    deadline = time.monotonic() + WAIT_S
    while _marker_width(page, selector) == 0 and time.monotonic() < deadline:
        time.sleep(0.3)
    before = _marker_width(page, selector)
    assert before > 0
    sidebar.get_by_role("button", name="样式").click()
    thumb = page.locator("[data-testid='stPopoverBody'] [data-testid='stSlider'] input[type='range']").first
    thumb.focus()
    for _ in range(6):
        thumb.press("ArrowRight")
    page.locator("[data-testid='stPopoverBody']").get_by_role("button", name="应用").click()
    deadline = time.monotonic() + WAIT_S
    while _marker_width(page, selector) < before * 1.6 and time.monotonic() < deadline:
        time.sleep(0.3)
    page.screenshot(path=str(artifacts / "e2e_userdata_restyled.png"), full_page=True)
    assert Workspace(ws_path).layer("points_wgs84").style.radius == 12
    assert _marker_width(page, selector) >= before * 1.6
    assert browser_page.blocked == []


def test_two_sessions_import_at_once_and_both_layers_are_kept(workspace_app, browser_page, second_browser_page,
                                                               tmp_path):
    """Two tabs (two Streamlit sessions) click Import within moments of each other on one workspace."""
    url, ws_path = workspace_app
    files = {}
    for name, lon in (("batch_a", 114.3), ("batch_b", 113.0)):
        files[name] = tmp_path / f"{name}.csv"
        files[name].write_text("name,lon,lat\n" + "".join(f"p{i},{lon + i / 10},{29.5 + i / 10}\n" for i in range(3)),
                               encoding="utf-8")
    pages = []
    for bp, name in ((browser_page, "batch_a"), (second_browser_page, "batch_b")):
        page = bp.page
        _upload(_open_my_data(page, f"{url}/?layers=provinces&lang=zh"), files[name])
        pages.append(page)
    for page in pages:  # no waiting in between: both imports run on the server together
        page.locator("section[data-testid='stSidebar']").get_by_role("button", name="导入", exact=True).click()
    wanted = set(files)
    deadline = time.monotonic() + WAIT_S
    while not wanted <= {la.name for la in Workspace(ws_path).layers()} and time.monotonic() < deadline:
        time.sleep(0.3)
    assert wanted <= {la.name for la in Workspace(ws_path).layers()}
    assert Workspace(ws_path).integrity() == "ok"
    # Each session sees the other's layer once it runs again.
    for page in pages:
        page.reload()
        page.locator("section[data-testid='stSidebar']").get_by_text("我的数据 · 导入与工作区", exact=True).click()
        for name in wanted:
            page.locator("section[data-testid='stSidebar']").get_by_text(f"3 · {name}.csv", exact=False).wait_for()
    assert browser_page.blocked == [] and second_browser_page.blocked == []


REMOTE = "![x](http://evil.example/{}.png)"
LOCAL = "![x](evil.png)"  # a valid title (no ':' or '/'), still Markdown if it were rendered as such


def _hostile_workspace(path: Path) -> None:
    """A workspace as a colleague might send it: Markdown images in layer titles, a source file and a view name,
    written into the records directly (the importer itself refuses such names)."""
    import sqlite3

    from workspace import import_file

    ws = Workspace(path)
    import_file(FIXTURES / "points_wgs84.csv", "remote", workspace=ws)
    import_file(FIXTURES / "points_wgs84.csv", "local", workspace=ws)
    con = sqlite3.connect(path)
    try:
        with con:
            con.execute("UPDATE mye_layers SET title = ?, source_file = ? WHERE name = 'remote'",
                        (REMOTE.format("title"), REMOTE.format("src")))
            con.execute("UPDATE mye_layers SET title = ?, source_file = ? WHERE name = 'local'",
                        (LOCAL, REMOTE.format("src2")))
            con.execute("INSERT INTO mye_views VALUES (?, 'layers=cities', '2024-01-01')", (REMOTE.format("view"),))
    finally:
        con.close()


def test_a_merged_workspace_with_markdown_titles_fetches_nothing(tmp_path, browser_page):
    ws = tmp_path / "hostile.gpkg"
    _hostile_workspace(ws)
    with streamlit_server(env={"MYE_WORKSPACE": str(ws)}) as url:
        page = browser_page.page
        sidebar = _open_my_data(page, f"{url}/?layers=provinces,user.local,user.remote&lang=zh")
        sidebar.get_by_text(LOCAL, exact=True).first.wait_for(state="attached", timeout=WAIT_S * 1000)  # as text
        time.sleep(2.0)  # any image the page would show is requested by now
        images = page.locator("img[src*='evil']").count()
    assert images == 0
    assert not [u for u in browser_page.blocked if "evil.example" in u], browser_page.blocked


def test_import_waits_for_a_chosen_coordinate_system_and_the_section_stays_open(workspace_app, browser_page,
                                                                                tmp_path, artifacts):
    """A 高德 export must not be read as WGS-84 by default: Import waits for a choice, a guess is offered and
    called a guess; after the import the one 我的数据 section is still open and holds the layer's checkbox."""
    url, ws_path = workspace_app
    path = tmp_path / "门店_高德.csv"
    path.write_text("name,lon,lat\na,114.31,30.52\nb,114.35,30.55\n", encoding="utf-8")
    page = browser_page.page
    sidebar = _open_my_data(page, f"{url}/?layers=provinces&lang=zh")
    _upload(sidebar, path, crs=None)
    button = sidebar.get_by_role("button", name="导入", exact=True)
    assert button.is_disabled()
    sidebar.get_by_text("推测：GCJ-02", exact=False).wait_for(timeout=WAIT_S * 1000)
    assert "仅为推测" in sidebar.get_by_text("推测：GCJ-02", exact=False).inner_text()
    sidebar.get_by_role("button", name="采用推测").click()
    deadline = time.monotonic() + WAIT_S
    while button.is_disabled() and time.monotonic() < deadline:
        time.sleep(0.2)
    button.click()
    page.get_by_text("已导入 2 个要素").first.wait_for(timeout=WAIT_S * 1000)
    time.sleep(1.5)  # the map's report of its view reruns the page once more: the section must stay open
    assert sidebar.get_by_text("已导入的图层", exact=True).is_visible()
    assert sidebar.locator("label").filter(has_text="门店_高德").locator("input").is_checked()
    assert sidebar.get_by_text("我的数据", exact=True).count() == 0  # no second 我的数据 group under 图层
    page.screenshot(path=str(artifacts / "e2e_userdata_gcj02.png"), full_page=True)
    assert Workspace(ws_path).layer("门店_高德").source_crs == "gcj02"
    assert browser_page.blocked == []
