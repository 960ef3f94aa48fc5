"""The two rail figures (fastest scheduled, typical with the expected wait) and station-to-station circles, on the
synthetic network of ``test_network`` with services whose waits can be computed by hand, and on the real network.

Waits (``geo.network.expected_wait_min``): X1 runs 24 trains a day, so 16 h x 60 / 24 / 2 = 20 min; F1 runs 48,
so 10 min; the segment lines (L1, L2, ...) have no count and wait the stated default, 30 min.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
import shapely
from test_network import MODEL, write_sources

from geo.errors import BadOptionError, UnreachableError
from geo.network import (
    DEFAULT_WAIT_MIN,
    FIGURES,
    MAX_WAIT_MIN,
    RailNetwork,
    check_figure,
    default_network,
    expected_wait_min,
)
from geo.options import RailFigure
from geo.station_circles import STATION_DISC_KM, station_circles
from geo.traveltime import plan_targets, travel_time_matrix, travel_times

TRANSFER = 10.0
EXPRESS = [("X1", 1, "S1", 0, 0), ("X1", 2, "S2", 14, 16), ("X1", 3, "S3", 30, 30)]
FEEDER = [("F1", 1, "S3", 0, 0), ("F1", 2, "S4", 25, 25)]
PER_DAY = {"X1": "24", "F1": "48"}


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> RailNetwork:
    root = write_sources(tmp_path_factory.mktemp("fig"))
    pd.DataFrame([(sid, sid, "now", n, "test", "2026-01-01") for sid, n in PER_DAY.items()],
                 columns=["service_id", "name_zh", "years", "trains_per_day", "source", "source_date"]
                 ).to_csv(root / "rail" / "services.csv", index=False)
    pd.DataFrame([(*s, "timetable") for s in EXPRESS + FEEDER],
                 columns=["service_id", "seq", "station_id", "arrive_min", "depart_min", "time_basis"]
                 ).to_csv(root / "rail" / "service_stops.csv", index=False)
    return RailNetwork.from_sources(sources_dir=root)


def minutes(net: RailNetwork, a: str, b: str, figure: str, year=2026) -> float:
    graph = net.graph(year, transfer_min=TRANSFER, figure=figure)
    return float(graph.station_minutes(np.array([net.station_index(a)]))[0, net.station_index(b)])


def test_the_wait_is_half_the_headway_over_16_hours_capped_with_a_stated_default():
    got = expected_wait_min(np.array([24, 48, 16, 1, 8, np.nan, 0]))
    assert got.tolist() == [20.0, 10.0, 30.0, MAX_WAIT_MIN, MAX_WAIT_MIN, DEFAULT_WAIT_MIN, DEFAULT_WAIT_MIN]
    assert MAX_WAIT_MIN == 60.0 and DEFAULT_WAIT_MIN == 30.0


def test_one_train_pays_one_wait(net):
    assert minutes(net, "S1", "S3", "fastest") == 30.0
    assert minutes(net, "S1", "S3", "typical") == 30.0 + 20.0  # X1, one boarding; L1 would be 40 + 30
    assert minutes(net, "S1", "S2", "typical") == 14.0 + 20.0
    assert minutes(net, "S4", "S3", "typical") == 25.0 + 10.0  # F1 back, its own frequency


def test_a_change_pays_the_transfer_and_a_second_wait(net):
    assert minutes(net, "S1", "S4", "fastest") == 14.0 + TRANSFER + 15.0  # X1 to 鄂州, then L2
    assert minutes(net, "S1", "S4", "typical") == 20.0 + 14.0 + TRANSFER + DEFAULT_WAIT_MIN + 15.0


def test_a_segment_line_waits_the_default(net):
    # 2015: the services do not run; the trip is on line L1's segments alone.
    assert minutes(net, "S1", "S3", "typical", year=2015) == 40.0 + DEFAULT_WAIT_MIN


def test_typical_is_never_shorter_than_fastest_and_both_nest(net):
    fastest = travel_time_matrix(kind="rail", network=net, model=MODEL, transfer_min=TRANSFER)
    typical = travel_time_matrix(kind="rail", figure="typical", network=net, model=MODEL, transfer_min=TRANSFER)
    reachable = fastest.notna().to_numpy()
    assert (typical.notna().to_numpy() == reachable).all()
    assert (typical.to_numpy()[reachable] >= fastest.to_numpy()[reachable]).all()
    assert (typical.to_numpy()[reachable] > fastest.to_numpy()[reachable]).sum() > 0
    door_f = travel_time_matrix(kind="door", network=net, model=MODEL, transfer_min=TRANSFER)
    door_t = travel_time_matrix(kind="door", figure="typical", network=net, model=MODEL, transfer_min=TRANSFER)
    assert (door_t.to_numpy() >= door_f.to_numpy() - 1e-9).all()


def test_travel_times_and_targets_carry_both_figures(net):
    kw = {"network": net, "model": MODEL, "transfer_min": TRANSFER}
    tt = travel_times("武汉", figure="typical", **kw)
    assert tt.figure == "typical" and tt.places.loc["九江", "rail_min"] == 50.0
    # Cached per figure: the fastest figure afterwards is not the typical one from the memo.
    assert travel_times("武汉", **kw).places.loc["九江", "rail_min"] == 30.0
    targets = plan_targets(figure="typical", **kw)
    commute = targets.core_commute.set_index(["core", "city"])
    assert commute.loc[("武汉", "九江"), "rail_min"] == 30.0 and commute.loc[("武汉", "九江"), "typical_min"] == 50.0
    assert bool(commute.loc[("武汉", "九江"), "typical_ok"])
    assert commute.loc[("武汉", "黄石"), "typical_min"] == 89.0  # over the 1-hour target, which the fastest meets
    assert bool(commute.loc[("武汉", "黄石"), "rail_ok"]) and not commute.loc[("武汉", "黄石"), "typical_ok"]
    assert targets.figure == "typical"
    # Door to door takes the typical figure: 5 access + 50 + 5 egress (the road is 2 h).
    assert commute.loc[("武汉", "九江"), "door_min"] == pytest.approx(60.0)
    assert {"rail_min", "typical_min", "typical_ok"} <= set(targets.neighbour_cores.columns)


@pytest.mark.parametrize("bad", ["Typical", "slowest", "", None, 1])
def test_a_bad_figure_is_refused_in_one_line_naming_the_choices(net, bad):
    with pytest.raises(BadOptionError, match="figure must be one of fastest, typical") as err:
        check_figure(bad)
    assert "\n" not in str(err.value)
    with pytest.raises(BadOptionError):
        net.graph(2026, figure=bad)


def test_the_front_ends_vocabulary_is_the_engines():
    assert tuple(RailFigure) == FIGURES and RailFigure("typical") == "typical"


def test_station_circles_reach_stations_by_rail_time_only(net):
    gdf = station_circles(["武汉"], [20, 60], year=2026, network=net, transfer_min=TRANSFER)
    assert list(gdf["minutes"]) == [20.0, 60.0] and set(gdf["figure"]) == {"fastest"}
    # From 武汉's main stations S1 and 汉口 S7 (both at 0): 鄂州 14, 九江 30, 黄石 39; 长沙 needs 180.
    assert gdf["cities_reached"].tolist() == ["武汉 0、鄂州 14", "武汉 0、鄂州 14、九江 30、黄石 39"]
    assert gdf["n_stations"].tolist() == [3, 5]
    disc = np.pi * STATION_DISC_KM**2
    assert 3 * disc * 0.95 < gdf["area_km2"].iloc[1] < 5 * disc  # S1 and S7 lie 11 km apart: their discs overlap
    assert gdf.geometry.iloc[1].covers(gdf.geometry.iloc[0].buffer(-1e-9))
    typical = station_circles(["武汉"], [60], year=2026, figure="typical", network=net, transfer_min=TRANSFER)
    assert typical["cities_reached"].iloc[0] == "武汉 0、鄂州 34、九江 50"  # 黄石 would be 89
    assert typical["area_km2"].iloc[0] < gdf["area_km2"].iloc[1]


def test_an_origin_without_an_open_main_station_gets_empty_circles_and_a_note(net):
    # 黄石's only station S4 opens in 2020 (line L2): in 2015 it has no circle; 武汉's are still drawn.
    gdf = station_circles(["黄石", "武汉"], [60], year=2015, network=net, transfer_min=TRANSFER)
    assert gdf["note"].tolist() == ["no main station open in 2015", ""]
    assert gdf.geometry.iloc[0].is_empty and gdf["cities_reached"].iloc[0] == "" and gdf["area_km2"].iloc[0] == 0
    assert gdf["cities_reached"].iloc[1] == "武汉 0、鄂州 20、九江 40"
    with pytest.raises(UnreachableError, match="no main station of 黄石 is open in 2015"):
        station_circles(["黄石"], [60], year=2015, network=net)


def test_station_circles_need_a_station_of_their_own(net):
    with pytest.raises(BadOptionError, match="station-to-station circles start at a city's main stations"):
        station_circles([(115.0, 30.0)], [60], network=net)


# -- the real network -----------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2015, 2026, "planned"])
def test_on_the_real_network_typical_is_never_shorter_than_fastest(year):
    net = default_network()
    every = np.arange(len(net.station_ids))
    fastest = net.graph(year).station_minutes(every)
    typical = net.graph(year, figure="typical").station_minutes(every)
    finite = np.isfinite(fastest)
    assert (np.isfinite(typical) == finite).all()
    assert (typical[finite] >= fastest[finite] - 1e-9).all()
    # Only a walk or taxi across town (a same-city station link, no train boarded) waits nothing.
    gap = typical - np.where(finite, fastest, 0.0)
    same = np.argwhere(finite & (gap < 1e-9) & ~np.eye(len(every), dtype=bool))
    assert same.size and (net.station_city[same[:, 0]] == net.station_city[same[:, 1]]).all()


def test_the_real_typical_waits_are_the_stated_rule():
    net = default_network()
    waits = net.service_wait_min()
    per_day = pd.to_numeric(net.services.set_index("service_id")["trains_per_day"], errors="coerce")
    for sid, n in per_day.items():
        want = DEFAULT_WAIT_MIN if not np.isfinite(n) or n <= 0 else min(16 * 60 / n / 2, MAX_WAIT_MIN)
        assert waits[sid] == pytest.approx(want), sid


def test_real_station_circles_nest_and_are_valid():
    gdf = station_circles(["武汉", "长沙", "南昌"], [60, 120, 180], figure="typical")
    assert gdf.geometry.is_valid.all() and (gdf.geometry.geom_type == "MultiPolygon").all()
    for _, group in gdf.groupby("origin", sort=False):
        geoms = group.sort_values("minutes").geometry.to_list()
        # Nested to GEOS's rounding (1e-9 degrees is about 0.1 mm).
        assert all(shapely.covers(b, shapely.buffer(a, -1e-9)) for a, b in pairwise(geoms))
        assert group["n_cities_reached"].is_monotonic_increasing

