"""Data exports read back with pyogrio/geopandas: same features, same names, the chosen CRS."""

import dataclasses
import io
import xml.etree.ElementTree as ET
import zipfile

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

import layers
from export import gis
from export.files import ExportError
from export.gis import export_crs, export_layers, view_frames
from export.tables import export_tables, travel_tables
from layers.frames import layer_params
from layers.spec import Kind
from layers.view import ViewState

IDS = ("provinces", "subclusters", "cities", "corridors", "airports")


@pytest.fixture(scope="module")
def frames():
    built, failures = view_frames(ViewState(), IDS)
    assert not failures
    return built


def _write(tmp_path, download):
    path = tmp_path / download.filename
    path.write_bytes(download.data)
    return path


def _same_features(back: gpd.GeoDataFrame, original: gpd.GeoDataFrame, epsg: int) -> None:
    assert back.crs.to_epsg() == epsg
    assert len(back) == len(original)
    assert list(back["name_zh"]) == list(original["name_zh"])
    # Back in lon/lat the geometry is where it was (CGCS2000 = WGS-84 to centimetres).
    moved = back.to_crs(4326).geometry.centroid.distance(original.geometry.centroid)
    assert moved.max() < 1e-6


@pytest.mark.filterwarnings("ignore:Geometry is in a geographic CRS")
@pytest.mark.parametrize(("crs", "epsg"), [("wgs84", 4326), ("cgcs2000", 4490), ("gk", 4547), ("EPSG:4547", 4547)])
def test_geopackage_holds_one_table_per_layer_in_the_chosen_crs(tmp_path, frames, crs, epsg):
    download = export_layers(frames, "gpkg", crs=crs)
    assert download.mime == "application/geopackage+sqlite3" and download.filename.endswith(".gpkg")
    path = _write(tmp_path, download)
    assert [name for name, _ in pyogrio.list_layers(path)] == list(frames)
    for lid, original in frames.items():
        _same_features(gpd.read_file(path, layer=lid), original, epsg)


def test_gauss_krueger_zone_follows_the_extent_centre(frames):
    assert export_crs("gk", frames.values()).to_epsg() == 4547  # centre ~114 E: CM 114 E
    west = frames["cities"][frames["cities"].geometry.x < 112.5]
    assert export_crs("gk", [west]).to_epsg() == 4546  # CM 111 E
    with pytest.raises(ExportError):
        export_crs("not-a-crs")


@pytest.mark.filterwarnings("ignore:Geometry is in a geographic CRS")
def test_geojson_is_rfc7946_per_layer(tmp_path, frames):
    one = export_layers({"cities": frames["cities"]}, "geojson")
    assert one.filename.endswith(".geojson") and one.mime == "application/geo+json"
    _same_features(gpd.read_file(io.BytesIO(one.data)), frames["cities"], 4326)
    several = export_layers(frames, "geojson")
    assert several.filename.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(several.data)) as zf:
        assert sorted(zf.namelist()) == sorted(f"{lid}.geojson" for lid in frames)
        back = gpd.read_file(io.BytesIO(zf.read("subclusters.geojson")))
    _same_features(back, frames["subclusters"], 4326)


@pytest.mark.filterwarnings("ignore:Geometry is in a geographic CRS")
def test_kml_opens_with_one_folder_per_layer_and_chinese_names(tmp_path, frames):
    download = export_layers(frames, "kml", crs="gk")
    assert download.notices and "WGS-84" in download.notices[0]  # KML is WGS-84 whatever was chosen
    root = ET.fromstring(download.data)
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    folders = root.findall(".//k:Folder", ns)
    assert [f.find("k:name", ns).text for f in folders] == list(frames)
    names = {p.text for p in root.findall(".//k:Placemark/k:name", ns)}
    assert {"武汉", "长沙", "南昌"} <= names
    path = _write(tmp_path, download)
    assert [name for name, _ in pyogrio.list_layers(path)] == list(frames)
    back = gpd.read_file(path, layer="cities")
    assert back.crs.to_epsg() == 4326 and len(back) == len(frames["cities"])


@pytest.mark.filterwarnings("ignore:Geometry is in a geographic CRS")
def test_zipped_shapefiles_keep_chinese_attributes(tmp_path, frames):
    download = export_layers(frames, "shp", crs="cgcs2000")
    assert download.mime == "application/zip"
    path = _write(tmp_path, download)
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        for lid in frames:
            assert {f"{lid}.{ext}" for ext in ("shp", "shx", "dbf", "prj", "cpg")} <= set(names)
        assert zf.read("cities.cpg").decode().strip().upper() in ("UTF-8", "UTF8")
    for lid, original in frames.items():
        back = gpd.read_file(f"zip://{path}!{lid}.shp")
        _same_features(back, original, 4490)
        assert back["name_zh"].str.contains("[\u4e00-\u9fff]").all()
    assert any("10 characters" in n for n in download.notices)


def test_unknown_format_and_empty_export_are_errors(frames):
    with pytest.raises(ExportError):
        export_layers(frames, "dwg")
    with pytest.raises(ExportError):
        export_layers({}, "gpkg")


def test_tables_as_xlsx_sheets_and_excel_friendly_csv(tmp_path):
    matrix = pd.DataFrame([[0.0, 62.5], [61.0, 0.0]], index=pd.Index(["武汉", "长沙"], name="from"),
                          columns=pd.Index(["武汉", "长沙"], name="to"))
    stats = pd.DataFrame({"origin": ["武汉"], "minutes": [60], "population_reached": [1.2e7]})
    tables = {"matrix": matrix, "circle/stats": stats}
    xlsx = export_tables(tables, "xlsx")
    sheets = pd.read_excel(io.BytesIO(xlsx.data), sheet_name=None)
    assert list(sheets) == ["matrix", "circle_stats"]
    assert list(sheets["matrix"]["from"]) == ["武汉", "长沙"] and sheets["matrix"]["长沙"].iloc[0] == 62.5
    one = export_tables({"stats": stats}, "csv")
    assert one.data.startswith(b"\xef\xbb\xbf") and one.mime == "text/csv"  # BOM: Excel reads it as UTF-8
    assert pd.read_csv(io.BytesIO(one.data), encoding="utf-8-sig")["origin"].iloc[0] == "武汉"
    several = export_tables(tables, "csv")
    with zipfile.ZipFile(io.BytesIO(several.data)) as zf:
        assert sorted(zf.namelist()) == ["circle/stats.csv", "matrix.csv"]


def test_layer_params_follow_the_declared_kind():
    view = ViewState(origins=("武汉",), minutes=(90,), mode="road", year="2015", figure="typical",
                     road=(70.0, 1.3, 17.0, 15.0, 10.0, 100.0))
    assert layer_params(layers.get("cities"), view) == {}
    assert layer_params(layers.get("rail_lines"), view) == {"year": "2015"}
    got = layer_params(layers.get("isochrones"), view)
    assert got == {"origins": ("武汉",), "minutes": (90,), "mode": "road", "year": "2015", "model": view.road_model(),
                   "figure": "typical", "measure": "door"}
    assert got["model"].speed_kmh == 70.0


def test_a_kind_whose_parameters_build_does_not_take_is_refused():
    with pytest.raises(TypeError, match="needs build"):
        dataclasses.replace(layers.get("cities"), id="bad", kind=Kind.NETWORK)


def test_a_layer_that_fails_to_build_is_reported_not_fatal(monkeypatch):
    def boom():
        raise FileNotFoundError("no derived file 'cities'")

    real = gis.layer_frame
    monkeypatch.setattr(gis, "layer_frame", lambda spec, params: boom() if spec.id == "cities" else real(spec, params))
    built, failures = view_frames(ViewState(), ("provinces", "cities"))
    assert list(built) == ["provinces"]
    assert failures[0].layer_id == "cities" and "FileNotFoundError" in failures[0].message


def test_the_views_road_assumptions_reach_circles_and_tables():
    """A slower road model (in the view, hence in a shared link or ``--view``) shrinks circles and lengthens trips."""
    base = ViewState(layers=("isochrones",), origins=("武汉",), minutes=(60,))
    slow = dataclasses.replace(base, road=(50.0, *base.road[1:]))
    areas = [view_frames(v, ["isochrones"])[0]["isochrones"]["area_km2"].iloc[0] for v in (base, slow)]
    assert areas[1] < 0.8 * areas[0]
    slow_frame = view_frames(slow, ["isochrones"])[0]["isochrones"]
    assert slow_frame["road_model"].iloc[0] == "50 km/h, ×1.3, 11 min in town, 15+10 min, ≤100 km"
    door = [travel_tables(v, {})["matrix_door_min"].loc["武汉", "鄂州"] for v in (base, slow)]
    assert door[1] > door[0]


MARKUP = ("a&b", 'q"uote', "l<t>g", "ap'os", "&amp;")


def test_kml_escapes_field_and_layer_names(tmp_path):
    import shapely

    frame = gpd.GeoDataFrame({"name_zh": ["甲&<乙>"], "name_en": ["A & B"], **{c: [f"{c}-value"] for c in MARKUP}},
                             geometry=[shapely.Point(114.3, 30.5)], crs=4326)
    download = export_layers({"user.R&D 'x'": frame}, "kml")
    root = ET.fromstring(download.data)  # well-formed, or this raises
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    fields = [f.get("name") for f in root.iterfind(".//k:SimpleField", ns)]
    assert fields == ["name_zh", "name_en", *MARKUP]
    data = {d.get("name"): d.text for d in root.iterfind(".//k:SimpleData", ns)}
    assert data["a&b"] == "a&b-value" and data["&amp;"] == "&amp;-value" and data["name_zh"] == "甲&<乙>"
    assert [f.findtext("k:name", namespaces=ns) for f in root.iterfind(".//k:Folder", ns)] == ["user.R＆D 'x'"]
    assert download.notices == ("user.R&D 'x': KML folder named user.R＆D 'x' ('&' cannot stand in a KML id)",)
    path = tmp_path / "back.kml"
    path.write_bytes(download.data)
    back = pyogrio.read_dataframe(path)
    assert set(MARKUP) <= set(back.columns) and back.loc[0, "a&b"] == "a&b-value"
