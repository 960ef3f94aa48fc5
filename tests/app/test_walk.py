"""The app walked as a planner clicks it (Streamlit AppTest): every layer alone and all together, every mode ×
network year × language, saved views of each kind, and the structure issue's defects, each reproduced."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

import layers
from app.mydata import OPEN_KEY as MYDATA_OPEN
from layers.catalogue.surface import surface_caption
from layers.i18n import t, widget_key
from layers.spec import Kind
from layers.view import FIGURES, MEASURES, MODES, YEARS, ViewState
from tests.app.apptest import checked, params, start

CJK = re.compile("[\u4e00-\u9fff]")


def ok(at: AppTest) -> AppTest:
    checked(at)
    errors = [w.value for w in at.warning if "无法加载" in w.value or "could not be loaded" in w.value]
    assert not errors, errors
    return at


def circle_rows(at: AppTest, lang: str) -> int:
    """Rows of the circle tables (door-to-door or station-to-station ones)."""
    tables = [d.value for d in at.dataframe
              if {t("col_cities", lang), t("col_cities_station", lang)} & set(d.value.columns)]
    return sum(len(df) for df in tables)


def test_every_layer_alone_then_all_together():
    at = ok(start(layers="provinces"))
    ids = [s.id for s in layers.all_specs()]
    for lid in ids:
        for other in ids:
            at.checkbox(key=f"layer_{other}").set_value(other == lid)
        ok(at.run())
        assert params(at)["layers"] == lid
        assert circle_rows(at, "zh") == (9 if layers.get(lid).kind is Kind.CIRCLES else 0), lid
    for lid in ids:
        at.checkbox(key=f"layer_{lid}").check()
    ok(at.run())
    assert params(at)["layers"].split(",") == ids
    assert circle_rows(at, "zh") == 9


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_mode_and_network_year(lang):
    at = ok(start(lang=lang))
    for mode in MODES:
        for year in YEARS:
            at.radio(key=widget_key("mode", lang)).set_value(mode)
            at.selectbox(key=widget_key("year", lang)).set_value(year)
            ok(at.run())
            got = params(at)
            assert (got["mode"], got["year"]) == (mode, year)
            assert circle_rows(at, lang) == 9, (mode, year)
            choice = at.radio(key=widget_key("table_choice", lang))
            assert len(choice.options) == 4 and any(t("export", lang) in e.label for e in at.expander)


@pytest.mark.parametrize("kind", list(Kind))
def test_a_saved_view_of_each_kind_opens(tmp_path, monkeypatch, kind):
    from workspace import Workspace

    lid = next(s.id for s in layers.all_specs() if s.kind is kind)
    ws = Workspace(tmp_path / "ws.gpkg")
    saved = ViewState(layers=("provinces", lid), origins=("岳阳",), minutes=(45, 90), mode="road", year="2015",
                      lang="en", center=(113.1, 29.4), zoom=9)
    ws.save_view("汇报", saved.to_query())
    monkeypatch.setenv("MYE_WORKSPACE", str(ws.path))
    at = ok(start(session={MYDATA_OPEN: True}))
    at.button(key="ud_view_open").click()
    ok(at.run())
    got = params(at)
    assert set(got["layers"].split(",")) == {"provinces", lid}
    assert (got["lang"], got["year"], got["mode"], got["lon"], got["zoom"]) == ("en", "2015", "road", "113.1000", "9")
    assert circle_rows(at, "en") == (2 if kind is Kind.CIRCLES else 0)


# ------------------------------------------------------------------------------------- the structure defects


def test_rail_layers_beside_the_circles_are_not_taken_for_circles():
    """Defect 1: ticking 铁路网 or 车站 raised KeyError 'origin' in the circle panel."""
    at = ok(start(layers="provinces,rail_lines,stations,isochrones"))
    assert circle_rows(at, "zh") == 9
    at.multiselect(key=widget_key("origins", "zh")).set_value([])
    ok(at.run())
    assert circle_rows(at, "zh") == 0
    assert set(params(at)["layers"].split(",")) == {"provinces", "rail_lines", "stations", "isochrones"}
    assert any(t("circles_no_origin", "zh") in i.value for i in at.info)


def test_rail_layers_are_drawn_without_origins_and_get_no_circle_statistics():
    from export.tables import travel_tables
    from layers.frames import visible_layers

    view = ViewState(layers=("rail_lines", "stations", "isochrones"), origins=())
    assert [s.id for s, _ in visible_layers(view)] == ["rail_lines", "stations"]
    tables = travel_tables(view)
    assert not any(name.endswith("_stats") for name in tables)
    tables = travel_tables(view.with_(origins=("武汉",)))
    assert [name for name in tables if name.endswith("_stats")] == ["isochrones_stats"]


def test_a_new_network_year_then_english_keeps_the_tables():
    """Defect 2: KeyError '中心城市 1 小时通勤 · 达标 6 / 90' after changing the year, then the language."""
    at = ok(start())
    at.selectbox(key=widget_key("year", "zh")).set_value("2015")
    ok(at.run())
    at.radio(key="lang").set_value("en")
    ok(at.run())
    assert at.radio(key=widget_key("table_choice", "en")).value == "core_commute"
    assert any("met" in c.value for c in at.caption)
    assert any("Export" in e.label for e in at.expander)


def test_the_nominal_mode_draws_rings_with_the_circle_table():
    """Defect 3: mode 名义圈 showed a ValueError twice and emptied the panel; one control, not two."""
    at = ok(start(mode="nominal"))
    assert circle_rows(at, "zh") == 9
    assert "nominal_rings" not in [s.id for s in layers.all_specs()]
    assert not any(w.value for w in at.warning)


def test_the_extent_on_screen_is_the_one_shared():
    """Defect 4: after a widget change the URL's lon/lat/zoom jumped back to the session's first view."""
    at = ok(start())
    # What the map component reports after the planner pans and zooms (Leaflet's lat/lng).
    at.session_state["map"] = {"center": {"lat": 30.55, "lng": 114.32}, "zoom": 10}
    at.checkbox(key="layer_city_boundaries").check()
    ok(at.run())
    got = params(at)
    assert (got["lon"], got["lat"], got["zoom"]) == ("114.3200", "30.5500", "10")


def test_the_extent_reported_on_a_gaode_map_is_stored_in_wgs84():
    from render.webmap import GCJ_DELTA

    at = ok(start(basemap="gaode"))
    at.session_state["map"] = {"center": {"lat": 30.55 + GCJ_DELTA[1], "lng": 114.32 + GCJ_DELTA[0]}, "zoom": 9}
    at.checkbox(key="layer_city_boundaries").check()
    ok(at.run())
    assert (params(at)["lon"], params(at)["lat"]) == ("114.3200", "30.5500")


def test_english_circle_table_names_every_city_in_english():
    """Defect 5: in English the cities column showed "南昌 0"."""
    at = ok(start(lang="en"))
    column = "Cities reached (door to door, min)"
    tables = [d.value for d in at.dataframe if column in d.value.columns]
    cells = [c for df in tables for c in df[column]] + [c for df in tables for c in df["Origin"]]
    assert cells and not any(CJK.search(c) for c in cells), cells
    assert any(c.startswith("Nanchang (0 min)") for c in cells)


@pytest.mark.parametrize(("lang", "mode", "text"), [("zh", "rail", "铁路按最快班次（不含候车）；门到门"),
                                                     ("en", "road", "road only, 2015 network (plan year); door to"),
                                                     ("en", "nominal", "straight line at a steady speed")])
def test_the_map_says_what_its_circles_are(lang, mode, text):
    at = ok(start(lang=lang, mode=mode, year="2015"))
    assert any(text in c.value for c in at.caption), [c.value for c in at.caption]


# ------------------------------------------------------------------------ rail figures and circle measures


def _headers(at: AppTest) -> set[str]:
    return {str(c) for d in at.dataframe for c in d.value.columns}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_figure_measure_and_mode_walks_with_labelled_tables(lang):
    """Every rail figure × circle measure × mode draws its nine circles, says on the map which figure and measure
    they are, and the plan-target table labels each time column with its figure, in the page's language."""
    at = ok(start(lang=lang))
    for figure in FIGURES:
        for measure in MEASURES:
            # The measure is chosen on the rail network (its control is disabled in the other modes), then kept.
            at.radio(key=widget_key("mode", lang)).set_value("rail")
            ok(at.run())
            at.radio(key=widget_key("figure", lang)).set_value(figure)
            at.radio(key=widget_key("measure", lang)).set_value(measure)
            for mode in MODES:
                at.radio(key=widget_key("mode", lang)).set_value(mode)
                ok(at.run())
                assert at.radio(key=widget_key("measure", lang)).disabled == (mode != "rail")
                got = params(at)
                assert got["mode"] == mode and got.get("figure", "fastest") == figure, got
                assert got.get("measure", "door") == measure, got
                assert circle_rows(at, lang) == 9, (mode, figure, measure)
                captions = " ".join(c.value for c in at.caption)
                if mode == "rail":
                    assert t(f"figure_{figure}_caption", lang) in captions, captions
                    station = t("circles_caption_station", lang, year=t("year_now", lang),
                                figure=t(f"figure_{figure}_caption", lang), r="10")
                    assert (station in captions) == (measure == "station"), captions
                headers = _headers(at)
                assert {t("col_rail_min", lang), t("col_typical_min", lang),
                        t(f"col_door_min_{figure}", lang)} <= headers, headers
                assert t(f"col_door_min_{'typical' if figure == 'fastest' else 'fastest'}", lang) not in headers


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_matrix_offers_both_figures_and_door_to_door_labelled(lang):
    at = ok(start(lang=lang, figure="typical"))
    at.radio(key=widget_key("table_choice", lang)).set_value("matrix")
    ok(at.run())
    titles = ("matrix_door_typical", "matrix_rail", "matrix_typical")
    assert at.radio(key=widget_key("matrix_kind_typical", lang)).options == [t(k, lang) for k in titles]
    for kind, title in zip(("door", "rail", "typical"), titles, strict=True):
        at.radio(key=widget_key("matrix_kind_typical", lang)).set_value(kind)
        ok(at.run())
        assert any(c.value == t(title, lang) for c in at.caption), [c.value for c in at.caption]


def test_station_to_station_circles_list_rail_minutes_and_say_so():
    at = ok(start(lang="en", measure="station", origins="武汉", minutes="60"))
    tables = [d.value for d in at.dataframe if t("col_cities_station", "en") in d.value.columns]
    assert len(tables) == 1 and len(tables[0]) == 1
    cities = tables[0][t("col_cities_station", "en")].iloc[0]
    assert cities.startswith("Wuhan (0 min)") and "Ezhou" in cities
    assert not any(c.value.startswith("Road: ") for c in at.caption)  # no road leg, so no road model is stated
    at.radio(key=widget_key("measure", "en")).set_value("door")
    ok(at.run())
    assert any(c.value.startswith("Road: ") for c in at.caption)


# ------------------------------------------------------------------------------- the travel-time surface


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_surface_alone_and_instead_of_the_circles(lang):
    """The surface layers, ticked alone in each language, draw (no layer error), say on the map what they are and
    give no circle table; ticking the circles beside them brings the nine rows back."""
    at = ok(start(lang=lang, layers="provinces"))
    for lid in ("surface_bands", "surface_isolines"):
        at.checkbox(key=f"layer_{lid}").check()
    ok(at.run())
    assert params(at)["layers"].split(",") == ["provinces", "surface_bands", "surface_isolines"]
    caption = surface_caption(lang, mode="rail", year="now", figure="fastest")
    assert t("year_now", lang) in caption and t("legend_figure_fastest", lang) in caption
    assert any(caption in c.value for c in at.caption), [c.value for c in at.caption]
    assert circle_rows(at, lang) == 0
    # Beside the map: the surface's bands, each with its area and people, not a note that the circles are off.
    assert not any(t("circles_off", lang) in i.value for i in at.info)
    bands = next(d.value for d in at.dataframe if t("col_band", lang) in d.value.columns)
    assert list(bands[t("col_band", lang)]) == [t("surface_band_within", lang, h="1"),
                                                t("surface_band_between", lang, lo="1", hi="2"),
                                                t("surface_band_between", lang, lo="2", hi="3")]
    people = [float(p.replace(",", "").replace(" 万", "e4").replace(" 亿", "e8"))
              for p in bands[t("col_population", lang)]]
    assert min(people) > 1_000_000 and (bands[t("col_area_km2", lang)] > 1000).all()
    at.checkbox(key="layer_isochrones").check()
    ok(at.run())
    assert circle_rows(at, lang) == 9
