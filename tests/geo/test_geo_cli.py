"""``python -m geo`` end to end on the synthetic sources of ``test_network``; outputs read back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from test_network import write_sources

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sources(tmp_path_factory.mktemp("src"))


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg"])
def test_isochrone_file(src: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"iso{suffix}"
    res = run("isochrone", "--origin", "Wuhan", "--minutes", "120", "60", "--year", "2026", "--sources", src,
              "--out", out)
    assert res.returncode == 0, res.stderr
    gdf = gpd.read_file(out)
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf["minutes"]) == [60, 120]
    assert set(gdf["origin"]) == {"武汉"} and set(gdf["mode"]) == {"rail"} and set(gdf["year"]) == {"2026"}
    assert (gdf["area_km2"] > 0).all() and gdf["population_reached"].iloc[1] >= gdf["population_reached"].iloc[0]
    assert gdf["cities_reached"].iloc[0].startswith("武汉 0、鄂州 ")
    assert gdf.geometry.iloc[1].covers(gdf.geometry.iloc[0].buffer(-1e-9))


def test_isochrone_road_mode_by_adcode(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "road.geojson"
    res = run("isochrone", "--origin", "420700", "--minutes", "60", "--mode", "road", "--sources", src, "--out", out)
    assert res.returncode == 0, res.stderr
    gdf = gpd.read_file(out)
    assert gdf["origin"].iloc[0] == "鄂州" and gdf["mode"].iloc[0] == "road"


def test_matrix_csv(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    for kind in ("rail", "door"):
        res = run("matrix", "--kind", kind, "--year", "planned", "--sources", src, "--out", out)
        assert res.returncode == 0, res.stderr
        m = pd.read_csv(out, index_col=0)
        assert list(m.index) == list(m.columns) == ["武汉", "鄂州", "黄石", "九江", "长沙", "咸宁", "上海"]
        assert m.loc["武汉", "武汉"] == 0
    assert m.loc["武汉", "鄂州"] < m.loc["武汉", "九江"]


def test_targets_print(src: Path) -> None:
    res = run("targets", "--year", "2015", "--sources", src)
    assert res.returncode == 0, res.stderr
    assert "within 60 min" in res.stdout and "武汉" in res.stdout and "2015" in res.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("isochrone", "--origin", "武漢", "--out", "x.geojson"), "did you mean 武汉"),
        (("isochrone", "--origin", "武汉", "--minutes", "0", "--out", "x.geojson"), "thresholds"),
        (("isochrone", "--origin", "武汉", "--minutes", "-5", "--out", "x.geojson"), "thresholds"),
        (("isochrone", "--origin", "武汉", "--minutes", "2000", "--out", "x.geojson"), "24 h"),
        (("isochrone", "--origin", "30,114", "--out", "x.geojson"), "lon first"),
        (("isochrone", "--origin", "100,40", "--out", "x.geojson"), "outside the agglomeration"),
        (("isochrone", "--origin", "九江", "--year", "2000", "--out", "x.geojson"), "no rail station open in 2000"),
        (("isochrone", "--origin", "武汉", "--out", "x.shp"), ".geojson or .gpkg"),
        (("matrix", "--out", "x.txt"), ".csv"),
        (("targets", "--year", "soon"), "year"),
        (("isochrone", "--origin", "武汉", "--minutes", "inf", "--out", "x.geojson"), "'inf' is not a finite decimal"),
        (("isochrone", "--origin", "武汉", "--minutes", "1e999", "--out", "x.geojson"), "'1e999' is not a finite"),
        (("isochrone", "--origin", "武汉", "--minutes", "nan", "--out", "x.geojson"), "'nan' is not a finite decimal"),
        (("isochrone", "--origin", "武汉", "--minutes", "1_0", "--out", "x.geojson"), "'1_0' is not a finite decimal"),
        (("isochrone", "--origin", "武汉", "--minutes", "1e-300", "--out", "x.geojson"), "thresholds"),
        (("isochrone", "--origin", "武汉", "--minutes", *map(str, range(1, 9)), "--out", "x.geojson"),
         "at most 6 thresholds"),
        (("isochrone", "--origin", "武汉", "--out", "/nonexistent/x.geojson"), "folder /nonexistent does not exist"),
        (("isochrone", "--origin", "武汉", "--out", "x.geojson/iso.geojson"), "is not a folder"),
        (("matrix", "--out", "/nonexistent/m.csv"), "folder /nonexistent does not exist"),
        (("isochrone", "--origin", "武汉", "--out", "/proc/iso.geojson"), "folder /proc is not writable"),
    ],
)
def test_errors_one_line_exit_2(src: Path, tmp_path: Path, args: tuple, message: str) -> None:
    args = tuple(str(tmp_path / a) if a.startswith("x.") else a for a in args)
    (tmp_path / "x.geojson").write_text("a file, not a folder")
    res = run(*args, "--sources", src)
    assert res.returncode == 2
    assert message in res.stderr
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) <= 6  # argparse adds its usage lines; ours is one line
    if not args[-1].endswith(("soon",)):
        assert len(res.stderr.strip().splitlines()) == 1


def test_repeated_origins_are_dropped_with_a_note(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "iso.geojson"
    res = run("isochrone", "--origin", *["武汉"] * 12_000, "--minutes", "60", "--sources", src, "--out", out,
              timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stderr.strip() == "note: ignored repeated origins"
    assert len(gpd.read_file(out)) == 1


def test_too_many_origins_exit_2(src: Path, tmp_path: Path) -> None:
    res = run("isochrone", "--origin", *(f"{114 + i / 10:.1f},30.5" for i in range(9)), "--sources", src,
              "--out", tmp_path / "x.geojson")
    assert res.returncode == 2 and res.stderr.strip().splitlines() == ["error: at most 8 origins, got 9"]


def test_road_matrix_of_the_project_crosses_the_yangtze_on_bridges(tmp_path: Path) -> None:
    """``--kind road``: road only, seat to seat; 荆州 (north bank, no located bridge nearby) to 长沙 goes round by a
    bridge, so it is slower than the straight-line model, while 荆州–宜昌 (same bank) takes the 汉宜 section of the
    expressway skeleton (data/sources/expressways.csv): its length at its design speed plus the town minutes."""
    from geo.network import RoadModel, default_network, geodesic_km

    out = tmp_path / "road.csv"
    res = run("matrix", "--kind", "road", "--year", "2015", "--out", out)
    assert res.returncode == 0, res.stderr
    assert "road minutes, network year 2015" in res.stdout
    m = pd.read_csv(out, index_col=0)
    net, model = default_network(), RoadModel()
    places = net.places.set_index("name_zh")

    def straight(a: str, b: str) -> float:
        return round(float(model.road_min(geodesic_km(places.at[a, "lon"], places.at[a, "lat"], places.at[b, "lon"],
                                                      places.at[b, "lat"]))), 1)

    assert m.loc["荆州", "长沙"] > straight("荆州", "长沙") + 15
    section = net.barrier.sections.set_index("section_id").loc["g50_jingzhou_yichang"]
    along = section["length_km"] / section["speed_kmh"] * 60.0 + model.ends_min
    assert m.loc["荆州", "宜昌"] == pytest.approx(along, abs=0.05) and along < straight("荆州", "宜昌")
    assert m.loc["长沙", "荆州"] == m.loc["荆州", "长沙"]
