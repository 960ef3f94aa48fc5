"""Benchmark: the travel-time surface for the three cores at the default resolution vs a straightforward baseline.

Run from the project root: ``python bench/surface.py [--repeat N] [--sample N]``. Prints ``name: value``
lines (milliseconds are wall-clock, best of N, warm caches: the routing and the origins' distance fields are
cached, as in the app when only the network changes); the last line is ``speedup_vs_baseline``.

The baseline is the plain reading of the definition: for every cell, for every origin and every reached
station, one geodesic distance (:meth:`pyproj.Geod.inv`) and one road time, keeping the least, in pure
Python; with the Yangtze as a barrier (``network.barrier``), the road takes the best way over the links of
:mod:`geo.road` open in the network year: from the start, its road km to each link end (a bridge, or an end of
an expressway section of the skeleton), then the geodesic on to the cell from an end on the cell's bank, or the
geodesic itself on one bank, whichever is shorter. It runs on ``--sample`` cells spread evenly
over the grid and is scaled to the whole grid; the same cells of our surface are compared with it
(``p99_diff_min``, ``cells_over_half_min_pct``: station legs use the Tissot ellipse, the baseline the geodesic
distance, so cells at the edge of a station's reach can differ).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # ``python bench/surface.py``: make the project root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from geo.crs import EQUAL_AREA, GEOD, WGS84, transformer
from geo.network import CURRENT_YEAR, RailNetwork, RoadModel, Year, default_network
from geo.surface import Grid, region_grid, travel_time_surface
from geo.traveltime import resolve_origin, travel_times

CORES = ("武汉", "长沙", "南昌")


def _best_ms(fn, repeat: int) -> float:
    fn()  # warm
    best = np.inf
    for _ in range(repeat):
        gc.disable()
        try:
            t0 = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t0)
        finally:
            gc.enable()
    return best * 1000.0


def baseline_cells(cells: list[tuple[int, int]], grid: Grid, net: RailNetwork, model: RoadModel,
                   year: Year = CURRENT_YEAR) -> list[float]:
    """Minutes at each (row, col) cell, one origin and one station at a time (pure Python)."""
    orgs = [resolve_origin(c, network=net) for c in CORES]
    arrival = np.min([travel_times(o, year=year, model=model, network=net).station_min for o in orgs], axis=0)
    stations = [(float(net.lon[s]), float(net.lat[s]), float(arrival[s]))
                for s in range(len(arrival)) if np.isfinite(arrival[s]) and np.isfinite(net.lon[s])]
    barrier = net.barrier
    on = barrier.node_banks(year) if barrier is not None else None

    def start(lon: float, lat: float) -> tuple[int, np.ndarray] | None:
        """A start's bank and its road km to every link end (None without a barrier)."""
        if barrier is None:
            return None
        bank = barrier.bank(lon, lat).reshape(1)
        return int(bank[0]), barrier.node_reach(bank, barrier.node_km(lon, lat), year, model.km_per_min)[0][0]

    def cell(lon: float, lat: float) -> tuple[int, np.ndarray] | None:
        """A cell's bank and its geodesic km to every link end on that bank (inf elsewhere)."""
        if barrier is None:
            return None
        bank = int(barrier.bank(lon, lat)[()])
        return bank, np.where(on[bank], barrier.node_km(lon, lat)[0], np.inf)

    def road_km(lon: float, lat: float, here, cell_lon: float, cell_lat: float, there) -> float:
        direct = GEOD.inv(lon, lat, cell_lon, cell_lat)[2] / 1000.0
        if here is None:
            return direct
        via = float(np.min(here[1] + there[1], initial=np.inf))
        return min(direct, via) if here[0] == there[0] else via

    ends = [(o.lon, o.lat, start(o.lon, o.lat)) for o in orgs]
    starts = [(slon, slat, arr, start(slon, slat)) for slon, slat, arr in stations]
    x, y = grid.centres()
    to_wgs = transformer(EQUAL_AREA, WGS84)
    out = []
    for row, col in cells:
        lon, lat = to_wgs.transform(x[col], y[row])
        there = cell(lon, lat)
        best = np.inf
        for olon, olat, here in ends:
            km = road_km(olon, olat, here, lon, lat, there)
            best = min(best, float(model.road_min(km, ends=2)))
        for slon, slat, arr, here in starts:
            km = road_km(slon, slat, here, lon, lat, there)
            if km <= model.max_access_km:
                best = min(best, arr + model.egress_min + float(model.road_min(km, ends=1)))
        out.append(best)
    return out


def main(argv: list[str] | None = None) -> None:
    """Print the benchmark lines."""
    ap = argparse.ArgumentParser(prog="python bench/surface.py")
    ap.add_argument("--repeat", type=int, default=10, help="timing runs of ours")
    ap.add_argument("--sample", type=int, default=2000, help="cells the baseline computes (scaled to the grid)")
    args = ap.parse_args(argv)
    net, model = default_network(), RoadModel()
    grid = region_grid()
    t0 = time.perf_counter()
    surface = travel_time_surface(list(CORES), model=model, network=net, grid=grid)
    cold_ms = (time.perf_counter() - t0) * 1000.0
    ours_ms = _best_ms(lambda: travel_time_surface(list(CORES), model=model, network=net, grid=grid), args.repeat)
    flat = np.linspace(0, grid.nx * grid.ny - 1, args.sample).astype(int)
    cells = [(int(i // grid.nx), int(i % grid.nx)) for i in flat]
    t0 = time.perf_counter()
    base = baseline_cells(cells, grid, net, model)
    base_ms = (time.perf_counter() - t0) * 1000.0 * grid.nx * grid.ny / len(cells)
    ours = np.array([surface.minutes[r, c] for r, c in cells])
    print(f"grid_cells: {grid.nx * grid.ny}")
    print(f"cell_km: {grid.cell_m / 1000:g}")
    print(f"surface_three_origins_cold_ms: {cold_ms:.1f}")
    print(f"surface_three_origins_ms: {ours_ms:.2f}")
    print(f"baseline_sampled_cells: {len(cells)}")
    print(f"baseline_scaled_ms: {base_ms:.0f}")
    diff = np.abs(ours - np.array(base))
    print(f"p99_diff_min: {np.percentile(diff, 99):.3f}")
    # A cell within the ellipse's 0.25 % of a station's 100 km reach on one side and not the other jumps to its
    # next-best leg, minutes apart: count those rather than let one of them stand for the agreement.
    print(f"cells_over_half_min_pct: {np.mean(diff > 0.5) * 100:.2f}")
    print(f"speedup_vs_baseline: {base_ms / ours_ms:.0f}")


if __name__ == "__main__":
    main()
