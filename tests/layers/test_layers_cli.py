"""The layer catalogue and its command line, as a user runs them."""

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest

import layers

ROOT = Path(__file__).resolve().parents[2]
REQUIRED_IDS = {"cities", "city_boundaries", "provinces", "subclusters", "agglomeration", "cross_river_pairs",
                "rivers", "lakes", "channels", "ports", "corridors", "zones", "industrial_clusters", "hitech_zones",
                "airports"}
STATIC_IDS = sorted(s.id for s in layers.all_specs() if not getattr(s, "parameters", None))


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "layers", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_list_prints_every_layer_with_both_titles():
    out = _run("list")
    assert out.returncode == 0
    rows = {line.split("\t")[0]: line.split("\t") for line in out.stdout.splitlines()}
    assert set(rows) >= REQUIRED_IDS
    for spec in layers.all_specs():
        assert rows[spec.id][1] == spec.title_zh and rows[spec.id][2] == spec.title_en


@pytest.mark.parametrize("layer_id", STATIC_IDS)
def test_every_static_layer_meets_the_contract(layer_id):
    gdf = layers.get(layer_id).frame()
    assert gdf.crs.to_epsg() == 4326
    for col in ("name_zh", "name_en", "source"):
        assert gdf[col].notna().all() and (gdf[col].astype(str).str.strip() != "").all(), col


@pytest.mark.parametrize("ext", [".geojson", ".gpkg"])
@pytest.mark.parametrize("layer_id", ["cities", "subclusters", "cross_river_pairs", "airports"])
def test_export_writes_a_file_that_reads_back(tmp_path, layer_id, ext):
    target = tmp_path / f"{layer_id}{ext}"
    out = _run("export", layer_id, str(target))
    assert out.returncode == 0, out.stderr
    back = gpd.read_file(target)
    expected = layers.get(layer_id).frame()
    assert back.crs.to_epsg() == 4326
    assert len(back) == len(expected)
    assert list(back["name_zh"]) == list(expected["name_zh"])
    assert {"name_zh", "name_en", "source"} <= set(back.columns)


def test_city_export_carries_the_city_fields(tmp_path):
    target = tmp_path / "cities.geojson"
    assert _run("export", "cities", str(target)).returncode == 0
    back = gpd.read_file(target)
    assert {"adcode", "province_zh", "subcluster_zh", "population_2020"} <= set(back.columns)
    wuhan = back[back["name_zh"] == "武汉"].iloc[0]
    assert wuhan["adcode"] == "420100" and wuhan["population_2020"] == 12326518
    assert 114.0 < wuhan.geometry.x < 114.6 and 30.4 < wuhan.geometry.y < 30.8  # lon first


@pytest.mark.parametrize(
    ("args", "message"),
    [(("export", "nope", "x.geojson"), "unknown layer 'nope'"),
     (("export", "cities", "/no/such/folder/x.geojson"), "does not exist"),
     (("export", "cities", "out.txt"), "unsupported extension"),
     (("export", "cities", "file.txt/x.geojson"), "file.txt is not a folder"),
     (("export", "cities", "/proc/x.geojson"), "folder /proc is not writable"),
     (("export-all", "--out", "/proc/x.gpkg", "--layers", "cities"), "folder /proc is not writable"),
     (("snapshot", "--out", "file.txt/x.png", "--layers", "cities"), "file.txt is not a folder")],
)
def test_bad_requests_give_one_line_and_a_nonzero_exit(tmp_path, args, message):
    (tmp_path / "file.txt").write_text("a file, not a folder")
    args = tuple(str(tmp_path / a) if a.startswith(("out.txt", "file.txt")) else a for a in args)
    out = _run(*args)
    assert out.returncode != 0
    assert message in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
