"""The rail figure and the circle measure on the command lines: ``python -m geo … --figure/--measure`` on the
synthetic network, and ``python -m layers snapshot --figure … --measure …`` on the project's."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from test_network import write_sources

ROOT = Path(__file__).resolve().parents[2]


def run(module: str, *args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sources(tmp_path_factory.mktemp("src"))


def test_matrix_typical_is_never_below_fastest_and_says_which(src: Path, tmp_path: Path) -> None:
    got = {}
    for figure in ("fastest", "typical"):
        out = tmp_path / f"{figure}.csv"
        res = run("geo", "matrix", "--kind", "rail", "--figure", figure, "--sources", src, "--out", out)
        assert res.returncode == 0, res.stderr
        assert f"station to station, rail figure {figure}" in res.stdout
        got[figure] = pd.read_csv(out, index_col=0)
    # The synthetic network has segment lines only: every trip on them waits the stated 30 minutes once.
    assert got["typical"].loc["武汉", "九江"] == got["fastest"].loc["武汉", "九江"] + 30.0
    assert (got["typical"].fillna(0) >= got["fastest"].fillna(0)).all().all()


def test_targets_print_both_figures(src: Path) -> None:
    res = run("geo", "targets", "--figure", "typical", "--sources", src)
    assert res.returncode == 0, res.stderr
    assert "door_min = seat to seat with the typical rail figure" in res.stdout
    assert "rail fastest scheduled" in res.stdout and "rail typical" in res.stdout


def test_station_to_station_isochrones_file(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "station.geojson"
    res = run("geo", "isochrone", "--origin", "武汉", "--minutes", "60", "--measure", "station", "--figure",
              "typical", "--sources", src, "--out", out)
    assert res.returncode == 0, res.stderr
    gdf = gpd.read_file(out)
    assert (gdf["measure"].iloc[0], gdf["figure"].iloc[0]) == ("station", "typical")
    assert gdf["cities_reached"].iloc[0] == "武汉 0、鄂州 50"  # L1: 20 min + the 30-minute default wait


@pytest.mark.parametrize(("args", "message"), [
    (("matrix", "--figure", "slowest", "--out", "x.csv"), "figure must be one of fastest, typical, got 'slowest'"),
    (("targets", "--figure", "Typical"), "figure must be one of fastest, typical"),
    (("isochrone", "--origin", "武汉", "--measure", "seat", "--out", "x.geojson"),
     "--measure must be one of door, station, got 'seat'"),
    (("isochrone", "--origin", "武汉", "--measure", "station", "--mode", "road", "--out", "x.geojson"),
     "--measure station needs --mode rail"),
    (("isochrone", "--origin", "115.0,30.0", "--measure", "station", "--out", "x.geojson"),
     "station-to-station circles start at a city's main stations"),
])
def test_bad_figures_and_measures_exit_2_in_one_line(src: Path, tmp_path: Path, args: tuple, message: str) -> None:
    args = tuple(str(tmp_path / a) if a.startswith("x.") else a for a in args)
    res = run("geo", *args, "--sources", src)
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [res.stderr.strip()] and message in res.stderr


def test_snapshot_states_the_figure_and_measure(tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    out = tmp_path / "brief.pdf"
    res = run("layers", "snapshot", "--out", out, "--layers", "isochrones,corridors", "--origins", "武汉",
              "--minutes", "60,90,120", "--figure", "typical", "--measure", "station", "--lang", "en")
    assert res.returncode == 0, res.stderr
    text = " ".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "station to station" in text and "typical" in text
    assert "1/1.5/2-hour circles" in text and "Erenhot" in text


def test_snapshot_refuses_an_unknown_figure() -> None:
    res = run("layers", "snapshot", "--out", "/tmp/never.pdf", "--figure", "slowest")
    assert res.returncode == 2 and "invalid choice: 'slowest'" in res.stderr and "fastest" in res.stderr
