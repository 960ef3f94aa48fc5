"""Importing planners' files: every format and coordinate system against known points, warnings, escaping."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import shapely

import layers
from geo import chinacoords
from geo.crs import GEOD
from workspace import ReadOptions, Workspace, guess_lonlat, import_file, read_file, spec_for
from workspace.errors import BadNameError, LayerExistsError, NeedsTableError, UnknownCRSError
from workspace.reader import parse_source_crs

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "userdata"
# The landmarks every fixture holds (tests/fixtures/userdata/make_fixtures.py), WGS-84 lon/lat.
KNOWN = {"黄鹤楼": (114.3022, 30.5446), "岳麓书院": (112.9343, 28.1823), "滕王阁": (115.8797, 28.6818)}
KNOWN_EN = {"Yellow Crane Tower": "黄鹤楼", "Yuelu Academy": "岳麓书院", "Tengwang Pavilion": "滕王阁"}
# Published reference pairs from the README of the PyPI package geocraft (geocraft.cn.coordinate_converter):
# wgs84_to_gcj02(116.404, 39.915) and gcj02_to_bd09(116.404, 39.915).
GCJ_OF_WGS = (116.41024449916938, 39.91640428150164)
BD_OF_GCJ = (116.41036949371029, 39.92133699351021)
REF_IN = (116.404, 39.915)


def _metres(a, b) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def _by_name(gdf, column: str) -> dict[str, tuple[float, float]]:
    pts = shapely.centroid(gdf.geometry.to_numpy())
    out = {}
    for name, p in zip(gdf[column], pts, strict=True):
        name = str(name).removesuffix("公园")
        out[KNOWN_EN.get(name, name)] = (p.x, p.y)
    return out


@pytest.mark.parametrize(
    ("file", "options", "column"),
    [("points_wgs84.csv", {}, "名称"),
     ("points_wgs84.csv", {"crs": "cgcs2000"}, "名称"),
     ("points_gcj02_amap.csv", {"crs": "gcj02"}, "项目名称"),
     ("points_bd09.csv", {"crs": "bd09"}, "name"),
     ("points.xlsx", {}, "名称"),
     ("points.geojson", {}, "name"),
     ("route.kml", {}, "Name"),
     ("parks_gbk.zip", {}, "名称"),
     ("parks_cgcs2000_gk114.zip", {}, "名称"),
     ("two_tables.gpkg", {"table": "landmarks"}, "name"),
     ("two_tables.gpkg", {"table": "parks"}, "名称")],
)
def test_every_format_and_system_lands_on_the_known_points(file, options, column):
    result = read_file(FIXTURES / file, ReadOptions(**options))
    assert result.frame.crs.to_epsg() == 4326
    got = _by_name(result.frame, column)
    assert set(KNOWN) <= set(got), got
    for name, wgs in KNOWN.items():
        assert _metres(got[name], wgs) < 1.0, (name, got[name], wgs)


def test_gbk_shapefile_without_cpg_keeps_its_chinese_names():
    result = read_file(FIXTURES / "parks_gbk.zip")
    assert result.encoding == "gb18030"
    assert set(result.frame["名称"]) == {n + "公园" for n in KNOWN}


def test_gbk_csv_is_detected_and_the_combined_coordinate_column_is_split():
    result = read_file(FIXTURES / "points_gcj02_amap.csv", ReadOptions(crs="gcj02"))
    assert result.encoding == "gb18030"
    assert result.crs_label == "gcj02"
    names = result.frame[next(c for c in result.frame.columns if result.frame[c].isin(list(KNOWN)).any())]
    for name, point in zip(names, result.frame.geometry, strict=True):
        assert _metres((point.x, point.y), KNOWN[name]) < 5.0, name  # split, read as GCJ-02, back to WGS-84


def test_explicit_encoding_is_honoured():
    result = read_file(FIXTURES / "points_gcj02_amap.csv", ReadOptions(crs="gcj02", encoding="gbk"))
    assert "黄鹤楼" in set(result.frame["项目名称"])


def test_the_shapefile_prj_decides_unless_the_user_says_otherwise():
    assert read_file(FIXTURES / "parks_cgcs2000_gk114.zip").crs_label == "EPSG:4547"


def test_gcj02_and_bd09_imports_match_the_published_reference_pairs(tmp_path):
    gcj = tmp_path / "gcj.csv"
    gcj.write_text(f"name,lng,lat\nA,{GCJ_OF_WGS[0]!r},{GCJ_OF_WGS[1]!r}\n", encoding="utf-8")
    result = read_file(gcj, ReadOptions(crs="gcj02"))
    p = result.frame.geometry.iloc[0]
    assert _metres((p.x, p.y), REF_IN) < 1.0  # the inverse recovers geocraft's input within 1 m
    assert any("outside the Middle Yangtze region" in w for w in result.warnings)  # Beijing is far away
    bd = tmp_path / "bd.csv"
    bd.write_text(f"name,lng,lat\nA,{BD_OF_GCJ[0]!r},{BD_OF_GCJ[1]!r}\n", encoding="utf-8")
    p = read_file(bd, ReadOptions(crs="bd09")).frame.geometry.iloc[0]
    back_to_gcj = chinacoords.wgs84_to_gcj02(p.x, p.y)
    assert _metres((float(back_to_gcj[0]), float(back_to_gcj[1])), REF_IN) < 1.0


def test_projected_epsg_is_converted(tmp_path):
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, 4547, always_xy=True).transform(*KNOWN["黄鹤楼"])
    path = tmp_path / "gk.csv"
    path.write_text(f"name,x,y\n黄鹤楼,{x:.3f},{y:.3f}\n", encoding="utf-8")
    p = read_file(path, ReadOptions(crs="EPSG:4547")).frame.geometry.iloc[0]
    assert _metres((p.x, p.y), KNOWN["黄鹤楼"]) < 1.0


def test_degrees_declared_as_projected_are_refused(tmp_path):
    path = tmp_path / "deg.csv"
    path.write_text("name,lon,lat\nA,114.3,30.5\n", encoding="utf-8")
    with pytest.raises(ValueError, match="look like degrees"):
        read_file(path, ReadOptions(crs="EPSG:4547"))


@pytest.mark.parametrize(("text", "key"), [("wgs84", "wgs84"), ("GCJ-02", "gcj02"), ("百度", "bd09"),
                                           ("epsg:4547", "EPSG:4547"), (None, "auto"), ("CGCS2000", "cgcs2000")])
def test_source_systems_parse(text, key):
    assert parse_source_crs(text).key == key


@pytest.mark.parametrize("text", ["mercator", "EPSG:99999999"])
def test_unknown_systems_are_one_line_errors(text):
    with pytest.raises(UnknownCRSError):
        parse_source_crs(text)


@pytest.mark.parametrize(
    ("columns", "expected"),
    [(["名称", "经度", "纬度"], ("经度", "纬度", None)),
     (["name", "lng", "lat"], ("lng", "lat", None)),
     (["Longitude (°E)", "Latitude (°N)"], ("Longitude (°E)", "Latitude (°N)")),
     (["站名", "东经", "北纬"], ("东经", "北纬", None)),
     (["id", "X", "Y"], ("X", "Y", None)),
     (["项目", "坐标"], (None, None, "坐标")),
     (["经度(GCJ02)", "纬度(GCJ02)", "备注"], ("经度(GCJ02)", "纬度(GCJ02)", None))],
)
def test_coordinate_columns_are_found_by_common_names(columns, expected):
    assert guess_lonlat(columns)[: len(expected)] == expected


def test_chosen_columns_win_and_dms_cells_parse(tmp_path):
    path = tmp_path / "dms.csv"
    path.write_text("name,a,b\n黄鹤楼,114°18′7.92″,30°32′40.56″\n", encoding="utf-8")
    p = read_file(path, ReadOptions(lon="a", lat="b")).frame.geometry.iloc[0]
    assert _metres((p.x, p.y), KNOWN["黄鹤楼"]) < 1.0


def test_rows_without_coordinates_are_skipped_with_a_warning(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("名称,经度,纬度\n甲,114.3,30.5\n乙,,\n", encoding="utf-8")
    result = read_file(path)
    assert len(result.frame) == 1 and any("skipped 1 rows" in w for w in result.warnings)


def test_a_geopackage_with_two_tables_asks_which():
    with pytest.raises(NeedsTableError) as err:
        read_file(FIXTURES / "two_tables.gpkg")
    assert set(err.value.choices) == {"parks", "landmarks"}


def test_import_makes_a_user_layer_with_fields_style_and_popup_text(tmp_path):
    ws = Workspace(tmp_path / "ws.gpkg")
    report = import_file(FIXTURES / "points_wgs84.csv", "重点项目", workspace=ws)
    assert report.layer_id == "user.重点项目" and report.layer.kind == "point"
    spec = spec_for(report.layer, ws)
    assert "备注" in spec.fields and spec.group is layers.Group.USER
    gdf = spec.frame()
    assert {"name_zh", "name_en", "source"} <= set(gdf.columns)
    assert set(gdf["name_zh"]) == set(KNOWN) and set(gdf["name_en"]) == set(KNOWN_EN)


def test_attribute_markup_is_escaped_in_popups(tmp_path):
    from render.webmap import feature_collection

    ws = Workspace(tmp_path / "ws.gpkg")
    report = import_file(FIXTURES / "points_wgs84.csv", "markup", workspace=ws)
    spec = spec_for(report.layer, ws)
    payload = feature_collection(spec, spec.frame(), "zh")
    assert "<script>" not in payload and "<b>江南" not in payload
    popups = [f["properties"]["p"] for f in json.loads(payload.replace("<\\/", "</"))["data"]["features"]]
    assert any("&lt;script&gt;" in p for p in popups)


def test_names_are_checked(tmp_path):
    ws = Workspace(tmp_path / "ws.gpkg")
    for bad in ("", "a,b", "x/y", "cities", "a" * 61):
        with pytest.raises(BadNameError):
            import_file(FIXTURES / "points_wgs84.csv", bad, workspace=ws)
    import_file(FIXTURES / "points_wgs84.csv", "once", workspace=ws)
    with pytest.raises(LayerExistsError):
        import_file(FIXTURES / "points_wgs84.csv", "once", workspace=ws)
    assert import_file(FIXTURES / "points_bd09.csv", "once", workspace=ws, replace=True,
                       options=ReadOptions(crs="bd09")).layer.source_crs == "bd09"
    assert [la.name for la in ws.layers()] == ["once"]


def test_user_layers_join_the_catalogue_exports_and_briefing(tmp_path, monkeypatch):
    from export.gis import export_layers, view_frames
    from layers.view import ViewState, parse_view
    from render.briefing import BriefingOptions, render_briefing

    monkeypatch.setenv("MYE_WORKSPACE", str(tmp_path / "ws.gpkg"))
    import_file(FIXTURES / "parks_gbk.zip", "公园")
    ids = [s.id for s in layers.all_specs()]
    assert ids[-1] == "user.公园" and layers.get("公园").id == "user.公园"
    view = parse_view(ViewState(layers=("cities", "user.公园")).to_query(), known_layers=tuple(ids))
    assert view.layers == ("cities", "user.公园") and not view.notices
    frames, failures = view_frames(view)
    assert not failures and len(frames["user.公园"]) == 3
    assert export_layers(frames, "gpkg").data[:16] == b"SQLite format 3\x00"
    shot = render_briefing(view, "svg", BriefingOptions(extent="region"))
    assert not [n for n in shot.notices if "公园" in n]
    assert np.isfinite(frames["user.公园"].total_bounds).all()


def test_infinite_attributes_are_left_empty_with_a_warning_and_huge_integers_kept_as_text(tmp_path):
    path = tmp_path / "odd.geojson"
    def feature(v: str, fid: str, lon: float) -> str:
        return (f'{{"type": "Feature", "properties": {{"v": {v}, "id": {fid}}}, '
                f'"geometry": {{"type": "Point", "coordinates": [{lon}, 30.5]}}}}')

    path.write_text(f'{{"type": "FeatureCollection", "features": [{feature("1e999", "1" * 400, 114.3)}, '
                    f'{feature("2.5", "7", 114.4)}]}}', encoding="utf-8")
    result = read_file(path)
    assert list(result.frame["id"]) == ["1" * 400, "7"]
    assert np.isnan(result.frame["v"].iloc[0]) and result.frame["v"].iloc[1] == 2.5
    assert result.warnings == ("odd.geojson: column 'v': 1 infinite numbers (such as 1e999) were left empty "
                               "(first: feature 1)",)


@pytest.mark.parametrize(("cell", "degrees"), [("114°18′7.92″", 114.3022), ("114°18.132′", 114.3022),
                                               ("东经114.3022", 114.3022), ("114.3022°E", 114.3022),
                                               ("１１４.３０２２", 114.3022), ("114.3022", 114.3022),
                                               ("114°", 114.0), ("114°18'7.92\"", 114.3022)])
def test_coordinates_people_write_are_read(tmp_path, cell, degrees):
    path = tmp_path / "c.csv"
    path.write_text(f"名称,经度,纬度\n甲,{cell},30.5\n", encoding="utf-8")
    assert read_file(path).frame.geometry.iloc[0].x == pytest.approx(degrees, abs=1e-6)


@pytest.mark.parametrize("cell", ["1_14.5", "114°99′", "114°18′60″", "114.5°30′", "114°18.5′30″", "114°30″",
                                  "١١٤.٣", "inf", "-inf", "nan", "1e999", "0x72", "114,3"])
def test_coordinates_nobody_means_are_refused(tmp_path, cell):
    from workspace.errors import BadCoordinatesError

    path = tmp_path / "c.csv"
    path.write_text(f"名称;经度;纬度\n甲;{cell};30.5\n", encoding="utf-8")
    with pytest.raises(BadCoordinatesError, match="row 2: longitude"):
        read_file(path)


def test_an_xlsx_cell_of_1e999_outside_the_coordinates_is_left_empty_with_a_warning(tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bad_inputs"))
    from make_corpus import _sheet, _xlsx

    sheet = _sheet(b"114.3").replace(b"<v>30.5</v></c>", b'<v>30.5</v></c><c r="D2"><v>1e999</v></c>')
    sheet = sheet.replace(b"</row><row", b'<c r="D1" t="inlineStr"><is><t>v</t></is></c></row><row', 1)
    path = tmp_path / "inf.xlsx"
    path.write_bytes(_xlsx(sheet))
    result = read_file(path)
    assert np.isnan(result.frame["v"].iloc[0])
    assert any("column 'v': 1 infinite numbers" in w and "row 2" in w for w in result.warnings)


def test_a_shapefile_with_a_python_only_or_bytes_codec_is_refused(tmp_path):
    from workspace.errors import EncodingError

    for codec, message in (("rot13", "not a text encoding"), ("base64", "not a text encoding")):
        with pytest.raises(EncodingError, match=message):
            read_file(FIXTURES / "parks_gbk.zip", ReadOptions(encoding=codec))
