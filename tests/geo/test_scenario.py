"""What-if scenarios: hand-computed effects on the synthetic network of ``test_network``, monotonicity, the
bad-scenario corpus, files and the shipped examples on the real network."""

from __future__ import annotations

import json
import math
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_network import MODEL, km, write_sources

from geo.crs import GEOD
from geo.errors import GeoInputError, ScenarioError
from geo.gtfs import feed_tables
from geo.network import RailNetwork, RoadModel, default_network, geodesic_km, using_network
from geo.road import RiverBarrier
from geo.scenario import (
    AddService,
    CloseSegment,
    CloseService,
    NewStop,
    Scenario,
    ScenarioNetwork,
    apply,
    choices,
    dump_scenario,
    load_scenario,
    scenario_from_dict,
    scenario_to_dict,
)
from geo.traveltime import travel_time_matrix, travel_times

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "scenarios"
BAD = ROOT / "tests" / "fixtures" / "scenarios"
EXPECTED = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))
XIANNING = (117.6, 28.6)  # 咸宁's seat in the synthetic network: no station within 100 km


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> RailNetwork:
    return RailNetwork.from_sources(sources_dir=write_sources(tmp_path_factory.mktemp("src")))


def _to_xianning(run_min: float = 40.0) -> Scenario:
    """A train from 九江站 (S3) to a new station at 咸宁's seat."""
    return Scenario(name="九江—咸宁", year="2026", changes=(
        AddService(id="jx_xn", name_zh="九江—咸宁", stops=("S3", NewStop("咸宁新站", *XIANNING)),
                   run_min=(run_min,), trains_per_day=12),))


def test_a_new_line_brings_a_known_city_into_the_circle(net: RailNetwork) -> None:
    before = travel_times("武汉", year=2026, model=MODEL, network=net).places
    road = km((114.0, 30.0), XIANNING)
    assert before.loc["咸宁", "door_min"] == pytest.approx(road)  # about 380 min by road only
    after = travel_times("武汉", year=2026, model=MODEL, network=apply(_to_xianning(), net)).places
    # 5 access + 40 on L1 to 九江站, 10 to change trains, 40 on the new train, 5 egress at the seat (0 km).
    assert after.loc["咸宁", "door_min"] == pytest.approx(5 + 40 + 10 + 40 + 5)
    assert before.loc["咸宁", "door_min"] > 120 >= after.loc["咸宁", "door_min"]
    assert after.drop("咸宁")["door_min"].to_numpy() == pytest.approx(before.drop("咸宁")["door_min"].to_numpy())


def test_apply_never_changes_the_network_it_starts_from(net: RailNetwork) -> None:
    graph = net.graph(2026)
    segments, stations = net.segments.copy(), net.stations.copy()
    what_if = apply(_to_xianning(), net)
    assert isinstance(what_if, ScenarioNetwork) and what_if is not net and what_if.year == 2026
    assert net.graph(2026) is graph
    assert net.segments.equals(segments) and net.stations.equals(stations)
    assert "new:咸宁新站" in set(what_if.station_ids) and "new:咸宁新站" not in set(net.station_ids)
    assert apply(_to_xianning(), net) is what_if  # cached per scenario on the base network
    assert what_if.graph(2026) is what_if.graph(2026)


def test_a_scenario_network_answers_for_its_own_year_only(net: RailNetwork) -> None:
    with pytest.raises(ScenarioError, match="ask for year 2026"):
        travel_times("武汉", year=2015, model=MODEL, network=apply(_to_xianning(), net))


def test_closing_the_only_segment_to_a_city_sends_it_by_road(net: RailNetwork) -> None:
    scenario = Scenario(name="L2 closed", year="2026", changes=(CloseSegment("L2", "S4", "S2"),))
    after = travel_times("武汉", year=2026, model=MODEL, network=apply(scenario, net)).places
    before = travel_times("武汉", year=2026, model=MODEL, network=net).places
    assert before.loc["黄石", "door_min"] == pytest.approx(55.0)  # 25 to 鄂州站 + 10 change + 15 + 5
    # Without L2, 黄石 is a drive from 鄂州站 (0.5 deg south, about 55 km) or from 武汉 directly.
    via_ezhou = 25 + km((115.2, 30.0), (115.2, 29.5)) + 5
    assert after.loc["黄石", "door_min"] == pytest.approx(min(via_ezhou, km((114.0, 30.0), (115.2, 29.5))))


def test_changing_and_closing_a_service(net: RailNetwork) -> None:
    added = apply(_to_xianning(), net)
    assert added.services.set_index("service_id").loc["jx_xn", "trains_per_day"] == 12
    faster = scenario_from_dict({"name": "faster", "year": "2026", "changes": [
        scenario_to_dict(_to_xianning(60.0))["changes"][0],
        {"type": "change_service", "service": "jx_xn", "run_factor": 0.75, "trains_per_day": 20}]})
    changed = apply(faster, net)
    door = travel_times("武汉", year=2026, model=MODEL, network=changed).places.loc["咸宁", "door_min"]
    assert door == pytest.approx(5 + 40 + 10 + 45 + 5)
    assert changed.services.set_index("service_id").loc["jx_xn", "trains_per_day"] == 20
    gone = Scenario(name="gone", year="2026", changes=(*_to_xianning().changes, CloseService("jx_xn")))
    closed = travel_times("武汉", year=2026, model=MODEL, network=apply(gone, net)).places
    assert closed.loc["咸宁", "door_min"] == pytest.approx(km((114.0, 30.0), XIANNING))


def test_a_planned_line_opened_early(net: RailNetwork) -> None:
    scenario = scenario_from_dict({"name": "L3 early", "year": "2026", "changes": [{"type": "open_line",
                                                                                  "line": "L3"}]})
    rail = travel_times("武汉", year=2026, model=MODEL, network=apply(scenario, net)).places.loc["上海", "rail_min"]
    assert rail == pytest.approx(40 + 10 + 700 / (350 * 0.75) * 60)  # as in the "planned" network
    with pytest.raises(ScenarioError, match="has no segment to open in year 2026"):
        apply(scenario_from_dict({"name": "L1 again", "year": "2026",
                                  "changes": [{"type": "open_line", "line": "L1"}]}), net)


def test_the_design_speed_bounds_a_new_run(net: RailNetwork) -> None:
    geodesic = km((116.4, 30.0), XIANNING)
    quickest = geodesic / 350 * 60
    apply(_to_xianning(math.ceil(quickest * 10) / 10), net)
    with pytest.raises(ScenarioError, match="faster than the 350 km/h design speed allows") as err:
        apply(_to_xianning(quickest * 0.9), net)
    assert "\n" not in str(err.value) and "九江站→咸宁新站" in str(err.value)


# -- monotonicity -----------------------------------------------------------------------------------------

_STATIONS = ("S1", "S2", "S3", "S4", "S5", "S6", "S7")


@st.composite
def _service(draw):
    stops = draw(st.lists(st.sampled_from(_STATIONS), min_size=2, max_size=4, unique=True))
    speeds = draw(st.lists(st.floats(30, 350), min_size=len(stops) - 1, max_size=len(stops) - 1))
    return stops, speeds


def _door(net: RailNetwork) -> np.ndarray:
    return travel_time_matrix(year=2026, kind="door", model=MODEL, network=net).to_numpy()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_service())
def test_adding_a_service_never_lengthens_a_trip_and_closing_it_never_shortens_one(net, drawn) -> None:
    stops, speeds = drawn
    lon, lat = net.lon[[net.station_index(s) for s in stops]], net.lat[[net.station_index(s) for s in stops]]
    hops = geodesic_km(lon[:-1], lat[:-1], lon[1:], lat[1:])
    runs = tuple(float(max(k / v * 60 * 1.001, 0.1)) for k, v in zip(hops, speeds, strict=True))
    add = AddService(id="p", name_zh="性质", stops=tuple(stops), run_min=runs)
    base = _door(net)
    added = _door(apply(Scenario(name="add", year="2026", changes=(add,)), net))
    assert np.all(added <= base + 1e-9)
    closed = _door(apply(Scenario(name="add+close", year="2026", changes=(add, CloseService("p"))), net))
    assert np.all(closed >= added - 1e-9)
    np.testing.assert_allclose(closed, base)


@pytest.mark.parametrize("segment", [("L1", "S1", "S2"), ("L1", "S2", "S3"), ("L2", "S2", "S4"), ("L4", "S7", "S6")])
def test_closing_a_segment_never_shortens_a_trip(net: RailNetwork, segment: tuple[str, str, str]) -> None:
    closed = _door(apply(Scenario(name="closed", year="2026", changes=(CloseSegment(*segment),)), net))
    assert np.all(closed >= _door(net) - 1e-9)


# -- files ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_scenario_files_round_trip(tmp_path: Path, suffix: str) -> None:
    scenario = Scenario(name="往返", year="planned", name_en="round trip", description="两行\n说明", changes=(
        *_to_xianning().changes, CloseSegment("L1", "S1", "S2"), CloseService("jx_xn")))
    path = dump_scenario(scenario, tmp_path / f"s{suffix}")
    assert load_scenario(path) == scenario


@pytest.mark.parametrize("path", sorted(EXAMPLES.iterdir()), ids=lambda p: p.name)
def test_the_examples_follow_the_json_schema_and_apply(path: Path) -> None:
    schema = json.loads((ROOT / "geo" / "scenario.schema.json").read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    jsonschema.validate(json.loads(text) if path.suffix == ".json" else yaml.safe_load(text), schema)
    what_if = apply(load_scenario(path))
    assert what_if.notes and what_if.year == load_scenario(path).engine_year


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_scenario_files_get_one_line_errors(name: str) -> None:
    before = len(default_network().segments), len(default_network().service_stops)
    with pytest.raises(GeoInputError) as err:
        apply(load_scenario(BAD / name))
    message = str(err.value)
    assert EXPECTED[name] in message and "\n" not in message and "Traceback" not in message
    assert (len(default_network().segments), len(default_network().service_stops)) == before


def test_every_bad_fixture_is_listed() -> None:
    assert {p.name for p in BAD.iterdir()} - {"expected.json"} == set(EXPECTED)


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"name": "big", "changes": [], "description": "x" * 300_000}))
    with pytest.raises(ScenarioError, match="at most 262144"):
        load_scenario(path)


# -- the shipped examples on the real network -----------------------------------------------------------------


def test_the_faster_service_example_saves_its_share_of_the_run() -> None:
    what_if = apply(load_scenario(EXAMPLES / "faster_wuyi.yaml"))
    before = travel_times("hankou", year=2026).places.loc["宜昌", "rail_min"]
    after = travel_times("hankou", year=2026, network=what_if).places.loc["宜昌", "rail_min"]
    assert before == pytest.approx(69.0) and after == pytest.approx(69.0 * 0.85)


def test_the_closed_segment_example_stops_the_trains_over_it() -> None:
    what_if = apply(load_scenario(EXAMPLES / "closed_jingguang_xianning.json"))
    assert "hubei_wuguang_fastest_2024" not in set(what_if.services["service_id"])
    assert "hubei_wuguang_fastest_2024" in set(default_network().services["service_id"])
    before = travel_times("武汉", year=2026).places.loc["长沙", "rail_min"]
    after = travel_times("武汉", year=2026, network=what_if).places.loc["长沙", "rail_min"]
    assert after > before + 60


def test_the_planned_line_example_shortens_xiaogan_hefei() -> None:
    # 合武 ends at 武汉天河 (by the airport, 22 km north of 武汉's centre, towards 孝感): 孝感's trip to 合肥 gains.
    what_if = apply(load_scenario(EXAMPLES / "hewu_hsr_early.json"))
    before = travel_times("孝感", year=2026).places.loc["合肥", "door_min"]
    after = travel_times("孝感", year=2026, network=what_if).places.loc["合肥", "door_min"]
    assert after < before - 10


def test_a_scenario_exports_as_a_gtfs_feed() -> None:
    what_if = apply(load_scenario(EXAMPLES / "faster_wuyi.yaml"))
    times = feed_tables(what_if, what_if.year)["stop_times.txt"]
    trip = times[times["trip_id"] == "hubei_wuyi_fastest:0"]
    assert list(trip["arrival_time"]) == ["08:00:00", "08:58:39"]  # 58.65 min after the nominal 08:00 start
    freqs = feed_tables(what_if, what_if.year)["frequencies.txt"]
    assert (freqs.loc[freqs["trip_id"] == "hubei_wuyi_fastest:0", "headway_secs"] > 0).all()


def test_using_network_swaps_the_default_inside_the_block_only() -> None:
    what_if = apply(load_scenario(EXAMPLES / "faster_wuyi.yaml"))
    with using_network(what_if):
        assert default_network() is what_if
    assert default_network() is not what_if


def test_choices_list_what_a_scenario_can_name_in_both_languages() -> None:
    found = choices("now")
    assert {"hubei_wuyi_fastest"} <= set(found.services["service_id"])
    row = found.stations.set_index("station_id").loc["hankou"]
    assert row["label"] == "汉口站 Hankou" and row["lon"] == pytest.approx(114.26)
    lines = found.lines.set_index("line_id")
    assert lines.loc["yanjiang_hewu", "openable"] == 1 and lines.loc["jingguang_hsr", "openable"] == 0
    assert found.segments["label"].str.contains("武汉站 Wuhan").any()


# -- road side: the Yangtze barrier's bridges ------------------------------------------------------------------

RIVER = np.array([[113.0, 29.75], [114.0, 29.75], [115.0, 29.75], [116.0, 29.75], [117.0, 29.75]])


@pytest.fixture(scope="module")
def barred(net: RailNetwork) -> RailNetwork:
    """The synthetic network with a straight river along 29.75 N and one bridge at 116 E (see test_road)."""
    bridges = pd.DataFrame([("b1", "一桥", 116.0, 29.75, 2000)], columns=["bridge_id", "name_zh", "lon", "lat",
                                                                            "opened_year"])
    return RailNetwork(**{**net.tables, "barrier": RiverBarrier(river=RIVER, bridges=bridges)})


def _road(net: RailNetwork, year: int = 2026) -> pd.DataFrame:
    return travel_time_matrix(year=year, kind="road", model=MODEL, network=net)


def test_a_new_bridge_shortens_the_crossing_by_hand(barred: RailNetwork) -> None:
    ezhou, huangshi = (115.2, 30.0), (115.2, 29.5)
    assert _road(barred).loc["鄂州", "黄石"] == pytest.approx(km(ezhou, (116.0, 29.75)) + km((116.0, 29.75), huangshi))
    scenario = scenario_from_dict({"name": "新桥", "year": "2026", "changes": [
        {"type": "add_road_link", "kind": "bridge", "name": "鄂黄新桥", "points": [[115.2, 29.75]]}]})
    what_if = apply(scenario, barred)
    assert _road(what_if).loc["鄂州", "黄石"] == pytest.approx(km(ezhou, (115.2, 29.75)) + km((115.2, 29.75), huangshi))
    assert np.all(_road(what_if).to_numpy() <= _road(barred).to_numpy() + 1e-9)  # a bridge never lengthens a trip
    assert len(barred.barrier.bridges) == 1  # the network it started from keeps its one bridge


def test_removing_the_only_bridge_cuts_the_road_across(barred: RailNetwork) -> None:
    scenario = scenario_from_dict({"name": "断桥", "year": "2026",
                                   "changes": [{"type": "remove_road_link", "bridge": "一桥"}]})
    road = _road(apply(scenario, barred))
    assert np.isinf(road.loc["鄂州", "黄石"])  # opposite banks, no bridge
    assert road.loc["鄂州", "九江"] == pytest.approx(_road(barred).loc["鄂州", "九江"])  # one bank: unchanged
    with pytest.raises(ScenarioError, match=r"unknown bridge 'b2'.*did you mean b1"):
        apply(scenario_from_dict({"name": "x", "year": "2026",
                                  "changes": [{"type": "remove_road_link", "bridge": "b2"}]}), barred)


def test_a_network_without_a_barrier_refuses_bridges(net: RailNetwork) -> None:
    scenario = scenario_from_dict({"name": "新桥", "year": "2026", "changes": [
        {"type": "add_road_link", "kind": "bridge", "name": "桥", "points": [[115.2, 29.75]]}]})
    with pytest.raises(ScenarioError, match="no Yangtze barrier"):
        apply(scenario, net)
    with pytest.raises(ScenarioError, match="no Yangtze barrier"):
        apply(_expressway([[114.0, 30.0], [116.4, 30.0]]), net)


def _expressway(points: list[list[float]], speed: float = 120.0, name: str = "新高速") -> Scenario:
    return scenario_from_dict({"name": "高速", "year": "2026", "changes": [
        {"type": "add_road_link", "kind": "expressway", "name": name, "points": points, "speed_kmh": speed}]})


def test_a_new_expressway_section_by_hand(barred: RailNetwork) -> None:
    """武汉 -> 九江 (north bank) over a new section at 120 km/h: its length / 2 minutes at 1 km per minute; a section
    from 鄂州 to 黄石 crosses the river; the barred network keeps no section."""
    points = [[114.0, 30.0], [115.2, 30.2], [116.4, 30.0]]
    length = GEOD.line_length(*zip(*points, strict=True)) / 1000.0
    what_if = apply(_expressway(points), barred)
    road = _road(what_if)
    assert road.loc["武汉", "九江"] == pytest.approx(length / 2.0, rel=1e-9)
    assert np.all(road.to_numpy() <= _road(barred).to_numpy() + 1e-9)  # a section never lengthens a trip
    assert "entered and left only at its ends" in what_if.notes[0]
    across = apply(_expressway([[115.2, 30.0], [115.2, 29.5]], speed=100.0), barred)
    assert _road(across).loc["鄂州", "黄石"] == pytest.approx(km((115.2, 30.0), (115.2, 29.5)) * 0.6, rel=1e-9)
    assert "crosses the Yangtze" in across.notes[0]
    assert barred.barrier.sections.empty


@pytest.mark.parametrize(("points", "speed", "message"), [
    ([[114.0, 30.0]], 120.0, "an expressway section two or more"),
    ([[114.0, 30.0], [140.0, 30.0]], 120.0, "outside the region"),
    ([[114.0, 30.0], [116.4, 30.0]], 131.0, "speed_kmh must be a finite number at least 1 and at most 130"),
    ([[114.0, 30.0], [114.0, 30.001]], 120.0, "0.1 km long; a section is 1-1000 km"),
])
def test_bad_expressway_sections_are_refused(barred: RailNetwork, points, speed, message) -> None:
    with pytest.raises(ScenarioError, match=message):
        apply(_expressway(points, speed), barred)


def test_the_expressway_example_round_trips_and_shortens_wuhan_huangshi(tmp_path: Path) -> None:
    """examples/scenarios/new_expressway.yaml (hypothetical): 武汉's seat to 黄石's at 130 km/h, across the river."""
    scenario = load_scenario(EXAMPLES / "new_expressway.yaml")
    for suffix in (".json", ".yaml"):
        assert load_scenario(dump_scenario(scenario, tmp_path / f"x{suffix}")) == scenario
    assert "hypothetical" in scenario.description.lower()
    (change,) = scenario.changes
    length = GEOD.line_length(*zip(*change.points, strict=True)) / 1000.0
    model = RoadModel()
    base, what_if = default_network(), apply(scenario)
    road = travel_time_matrix(kind="road", model=model, network=what_if)
    seat = dict(zip(base.place_names, zip(base.place_lon, base.place_lat, strict=True), strict=True))
    legs = km(seat["武汉"], change.points[0]) + km(change.points[-1], seat["黄石"])  # the seats to 4 decimals: metres
    assert legs < 0.05
    assert road.loc["武汉", "黄石"] == pytest.approx(legs / model.km_per_min + length / 130.0 * 60.0 + model.ends_min,
                                                  rel=1e-9)
    for kind in ("road", "door"):
        before = travel_time_matrix(kind=kind, model=model, network=base).to_numpy()
        after = travel_time_matrix(kind=kind, model=model, network=what_if).to_numpy()
        assert np.all(after <= before + 1e-9) and (after < before - 5).any(), kind
