"""End to end: the page around the map at a laptop and a desktop window, in both languages, with screenshots.

Each check looks at what the planner sees: the circle table's figures in view, the map as tall as the window,
one hue per origin (sampled from the screenshot), a legend that lists exactly the drawn layers, popups without
codes, the page scrolling under the wheel, a view that cannot leave the region, no focus box, one search ring.
Screenshots go to artifacts/ (page_<lang>_<width>.png, popup_<layer>_<lang>.png).
"""

from __future__ import annotations

import colorsys
import io
import re
import time

import pytest
from PIL import Image

from tests.conftest import map_frame

pytestmark = pytest.mark.browser

SIZES = ((1440, 900), (1920, 1080))
WAIT_S = 40.0
# Text a planner must never read in a popup (raw codes, commit hashes, developer notes).
RAW = re.compile(r"@[0-9a-f]{7,40}|NOT CONFIRMED|assumption:|data/sources|\b(?:hitech_zone|bonded_zone|"
                 r"jingguang_hsr|regional_hub)\b|(?<![\w,])\d,\d{3}(?![\d,])")
POINT_LAYERS = ("cities", "stations", "ports", "airports", "hitech_zones", "cross_river_towns")
ORIGINS = {"武汉": (114.30, 30.59), "长沙": (112.94, 28.23), "南昌": (115.86, 28.68)}


def _open(page, url: str, size: tuple[int, int]):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(url)
    frame = map_frame(page, WAIT_S)
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=WAIT_S * 1000)
    time.sleep(1.5)  # the last path drawn, the table's canvas painted
    return frame


def _hue(rgb: tuple[int, int, int]) -> float:
    return colorsys.rgb_to_hsv(*(c / 255 for c in rgb))[0] * 360


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_page_fits_the_window_with_distinct_origins_and_a_true_legend(app_url, browser_page, artifacts, size, lang):
    page = browser_page.page
    frame = _open(page, f"{app_url}/?lang={lang}", size)
    page.screenshot(path=str(artifacts / f"page_{lang}_{size[0]}.png"))
    width, height = size

    # The circle table: inside the window, and its population and cities columns among the columns drawn.
    table = page.locator("[data-testid='stDataFrame']").first
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    headers = [h.inner_text() for h in table.locator("th[role='columnheader']").all()]
    population, cities = ("覆盖人口", "可达城市 (门到门分钟)") if lang == "zh" else (
        "Population reached", "Cities reached (door to door, min)")
    assert any(h.startswith(population) for h in headers) and cities in headers, headers

    # The map follows the window: tall, and its bottom edge on screen.
    iframe = page.locator("iframe[title='streamlit_folium.st_folium']").bounding_box()
    assert iframe["height"] >= min(height - 320, 700) and iframe["y"] + iframe["height"] <= height + 1, iframe
    assert frame.evaluate("() => document.querySelector('.leaflet-container').getBoundingClientRect().height") \
        >= iframe["height"] - 2

    # One hue per origin: sample the 1-hour band just south-west of each core (off its marker and label).
    shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    hues = {}
    for name, (lon, lat) in ORIGINS.items():
        x, y = frame.evaluate(f"() => {{ const p = window.map.latLngToContainerPoint([{lat - 0.1}, {lon - 0.1}]);"
                              " return [p.x, p.y]; }")
        hues[name] = _hue(shot.getpixel((int(iframe["x"] + x), int(iframe["y"] + y))))
    pairs = [(a, b) for a in hues for b in hues if a < b]
    assert all(min(abs(hues[a] - hues[b]), 360 - abs(hues[a] - hues[b])) > 30 for a, b in pairs), hues

    # The legend lists exactly the layers drawn (paths of each layer's class).
    legend = set(frame.evaluate("() => [...document.querySelectorAll('.mye-legend [data-layer]')]"
                                ".map(e => e.dataset.layer)"))
    drawn = set(frame.evaluate("() => [...document.querySelectorAll('path.mye-f')].flatMap(p => "
                               "[...p.classList].filter(c => c.startsWith('mye-') && c !== 'mye-f')"
                               ".map(c => c.slice(4)))"))
    assert legend == drawn, (legend, drawn)
    # Basemap province names are in the page's language.
    base = frame.evaluate("() => [...document.querySelectorAll('.mye-base-label')].map(e => e.textContent)")
    assert ("湖北" in base) == (lang == "zh") and ("Hubei" in base) == (lang == "en"), base
    assert browser_page.blocked == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_point_layer_popup_reads_as_text_for_people(app_url, browser_page, artifacts, lang):
    page = browser_page.page
    frame = _open(page, f"{app_url}/?lang={lang}&layers={','.join(POINT_LAYERS)}", SIZES[0])
    for layer in POINT_LAYERS:
        paths = frame.locator(f"path.mye-{layer}")
        assert paths.count() > 0, layer
        paths.first.dispatch_event("click")
        popup = frame.locator(".leaflet-popup-content").first
        popup.wait_for(timeout=WAIT_S * 1000)
        text = popup.inner_text()
        page.screenshot(path=str(artifacts / f"popup_{layer}_{lang}.png"))
        assert not RAW.search(text), (layer, RAW.search(text).group(0), text)
        assert ("来源" if lang == "zh" else "Source") in text
        links = popup.locator("a").all()
        assert all(a.get_attribute("href").startswith(("http://", "https://")) for a in links), layer
        # A clicked marker gets no black focus box.
        assert frame.evaluate("() => document.activeElement && getComputedStyle(document.activeElement)"
                              ".outlineStyle") in ("none", None)
        frame.evaluate("() => window.map.closePopup()")


def test_wheel_scrolls_the_page_until_the_map_is_clicked_and_the_view_stays_on_the_region(app_url, browser_page):
    page = browser_page.page
    frame = _open(page, f"{app_url}/?lang=zh", SIZES[0])
    iframe = page.locator("iframe[title='streamlit_folium.st_folium']").bounding_box()
    zoom = frame.evaluate("() => window.map.getZoom()")
    main = "() => document.querySelector('[data-testid=stMain]').scrollTop + window.scrollY"
    before = page.evaluate(main)
    page.mouse.move(iframe["x"] + iframe["width"] * 0.6, iframe["y"] + 80)
    page.mouse.wheel(0, 300)
    time.sleep(1.0)
    assert frame.evaluate("() => window.map.getZoom()") == zoom
    assert page.evaluate(main) > before
    # Clicked, the map takes the wheel.
    iframe = page.locator("iframe[title='streamlit_folium.st_folium']").bounding_box()
    page.mouse.click(iframe["x"] + iframe["width"] * 0.35, iframe["y"] + iframe["height"] * 0.3)
    assert frame.evaluate("() => window.map.scrollWheelZoom.enabled()")
    # However far it is pushed, the view stays over the region and never shows the whole world.
    frame.evaluate("() => { window.map.setZoom(1, {animate: false}); window.map.panTo([0, -120], {animate: false}); }")
    time.sleep(0.5)
    lon, lat, z = frame.evaluate("() => { const c = window.map.getCenter(); "
                                 "return [c.lng, c.lat, window.map.getZoom()]; }")
    assert z >= 5 and 95 <= lon <= 133 and 15 <= lat <= 42, (lon, lat, z)


def test_a_new_search_replaces_the_old_highlight(app_url, browser_page):
    page = browser_page.page
    frame = _open(page, f"{app_url}/?lang=zh", SIZES[0])
    search = page.locator("section[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="查找城市")
    for city in ("岳阳", "九江"):
        box = search.locator("input")
        box.click()
        box.press_sequentially(city)
        page.get_by_role("option").filter(has_text=city).first.click()
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline and frame.locator("path.mye-search").count() == 0:
            time.sleep(0.2)
        time.sleep(1.5)
    rings = frame.locator("path.mye-search")
    assert rings.count() == 1
    lon, lat = frame.evaluate("() => { const c = window.map.getCenter(); return [c.lng, c.lat]; }")
    assert abs(lon - 116.0) < 0.3 and abs(lat - 29.7) < 0.3  # 九江, the last one searched
