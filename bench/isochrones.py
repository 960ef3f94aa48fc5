"""Benchmark: nine isochrones (3 cores x 60/120/180 min) and the city matrix vs a straightforward baseline.

Run from the project root: ``python bench/isochrones.py [--repeat N]`` or ``python -m bench.isochrones``.
Prints ``name: value`` lines
(milliseconds are wall-clock, best of N, warm caches); the last line is ``speedup_vs_baseline``.
Ours computes the nine circles the way the map layer asks for them, in one call for the three
cores (:func:`geo.isochrones.isochrones_many`); the same nine with one call per core are printed too, and
the nine circles and the matrix in the typical rail figure, and the nine station-to-station circles.
Warm means the routing is cached; the geometry is built anew on every call.

The baseline is how most users would write it, on identical inputs (the same routing graph,
access times and disc radii) and with the same outputs (polygons, area, cities reached, people reached by
county figures apportioned by area: geopandas intersection with every county):
networkx Dijkstra per origin, stations reprojected with geopandas, one shapely buffer per
station (``iterrows``) in a planar projection, unioned one at a time; where the Yangtze lies in the way, each disc
is cut to its bank with shapely and each link end of :mod:`geo.road` (an open bridge, an end of an open expressway
section) gets a buffer of the most road km any centre has left there (its road km to the end from
:meth:`~geo.road.RiverBarrier.node_reach`), cut to each bank that way leads on to (a bridge: the far bank; a
section's end reached through it: its own bank). The projection is an azimuthal
equidistant one centred on each origin: exact for distances from the origin, and off by
< 0.1 % for discs 400 km away (scale error ~ (rho/R)^2/6), so the areas stay comparable.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # ``python bench/isochrones.py``: make the project root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely
from pyproj import CRS

from data import read_derived
from geo.crs import EQUAL_AREA, WGS84
from geo.isochrones import isochrones, isochrones_many
from geo.network import CURRENT_YEAR, DEFAULT_TRANSFER_MIN, RailNetwork, RoadModel, default_network
from geo.road import place_station_road_km
from geo.station_circles import station_circles
from geo.traveltime import resolve_origin, travel_time_matrix

CORES = ("武汉", "长沙", "南昌")
MINUTES = (60.0, 120.0, 180.0)


def _best_ms(fns: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Best wall-clock milliseconds of each function over ``repeat`` rounds.

    Each round runs every function once, in turn, so a busy spell on a shared machine slows them alike
    and the ratios stay fair. As in :mod:`timeit`, the garbage collector is off while a run is timed.
    """
    for fn in fns.values():
        fn()  # warm: graph, distance caches, GEOS/PROJ set-up
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            gc.disable()
            try:
                t0 = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t0)
            finally:
                gc.enable()
    return {name: min(ts) * 1000.0 for name, ts in times.items()}


def aeqd(lon: float, lat: float) -> CRS:
    """Azimuthal equidistant CRS on the WGS-84 ellipsoid centred at (lon, lat)."""
    return CRS.from_dict({"proj": "aeqd", "lon_0": lon, "lat_0": lat, "ellps": "WGS84", "units": "m"})


def baseline_isochrones(origin: str, net: RailNetwork, model: RoadModel, counties: gpd.GeoDataFrame, *,
                        year=CURRENT_YEAR, transfer_min: float = DEFAULT_TRANSFER_MIN) -> gpd.GeoDataFrame:
    """One origin the usual way: networkx Dijkstra, geopandas reprojection, a buffer per station.

    Returns the three polygons (EPSG:4326) with area_km2, the member cities whose seat is inside and the people
    reached (``counties`` in :data:`geo.crs.EQUAL_AREA`, each county's population times its share inside).
    """
    graph = net.graph(year, transfer_min=transfer_min)
    g = nx.from_scipy_sparse_array(graph.csr, create_using=nx.DiGraph)
    org = resolve_origin(origin, network=net)
    km = place_station_road_km(net, year)[org.place]
    source = "origin"
    for s in np.flatnonzero(graph.open_station & (km <= model.max_access_km)):
        g.add_edge(source, int(graph.hub_node[s]), weight=float(model.road_min(km[s], ends=1) + model.access_min))
    dist = nx.single_source_dijkstra_path_length(g, source, weight="weight")
    station_of = np.repeat(np.arange(len(graph.node_start)), np.diff(np.r_[graph.node_start, graph.csr.shape[0]]))
    arrival = np.full(len(graph.node_start), np.inf)
    for node, minutes in dist.items():
        if node != source:
            arrival[station_of[node]] = min(arrival[station_of[node]], minutes)
    proj = aeqd(org.lon, org.lat)
    stations = gpd.GeoDataFrame({"arrival": arrival}, geometry=gpd.points_from_xy(net.lon, net.lat), crs=WGS84)
    stations = stations[np.isfinite(net.lon)].to_crs(proj)
    seats = gpd.GeoDataFrame({"name_zh": net.place_names[net.place_member]},
                             geometry=gpd.points_from_xy(net.place_lon[net.place_member],
                                                         net.place_lat[net.place_member]), crs=WGS84)
    barrier = net.barrier
    banks = gpd.GeoSeries(list(barrier.banks), crs=WGS84).to_crs(proj).to_numpy()
    stations["bank"] = barrier.bank(net.lon[np.isfinite(net.lon)], net.lat[np.isfinite(net.lon)])
    n_lon, n_lat = barrier.node_lonlat
    end_pts = gpd.GeoSeries(gpd.points_from_xy(n_lon, n_lat), crs=WGS84).to_crs(proj)
    org_bank = int(barrier.bank(org.lon, org.lat))
    org_reach, org_useful = barrier.node_reach(np.array([org_bank]), barrier.node_km(org.lon, org.lat), year,
                                               model.km_per_min)
    st_wgs = stations.to_crs(WGS84).geometry
    st_reach, st_useful = barrier.node_reach(stations["bank"].to_numpy(), barrier.node_km(st_wgs.x, st_wgs.y), year,
                                             model.km_per_min)
    rows = []
    for t in MINUTES:
        r0 = float(model.reach_km(t))
        area = shapely.Point(0.0, 0.0).buffer(r0 * 1000.0, quad_segs=16).intersection(banks[org_bank])
        left = {(int(u), int(side)): r0 - org_reach[0, u] for side, u in zip(*np.nonzero(org_useful[0]), strict=True)}
        for i, (_, st) in enumerate(stations.iterrows()):
            r_km = min(float(model.reach_km(t - st["arrival"] - model.egress_min, ends=1)), model.max_access_km)
            if r_km > 0:
                disc = st.geometry.buffer(r_km * 1000.0, quad_segs=16).intersection(banks[st["bank"]])
                area = area.union(disc)
                for side, u in zip(*np.nonzero(st_useful[i]), strict=True):
                    key = (int(u), int(side))
                    left[key] = max(left.get(key, -np.inf), r_km - st_reach[i, u])
        for (u, side), r_km in left.items():
            if r_km > 0:
                area = area.union(end_pts.iloc[u].buffer(r_km * 1000.0, quad_segs=16).intersection(banks[side]))
        # Reprojecting moves parts that nearly touch in the plane into each other (as in the engine): repair them,
        # or GEOS refuses the county intersection.
        poly = gpd.GeoSeries([area], crs=proj).to_crs(WGS84).make_valid()
        inside = counties.intersection(poly.to_crs(EQUAL_AREA).iloc[0]).area
        rows.append({"minutes": t, "area_km2": poly.to_crs(EQUAL_AREA).area.iloc[0] / 1e6,
                     "population_reached": float((counties["population_2020"] * inside / counties.area).sum()),
                     "cities_reached": "、".join(seats.loc[seats.within(poly.iloc[0]), "name_zh"]),
                     "geometry": poly.iloc[0]})
    return gpd.GeoDataFrame(rows, crs=WGS84)


def main(argv: list[str] | None = None) -> None:
    """Print the benchmark lines."""
    ap = argparse.ArgumentParser(prog="python -m bench.isochrones")
    ap.add_argument("--repeat", type=int, default=20, help="timing runs, for ours and the baseline alike")
    args = ap.parse_args(argv)
    net, model = default_network(), RoadModel()
    counties = read_derived("counties").to_crs(EQUAL_AREA)

    def ours() -> gpd.GeoDataFrame:
        return isochrones_many(CORES, MINUTES, model=model, network=net)

    def baseline() -> list:
        return [baseline_isochrones(c, net, model, counties) for c in CORES]

    best = _best_ms({
        "ours": ours,
        "one_by_one": lambda: [isochrones(c, MINUTES, model=model, network=net) for c in CORES],
        "matrix": lambda: travel_time_matrix(kind="door", model=model, network=net),
        "typical": lambda: isochrones_many(CORES, MINUTES, model=model, network=net, figure="typical"),
        "matrix_typical": lambda: travel_time_matrix(kind="door", model=model, network=net, figure="typical"),
        "station": lambda: station_circles(CORES, MINUTES, network=net),
        "baseline": baseline,
    }, args.repeat)
    nine_ms, one_by_one_ms, matrix_ms, base_ms = (best[k] for k in ("ours", "one_by_one", "matrix", "baseline"))
    ours_area = ours()["area_km2"].to_numpy()
    base_area = np.concatenate([gdf["area_km2"].to_numpy() for gdf in baseline()])
    diff_pct = np.max(np.abs(ours_area - base_area) / base_area) * 100.0
    ours_people = ours()["population_reached"].to_numpy()
    base_people = np.concatenate([gdf["population_reached"].to_numpy() for gdf in baseline()])
    people_pct = np.max(np.abs(ours_people - base_people) / base_people) * 100.0
    print(f"nine_circles_warm_ms: {nine_ms:.2f}")
    print(f"nine_circles_one_origin_per_call_ms: {one_by_one_ms:.2f}")
    print(f"matrix_warm_ms: {matrix_ms:.2f}")
    # The same with the typical rail figure (its own graph), and the nine station-to-station circles.
    print(f"nine_circles_typical_warm_ms: {best['typical']:.2f}")
    print(f"matrix_typical_warm_ms: {best['matrix_typical']:.2f}")
    print(f"nine_station_circles_warm_ms: {best['station']:.2f}")
    print(f"baseline_nine_circles_ms: {base_ms:.1f}")
    print(f"area_diff_max_pct: {diff_pct:.3f}")
    print(f"population_diff_max_pct: {people_pct:.3f}")
    print(f"speedup_vs_baseline: {base_ms / nine_ms:.1f}")


if __name__ == "__main__":
    main()
