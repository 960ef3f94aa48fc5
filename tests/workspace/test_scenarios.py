"""What-if scenarios in the workspace: save, list, open, remove, merge; damaged records and older workspaces."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from geo.scenario import CloseSegment, NewStop, Scenario, load_scenario
from workspace import Workspace
from workspace.errors import BadNameError, LayerExistsError, UnknownUserLayerError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "scenarios"


def _scenarios() -> list[Scenario]:
    return [load_scenario(p) for p in sorted(EXAMPLES.iterdir())]


def test_every_example_round_trips_through_the_workspace(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws.gpkg")
    for scenario in _scenarios():
        ws.save_scenario(scenario)
    reopened = Workspace(tmp_path / "ws.gpkg")
    assert list(reopened.scenarios().values()) == _scenarios()
    assert reopened.scenario("武宜更快") == load_scenario(EXAMPLES / "faster_wuyi.yaml")
    assert reopened.integrity() == "ok" and reopened.notices() == []


def test_overwrite_and_remove(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws.gpkg")
    first = Scenario(name="方案", year="now", changes=(CloseSegment("jingguang_hsr", "wuhan", "xianning_north"),))
    second = Scenario(name="方案", year="2015", description="第二版")
    ws.save_scenario(first)
    ws.save_scenario(second)
    assert ws.scenarios() == {"方案": second}
    ws.remove_scenario("方案")
    assert ws.scenarios() == {}
    with pytest.raises(UnknownUserLayerError, match="no saved scenario '方案'"):
        ws.remove_scenario("方案")
    with pytest.raises(UnknownUserLayerError, match="no saved scenario 'x'"):
        ws.scenario("x")


def test_a_name_that_breaks_lists_is_refused(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws.gpkg")
    with pytest.raises(BadNameError):
        ws.save_scenario(Scenario(name="a/b"))
    assert ws.scenarios() == {}


def test_a_workspace_from_before_scenarios_opens_and_gains_the_table(tmp_path: Path) -> None:
    path = tmp_path / "old.gpkg"
    ws = Workspace(path)
    ws.save_view("v", "layers=cities")
    con = sqlite3.connect(path)
    con.execute("DROP TABLE mye_scenarios")
    con.execute("DELETE FROM gpkg_contents WHERE table_name = 'mye_scenarios'")
    con.commit()
    con.close()
    assert ws.scenarios() == {} and ws.notices() == []
    with pytest.raises(UnknownUserLayerError):
        ws.remove_scenario("x")
    ws.save_scenario(Scenario(name="新"))
    assert list(ws.scenarios()) == ["新"] and ws.views() == {"v": "layers=cities"} and ws.integrity() == "ok"


def test_a_damaged_scenario_is_skipped_with_a_notice(tmp_path: Path) -> None:
    path = tmp_path / "ws.gpkg"
    ws = Workspace(path)
    ws.save_scenario(Scenario(name="好"))
    ws.save_scenario(Scenario(name="坏"))
    con = sqlite3.connect(path)
    con.execute("UPDATE mye_scenarios SET body = ? WHERE name = '坏'", ('{"name": "坏", "changes": [{"type": 1}]}',))
    con.commit()
    con.close()
    assert list(ws.scenarios()) == ["好"]
    assert any("saved scenario '坏' is damaged" in n and "type must be one of" in n for n in ws.notices())


def test_merging_brings_scenarios_and_refuses_a_clash(tmp_path: Path) -> None:
    src, dst = Workspace(tmp_path / "a.gpkg"), Workspace(tmp_path / "b.gpkg")
    new_stop = Scenario(name="新站", changes=())
    for scenario in (*_scenarios(), new_stop):
        src.save_scenario(scenario)
    exported = tmp_path / "export.gpkg"
    exported.write_bytes(src.export_bytes())
    report = dst.import_workspace(exported)
    assert sorted(report.scenarios) == sorted(s.name for s in (*_scenarios(), new_stop))
    assert dst.scenarios() == src.scenarios()
    before = (tmp_path / "b.gpkg").read_bytes()
    with pytest.raises(LayerExistsError, match="saved scenario"):
        dst.import_workspace(exported)
    assert (tmp_path / "b.gpkg").read_bytes() == before
    assert dst.import_workspace(exported, replace=True).scenarios


def test_a_new_stop_survives_the_round_trip(tmp_path: Path) -> None:
    from geo.scenario import AddService

    scenario = Scenario(name="新点", changes=(AddService(id="n1", name_zh="新线", stops=(
        "wuhan", NewStop("新港站", 115.3, 29.95)), run_min=(45.0,)),))
    ws = Workspace(tmp_path / "ws.gpkg")
    ws.save_scenario(scenario)
    assert ws.scenario("新点") == scenario
