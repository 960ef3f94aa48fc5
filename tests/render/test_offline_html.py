"""The interactive-map HTML export: one file, no network, same layers, legend and language."""

import folium
import pytest

from export.files import ExportError
from layers.view import ViewState
from render.offline_html import html_download, inline_map, map_html, remote_references

VIEW = ViewState(layers=("provinces", "agglomeration", "subclusters", "cities"), basemap="offline")


@pytest.fixture(scope="module")
def zh_page() -> str:
    page, notices = map_html(VIEW)
    assert notices == ()
    return page


def test_page_is_self_contained(zh_page):
    assert remote_references(zh_page) == []
    assert "<script src=" not in zh_page and 'rel="stylesheet" href=' not in zh_page
    # The library itself is inlined: its source, as the app serves it, is in the page.
    from render.assets import VENDOR_DIR, ensure_assets

    ensure_assets()
    leaflet = (VENDOR_DIR / "leaflet-1.9.3.js").read_text(encoding="utf-8")
    assert leaflet[-2000:].strip() in zh_page


def test_page_has_the_layers_legend_and_language(zh_page):
    assert '<html lang="zh-CN"' in zh_page and "长江中游城市群" in zh_page
    for text in ("三大子城市群", "武汉城市圈", "成员城市"):
        assert text in zh_page
    english, _ = map_html(VIEW.with_(lang="en"))
    assert '<html lang="en"' in english and "Wuhan Metropolitan Circle" in english


def test_download_is_html_bytes_and_names_a_tile_basemap_swap():
    download = html_download(VIEW.with_(basemap="osm"))
    assert download.mime == "text/html" and download.filename.endswith(".html")
    assert download.data.decode("utf-8").lstrip().lower().startswith("<!doctype html")
    assert any("offline" in n for n in download.notices)


def test_any_folium_map_is_inlined():
    m = folium.Map(location=[30.6, 114.3], zoom_start=6, tiles=None)
    folium.CircleMarker([30.6, 114.3], radius=6, tooltip="武汉").add_to(m)
    page = inline_map(m, title="测试", lang="zh")
    assert remote_references(page) == [] and "<title>测试</title>" in page


def test_remote_tiles_are_refused():
    with pytest.raises(ExportError):
        inline_map(folium.Map(location=[30.6, 114.3], tiles="OpenStreetMap"))


@pytest.mark.browser
def test_page_draws_offline_in_chromium(zh_page, browser_page, artifacts):
    page = browser_page.page
    page.set_content(zh_page, wait_until="load")
    page.wait_for_selector(".leaflet-overlay-pane path")
    assert page.locator(".leaflet-overlay-pane path").count() > 10  # provinces, clusters, city outlines
    assert "三大子城市群" in page.inner_text("body")
    page.screenshot(path=str(artifacts / "test_html_export_offline.png"))
    assert browser_page.blocked == []  # nothing was fetched from the network
