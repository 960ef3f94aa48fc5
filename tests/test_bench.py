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
    assert all(float(v) > 0 for v in figures.values())
