"""The what-if scenario panel through Streamlit's AppTest: build through the widgets, save, reopen, use on the map,
compare with today in both languages; bad input shows one line and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.scenarios import difference_map, sheet_maker
from geo.compare import compare
from geo.scenario import scenario_from_dict, scenario_to_dict
from layers.i18n import widget_key
from layers.view import ViewState, parse_view
from tests.app.apptest import APP, checked, start
from workspace import Workspace

NAME = "武汉南昌直达"
# A direct Wuhan - Nanchang West train in 60 min (258 km of geodesic: 258 km/h, below the 350 km/h limit)
# brings 南昌 inside 武汉's 2-hour circle door to door (180 -> 111 min): a hand-checkable effect.
DIRECT = {"name": NAME, "year": "now", "changes": [
    {"type": "add_service", "id": "user_1", "name_zh": "武汉—南昌西 直达", "stops": ["wuhan", "nanchang_west"],
     "run_min": [60], "trains_per_day": 12}]}


@pytest.fixture(autouse=True)
def workspace(tmp_path, monkeypatch) -> Workspace:
    monkeypatch.setenv("MYE_WORKSPACE", str(tmp_path / "workspace.gpkg"))
    return Workspace()


def run(at: AppTest | None = None, **query: str) -> AppTest:
    """The app opened at ``query`` with the scenario panel open (it starts closed), or ``at`` run again after a
    click; checked either way."""
    return checked(start(session={"sc_panel_open": True}, **query) if at is None else at.run())


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def cities_within(at: AppTest, origin: str, minutes: int) -> str:
    """The 'cities reached' cell of the circle table beside the map (Chinese headers)."""
    table = at.dataframe[0].value
    row = table[(table["起点"] == origin) & (table["阈值 (分钟)"] == minutes)]
    return str(row["可达城市 (门到门分钟)"].iloc[0])


def member_pair_met(at: AppTest, a: str, b: str) -> bool:
    """The door-to-door verdict of a member-city pair in the plan-target table below the map."""
    table = next(d.value for d in at.dataframe if {"城市 A", "门到门达标"} <= set(d.value.columns))
    return bool(table[(table["城市 A"] == a) & (table["城市 B"] == b)]["门到门达标"].iloc[0])


def build_direct(at: AppTest) -> AppTest:
    """Build DIRECT through the widgets (Chinese labels)."""
    at.text_input(key="sc_name").input(NAME)
    at.radio(key=widget_key("sc_kind", "zh")).set_value("add_service")
    run(at)
    at.text_input(key="sc_svc_name").input("武汉—南昌西 直达")
    at.multiselect(key=widget_key("sc_stops", "zh")).set_value(["wuhan", "nanchang_west"])
    at.text_input(key="sc_runs").input("60")
    at.text_input(key="sc_tpd").input("12")
    at.button(key="sc_add").click()
    return run(at)


def test_build_save_reopen_use_and_compare(workspace):
    at = build_direct(run())
    assert errors(at) == []
    assert at.session_state["sc_changes"] == DIRECT["changes"]
    assert any("武汉—南昌西 直达" in s.value for s in at.success)
    # A second change from the list of planned lines, then save.
    at.radio(key=widget_key("sc_kind", "zh")).set_value("open_line")
    run(at)
    at.selectbox(key=widget_key("sc_line", "zh")).set_value("yanjiang_hewu")
    at.button(key="sc_add").click()
    run(at)
    at.button(key="sc_save").click()
    run(at)
    assert errors(at) == []
    saved = workspace.scenario(NAME)
    assert saved == scenario_from_dict({**DIRECT, "changes": [*DIRECT["changes"],
                                                              {"type": "open_line", "line": "yanjiang_hewu"}]})

    # Clear the draft, then open the saved one again from the list.
    at.button(key="sc_clear").click()
    run(at)
    assert at.session_state["sc_changes"] == [] and at.text_input(key="sc_name").value == ""
    at.selectbox(key=widget_key("sc_saved", "zh")).set_value(NAME)
    at.button(key="sc_open").click()
    run(at)
    assert at.text_input(key="sc_name").value == NAME
    assert at.session_state["sc_changes"] == scenario_to_dict(saved)["changes"]

    # Today: 南昌 is not within 武汉's 2 hours. With the scenario in use, it is (circles, tables and the URL follow).
    at.radio(key=widget_key("table_choice", "zh")).set_value("member_pairs")
    run(at)
    assert "南昌" not in cities_within(at, "武汉", 120) and member_pair_met(at, "武汉", "南昌") is False
    at.button(key="sc_use").click()
    run(at)
    assert at.query_params["scenario"] in (NAME, [NAME])
    assert any(NAME in i.value for i in at.info)
    assert "南昌" in cities_within(at, "武汉", 120) and member_pair_met(at, "武汉", "南昌") is True
    assert at.session_state["year"] == "now"

    # Compare today with the scenario.
    at.selectbox(key=widget_key("sc_before", "zh")).set_value("year:now")
    at.selectbox(key=widget_key("sc_after", "zh")).set_value(f"scenario:{NAME}")
    at.button(key="sc_compare").click()
    run(at)
    assert errors(at) == []
    reach = next(d.value for d in at.dataframe if "新进入城市" in d.value.columns)
    row = reach[(reach["出发城市"] == "武汉") & (reach["时间阈值 (分钟)"] == 120)].iloc[0]
    # Today 13 member cities are within 武汉's 2 hours door to door (宜昌 118.3 min with the road model refitted on
    # the expressway skeleton; 襄阳 126.1 min and 长沙 125.2 are not); the direct train adds 南昌.
    assert row["新进入城市"] == "南昌" and (row["覆盖城市数 (前)"], row["覆盖城市数 (后)"]) == (13, 14)
    targets = next(d.value for d in at.dataframe if "规划目标" in d.value.columns)
    assert set(targets["规划目标"]) >= {"成员城市 2 小时互达"}
    met = targets[(targets["城市 A"] == "武汉") & (targets["城市 B"] == "南昌")]
    assert set(met["变化"]) == {"新达标"} and set(met["口径"]) == {"门到门", "站到站"}
    assert {b.proto.label for b in at.get("download_button")} >= {"下载对比表格 (CSV)", "下载对比表格 (XLSX)",
                                                                  "下载对比简报图 (PDF)", "下载对比简报图 (PNG)"}

    # Stop using it: the network year again.
    at.button(key="sc_stop").click()
    run(at)
    assert "scenario" not in at.query_params and "南昌" not in cities_within(at, "武汉", 120)


def test_compare_in_english(workspace):
    workspace.save_scenario(scenario_from_dict(DIRECT))
    at = run(lang="en")
    at.selectbox(key=widget_key("sc_after", "en")).set_value(f"scenario:{NAME}")
    at.button(key="sc_compare").click()
    run(at)
    assert errors(at) == []
    reach = next(d.value for d in at.dataframe if "Newly within" in d.value.columns)
    row = reach[(reach["Origin"] == "Wuhan") & (reach["Threshold (min)"] == 120)].iloc[0]
    assert row["Newly within"] == "Nanchang" and row["Population gained"] != "0"
    targets = next(d.value for d in at.dataframe if "Plan target" in d.value.columns)
    assert "newly met" in set(targets["Change"]) and "Nanchang" in set(targets["Place B"])
    assert "2 h between members" in set(targets["Plan target"])
    # The before/after sheet downloads beside the tables, once a comparison is shown.
    assert {b.proto.label for b in at.get("download_button")} >= {"Download the before/after sheet (PDF)",
                                                                  "Download the before/after sheet (PNG)"}
    assert "What-if scenarios" in [e.label for e in at.expander]
    # The labels of the panel are English too.
    assert at.button(key="sc_compare").label == "Compare"
    assert at.selectbox(key=widget_key("sc_after", "en")).format_func(f"scenario:{NAME}") == f"Scenario: {NAME}"


@pytest.mark.parametrize(("runs", "trains", "needle"), [
    ("1", "", "design speed"),          # 258 km in 1 min
    ("abc", "", "无法识别的数字 'abc'"),
    ("60, 20", "", "run_min has 2 run times"),
    ("60", "-5", "trains_per_day must be a finite number more than 0"),
])
def test_bad_service_shows_one_line_and_changes_nothing(runs, trains, needle):
    at = build_direct(run())
    before = list(at.session_state["sc_changes"])
    at.text_input(key="sc_runs").input(runs)
    at.text_input(key="sc_tpd").input(trains)
    at.button(key="sc_add").click()
    run(at)
    assert len(errors(at)) == 1 and needle in errors(at)[0].replace("\\", ""), errors(at)
    assert "\n" not in errors(at)[0] and "Traceback" not in errors(at)[0]
    assert at.session_state["sc_changes"] == before


def test_bad_name_is_refused_and_nothing_is_saved(workspace):
    at = build_direct(run())
    at.text_input(key="sc_name").input("a/b")
    at.button(key="sc_save").click()
    run(at)
    assert len(errors(at)) == 1 and "a/b" in errors(at)[0].replace("\\", "")
    assert workspace.scenarios() == {}


def test_unknown_scenario_in_the_url_is_dropped():
    at = run(scenario="不存在")
    assert any("不存在" in w.value for w in at.warning)
    assert "scenario" not in at.query_params


def test_typed_names_are_escaped(workspace):
    name = "_斜体_ (草案)"
    changes = [{**DIRECT["changes"][0], "name_zh": "<b>粗</b> *x*"}]
    workspace.save_scenario(scenario_from_dict({**DIRECT, "name": name, "changes": changes}))
    at = run(scenario=name)
    banner = next(i.value for i in at.info if "斜体" in i.value)
    assert "\\_斜体\\_ \\(草案\\)" in banner
    at.selectbox(key=widget_key("sc_saved", "zh")).set_value(name)
    at.button(key="sc_open").click()
    run(at)
    line = next(m.value for m in at.markdown if "粗" in m.value)
    assert "\\<b\\>粗\\<\\/b\\> \\*x\\*" in line
    # In the difference map's HTML the title is escaped before it reaches the page.
    result = compare("now", scenario_from_dict(DIRECT), origins=("武汉",), thresholds=(120,))
    page = difference_map(result, "武汉", "<img src=x onerror=alert(1)>", "zh").get_root().render()
    # The legend's markup reaches the page as a JSON string set as innerHTML: decoded, it must hold only entities.
    decoded = page.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")
    assert "&lt;img src=x onerror=alert(1)&gt;" in decoded and "<img src=x" not in decoded


def test_view_carries_the_scenario_name():
    view = ViewState(scenario=NAME)
    assert view.to_params()["scenario"] == NAME and "scenario" not in ViewState().to_params()
    assert parse_view(view.to_query(), known_layers=()).scenario == NAME
    bad = parse_view({"scenario": "x\u202ey"}, known_layers=())
    assert bad.scenario == "" and any("scenario" in n for n in bad.notices)


def test_map_payload_follows_the_scenario_in_use():
    """The web map's layer cache is keyed by the what-if network: the same view draws the scenario's circles."""
    from app.scenarios import sources_network
    from geo.network import using_network
    from geo.scenario import apply
    from layers.frames import visible_layers
    from render import webmap as fm

    view = ViewState(layers=("isochrones",), origins=("武汉",), minutes=(120,))

    def payload() -> str:
        groups, errors = fm.overlay_groups(visible_layers(view), lang="zh", tolerance=None)
        assert errors == []
        return next(iter(groups[0]._children.values())).payload  # the layer's GeoJSON as sent to the page

    today = payload()
    with using_network(apply(scenario_from_dict(DIRECT), sources_network())):
        what_if = payload()
    assert what_if != today and payload() == today


def test_snapshot_of_a_shared_link_uses_the_saved_scenario(workspace, tmp_path):
    """`python -m layers snapshot --view URL` reads the link's scenario from the workspace, like the app."""
    import subprocess
    import sys

    workspace.save_scenario(scenario_from_dict(DIRECT))
    root = Path(APP).parent
    query = ViewState(layers=("isochrones",), origins=("武汉",), minutes=(120,), scenario=NAME).to_query()

    def snapshot(link: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "layers", "snapshot", "--out", str(tmp_path / "b.png"),
                               "--dpi", "150", "--view", f"http://localhost:8501/?{link}"], cwd=root,
                              capture_output=True, text=True, timeout=300)

    done = snapshot(query)
    assert done.returncode == 0, done.stderr
    assert f"note: scenario {NAME}: user_1: new service" in done.stderr
    missing = snapshot(query.replace("scenario=", "scenario=x"))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "no saved scenario" in missing.stderr


def test_sheet_download_makes_the_before_after_sheet(tmp_path):
    """What the compare view's sheet buttons hand the browser when clicked: a PDF and a PNG."""
    result = compare("now", scenario_from_dict(DIRECT), origins=["武汉"], thresholds=[120], bands=False)
    data = sheet_maker(result, "pdf", "en", None)()
    assert data.startswith(b"%PDF")
    png = sheet_maker(result, "png", "zh", None)()
    assert png.startswith(b"\x89PNG")
