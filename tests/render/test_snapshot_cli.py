"""`python -m layers snapshot` and `export-all`, run as a planner runs them."""

import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from PIL import Image

import layers

ROOT = Path(__file__).resolve().parents[2]
APP_URL = "http://localhost:8501/?layers=cities,subclusters&lang=en&lon=114.3000&lat=30.6000&zoom=8"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "layers", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_snapshot_png_with_every_option(tmp_path):
    out = tmp_path / "brief.png"
    res = _run("snapshot", "--out", str(out), "--layers", "provinces,subclusters,cities", "--origins", "武汉,长沙",
               "--minutes", "60,120", "--year", "2015", "--paper", "a3", "--orientation", "portrait", "--dpi", "150",
               "--lang", "zh", "--title", "武汉—长沙 交通圈简报")
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    with Image.open(out) as img:
        assert img.size == (1754, 2480)


def test_snapshot_reproduces_a_view_saved_from_the_app(tmp_path):
    out = tmp_path / "view.pdf"
    res = _run("snapshot", "--out", str(out), "--view", APP_URL)
    assert res.returncode == 0, res.stderr
    text = _pdf_text(out)
    assert "Middle Yangtze River Urban Agglomeration" in text  # lang=en from the URL
    assert "Sub-clusters" in text and "Member cities" in text  # exactly the URL's layers
    assert "Agglomeration extent" not in text


def test_flags_override_the_saved_view(tmp_path):
    out = tmp_path / "zh.pdf"
    res = _run("snapshot", "--out", str(out), "--view", APP_URL, "--lang", "zh", "--layers", "cities")
    assert res.returncode == 0, res.stderr
    text = _pdf_text(out)
    assert "成员城市" in text and "三大子城市群" not in text


def test_snapshot_svg(tmp_path):
    out = tmp_path / "brief.svg"
    assert _run("snapshot", "--out", str(out), "--layers", "cities", "--extent", "region").returncode == 0
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")


@pytest.mark.parametrize(
    ("args", "message"),
    [(("snapshot", "--out", "x.png", "--layers", "cities,nope"), "unknown layer 'nope'"),
     (("snapshot", "--out", "x.docx"), "unsupported extension"),
     (("snapshot", "--out", "/no/such/folder/x.png"), "does not exist"),
     (("snapshot", "--out", "x.png", "--minutes", "sixty"), "--minutes"),
     (("snapshot", "--out", "x.png", "--dpi", "5"), "dpi"),
     (("snapshot", "--out", "x.png", "--minutes", "-60"), "--minutes: threshold '-60' must be 1–1440 minutes"),
     (("snapshot", "--out", "x.png", "--minutes", "60,inf"), "--minutes: threshold 'inf' is not a number"),
     (("snapshot", "--out", "x.png", "--minutes", "1e999"), "--minutes: threshold '1e999' is not a number"),
     (("snapshot", "--out", "x.png", "--minutes", "nan"), "--minutes: threshold 'nan' is not a number"),
     (("snapshot", "--out", "x.png", "--minutes", "1e-300"), "--minutes: threshold '1e-300' must be 1–1440"),
     (("snapshot", "--out", "x.png", "--minutes", "1_0"), "--minutes: threshold '1_0' is not a number"),
     (("snapshot", "--out", "x.png", "--minutes", "60.5"), "whole minutes"),
     (("snapshot", "--out", "x.png", "--minutes", "10,20,30,40,50,60,70"), "at most 6 thresholds"),
     (("snapshot", "--out", "x.png", "--origins", "武汉,火星"), "unknown city or station '火星'"),
     (("snapshot", "--out", "x.png", "--origins", "武汉,长沙,南昌,岳阳,九江,孝感,黄石,鄂州,咸宁"), "at most 8 origins"),
     (("export-all", "--out", "x.gpkg", "--minutes", "-60"), "--minutes"),
     (("export-all", "--out", "x.gpkg", "--crs", "EPSG:999999"), "unknown CRS"),
     (("export-all", "--out", "x.dxf"), "unsupported extension")],
)
def test_bad_requests_give_one_line_and_exit_2(tmp_path, args, message):
    args = tuple(str(tmp_path / a) if a.startswith("x.") else a for a in args)
    res = _run(*args)
    assert res.returncode == 2
    errors = [line for line in res.stderr.splitlines() if not line.startswith("note:")]
    assert len(errors) == 1 and message in errors[0] and "Traceback" not in res.stderr


@pytest.mark.filterwarnings("ignore:Geometry is in a geographic CRS")
def test_export_all_writes_every_buildable_layer(tmp_path):
    out = tmp_path / "all.gpkg"
    res = _run("export-all", "--out", str(out), "--crs", "4490")
    assert res.returncode == 0, res.stderr
    stored = [name for name, _ in pyogrio.list_layers(out)]
    assert not [line for line in res.stderr.splitlines() if line.startswith("note: layer ")], res.stderr
    assert stored == [s.id for s in layers.all_specs()]
    assert {"cities", "subclusters", "provinces"} <= set(stored)
    cities = gpd.read_file(out, layer="cities")
    assert cities.crs.to_epsg() == 4490 and len(cities) == len(layers.get("cities").frame())


def test_export_all_in_a_gauss_krueger_zone_with_tables(tmp_path):
    out, tables = tmp_path / "view.gpkg", tmp_path / "tables.xlsx"
    res = _run("export-all", "--out", str(out), "--crs", "gk", "--layers", "cities,corridors", "--tables",
               str(tables))
    assert res.returncode == 0, res.stderr
    assert [name for name, _ in pyogrio.list_layers(out)] == ["corridors", "cities"]  # drawing order
    assert gpd.read_file(out, layer="cities").crs.to_epsg() == 4547  # CGCS2000 3-degree zone, CM 114 E
    import pandas as pd

    sheets = pd.read_excel(tables, sheet_name=None)
    assert "matrix_door_min" in sheets and "targets_core_commute" in sheets


def test_a_link_repeating_one_origin_12000_times_draws_one_circle_set(tmp_path):
    """Structure defect 7: 12,000 repeated origins (a 36 KB link) ran for minutes at 3 GB."""
    out = tmp_path / "brief.png"
    view = "layers=isochrones&origins=" + ",".join(["武汉"] * 12_000) + "&minutes=60," + ",".join(["120"] * 3000)
    res = _run("snapshot", "--out", str(out), "--dpi", "150", "--view", view)
    assert res.returncode == 0, res.stderr
    assert "ignored repeated origins" in res.stderr and "ignored repeated thresholds" in res.stderr
    assert out.stat().st_size > 10_000


@pytest.mark.parametrize("query", ["minutes=inf&zoom=1e999", "minutes=1e999&lon=inf&lat=nan&speed=1e999",
                                   "minutes=1_0,1e-300,-60&detour=nan&origins=" + ",".join(["武汉"] * 12_000)])
def test_hostile_view_strings_are_noted_and_ignored(tmp_path, query):
    out = tmp_path / "brief.png"
    res = _run("snapshot", "--out", str(out), "--view", query, "--layers", "cities", "--dpi", "150")
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    notes = [line for line in res.stderr.splitlines() if line.startswith("note: ")]
    assert notes and len(notes) == len(res.stderr.strip().splitlines())
    assert out.stat().st_size > 0


def test_repeated_origins_on_the_command_line_are_dropped_with_a_note(tmp_path):
    out = tmp_path / "brief.png"
    res = _run("snapshot", "--out", str(out), "--origins", ",".join(["武汉"] * 12_000), "--minutes", "60",
               "--layers", "isochrones", "--dpi", "150")
    assert res.returncode == 0, res.stderr
    assert "note: ignored repeated origins" in res.stderr.splitlines()
