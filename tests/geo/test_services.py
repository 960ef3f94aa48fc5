"""Service patterns: routing on real trains (one train never pays a transfer, a change does), years, the
feed's validation, and the real network's plausibility against design speeds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_network import write_sources

from geo.errors import RailDataError
from geo.network import RailNetwork, default_network, geodesic_km

TRANSFER = 10.0
# S1 武汉 —20— S2 鄂州 —20— S3 九江 on segments (line L1); the services below are faster and stop as stated.
EXPRESS = [("X1", 1, "S1", 0, 0), ("X1", 2, "S2", 14, 16), ("X1", 3, "S3", 30, 30)]
FEEDER = [("F1", 1, "S3", 0, 0), ("F1", 2, "S4", 25, 25)]


def _sources(root: Path, stops: list[tuple], years: dict[str, str]) -> Path:
    write_sources(root)
    pd.DataFrame([(sid, sid, y, "", "test", "2026-01-01") for sid, y in years.items()],
                 columns=["service_id", "name_zh", "years", "trains_per_day", "source", "source_date"]
                 ).to_csv(root / "rail" / "services.csv", index=False)
    pd.DataFrame([(*s, "timetable") for s in stops],
                 columns=["service_id", "seq", "station_id", "arrive_min", "depart_min", "time_basis"]
                 ).to_csv(root / "rail" / "service_stops.csv", index=False)
    return root


def _minutes(net: RailNetwork, a: str, b: str, year=2026) -> float:
    graph = net.graph(year, transfer_min=TRANSFER)
    return float(graph.station_minutes(np.array([net.station_index(a)]))[0, net.station_index(b)])


@pytest.fixture(scope="module")
def net(tmp_path_factory) -> RailNetwork:
    root = _sources(tmp_path_factory.mktemp("svc"), EXPRESS + FEEDER, {"X1": "now", "F1": "now"})
    return RailNetwork.from_sources(sources_dir=root)


def test_one_train_pays_no_transfer_and_its_dwell_counts(net):
    assert _minutes(net, "S1", "S3") == 30.0  # through 鄂州 on X1: 14 run + 2 dwell + 14 run
    assert _minutes(net, "S1", "S2") == 14.0
    assert _minutes(net, "S2", "S3") == 14.0  # boards X1 at its departure from S2


def test_trains_run_back_on_the_same_schedule(net):
    assert _minutes(net, "S3", "S1") == 30.0
    assert _minutes(net, "S4", "S3") == 25.0


def test_a_change_of_trains_pays_the_transfer_once(net):
    # X1 to 鄂州, then line L2 to 黄石: 14 + 10 + 15 (X1 + F1 via 九江 is 65, L1 + L2 is 45).
    assert _minutes(net, "S1", "S4") == 14.0 + TRANSFER + 15.0
    assert _minutes(net, "S3", "S2") == 14.0  # on X1 back; changing to L1 (20) would not pay


def test_services_run_only_in_their_network_years(net):
    assert _minutes(net, "S1", "S3", year=2015) == 40.0  # the segments alone
    assert _minutes(net, "S1", "S3", year="planned") == 30.0


def test_adding_a_service_never_lengthens_a_trip(tmp_path, net):
    without = RailNetwork.from_sources(sources_dir=_sources(tmp_path, FEEDER, {"F1": "now"}))
    pairs = [("S1", "S3"), ("S1", "S4"), ("S2", "S4"), ("S3", "S1")]
    assert all(_minutes(net, a, b) <= _minutes(without, a, b) for a, b in pairs)
    assert _minutes(without, "S1", "S3") == 40.0


@pytest.mark.parametrize(("stops", "years", "message"), [
    ([("X1", 1, "S1", 0, 0), ("X1", 2, "S2", 10, 12), ("X1", 3, "S3", 11, 11)], {"X1": "now"}, "never go back"),
    ([("X1", 1, "S1", 0, 0), ("X1", 2, "S9", 10, 10)], {"X1": "now"}, "unknown station 'S9'"),
    ([("X1", 1, "S1", 0, 0)], {"X1": "now"}, "at least two stops"),
    (EXPRESS, {"X1": "2030"}, "year '2030'"),
])
def test_bad_service_files_are_refused_in_one_line(tmp_path, stops, years, message):
    with pytest.raises(RailDataError, match=message) as err:
        RailNetwork.from_sources(sources_dir=_sources(tmp_path, stops, years))
    assert "Traceback" not in str(err.value)


def test_no_train_in_the_real_network_beats_its_design_speed():
    """Plausibility: over the geodesic distance, no segment beats its line's design speed and no service hop
    beats 350 km/h (the fastest line in China's network; a hop's real track is longer still)."""
    from geo.railsources import load_rail

    net, src = default_network(), load_rail()
    design = src.lines.set_index("line_id")["design_speed_kmh"].astype(float)
    seg = net.segments
    km = geodesic_km(net.lon[seg["from_idx"]], net.lat[seg["from_idx"]], net.lon[seg["to_idx"]],
                     net.lat[seg["to_idx"]])
    known = ~(net.stations["coord_imputed"].to_numpy()[seg["from_idx"]]
              | net.stations["coord_imputed"].to_numpy()[seg["to_idx"]])
    speed = km / seg["minutes"].to_numpy(float) * 60
    limit = seg["line_id"].map(design).fillna(350.0).to_numpy()
    too_fast = seg.loc[known & (speed > limit), ["line_id", "from_station", "to_station", "minutes"]]
    assert too_fast.empty, too_fast.to_string()
    for sid, group in net.service_stops.groupby("service_id"):
        idx = group["station_idx"].to_numpy()
        ok = ~net.stations["coord_imputed"].to_numpy()[idx]
        hop_km = geodesic_km(net.lon[idx[:-1]], net.lat[idx[:-1]], net.lon[idx[1:]], net.lat[idx[1:]])
        run = group["arrive_min"].to_numpy(float)[1:] - group["depart_min"].to_numpy(float)[:-1]
        fast = (ok[:-1] & ok[1:]) & (hop_km / run * 60 > 350.0)
        assert not fast.any(), (sid, hop_km[fast], run[fast])


def test_the_one_hour_target_scores_each_core_against_its_own_sub_cluster():
    from data import load_cities
    from geo.traveltime import plan_targets

    commute = plan_targets().core_commute
    cities = load_cities().set_index("name_zh")["subcluster_zh"]
    assert (commute["core"].map(cities) == commute["city"].map(cities)).all()
    assert not ((commute["core"] == "武汉") & (commute["city"] == "吉安")).any()
    assert set(commute.loc[commute["core"] == "南昌", "city"]) == {
        c for c, s in cities.items() if s == "环鄱阳湖城市群" and c != "南昌"}
    assert len(commute) == 8 + 7 + 9  # the three sub-clusters less their cores
