"""Write the corpus of bad import files and ``expected.json`` (file -> message fragment, environment).

Run from the project root: ``python tests/bad_inputs/make_corpus.py``; the output is committed (all small:
the zip bomb declares 20 MB of zeros in ~20 kB).
"""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OK_ROWS = "名称,经度,纬度\n黄鹤楼,114.3022,30.5446\n"
POINT = {"type": "Point", "coordinates": [114.3, 30.5]}


def _fc(*geometries) -> str:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": f"f{i}"}, "geometry": g} for i, g in enumerate(geometries)]})


def _zip(name: str, entries: dict[str, bytes], *, symlink: str | None = None) -> bytes:
    path = HERE / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for entry, data in entries.items():
            zf.writestr(entry, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return path.read_bytes()


# file name -> (content, expected message fragment, extra environment)
CASES: dict[str, tuple[bytes | None, str, dict[str, str]]] = {
    "truncated.geojson": (_fc(POINT, POINT)[:60].encode(), "not valid JSON", {}),
    "not_geojson.geojson": (b'{"hello": "world"}', "not GeoJSON", {}),
    "empty_collection.geojson": (b'{"type": "FeatureCollection", "features": []}', "has no features", {}),
    "empty.csv": (b"", "the file is empty", {}),
    "blank.geojson": (b"  \n\n ", "the file is empty", {}),
    "header_only.csv": ("名称,经度,纬度\n".encode(), "no data rows", {}),
    "broken.zip": (b"PK\x03\x04" + b"\x00garbage" * 20, "not a readable zip archive", {}),
    "missing_dbf.zip": (None, "lacks its .dbf", {}),
    "no_shp.zip": (None, "has no .shp file", {}),
    "traversal.zip": (None, "path traversal", {}),
    "absolute_path.zip": (None, "path traversal", {}),
    "symlink.zip": (None, "symbolic link", {}),
    "bomb.zip": (None, "zip bomb", {}),
    "csv_named.geojson": (OK_ROWS.encode(), "extension says GeoJSON but the content is CSV", {}),
    "csv_named.xlsx": (OK_ROWS.encode(), "extension says Excel (.xlsx) but the content is CSV", {}),
    "geojson_named.csv": (_fc(POINT).encode(), "extension says CSV but the content is GeoJSON", {}),
    "old_excel.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel .xls", {}),
    "bare.shp": (b"\x00\x00\x27\x0a" + b"\x00" * 96, "zip them together", {}),
    "random.bin": (bytes(range(256)) * 4, "not a supported format", {}),
    "corrupt.gpkg": (b"SQLite format 3\x00" + b"\x13garbage" * 100, "cannot open", {}),
    "non_numeric.csv": ("名称,经度,纬度\n甲,114.3,30.5\n乙,114.3abc,30.6\n".encode(),
                        "row 3: longitude '114.3abc'", {}),
    "blank_latitude.csv": ("名称,经度,纬度\n甲,114.3,\n".encode(), "row 2: latitude (column '纬度') is empty", {}),
    "swapped.csv": ("名称,经度,纬度\n甲,30.5446,114.3022\n乙,28.18,112.93\n".encode(), "look swapped", {}),
    "swapped.geojson": (_fc({"type": "Point", "coordinates": [30.5, 114.3]}).encode(), "look swapped", {}),
    "metres.csv": (b"name,x,y\nA,512345.6,3380123.4\nB,498000.0,3301000.0\n", "projected metres", {}),
    "out_of_range.csv": (b"name,lon,lat\nA,114.3,30.5\nB,214.3,30.5\n", "out of range", {}),
    "no_coordinates.csv": ("name,city\nA,武汉\n".encode(), "cannot tell which columns", {}),
    "null_geometry.geojson": (_fc(POINT, None).encode(), "1 of 2 features have no geometry", {}),
    "empty_geometry.geojson": (_fc({"type": "Polygon", "coordinates": []}).encode(), "have no geometry", {}),
    "bowtie.geojson": (_fc({"type": "Polygon", "coordinates": [[[114, 30], [115, 31], [115, 30], [114, 31],
                                                                 [114, 30]]]}).encode(), "invalid geometries", {}),
    "bad_coordinates.geojson": (_fc({"type": "Point", "coordinates": "abc"}).encode(), "unreadable geometry", {}),
    "nan.geojson": (_fc(POINT).replace("114.3", "NaN").encode(), "unreadable geometry", {}),
    "nan.csv": ("名称,经度,纬度\n甲,nan,30.5\n".encode(), "row 2: longitude 'nan'", {}),
    "not_text.csv": (b"name,lon,lat\n\xff\xfe\xff,114.3,30.5\n", "text is not valid", {}),
    "broken.kml": (b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><Poi',
                   "", {}),
    "too_large.csv": ((OK_ROWS * 200).encode(), "over the 1 kB import limit", {"MYE_MAX_IMPORT_MB": "0.001"}),
}


def main() -> None:
    for old in HERE.iterdir():
        if old.name not in ("make_corpus.py", "__pycache__"):
            old.unlink()
    shp = {"parks.shp": b"\x00\x00\x27\x0a" + b"\x00" * 96, "parks.shx": b"\x00\x00\x27\x0a" + b"\x00" * 96}
    _zip("missing_dbf.zip", shp)
    _zip("no_shp.zip", {"readme.txt": b"nothing here"})
    _zip("traversal.zip", {"../../evil.shp": b"x", "ok.txt": b"y"})
    _zip("absolute_path.zip", {"/tmp/evil.shp": b"x"})
    _zip("symlink.zip", {"a.txt": b"x"}, symlink="parks.shp")
    _zip("bomb.zip", {"parks.dbf": b"\x00" * (20 * 1024 * 1024)})
    expected = {}
    for name, (content, message, env) in CASES.items():
        if content is not None:
            (HERE / name).write_bytes(content)
        expected[name] = {"message": message, "env": env}
    (HERE / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
