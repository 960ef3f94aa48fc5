"""The interactive renderer: escaping, offline assets, GCJ-02 shift, simplification, legend."""

from __future__ import annotations

import json
import re

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, Polygon

import layers
from geo import chinacoords
from geo.crs import WGS84
from layers.frames import visible_layers
from layers.i18n import STRINGS, escape_markdown, t
from layers.spec import Group, Kind, LayerSpec, LegendItem, Style
from layers.view import YEARS, ViewState
from render import assets as offline_assets
from render import webmap as fm

EVIL = "<script>alert('x')</script>"


def _spec(kind: str = "point", **style) -> LayerSpec:
    return LayerSpec(id="test_layer", title_zh="测试<b>", title_en="Test", group=Group.CONTEXT,
                     build=lambda: None, style=Style(kind=kind, **style), fields=("note", "population_2020"))


def _frame(geom=None, **props) -> gpd.GeoDataFrame:
    row = {"name_zh": "武汉", "name_en": "Wuhan", "source": "cities.csv", "note": "n", "population_2020": 1.5e6}
    row.update(props)
    return gpd.GeoDataFrame([row], geometry=[geom or Point(114.3, 30.6)], crs=WGS84)


def _payload(text: str) -> dict:
    return json.loads(text)


def test_latlon_flips_order_once():
    assert fm.latlon(114.3, 30.6) == [30.6, 114.3]


def test_data_text_is_escaped_in_tooltips_popups_and_labels():
    spec = _spec()
    gdf = _frame(name_zh=EVIL, name_en="<img src=x onerror=alert(1)>", note=EVIL, source="javascript:alert(1)")
    text = fm.feature_collection(spec, gdf, "zh")
    assert "<script" not in text and "<img" not in text and "</" not in text
    props = _payload(text)["data"]["features"][0]["properties"]
    assert "&lt;script&gt;" in props["t"] and "&lt;img src=x" in props["p"]
    assert "测试&lt;b&gt;" in props["t"]  # layer titles are escaped too


def test_template_syntax_in_data_is_never_evaluated():
    # folium renders element output through Jinja: data must reach the page as literal text, not run there.
    probe = "{{ 7*7 }}|{% if true %}EVALUATED{% endif %}"
    m = fm.base_map("offline", (114.3, 28.9), 7)
    group = folium.FeatureGroup(name="probe")
    group.add_child(fm._LayerScript(fm.feature_collection(_spec(), _frame(name_zh=probe, note=probe), "zh")))
    m.add_child(group)
    page = m.get_root().render()
    assert "49|EVALUATED" not in page  # what evaluating the probe would print
    assert probe in page


def test_labels_are_escaped():
    spec = LayerSpec(id="cities", title_zh="成员城市", title_en="Member cities", group=Group.CLUSTERS,
                     build=lambda: None, style=Style(kind="point"))
    props = _payload(fm.feature_collection(spec, _frame(name_zh=EVIL), "zh"))["data"]["features"][0]["properties"]
    assert props["l"] == "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


def test_popup_shows_both_names_figures_and_source():
    props = _payload(fm.feature_collection(_spec(), _frame(), "en"))["data"]["features"][0]["properties"]
    assert "Wuhan" in props["p"] and "武汉" in props["p"]
    assert "1,500,000" in props["p"] and "cities.csv" in props["p"]
    assert "Population 2020" in props["p"]


def test_category_styles_and_classes():
    spec = _spec(color="#111111", category_field="role", categories=(("core", "#b2182b"),))
    gdf = pd.concat([_frame(role="core"), _frame(role="member")], ignore_index=True)
    payload = _payload(fm.feature_collection(spec, gdf, "zh"))
    colours = [payload["styles"][f["properties"]["s"]]["color"] for f in payload["data"]["features"]]
    assert colours == ["#b2182b", "#111111"]
    assert all("mye-test_layer" in s["className"] for s in payload["styles"])


def test_line_style_has_no_fill():
    style = fm._leaflet_style(Style(kind="line", dash="4 2"), color="#000000", fill="#000000", layer_id="x")
    assert style["fill"] is False and style["dashArray"] == "4 2"


def test_gcj02_shift_moves_every_overlay_by_the_datum_offset():
    gdf = _frame(Polygon([(114.0, 30.0), (114.5, 30.0), (114.5, 30.5), (114.0, 30.0)]))
    shifted = fm.prepare(gdf, tolerance=None, datum="gcj02")
    got = shapely.get_coordinates(shifted.geometry.to_numpy())
    lon, lat = chinacoords.wgs84_to_gcj02([114.0, 114.5, 114.5, 114.0], [30.0, 30.0, 30.5, 30.0])
    np.testing.assert_allclose(got, np.column_stack([lon, lat]), atol=1e-9)
    # The GCJ-02 offset in the region is several hundred metres: large enough to see, so the test means something.
    assert 0.001 < abs(got[0, 0] - 114.0) < 0.01
    # WGS-84 basemaps leave coordinates alone.
    same = fm.prepare(gdf, tolerance=None, datum="wgs84")
    assert shapely.equals(same.geometry.iloc[0], gdf.geometry.iloc[0])


def _first_coords(group) -> list[float]:
    script = next(iter(group._children.values()))
    return json.loads(script.payload)["data"]["features"][0]["geometry"]["coordinates"]


def test_overlay_groups_shift_for_gaode_basemap():
    spec = layers.get("cities")
    wgs, _ = fm.overlay_groups([(spec, {})], lang="zh", datum="wgs84", tolerance=None)
    gcj, _ = fm.overlay_groups([(spec, {})], lang="zh", datum="gcj02", tolerance=None)
    first = [_first_coords(g) for g in (wgs[0], gcj[0])]
    lon, lat = chinacoords.wgs84_to_gcj02([first[0][0]], [first[0][1]])
    np.testing.assert_allclose(first[1], [lon[0], lat[0]], atol=1e-9)
    assert fm.datum_for("gaode") == "gcj02" and fm.datum_for("osm") == "wgs84"


def test_simplification_shrinks_payload_and_keeps_shapes_valid():
    spec = layers.get("subclusters")
    gdf = spec.frame()
    coarse = fm.prepare(gdf, tolerance=fm.detail_tolerance(7), datum="wgs84")
    assert coarse.geometry.is_valid.all()
    assert shapely.get_num_coordinates(coarse.geometry.to_numpy()).sum() < \
        shapely.get_num_coordinates(gdf.geometry.to_numpy()).sum()
    # Shapes stay within a few pixels of the source at the detail zoom.
    assert shapely.hausdorff_distance(coarse.geometry.to_numpy(), gdf.geometry.to_numpy()).max() < \
        4 * fm.detail_tolerance(7)  # degrees, as the tolerance
    assert fm.detail_tolerance(12) < fm.detail_tolerance(7)


def test_legend_lists_exactly_the_given_layers_in_both_languages():
    specs = [(layers.get("subclusters"), {}), (layers.get("cities"), {})]
    zh, en = fm.legend_html(specs, "zh"), fm.legend_html(specs, "en")
    assert re.findall(r"data-layer='([^']+)'", zh) == ["cities", "subclusters"]
    assert "成员城市" in zh and "Member cities" in en and "成员城市" not in en
    assert "provinces" not in zh


def test_legend_escapes_labels():
    spec = LayerSpec(id="x", title_zh=EVIL, title_en=EVIL, group=Group.CONTEXT, build=lambda: None,
                     style=Style(kind="line"), legend=(LegendItem(EVIL, EVIL, Style(kind="point")),))
    assert "<script" not in fm.legend_html([(spec, {})], "en")


def test_circle_legend_follows_the_chosen_thresholds():
    circles = layers.get("isochrones")
    plan = fm.legend_html([(circles, {"origins": ("武汉", "长沙"), "minutes": (60, 120, 180)})], "zh")
    custom = fm.legend_html([(circles, {"origins": ("武汉",), "minutes": (30, 90)})], "en")
    for label in ("武汉 · 1 小时内", "武汉 · 1–2 小时", "武汉 · 2–3 小时", "长沙 · 1 小时内", "长沙 · 2–3 小时"):
        assert f"title='{label}'" in plan, label
    assert "Wuhan · within 0.5 h" in custom and "Wuhan · 0.5–1.5 h" in custom and "1-hour" not in custom
    assert plan.count("<svg") == 6 and custom.count("<svg") == 2


def test_circle_legend_is_a_table_of_origins_by_bands():
    """Nine bands read as three lines (one per origin) under the three band headings, not nine rows."""
    html_ = fm.legend_html([(layers.get("isochrones"), {"origins": ("武汉", "长沙", "南昌"),
                                                         "minutes": (60, 120, 180)})], "en")
    grid = re.search(r"<table class='mye-grid'>(.*)</table>", html_).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", grid)
    assert re.findall(r"<th scope='col'>([^<]+)</th>", rows[0]) == ["within 1 h", "1–2 h", "2–3 h"]
    assert [re.search(r"<th scope='row'>([^<]+)</th>", r).group(1) for r in rows[1:]] == ["Wuhan", "Changsha",
                                                                                           "Nanchang"]
    assert [r.count("<svg") for r in rows[1:]] == [3, 3, 3]
    assert "title='Nanchang · 2–3 h'" in rows[3] and "mye-row" not in html_


def test_each_origin_has_its_own_hue_and_thresholds_draw_as_rings():
    from render.bands import as_bands

    circles = layers.get("isochrones")
    gdf = circles.frame(origins=("武汉", "长沙"), minutes=(60, 120), mode="rail", year="now",
                        model=ViewState().road_model())
    colours = {(o, m): circles.style.fill_for(b) for o, m, b in zip(gdf["origin"], gdf["minutes"], gdf["band"],
                                                                      strict=True)}
    assert colours[("武汉", 60)] != colours[("长沙", 60)] and colours[("武汉", 60)] != colours[("武汉", 120)]
    rings = as_bands(gdf, *circles.style.bands).set_index(["origin", "minutes"]).geometry
    whole = gdf.set_index(["origin", "minutes"]).geometry
    assert rings[("武汉", 120)].intersection(whole[("武汉", 60)]).area < 1e-9  # the ring leaves the 1-hour area
    # Ring plus the 1-hour area is the 2-hour circle, less specks of under 25 km² (a few hundredths of a degree²).
    assert rings[("武汉", 120)].union(whole[("武汉", 60)]).symmetric_difference(whole[("武汉", 120)]).area < 0.01
    assert rings[("武汉", 60)].symmetric_difference(whole[("武汉", 60)]).area < 0.01  # specks aside, whole


def test_base_map_uses_no_cdn_and_has_furniture():
    m = fm.base_map("offline", (114.3, 28.9), 7)
    page = m.get_root().render()
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert urls and all(u.startswith(offline_assets.ASSET_URL_BASE) for u in urls)
    assert "https://" not in "".join(urls)
    for control in ("L.Control.Measure", "L.Control.MousePosition", "L.control.fullscreen", "scale"):
        assert control.lower() in page.lower(), control
    assert "map.on('moveend', sync)" in page


def test_tile_basemaps_and_tianditu_key(monkeypatch):
    monkeypatch.delenv(fm.TIANDITU_KEY_ENV, raising=False)
    assert "tianditu" not in fm.basemaps()
    monkeypatch.setenv(fm.TIANDITU_KEY_ENV, "abc123")
    assert "tk=abc123" in fm.basemaps()["tianditu"].tiles
    page = fm.base_map("gaode", (114.3, 28.9), 7).get_root().render()
    assert "autonavi.com" in page and "GCJ-02" in page
    # An unknown basemap falls back to the offline one.
    assert "myeBasemap" in fm.base_map("nope", (114.3, 28.9), 7).get_root().render()


def test_offline_assets_are_installed_and_cover_every_element():
    paths = offline_assets.ensure_assets()
    assert all(p.exists() and p.stat().st_size > 400 for p in paths)
    assert "Leaflet 1.9.3" in (offline_assets.VENDOR_DIR / "leaflet-1.9.3.js").read_text()[:300]
    with pytest.raises(offline_assets.MissingAssetError):
        offline_assets.local_url("https://cdn.example.com/x.js")
    # Localising twice is harmless.
    url = offline_assets.local_url("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")
    assert offline_assets.local_url(url) == url


def test_inline_html_needs_no_network():
    m = fm.base_map("offline", (114.3, 28.9), 7)
    groups, errors = fm.overlay_groups([(layers.get("cities"), {})], lang="en", tolerance=fm.detail_tolerance(7))
    for g in groups:
        g.add_to(m)
    page = offline_assets.inline_html(m)
    assert not errors
    assert not re.findall(r'<script[^>]+src="', page) and not re.findall(r'<link[^>]+href="', page)
    assert "Leaflet 1.9.3" in page and "Member cities" in page


def test_layer_errors_are_reported_not_raised():
    bad = LayerSpec(id="broken", title_zh="坏", title_en="Broken", group=Group.CONTEXT,
                    build=lambda: (_ for _ in ()).throw(FileNotFoundError("no file")), style=Style(kind="point"))
    layers.register(bad)
    try:
        groups, errors = fm.overlay_groups([(bad, {})], lang="zh", tolerance=None)
    finally:
        layers.registry._SPECS.pop("broken")
    assert [e[0] for e in errors] == ["broken"] and len(groups) == 1  # the legend group only


def test_params_are_those_of_the_declared_kind():
    def build(*, year):
        return None

    spec = LayerSpec(id="c", title_zh="c", title_en="c", group=Group.TRANSPORT, build=build,
                     style=Style(kind="line"), kind=Kind.NETWORK)
    got = spec.params_from({"origins": ("武汉",), "minutes": (60,), "mode": "rail", "year": "2015", "model": None})
    assert got == {"year": "2015"}
    assert layers.get("cities").params_from({"origins": ("武汉",)}) == {}
    with pytest.raises(KeyError, match="year"):
        spec.params_from({"origins": ("武汉",)})


def test_ui_strings_are_complete_and_markdown_is_escaped():
    assert all(zh and en for zh, en in STRINGS.values())
    assert t("targets_met", "en", ok=1, n=2) == "1 of 2 met"
    assert escape_markdown("[x](http://e) **b** :red[x]") == r"\[x\]\(http\:\/\/e\) \*\*b\*\* \:red\[x\]"


@pytest.mark.parametrize("year", YEARS)
def test_every_registered_layer_renders(year):
    """Every layer, parameterised ones included (leaving them out is how a rail-layer crash once got through)."""
    view = ViewState(layers=tuple(s.id for s in layers.all_specs()), year=year)
    specs = visible_layers(view)
    assert {s.kind for s, _ in specs} == set(Kind)
    groups, errors = fm.overlay_groups(specs, lang="en", tolerance=fm.detail_tolerance(7))
    assert not errors, errors
    assert len(groups) == len(specs) + 1
    assert len(specs) == len(layers.all_specs())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_popups_speak_words_not_codes_and_years_have_no_separators(lang):
    for lid, code, year in (("rail_lines", "hsr", None), ("bridges", "road-rail", "1993"),
                            ("hitech_zones", "hitech_zone", None), ("airports", "regional", None)):
        spec = layers.get(lid)
        payload = fm.feature_collection(spec, spec.frame(**({"year": "now"} if spec.parameters else {})), lang)
        popups = " ".join(re.findall(r'"p":"(.*?)","', payload))
        assert f">{code}<" not in popups, (lid, code)
        assert not re.search(r">\d,\d{3}<", popups), lid  # 开通年份 2,009
        if year:
            assert f">{year}<" in popups
    rail = fm.feature_collection(layers.get("rail_lines"), layers.get("rail_lines").frame(year="now"), lang)
    assert ("高速铁路" if lang == "zh" else "high-speed rail") in rail
    assert ">jingguang_hsr<" not in rail and ("京广高速铁路" if lang == "zh" else "Beijing-Guangzhou HSR") in rail


def test_specks_are_not_drawn_but_stay_in_the_data():
    from render.bands import MIN_PART_KM2, as_bands

    speck = shapely.Point(114.0, 30.0).buffer(0.01)  # about 3 km²
    big = shapely.Point(113.0, 30.0).buffer(0.5)
    gdf = gpd.GeoDataFrame({"origin": ["a", "a"], "minutes": [60, 120]},
                           geometry=[big, shapely.MultiPolygon([big.buffer(0.2), speck])], crs=WGS84)
    drawn = as_bands(gdf, "origin", "minutes").geometry
    assert not drawn.iloc[1].intersects(speck) and drawn.iloc[1].area > 0
    assert gdf.geometry.iloc[1].intersects(speck)
    assert MIN_PART_KM2 > 3


def test_a_one_row_layer_is_set_as_its_own_heading_not_as_a_row_of_the_layer_above():
    several = LayerSpec(id="a", title_zh="机场", title_en="Airports", group=Group.CONTEXT, build=lambda: None,
                        style=Style(kind="point"), legend=(LegendItem("枢纽", "Hub", Style(kind="point")),
                                                           LegendItem("支线", "Regional", Style(kind="point"))))
    one = LayerSpec(id="b", title_zh="港口", title_en="River ports", group=Group.CONTEXT, build=lambda: None,
                    style=Style(kind="point"))
    html_ = fm.legend_html([(one, {}), (several, {})], "en")
    airports, ports = html_.split("data-layer='b'")
    assert "mye-solo" not in airports and "mye-ltitle'>Airports" in airports
    assert re.search(r"class='mye-row mye-solo'>.*<span>River ports</span>", ports)
    assert ".mye-legend .mye-solo { font-weight: 600" in fm._CSS


@pytest.mark.parametrize(("lang", "hint"), [("zh", "点击收起或展开图例"), ("en", "Click to fold or unfold the legend")])
def test_legend_heading_is_a_fold_button(lang, hint):
    """The legend's heading folds it (keyboard too); folded, only the heading is shown."""
    markup = fm.legend_html([(layers.get("cities"), {})], lang)
    assert markup.startswith(f"<h4 class='mye-lhead' role='button' tabindex='0' title='{hint}'>")
    assert ".mye-legend.mye-shut > :not(h4) { display: none; }" in fm._CSS
    assert "window.__myeLegendShut" in fm._LEGEND_JS and "keydown" in fm._LEGEND_JS
