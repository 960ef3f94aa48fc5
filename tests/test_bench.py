"""The isochrone benchmark keeps running and its baseline keeps computing the same circles (no timing asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_isochrone_benchmark_prints_its_figures_and_matches_the_baseline():
    out = subprocess.run([sys.executable, "bench/isochrones.py", "--repeat", "1"], cwd=ROOT, capture_output=True,
                         text=True, timeout=300, check=True).stdout
    figures = dict(line.split(": ") for line in out.strip().splitlines())
    assert list(figures)[-1] == "speedup_vs_baseline"
    assert float(figures["area_diff_max_pct"]) < 0.5  # identical results, as the issue asks
    assert float(figures["population_diff_max_pct"]) < 0.5  # people by county share, as geopandas overlays them
    assert all(float(v) > 0 for v in figures.values())


def test_the_validation_prints_each_pair_and_meets_the_rail_goal():
    """bench/validate.py against the published figures (data/sources/validation). Rail: at least 90 % of the
    fastest times within 10 % and none beyond 20 %. Road, with the Yangtze crossed on its bridges and the
    expressway skeleton between seats: the measured 51 of 64 in-sample (80 % would be 52) and 49 of 64 leaving each
    pair out are kept as floors (51 before the sourced G42 武荆 section, which moves one pair's refit to another
    grid point: README); the goal is not reached. The pairs that cross the river are shown as
    such, and those that take an expressway section."""
    out = subprocess.run([sys.executable, "bench/validate.py"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    rail_ok, rail_n = map(int, lines[-2].removeprefix("rail_within_10pct: ").split("/"))
    road_ok, road_n = map(int, lines[-1].removeprefix("road_within_15pct: ").split("/"))
    assert lines[-2].startswith("rail_within_10pct: ") and lines[-1].startswith("road_within_15pct: ")
    assert rail_n >= 30 and rail_ok >= 0.9 * rail_n
    assert "rail_beyond_20pct: 0" in lines
    assert road_n >= 15 and road_ok >= 51
    loo = next(line for line in lines if line.startswith("road_loo_within_15pct: "))
    loo_ok, loo_n = map(int, loo.removeprefix("road_loo_within_15pct: ").split()[0].split("/"))
    assert loo_n == road_n and 49 <= loo_ok <= road_ok
    # 武汉–长沙 crosses the Yangtze: its row says it went over a bridge (the "bridge" column), 武汉–孝感 does not.
    assert any(line.split()[:4] == ["武汉", "长沙", "2015", "True"] for line in lines)
    assert any(line.split()[:4] == ["武汉", "孝感", "2015", "False"] for line in lines)
    # 长沙–常德 runs on 长常高速 (1998/1999); 南昌–宜春 on 昌栗高速 (2016) only today.
    assert any(line.split()[:5] == ["长沙", "常德", "2015", "False", "True"] for line in lines)
    assert any(line.split()[:5] == ["南昌", "宜春", "2015", "False", "False"] for line in lines)
    assert any(line.split()[:5] == ["南昌", "宜春", "now", "False", "True"] for line in lines)
    assert sum(" zhengzhou_east " in line for line in lines) >= 2  # each pair is printed


def test_surface_benchmark_prints_its_figures_and_matches_the_baseline():
    out = subprocess.run([sys.executable, "bench/surface.py", "--repeat", "1", "--sample", "200"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, check=True).stdout
    figures = dict(line.split(": ") for line in out.strip().splitlines())
    assert list(figures)[-1] == "speedup_vs_baseline" and "surface_three_origins_ms" in figures
    assert float(figures["p99_diff_min"]) < 0.1  # the same minutes as the cell-by-cell definition
    assert float(figures["cells_over_half_min_pct"]) <= 1.0  # but at the very edge of a station's reach
    assert float(figures["cell_km"]) == 1.0


def test_scenario_benchmark_prints_its_figures_and_matches_the_baseline():
    out = subprocess.run([sys.executable, "bench/scenarios.py", "--repeat", "1", "--resolution-km", "5"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, check=True).stdout
    figures = dict(line.split(": ", 1) for line in out.strip().splitlines())
    assert list(figures)[-1] == "speedup_vs_baseline"
    assert figures["gains_equal"] == "1" and float(figures["area_diff_max_pct"]) < 1e-6
    assert all(float(figures[k]) > 0 for k in ("total_warm_ms", "baseline_ms", "speedup_vs_baseline"))
