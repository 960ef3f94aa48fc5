"""The travel-time surface layers (bands and isolines): built for the view, drawn by the web map and the briefing,
exported, and following the view's thresholds, mode and rail figure."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from matplotlib.colors import to_rgb

import layers
from export.gis import export_layers, view_frames
from geo.crs import EQUAL_AREA
from geo.network import RoadModel
from geo.surface import travel_time_surface
from layers.catalogue.surface import BAND_COLORS, band_colour, region_surface
from layers.frames import layer_frame, visible_layers
from layers.view import DEFAULT_MINUTES, DEFAULT_ORIGINS, ViewState
from render import briefing, webmap
from render.briefing import BriefingOptions, briefing_figure

BANDS, LINES = layers.get("surface_bands"), layers.get("surface_isolines")
VIEW = ViewState(layers=("surface_bands", "surface_isolines"))


def _frame(spec, view: ViewState = VIEW) -> gpd.GeoDataFrame:
    return layer_frame(spec, spec.params_from({"origins": view.origins, "minutes": view.minutes, "mode": view.mode,
                                               "year": view.year, "model": view.road_model(),
                                               "figure": view.figure}))


def test_the_layers_are_off_by_default_and_beside_the_circles():
    assert not BANDS.default_visible and not LINES.default_visible
    assert BANDS.id not in ViewState().layers
    assert BANDS.group is layers.get("isochrones").group is LINES.group


def test_bands_tile_the_reached_area_of_the_default_view():
    gdf = _frame(BANDS)
    assert list(gdf["min_to"]) == sorted(DEFAULT_MINUTES)
    assert list(gdf["min_from"]) == [0, *sorted(DEFAULT_MINUTES)[:-1]]
    surface = region_surface(DEFAULT_ORIGINS, year="now", mode="rail", model=RoadModel(), figure="fastest")
    reached = surface.reached_km2(sorted(DEFAULT_MINUTES))
    # The drawn surface is the engine's, cut to the region (agglomeration + margin): fewer cells, none quicker.
    full = travel_time_surface(DEFAULT_ORIGINS, year="now", mode="rail", model=RoadModel())
    whole = full.reached_km2(sorted(DEFAULT_MINUTES))
    assert (reached <= whole).all() and reached[-1] < whole[-1]
    kept = np.isfinite(surface.minutes)
    assert np.array_equal(surface.minutes[kept], full.minutes[kept])
    # Each cumulative union of bands has the area the surface's cells give (contours through cell centres).
    assert np.allclose(np.cumsum(gdf["area_km2"]), reached, rtol=0.01)
    plane = gdf.to_crs(EQUAL_AREA).geometry.to_numpy()
    assert np.allclose(shapely.area(plane) / 1e6, gdf["area_km2"], rtol=1e-3)
    # The bands tile: no two overlap (beyond contour tracing slivers).
    for i in range(len(plane)):
        for j in range(i + 1, len(plane)):
            assert shapely.area(shapely.intersection(plane[i], plane[j])) / 1e6 < 1.0
    assert (gdf["population"] > 0).all() and gdf["population_basis"].str.contains("2020").all()
    assert list(gdf["band"]) == ["0/3", "1/3", "2/3"]


def test_isolines_lie_at_the_thresholds():
    gdf = _frame(LINES)
    assert list(gdf["minutes"]) == sorted(DEFAULT_MINUTES)
    bands = _frame(BANDS)
    for line, band in zip(gdf.geometry, bands.geometry, strict=True):
        # Every vertex of the isoline at t lies on the edge of the band ending at t (its outer rings).
        vertices = shapely.points(shapely.get_coordinates(line))
        assert len(vertices) > 100
        assert shapely.distance(vertices, band.boundary).max() < 1e-6


def test_bands_follow_the_views_thresholds_and_legend_says_them():
    view = ViewState(layers=VIEW.layers, minutes=(60, 90, 120))
    gdf = _frame(BANDS, view)
    assert list(gdf["min_to"]) == [60, 90, 120]
    items = BANDS.legend_items(minutes=view.minutes)
    assert [i.label("zh") for i in items] == ["1 小时内", "1–1.5 小时", "1.5–2 小时"]
    assert [i.label("en") for i in items] == ["within 1 h", "1–1.5 h", "1.5–2 h"]
    assert [i.style.fill_color for i in items] == [band_colour(r, 3) for r in range(3)]
    assert LINES.legend_items(minutes=view.minutes)[0].label("en") == "Travel-time isolines · 1 / 1.5 / 2 h"
    assert LINES.legend_title("zh", minutes=view.minutes) == "通达时间等时线 · 1 / 1.5 / 2 小时"
    assert BANDS.legend_title("en", mode="rail", year="now", figure="typical", minutes=(60,)) == (
        "Travel-time surface · 2026 network (today) · door to door · typical, incl. wait")


def test_band_colours_darken_towards_the_quickest_and_differ_from_the_circles():
    from layers.catalogue.circles import ORIGIN_HUES

    for n in range(1, 7):
        lum = [sum(to_rgb(band_colour(r, n))) for r in range(n)]
        assert lum == sorted(lum) and len(set(lum)) == n
    assert not {c for _, c in BAND_COLORS} & set(ORIGIN_HUES[:3])


def test_typical_rail_figure_is_never_quicker_than_the_fastest():
    fast = travel_time_surface(DEFAULT_ORIGINS, year="now", mode="rail", figure="fastest")
    typical = travel_time_surface(DEFAULT_ORIGINS, year="now", mode="rail", figure="typical")
    assert typical.figure == "typical"
    ok = np.isfinite(fast.minutes)
    assert (typical.minutes[ok] >= fast.minutes[ok] - 1e-3).all()
    assert (typical.minutes[ok] > fast.minutes[ok] + 1).any()
    view = ViewState(layers=VIEW.layers, figure="typical")
    assert (_frame(BANDS, view)["figure"] == "typical").all()
    assert _frame(BANDS, view)["area_km2"].iloc[0] < _frame(BANDS)["area_km2"].iloc[0]


def test_road_mode_surface_and_nominal_mode_says_there_is_none():
    road = _frame(BANDS, ViewState(layers=VIEW.layers, mode="road"))
    assert (road["figure"] == "none").all() and (road["mode"] == "road").all()
    assert road["area_km2"].sum() < _frame(BANDS)["area_km2"].sum()
    nominal = ViewState(layers=VIEW.layers, mode="nominal")
    assert _frame(BANDS, nominal).empty and _frame(LINES, nominal).empty
    assert "Nominal" in BANDS.legend_title("en", mode="nominal")


def test_no_origins_draws_no_surface():
    assert visible_layers(ViewState(layers=VIEW.layers, origins=())) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_web_map_payload_has_bands_isolines_and_the_legend_thresholds(lang):
    visible = visible_layers(ViewState(layers=VIEW.layers, minutes=(60, 90, 120), lang=lang))
    assert [s.id for s, _ in visible] == ["surface_bands", "surface_isolines"]
    payloads = {s.id: json.loads(webmap._payload(s.id, s.revision, tuple(sorted(p.items())), lang, "wgs84",
                                                 webmap.detail_tolerance(7), "default"))
                for s, p in visible}
    bands, lines = payloads["surface_bands"], payloads["surface_isolines"]
    assert {f["geometry"]["type"] for f in bands["data"]["features"]} <= {"Polygon", "MultiPolygon"}
    assert len(bands["data"]["features"]) == 3
    fills = [bands["styles"][f["properties"]["s"]]["fillColor"] for f in bands["data"]["features"]]
    assert fills == [band_colour(r, 3) for r in range(3)]
    assert [lines["data"]["features"][i]["geometry"]["type"] for i in range(3)] == ["MultiLineString"] * 3
    assert lines["styles"][0]["fill"] is False
    people = "本带人口" if lang == "zh" else "People in the band"
    assert all(people in f["properties"]["t"] for f in bands["data"]["features"])
    legend = webmap.legend_html(visible, lang)
    labels = (["通达时间等时线 · 1 / 1.5 / 2 小时", "通达时间面 · ", "1 小时内", "1–1.5 小时", "1.5–2 小时"]
              if lang == "zh" else ["Travel-time isolines · 1 / 1.5 / 2 h", "Travel-time surface · ", "within 1 h",
                                    "1–1.5 h", "1.5–2 h"])
    at = [legend.index(label) for label in labels]
    assert at == sorted(at)  # top-most layer first: isolines, then the bands quickest first


def test_briefing_pixel_inside_a_band_has_the_band_colour():
    options = BriefingOptions(dpi=72, extent="region")
    on = briefing_figure(ViewState(layers=("provinces", "surface_bands")), options)
    off = briefing_figure(ViewState(layers=("provinces",)), options)
    probes = {0: (113.2, 28.35), 1: (113.5, 29.5), 2: (111.7, 29.6)}  # east of 长沙; north of 岳阳; 常德
    gdf = _frame(BANDS)
    for rank, (lon, lat) in probes.items():
        assert gdf.geometry.iloc[rank].contains(shapely.Point(lon, lat)), rank

    def pixel(fig, lon, lat):
        fig.canvas.draw()
        img = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(float)
        ax = next(a for a in fig.axes if a.get_gid() == "map")
        x, y = ax.transData.transform(shapely.get_coordinates(briefing._to_map(np.array([shapely.Point(lon, lat)]))))[0]
        return img[img.shape[0] - round(y), round(x)]

    legend = next(a for a in on.axes if a.get_gid() == "legend").get_legend()
    texts = [x.get_text().strip() for x in legend.get_texts()]
    assert {"1 小时内", "1–2 小时", "2–3 小时"} <= set(texts)
    alpha = BANDS.style.fill_opacity
    for rank, (lon, lat) in probes.items():
        under = pixel(off, lon, lat)
        assert under.min() > 240, rank  # plain land, not a river or lake drawn over the bands
        under = pixel(off, lon, lat)
        expected = alpha * np.array(to_rgb(band_colour(rank, 3))) * 255 + (1 - alpha) * under
        assert np.abs(pixel(on, lon, lat) - expected).max() < 12, rank


def test_geopackage_export_holds_both_layers(tmp_path):
    frames, failed = view_frames(VIEW)
    assert not failed and list(frames) == ["surface_bands", "surface_isolines"]
    download = export_layers(frames, "gpkg")
    path = tmp_path / "view.gpkg"
    path.write_bytes(download.data)
    listed = dict(pyogrio.list_layers(path))
    assert set(listed) == {"surface_bands", "surface_isolines"}
    bands = gpd.read_file(path, layer="surface_bands")
    assert {"min_from", "min_to", "area_km2", "population", "population_basis"} <= set(bands.columns)
    assert len(bands) == 3 and len(gpd.read_file(path, layer="surface_isolines")) == 3


def test_the_view_url_carries_the_surface_layers():
    from layers.view import parse_view

    view = ViewState(layers=("provinces", "surface_bands", "surface_isolines"), minutes=(45, 90), figure="typical")
    back = parse_view(view.to_query(), known_layers=tuple(s.id for s in layers.all_specs()))
    assert back.layers == view.layers and not back.notices
    assert [s.id for s, _ in visible_layers(back)] == ["provinces", "surface_bands", "surface_isolines"]
    assert list(_frame(BANDS, back)["min_to"]) == [45, 90]


def test_a_what_if_network_gets_its_own_surface():
    from pathlib import Path

    from geo.network import using_network
    from geo.scenario import apply, load_scenario

    what_if = apply(load_scenario(Path(__file__).resolve().parents[2] / "examples/scenarios/faster_wuyi.yaml"))
    base = _frame(BANDS)
    with using_network(what_if):
        faster = _frame(BANDS)
    assert _frame(BANDS) is base  # outside the block, the cached base surface again
    # A faster service never shrinks the area within a threshold, and here it grows the 1-2 h area.
    cum_base, cum_faster = np.cumsum(base["area_km2"]), np.cumsum(faster["area_km2"])
    assert (cum_faster >= cum_base - 1.0).all() and (cum_faster > cum_base + 10.0).any()
