"""End to end in Debian's headless Chromium, with every request outside localhost blocked.

The page must load and draw completely offline: the default layers (counted as
Leaflet paths and markers), toggling a layer, the English legend, a view that
survives toggles and travels in the URL, and a hostile query string that is
ignored. Screenshots go to artifacts/.
"""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest

import layers
from tests.conftest import map_frame

pytestmark = pytest.mark.browser

WAIT_S = 40.0


def wait_count(frame, selector: str, expected: int, timeout_s: float = WAIT_S) -> int:
    """Wait until ``selector`` matches ``expected`` elements in ``frame``; return the last count."""
    deadline = time.monotonic() + timeout_s
    count = -1
    while time.monotonic() < deadline:
        count = frame.locator(selector).count()
        if count == expected:
            return count
        time.sleep(0.2)
    return count


def map_view(frame) -> tuple[float, float, int]:
    """The map's centre (lon, lat) and zoom as Leaflet holds them."""
    return tuple(frame.evaluate("() => { const c = window.map.getCenter(); "
                                "return [c.lng, c.lat, window.map.getZoom()]; }"))


def n_features(layer_id: str) -> int:
    return len(layers.get(layer_id).frame())


def sidebar_checkbox(page, label: str):
    return page.locator("section[data-testid='stSidebar'] label").filter(has_text=re.compile(f"^{re.escape(label)}$"))


def test_default_view_draws_offline(app_url, browser_page, artifacts):
    page = browser_page.page
    page.goto(app_url)
    frame = map_frame(page)
    assert wait_count(frame, "path.mye-cities", n_features("cities")) == n_features("cities")
    for layer_id in ("provinces", "agglomeration", "subclusters"):
        assert frame.locator(f"path.mye-{layer_id}").count() >= n_features(layer_id), layer_id
    # City names are Leaflet markers (divIcons), one per member city, plus the basemap's province names.
    assert frame.locator(".leaflet-marker-icon.mye-label:not(.mye-base-label)").count() == n_features("cities")
    assert frame.locator(".mye-base-label").count() > 0
    # Map furniture: scale bar, fullscreen, measure and mouse position controls.
    for selector in (".leaflet-control-scale", ".leaflet-control-zoom-fullscreen", ".leaflet-control-measure",
                     ".leaflet-control-mouseposition"):
        assert frame.locator(selector).count() == 1, selector
    legend = frame.locator(".mye-legend").inner_text()
    assert "成员城市" in legend and "三大子城市群" in legend
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "e2e_default.png"), full_page=True)
    assert browser_page.blocked == [], "the default view must not ask anything outside localhost"


def test_toggle_layer_keeps_view(app_url, browser_page, artifacts):
    page = browser_page.page
    page.goto(f"{app_url}/?layers=provinces,cities&lang=zh")
    frame = map_frame(page)
    assert wait_count(frame, "path.mye-cities", n_features("cities")) == n_features("cities")
    frame.evaluate("() => window.map.setView([30.2, 113.2], 8, {animate: false})")
    page.wait_for_timeout(300)
    before = map_view(frame)

    sidebar_checkbox(page, layers.get("city_boundaries").title_zh).click()
    n = n_features("city_boundaries")
    assert wait_count(frame, "path.mye-city_boundaries", n) == n
    sidebar_checkbox(page, layers.get("cities").title_zh).click()
    assert wait_count(frame, "path.mye-cities", 0) == 0
    assert "城市行政边界" in frame.locator(".mye-legend").inner_text()
    after = map_view(frame)
    assert after[2] == before[2] and abs(after[0] - before[0]) < 1e-6 and abs(after[1] - before[1]) < 1e-6
    page.screenshot(path=str(artifacts / "e2e_toggled.png"), full_page=True)


def test_english_changes_legend(app_url, browser_page, artifacts):
    page = browser_page.page
    page.goto(app_url)
    frame = map_frame(page)
    assert "成员城市" in frame.locator(".mye-legend").inner_text()
    page.locator("section[data-testid='stSidebar'] label").filter(has_text="English").first.click()
    deadline = time.monotonic() + WAIT_S
    while "Member cities" not in frame.locator(".mye-legend").inner_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    legend = frame.locator(".mye-legend").inner_text()
    assert "Member cities" in legend and "成员城市" not in legend
    page.get_by_text("Travel-time circles").first.wait_for()
    assert parse_qs(urlsplit(page.url).query)["lang"] == ["en"]
    page.screenshot(path=str(artifacts / "e2e_english.png"), full_page=True)


def test_legend_folds_away_and_stays_folded_when_redrawn(app_url, browser_page, artifacts):
    """The legend's heading folds it to one line (it hides part of the map, 南昌 at 1440 x 900); a rerun that
    rebuilds the legend (a layer toggled) keeps it folded; the heading unfolds it again."""
    page = browser_page.page
    page.goto(app_url)
    frame = map_frame(page)
    legend, rows = frame.locator(".mye-legend"), frame.locator(".mye-legend .mye-layer")
    tall = legend.bounding_box()["height"]
    frame.locator(".mye-legend h4").click()
    assert rows.first.is_hidden() and legend.bounding_box()["height"] < tall / 4
    assert frame.locator(".mye-legend h4").get_attribute("aria-expanded") == "false"
    sidebar_checkbox(page, layers.get("city_boundaries").title_zh).click()
    deadline = time.monotonic() + WAIT_S
    while frame.locator(".mye-legend [data-layer='city_boundaries']").count() == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert frame.locator(".mye-legend [data-layer='city_boundaries']").count() == 1 and rows.first.is_hidden()
    page.screenshot(path=str(artifacts / "e2e_legend_folded.png"), full_page=True)
    frame.locator(".mye-legend h4").press("Enter")
    assert rows.first.is_visible() and frame.locator(".mye-legend h4").get_attribute("aria-expanded") == "true"


def test_url_reproduces_view(app_url, browser_page):
    page = browser_page.page
    page.goto(f"{app_url}/?layers=city_boundaries,cities&lang=en&basemap=offline&lon=113.5000&lat=30.1000&zoom=8")
    frame = map_frame(page)
    n = n_features("city_boundaries")
    assert wait_count(frame, "path.mye-city_boundaries", n) == n
    assert frame.locator("path.mye-subclusters").count() == 0
    lon, lat, zoom = map_view(frame)
    assert zoom == 8 and abs(lon - 113.5) < 0.01 and abs(lat - 30.1) < 0.01  # within a pixel
    assert "City boundaries" in frame.locator(".mye-legend").inner_text()

    # Panning writes the view into the URL without a rerun; a colleague opening that URL sees the same view.
    frame.evaluate("() => window.map.setView([29.0, 115.0], 9, {animate: false})")
    page.wait_for_timeout(500)
    query = parse_qs(urlsplit(page.url).query)
    assert (query["lon"], query["lat"], query["zoom"]) == (["115.0000"], ["29.0000"], ["9"])
    assert query["layers"] == ["city_boundaries,cities"]
    page.goto(page.url)
    frame = map_frame(page)
    lon, lat, zoom = map_view(frame)
    assert zoom == 9 and abs(lon - 115.0) < 0.01 and abs(lat - 29.0) < 0.01


def test_hostile_query_is_ignored(app_url, browser_page, artifacts):
    page = browser_page.page
    payload = "<img src=x onerror=alert(1)>"
    page.goto(f"{app_url}/?layers=cities,nope,<script>alert(1)</script>&minutes=99999,-5&lang={payload}"
              "&basemap=javascript:alert(1)&lon=abc")
    frame = map_frame(page)
    assert frame.locator("path.mye-cities").count() == n_features("cities")
    page.get_by_text("ignored unknown layers", exact=False).first.wait_for()
    page.wait_for_timeout(500)
    assert browser_page.dialogs == []
    assert page.locator("img[src='x']").count() == 0
    page.screenshot(path=str(artifacts / "e2e_hostile_query.png"), full_page=True)


def test_gaode_basemap_screenshot(app_url, browser_page, artifacts):
    page = browser_page.page
    page.goto(f"{app_url}/?basemap=gaode&layers=provinces,subclusters,cities")
    frame = map_frame(page)
    assert wait_count(frame, "path.mye-cities", n_features("cities")) == n_features("cities")
    frame.locator("#map_div").hover()
    assert frame.locator(".leaflet-control-mouseposition").inner_text().startswith("GCJ-02")
    # The tile requests go to Gaode and are blocked here; the overlays still draw.
    assert any("autonavi" in u for u in browser_page.blocked)
    page.screenshot(path=str(artifacts / "e2e_gaode.png"), full_page=True)


def test_pan_then_click_shares_saves_and_exports_the_view_on_screen(app_url, browser_page, artifacts, tmp_path):
    """Structure defect 4: after a widget change the URL's extent jumped back to the session's first view, so a
    copied link, a saved view and "export the current view" got the wrong extent."""
    import shutil
    import subprocess

    from workspace import Workspace

    page = browser_page.page
    page.goto(f"{app_url}/?layers=provinces,cities&lang=zh&origins=&zoom=7")
    frame = map_frame(page)
    assert wait_count(frame, "path.mye-cities", n_features("cities")) == n_features("cities")
    frame.evaluate("() => window.map.setView([29.37, 113.13], 10, {animate: false})")  # 岳阳
    page.wait_for_timeout(1500)
    sidebar_checkbox(page, layers.get("city_boundaries").title_zh).click()
    n = n_features("city_boundaries")
    assert wait_count(frame, "path.mye-city_boundaries", n) == n
    page.wait_for_timeout(1500)  # the rerun writes the URL
    query = parse_qs(urlsplit(page.url).query)
    assert (query["lon"], query["lat"], query["zoom"]) == (["113.1300"], ["29.3700"], ["10"])
    assert "city_boundaries" in query["layers"][0]
    lon, lat, zoom = map_view(frame)
    assert zoom == 10 and abs(lon - 113.13) < 1e-3 and abs(lat - 29.37) < 1e-3  # the map stayed where it was put

    sidebar = page.locator("section[data-testid='stSidebar']")
    sidebar.get_by_text("我的数据 · 导入与工作区").click()
    name = f"岳阳汇报-{tmp_path.name[-6:]}"
    sidebar.get_by_label("视图名称").fill(name)
    sidebar.get_by_label("视图名称").press("Enter")
    sidebar.get_by_role("button", name="保存当前视图").click()
    page.get_by_text(name, exact=False).first.wait_for(timeout=WAIT_S * 1000)
    saved = parse_qs(Workspace().views()[name])
    assert (saved["lon"], saved["lat"], saved["zoom"]) == (["113.1300"], ["29.3700"], ["10"])

    page.get_by_text("导出 / Export").click()
    fmt = page.locator("[data-testid='stSelectbox']").filter(has_text="PNG / PDF / SVG")
    fmt.wait_for(timeout=WAIT_S * 1000)
    fmt.locator("input").click()
    page.keyboard.type("pdf")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="导出 PDF").click(timeout=WAIT_S * 1000)
    with page.expect_download(timeout=120_000) as download:
        page.locator("[data-testid='stDownloadButton']").filter(has_text=".pdf").first.click(timeout=120_000)
    pdf = tmp_path / "brief.pdf"
    download.value.save_as(pdf)
    page.screenshot(path=str(artifacts / "e2e_panned_export.png"), full_page=True)
    if shutil.which("pdftotext") is None:
        pytest.fail("poppler-utils (pdftotext) is needed to read the briefing")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    # The briefing shows the extent on screen (zoom 10 around 岳阳), not the session's first view (zoom 7):
    scale = int(re.search(r"1:([\d,]+)", text).group(1).replace(",", ""))
    assert 300_000 < scale < 1_500_000, scale
    assert "29°N" in text and "31°N" not in text and "27°N" not in text
