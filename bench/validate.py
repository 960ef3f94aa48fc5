"""The engine against published figures: fastest scheduled rail times between stations, and driving times.

    python bench/validate.py

Reads ``data/sources/validation/rail_pairs.csv`` (published fastest times, each with its date and source)
and ``data/sources/validation/road_pairs.csv`` (published free-flow driving times between city seats), prints
each pair with the engine's figure and the error, and ends with two lines:
``rail_within_10pct: N/M`` (rows whose quality is ``fastest``; ``example``, ``weak`` and ``superseded`` rows are
printed but not counted) and ``road_within_15pct: N/M`` (in-sample: the road defaults were fitted to these pairs;
``road_loo_within_15pct`` before them is the leave-one-pair-out figure). Rail pairs that a sourced service
pattern calls at both ends of were mostly timed from the same report, so they check the routing rather than the
data; ``rail_independent_within_10pct`` counts the others.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data import SOURCES_DIR
from geo.network import RoadModel, default_network
from geo.options import engine_year
from geo.road import RiverBarrier, place_road_km

RAIL_TOLERANCE, ROAD_TOLERANCE = 0.10, 0.15


def rail_rows(model_year_graphs: dict | None = None) -> pd.DataFrame:
    """Each rail pair with the engine's fastest scheduled station-to-station minutes and the relative error."""
    net = default_network()
    pairs = pd.read_csv(SOURCES_DIR / "validation" / "rail_pairs.csv", dtype={"network_year": str})
    engine = []
    for r in pairs.itertuples():
        a, b = net.station_index(r.from_station), net.station_index(r.to_station)
        if a is None or b is None:
            engine.append(np.nan)
            continue
        graph = net.graph(engine_year(r.network_year))
        engine.append(float(graph.station_minutes(np.array([a]))[0, b]))
    pairs["engine_min"] = np.where(np.isfinite(engine), engine, np.nan)
    pairs["error"] = pairs["engine_min"] / pairs["published_min"] - 1
    # A pair both of whose stations one service pattern calls at was (usually) timed from the same report: it
    # checks the routing, not the data. The others test the network independently.
    calls = net.service_stops.groupby("service_id")["station_id"].apply(set)
    pairs["in_a_pattern"] = [any({a, b} <= c for c in calls) for a, b in zip(pairs["from_station"],
                                                                            pairs["to_station"], strict=True)]
    return pairs


def road_rows(model: RoadModel | None = None) -> pd.DataFrame:
    """Each road pair with the engine's road-only minutes between the two city seats and the relative error.

    ``road_km`` is the distance the model drives: the geodesic, or the way over the best bridge open in the pair's
    network year where the Yangtze lies between the seats, shortened by the expressway skeleton where it helps (a
    section's minutes as road km, :mod:`geo.road`); ``bridge`` says whether the seats are on opposite banks and
    ``skeleton`` whether the trip takes an expressway section.
    """
    net, model = default_network(), model or RoadModel()
    row = {name: i for i, name in enumerate(net.place_names)}
    pairs = pd.read_csv(SOURCES_DIR / "validation" / "road_pairs.csv", dtype={"network_year": str})
    a, b = pairs["from_city"].map(row).to_numpy(), pairs["to_city"].map(row).to_numpy()
    years = pairs["network_year"].map(engine_year)
    pairs["road_km"] = pair_road_km(net, years, a, b, model)
    barrier = net.barrier
    plain = RiverBarrier(river=barrier.river, bridges=barrier.bridges)  # the same river and bridges, no sections
    pairs["bridge"] = barrier.bank(net.place_lon[a], net.place_lat[a]) != barrier.bank(net.place_lon[b],
                                                                                     net.place_lat[b])
    pairs["skeleton"] = [road < plain.road_km(net.place_lon[i], net.place_lat[i], net.place_lon[j], net.place_lat[j],
                                              y)[0, 0] - 1e-6
                         for road, y, i, j in zip(pairs["road_km"], years, a, b, strict=True)]
    pairs["engine_min"] = model.road_min(pairs["road_km"].to_numpy(float))
    pairs["error"] = pairs["engine_min"] / pairs["published_min"] - 1
    return pairs


def pair_road_km(net, years, a: np.ndarray, b: np.ndarray, model: RoadModel) -> np.ndarray:
    """Road km of each pair (places ``a[k]``, ``b[k]`` in ``years[k]``) as ``model`` drives it (:mod:`geo.road`)."""
    return np.array([place_road_km(net, y, model)[i, j] for y, i, j in zip(years, a, b, strict=True)], dtype=float)


def road_fit_errors(road: pd.DataFrame, model: RoadModel | None = None) -> np.ndarray:
    """Relative error of every pair (cols) under every model of the fitting grid (rows, :func:`road_fit_grid`).

    The road km is recomputed for each running speed: an expressway section's minutes count as road km at the
    model's km per minute (:mod:`geo.road`), so which way a trip takes depends on the speed off the skeleton.
    """
    net, grid = default_network(), road_fit_grid(model)
    row = {name: i for i, name in enumerate(net.place_names)}
    a, b = road["from_city"].map(row).to_numpy(), road["to_city"].map(row).to_numpy()
    years = road["network_year"].map(engine_year)
    published = road["published_min"].to_numpy(float)
    km = {}
    for m in grid:
        if m.speed_kmh not in km:
            km[m.speed_kmh] = pair_road_km(net, years, a, b, m)
    return np.array([m.road_min(km[m.speed_kmh]) for m in grid]) / published[None, :] - 1


def road_fit_grid(model: RoadModel | None = None) -> list[RoadModel]:
    """The fitting grid: running speed off the skeleton 60-160 km/h by 2.5 (over ``model``'s detour; only their
    ratio matters) x town minutes 0-40 by 1."""
    model = model or RoadModel()
    speeds, ends = np.arange(60.0, 160.01, 2.5), np.arange(0.0, 40.01, 1.0)
    return [RoadModel(speed_kmh=v, detour_factor=model.detour_factor, ends_min=e) for v in speeds for e in ends]


def road_leave_one_out(road: pd.DataFrame, model: RoadModel | None = None) -> np.ndarray:
    """Relative errors when each city pair (both its years) is predicted by the road model refitted without it.

    The fit chooses the running speed off the expressway skeleton and the town minutes that minimise the mean
    absolute relative error of the other pairs on :func:`road_fit_grid`; the road km of every pair is recomputed for
    each speed (:func:`road_fit_errors`). The bridges, the skeleton, its speed and route factor stay as they are.
    This is the model's honest out-of-sample error on these pairs.
    """
    err = road_fit_errors(road, model)  # grid x pairs
    pair = pd.factorize(road["from_city"] + "-" + road["to_city"])[0]
    out = np.empty(len(road))
    for p in np.unique(pair):
        held = pair == p
        best = np.argmin(np.abs(err[:, ~held]).mean(axis=1))
        out[held] = err[best, held]
    return out


def main() -> int:
    rail, road = rail_rows(), road_rows()
    pd.set_option("display.width", 200)
    print("# rail: fastest scheduled station-to-station minutes")
    print(rail[["from_station", "to_station", "network_year", "quality", "in_a_pattern", "published_min",
                "engine_min", "error"]]
          .round({"engine_min": 1, "error": 3}).to_string(index=False))
    print("# road: free-flow driving minutes between city seats")
    print(road[["from_city", "to_city", "network_year", "bridge", "skeleton", "road_km", "published_min", "engine_min",
                "error"]]
          .round({"road_km": 1, "engine_min": 1, "error": 3}).to_string(index=False))
    counted = rail[rail["quality"] == "fastest"]
    rail_ok = int((counted["error"].abs() <= RAIL_TOLERANCE).sum())
    road_ok = int((road["error"].abs() <= ROAD_TOLERANCE).sum())
    independent = counted[~counted["in_a_pattern"]]
    print(f"rail_independent_within_10pct: {int((independent['error'].abs() <= RAIL_TOLERANCE).sum())}/"
          f"{len(independent)}")
    print(f"rail_beyond_20pct: {int((counted['error'].abs() > 0.20).sum() + counted['error'].isna().sum())}")
    loo = road_leave_one_out(road)
    print(f"road_loo_within_15pct: {int((np.abs(loo) <= ROAD_TOLERANCE).sum())}/{len(road)} "
          "(each pair predicted by the model refitted without it)")
    print(f"rail_within_10pct: {rail_ok}/{len(counted)}")
    print(f"road_within_15pct: {road_ok}/{len(road)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
