"""Widget logic and URL state of the Streamlit app, through Streamlit's AppTest (no browser)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.mydata import OPEN_KEY as MYDATA_OPEN
from app.sidebar import ASSUMPTIONS_KEY
from layers.i18n import widget_key
from layers.view import ViewState
from tests.app.apptest import checked, params, start

ROOT = Path(__file__).resolve().parents[2]



def run(session: dict[str, object] | None = None, **query: str) -> AppTest:
    return checked(start(session=session, **query))


@pytest.fixture(scope="module")
def default_app() -> AppTest:
    return run()


def test_default_view_fills_the_url(default_app):
    assert params(default_app) == {
        "layers": "provinces,agglomeration,subclusters,isochrones,rivers,cities", "origins": "武汉,长沙,南昌",
        "minutes": "60,120,180", "mode": "rail", "year": "now", "basemap": "offline", "lang": "zh",
        "lon": "114.3000", "lat": "28.9000", "zoom": "7"}
    assert default_app.title[0].value == "长江中游城市群空间探索"
    assert default_app.checkbox(key="layer_cities").value is True
    assert default_app.session_state["origins"] == ["武汉", "长沙", "南昌"]
    assert default_app.text_input(key="thresholds").value == "1, 2, 3"


def test_url_round_trip_seeds_every_widget():
    view = ViewState(layers=("cities", "city_boundaries"), origins=("岳阳",), minutes=(45, 90), mode="road",
                     year="2015", basemap="gaode", lang="en", center=(113.1234, 29.5), zoom=9,
                     road=(70.0, 1.2, 17.0, 15.0, 10.0, 100.0))
    at = run({ASSUMPTIONS_KEY: True}, **view.to_params())
    assert at.number_input(key="speed_kmh").value == 70 and at.number_input(key="detour_factor").value == 1.2
    assert at.radio(key="lang").value == "en"
    assert at.selectbox(key=widget_key("basemap", "en")).value == "gaode"
    assert at.radio(key=widget_key("mode", "en")).value == "road"
    assert at.selectbox(key=widget_key("year", "en")).value == "2015"
    assert at.session_state["origins"] == ["岳阳"]
    assert at.text_input(key="thresholds").value == "0.75, 1.5"
    assert at.checkbox(key="layer_city_boundaries").value is True
    assert at.checkbox(key="layer_subclusters").value is False
    got = params(at)
    # Layers come back in drawing order; everything else exactly as sent.
    assert set(got.pop("layers").split(",")) == {"cities", "city_boundaries"}
    sent = view.to_params()
    sent.pop("layers")
    assert got == sent
    assert at.title[0].value == "Middle Yangtze Explorer"


def test_closed_sections_are_not_drawn_and_keep_their_values(tmp_path, monkeypatch):
    """我的数据 and the access-model popover draw their widgets only while open; closed again, the speed typed and
    the planner's own layer stay in the view across reruns."""
    from workspace import Workspace, import_file

    ws = Workspace(tmp_path / "ws.gpkg")
    import_file(Path(__file__).parents[1] / "fixtures" / "userdata" / "points_wgs84.csv", "点", workspace=ws)
    monkeypatch.setenv("MYE_WORKSPACE", str(ws.path))
    at = run(layers="provinces,user.点")
    assert not at.number_input and not at.get("file_uploader")
    at.session_state[ASSUMPTIONS_KEY] = True
    at.session_state[MYDATA_OPEN] = True
    at.run()
    assert at.checkbox(key="layer_user.点").value is True and at.get("file_uploader")
    at.number_input(key="speed_kmh").set_value(65.0).run()
    at.session_state[ASSUMPTIONS_KEY] = False
    at.session_state[MYDATA_OPEN] = False
    at.run()
    at.radio(key="lang").set_value("en").run()
    checked(at.run())
    assert not at.number_input and not at.get("file_uploader")
    got = params(at)
    assert got["speed"] == "65" and "user.点" in got["layers"].split(",")


def test_circle_panel_states_the_road_assumptions():
    at = run(lang="en", speed="70")
    captions = [c.value for c in at.caption]
    assert ("Road: 70 km/h, detour ×1.3, 11 min in town, 15 min to board, 10 min to leave, stations within 100 km"
            in captions)
    assert any(c.startswith("People reached: 2020 census by county") for c in captions)


def test_widget_changes_reach_the_url(default_app):
    at = default_app
    at.radio(key="lang").set_value("en").run()
    at.checkbox(key="layer_city_boundaries").check().run()
    at.text_input(key="thresholds").set_value("0.5, 1.5").run()
    at.radio(key=widget_key("mode", "en")).set_value("road").run()
    at.selectbox(key=widget_key("year", "en")).set_value("planned").run()
    at.session_state[ASSUMPTIONS_KEY] = True  # the planner opens the access-model popover
    at.run()
    at.number_input(key="speed_kmh").set_value(65.0).run()
    assert not at.exception
    got = params(at)
    assert got["lang"] == "en" and got["mode"] == "road" and got["year"] == "planned" and got["speed"] == "65"
    assert got["minutes"] == "30,90"
    assert "city_boundaries" in got["layers"].split(",")
    assert at.title[0].value == "Middle Yangtze Explorer"


def test_bad_thresholds_are_reported_and_ignored(default_app):
    at = default_app
    at.text_input(key="thresholds").set_value("1, abc, 99").run()
    assert not at.exception
    assert any("abc" in w.value and "99" in w.value for w in at.warning)
    assert params(at)["minutes"] == "60"


def test_hostile_query_is_ignored_with_a_notice():
    at = run(layers="cities,<script>alert(1)</script>", minutes="99999", lang="<b>x</b>", basemap="ftp://x",
             origins="武汉,[click](http://evil)", zoom="abc")
    text = " ".join(w.value for w in at.warning)
    assert "ignored unknown layers" in text and "99999" in text and "ignored lang" in text
    # Data reaches markdown escaped: no live link, no HTML.
    assert "\\<script\\>" in text and "\\[click\\]\\(http" in text
    got = params(at)
    assert got["layers"] == "cities" and got["lang"] == "zh" and got["basemap"] == "offline"
    assert got["origins"] == "武汉" and got["minutes"] == "60,120,180" and got["zoom"] == "7"


def test_tianditu_without_key_falls_back(monkeypatch):
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    at = run(basemap="tianditu")
    assert params(at)["basemap"] == "offline"
    assert any("TIANDITU" in w.value for w in at.warning)


def test_switching_language_keeps_choices_and_relabels_them():
    at = run()
    at.radio(key=widget_key("mode", "zh")).set_value("road").run()
    at.selectbox(key=widget_key("year", "zh")).set_value("2015").run()
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    mode = at.radio(key=widget_key("mode", "en"))
    assert mode.value == "road" and "Road only" in mode.options
    year = at.selectbox(key=widget_key("year", "en"))
    assert year.value == "2015" and all(not any("\u4e00" <= ch <= "\u9fff" for ch in o) for o in year.options)
    assert at.session_state["origins"] == ["武汉", "长沙", "南昌"]


def test_search_sets_fly_target():
    at = run()
    at.selectbox(key=widget_key("search", "zh")).set_value("长沙").run()
    assert not at.exception
    lon, lat = at.session_state["fly"]
    assert abs(lon - 112.98) < 0.2 and abs(lat - 28.2) < 0.2


def test_briefing_export_follows_the_chosen_paper_and_extent():
    at = run()
    at.session_state["export_open"] = True
    at.run()
    at.radio(key="brief_paper").set_value("a3")
    at.radio(key=widget_key("brief_orient", "zh")).set_value("portrait")
    at.radio(key="brief_dpi").set_value(150)
    at.radio(key=widget_key("brief_extent", "zh")).set_value("region")
    at.button(key="brief_go").click().run()
    assert not at.exception
    labels = [d.proto.label for d in at.get("download_button")]
    assert any(label.endswith(".png") and "a3_portrait" in label for label in labels), labels


def test_neighbouring_cores_are_named_in_english():
    """The 3-hour table and the matrix name 上海, 南京 … in English when the page is in English."""
    at = run(lang="en")
    at.radio(key=widget_key("table_choice", "en")).set_value("neighbour_cores").run()
    tables = [el.value for el in at.dataframe]
    cores = next(df for df in tables if "Neighbouring core" in df.columns)
    assert {"Shanghai", "Xi'an", "Chongqing"} <= set(cores["Neighbouring core"])
    assert not cores["Neighbouring core"].str.contains("[\u4e00-\u9fff]").any()
    at.radio(key=widget_key("table_choice", "en")).set_value("matrix").run()
    matrix = next(el.value for el in at.dataframe if "Shanghai" in el.value.columns)
    assert "Wuhan" in matrix.index and "Guangzhou" in matrix.columns


def test_my_data_restyles_a_layer_and_deletes_a_saved_view(tmp_path, monkeypatch):
    from workspace import Workspace, import_file

    ws = Workspace(tmp_path / "ws.gpkg")
    import_file(Path(__file__).parents[1] / "fixtures" / "userdata" / "points_wgs84.csv", "点", workspace=ws)
    ws.save_view("汇报", ViewState(lang="en").to_query())
    monkeypatch.setenv("MYE_WORKSPACE", str(ws.path))
    at = run({MYDATA_OPEN: True}, layers="provinces,user.点")
    at.color_picker(key="ud_style_点_color").set_value("#123456")
    at.slider(key="ud_style_点_radius").set_value(12.0)
    at.button(key="ud_style_点_apply").click().run()
    assert not at.exception, [e.value for e in at.exception]
    style = ws.layer("点").style
    assert (style.color, style.radius) == ("#123456", 12.0)
    assert any("已更新样式：点" in s.value for s in at.success)
    at.button(key="ud_view_delete").click().run()
    assert ws.views() == {}
    assert any("已删除视图：汇报" in s.value for s in at.success)


@pytest.mark.parametrize("query", [
    {"minutes": "inf", "zoom": "1e999"},
    {"minutes": "1e999,1_0,1e-300,-60", "lon": "inf", "lat": "nan", "speed": "1e999", "detour": "nan"},
    {"origins": ",".join(["武汉"] * 12_000), "minutes": ",".join(["60"] * 1_440)},
])
def test_hostile_numbers_in_the_url_give_notices_not_a_traceback(query):
    at = run(**query)
    got = params(at)
    assert got["minutes"] == "60,120,180" or got["minutes"] == "60"
    assert got["zoom"] == "7" and got["lon"] == "114.3000" and "speed" not in got and "detour" not in got
    assert got["origins"] in ("武汉,长沙,南昌", "武汉")
    assert at.warning and all("Traceback" not in w.value for w in at.warning)


def test_hostile_threshold_text_gives_a_warning(default_app):
    at = default_app
    at.text_input(key="thresholds").set_value("inf, 1e999, 1_5, nan, 1e-300, 2").run()
    assert not at.exception
    warned = " ".join(w.value for w in at.warning)
    assert all(item in warned for item in ("inf", "1e999", "1\\_5", "nan", "1e\\-300"))
    assert params(at)["minutes"] == "120"


@pytest.mark.parametrize("value", ["inf", "nan", "abc"])
def test_a_bad_import_limit_is_refused_at_start_with_a_message(monkeypatch, value):
    monkeypatch.setenv("MYE_MAX_IMPORT_MB", value)
    at = run()
    errors = [e.value.replace("\\", "") for e in at.error]  # shown with Markdown escaped
    assert any(f"MYE_MAX_IMPORT_MB='{value}' is not a size in MB" in e for e in errors), errors
    assert at.checkbox(key="layer_cities").value is True  # the map and its layers are still there


def test_the_app_starts_with_a_damaged_workspace_record(tmp_path, monkeypatch):
    import sqlite3

    from workspace import Workspace, import_file

    ws = Workspace(tmp_path / "ws.gpkg")
    for name in ("good", "bad"):
        import_file(Path(__file__).parents[1] / "fixtures" / "userdata" / "points_wgs84.csv", name, workspace=ws)
    con = sqlite3.connect(ws.path)
    with con:
        con.execute("UPDATE mye_layers SET style = '[1, 2]', fields = '5' WHERE name = 'bad'")
    con.close()
    monkeypatch.setenv("MYE_WORKSPACE", str(ws.path))
    at = run(layers="cities,user.good,user.bad")
    assert at.checkbox(key="layer_user.good").value is True and at.checkbox(key="layer_cities").value is True
    assert "user.bad" not in params(at)["layers"].split(",")
    assert any("record 'bad' is damaged" in w.value.replace("\\", "") for w in at.warning)


def test_plan_target_panel_shows_the_people_reached_in_both_languages():
    at = run()
    labels = {m.label: m.value for m in at.metric}
    assert "1 小时内到达中心城市的人口" in labels and labels["1 小时内到达中心城市的人口"].endswith("%")
    assert any("区县" in c.value and "km 网格" in c.value for c in at.caption)
    at.radio(key="lang").set_value("en").run()
    labels = {m.label: m.value for m in at.metric}
    assert {"People within 1 h of a core", "People within 2 h of every member city"} <= set(labels)
    assert any("by county" in c.value for c in at.caption)


def test_warming_the_server_does_not_declare_the_map_component_early():
    """``python -m app.serve`` imports the page before the server runs; if that import declared the streamlit-folium
    component, the server would answer its frame with 404 and the map would draw nothing."""
    code = "import sys, app.serve; app.serve.warm(); sys.exit('streamlit_folium' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:] or "warm() imported streamlit_folium"


def drawn_keys(at: AppTest) -> set[str]:
    """The keys of the widgets the last run drew on the page (sidebar aside)."""
    return {key for node in at.main if (key := getattr(node, "key", None))}


def test_closed_sections_draw_no_widgets_and_keep_the_choices_made():
    """Export and the scenario panel start closed and draw their widgets only when opened (the default page's
    first render is shorter); what the planner chose in them survives closing, reopening and a language change."""
    lazy = {"brief_fmt", "brief_paper", "brief_go", "sc_name", "sc_compare"}
    at = run()
    assert not drawn_keys(at) & lazy
    assert {e.label for e in at.expander} >= {"导出 / Export", "情景分析 (假设方案)"}
    at.session_state["export_open"] = at.session_state["sc_panel_open"] = True
    at.run()
    assert at.radio(key="brief_dpi").value == 300
    at.radio(key="brief_paper").set_value("a3")
    at.radio(key="brief_dpi").set_value(150)
    at.text_input(key="sc_name").input("草案")
    at.run()
    at.session_state["export_open"] = at.session_state["sc_panel_open"] = False
    at.run()
    assert not drawn_keys(at) & lazy
    at.radio(key="lang").set_value("en").run()
    at.session_state["export_open"] = at.session_state["sc_panel_open"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert (at.radio(key="brief_paper").value, at.radio(key="brief_dpi").value) == ("a3", 150)
    assert at.text_input(key="sc_name").value == "草案"
    assert not at.warning, [w.value for w in at.warning]
