"""Benchmark: apply a what-if scenario, redraw the nine default circles on it and compare it with today, warm.

Run from the project root: ``python bench/scenarios.py [--scenario FILE] [--repeat N] [--resolution-km K]``.
Prints ``name: value`` lines (milliseconds are wall-clock, best of N); the last line is ``speedup_vs_baseline``.

Warm: the network of the sources is loaded, the scenario has been applied once and the comparison made once (as
in the app when a planner returns to a scenario), so ``apply`` and the comparison are served from the caches on
the networks. ``apply_cold_ms`` applies a scenario not seen before (a new name each time). The baseline is the
straightforward path with no caches: read the sources into a new network, apply the scenario to it, draw the
circles and compare (including both travel-time surfaces). ``area_diff_max_pct`` and ``gains_equal`` check that
both paths give the same circles and the same gains. Goal: ``total_warm_ms`` under 1000.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # ``python bench/scenarios.py``: make the project root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from geo.compare import compare
from geo.isochrones import isochrones_many
from geo.network import RailNetwork, default_network
from geo.scenario import apply, load_scenario

ROOT = Path(__file__).resolve().parents[1]
CORES = ("武汉", "长沙", "南昌")
MINUTES = (60, 120, 180)


def _best_ms(fn, repeat: int) -> tuple[float, object]:
    value = fn()
    best = np.inf
    for _ in range(repeat):
        gc.disable()
        try:
            t0 = time.perf_counter()
            value = fn()
            best = min(best, time.perf_counter() - t0)
        finally:
            gc.enable()
    return best * 1000.0, value


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scenario", type=Path, default=ROOT / "examples" / "scenarios" / "closed_jingguang_xianning.json")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--resolution-km", type=float, default=1.0, help="cell size of the compared surfaces")
    args = p.parse_args(argv)
    scenario = load_scenario(args.scenario)
    net = default_network()

    def warm(base: RailNetwork):
        what_if = apply(scenario, base)
        circles = isochrones_many(CORES, MINUTES, year=what_if.year, network=what_if)
        result = compare(str(scenario.year), scenario, CORES, MINUTES, network=base,
                         resolution_km=args.resolution_km)
        return circles, result

    fresh = iter(range(1_000_000))
    apply_cold, _ = _best_ms(lambda: apply(dataclasses.replace(scenario, name=f"bench {next(fresh)}"), net),
                             args.repeat)
    apply_warm, what_if = _best_ms(lambda: apply(scenario, net), args.repeat)
    circles_ms, circles = _best_ms(lambda: isochrones_many(CORES, MINUTES, year=what_if.year, network=what_if),
                                   args.repeat)
    compare_ms, result = _best_ms(lambda: compare(str(scenario.year), scenario, CORES, MINUTES, network=net,
                                                  resolution_km=args.resolution_km), args.repeat)
    total_ms, _ = _best_ms(lambda: warm(net), args.repeat)

    def baseline():
        return warm(RailNetwork.from_sources())

    baseline_ms, (base_circles, base_result) = _best_ms(baseline, max(1, args.repeat // 3))
    area = circles["area_km2"].to_numpy(float)
    diff = np.max(np.abs(area - base_circles["area_km2"].to_numpy(float)) / area) * 100
    same = result.reach.equals(base_result.reach) and result.targets.equals(base_result.targets)
    print(f"scenario: {scenario.name}")
    print(f"apply_cold_ms: {apply_cold:.1f}")
    print(f"apply_warm_ms: {apply_warm:.3f}")
    print(f"circles_warm_ms: {circles_ms:.1f}")
    print(f"compare_warm_ms: {compare_ms:.1f}")
    print(f"total_warm_ms: {total_ms:.1f}")
    print(f"baseline_ms: {baseline_ms:.1f}")
    print(f"area_diff_max_pct: {diff:.6f}")
    print(f"gains_equal: {int(same)}")
    print(f"speedup_vs_baseline: {baseline_ms / total_ms:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
