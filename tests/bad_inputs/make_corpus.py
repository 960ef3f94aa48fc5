"""Write the corpus of bad import files and ``expected.json`` (file -> message fragment, environment, options).

Run from the project root: ``python tests/bad_inputs/make_corpus.py``; the output is committed (all small:
the zip bomb declares 20 MB of zeros in ~20 kB). Each case may carry ``env`` (environment for the run),
``options`` (:class:`workspace.ReadOptions` fields for the app's path, given as ``--option value`` to the CLI)
and ``prefix`` (how the message starts when it is not about the file itself, e.g. a bad setting).
"""

from __future__ import annotations

import io
import json
import stat
import struct
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OK_ROWS = "名称,经度,纬度\n黄鹤楼,114.3022,30.5446\n"
POINT = {"type": "Point", "coordinates": [114.3, 30.5]}
FIXED_TIME = (2024, 1, 1, 0, 0, 0)  # zip entry times, so a rerun writes the same bytes


def _fc(*geometries) -> str:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": f"f{i}"}, "geometry": g} for i, g in enumerate(geometries)]})


def _zip_bytes(entries: dict[str, bytes], *, symlink: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for entry, data in entries.items():
            zf.writestr(zipfile.ZipInfo(entry, FIXED_TIME), data, zipfile.ZIP_DEFLATED)
        if symlink:
            info = zipfile.ZipInfo(symlink, FIXED_TIME)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return buf.getvalue()


def _zip(name: str, entries: dict[str, bytes], *, symlink: str | None = None) -> bytes:
    data = _zip_bytes(entries, symlink=symlink)
    (HERE / name).write_bytes(data)
    return data


def _nested_collection(depth: int) -> dict:
    geometry: dict = POINT
    for _ in range(depth):
        geometry = {"type": "GeometryCollection", "geometries": [geometry]}
    return geometry


def _shapefile(n_shapes: int, n_records: int) -> dict[str, bytes]:
    """A point Shapefile whose .shp/.shx hold ``n_shapes`` points and whose .dbf holds ``n_records`` rows."""
    records = b"".join(struct.pack(">2i", i + 1, 10) + struct.pack("<i2d", 1, 114.3 + i % 100 / 100,
                                                                   30.5 + i // 100 % 100 / 100)
                       for i in range(n_shapes))
    bbox = struct.pack("<4d", 114.3, 30.5, 115.3, 31.5) + bytes(32)

    def header(length_bytes: int) -> bytes:
        return struct.pack(">7i", 9994, 0, 0, 0, 0, 0, length_bytes // 2) + struct.pack("<2i", 1000, 1) + bbox

    shp = header(100 + len(records)) + records
    shx = header(100 + 8 * n_shapes) + b"".join(struct.pack(">2i", 50 + 14 * i, 10) for i in range(n_shapes))
    field = b"NAME".ljust(11, b"\x00") + b"C" + bytes(4) + bytes([10, 0]) + bytes(14)
    dbf = (struct.pack("<4BIHH", 3, 124, 1, 1, n_records, 32 + 32 + 1, 1 + 10) + bytes(20) + field + b"\r"
           + b"".join(b" " + f"p{i}".ljust(10).encode() for i in range(n_records)) + b"\x1a")
    prj = (b'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
           b'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]')
    return {"pts.shp": shp, "pts.shx": shx, "pts.dbf": dbf, "pts.prj": prj, "pts.cpg": b"UTF-8"}


def _xlsx(sheet_xml: bytes | None = None, *, drop_sheet: bool = False, workbook_xml: bytes | None = None) -> bytes:
    """A one-sheet workbook (名称, 经度, 纬度; one row), with its sheet or workbook part replaced or dropped."""
    sheet = sheet_xml if sheet_xml is not None else _sheet(b"114.3")
    parts = {
        "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
        b'org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        b'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
        b'"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+'
        b'xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-office'
        b'document.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
        b'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/office'
        b'Document/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": workbook_xml or b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
        b'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas'
        b'.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
        b'formats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }
    if not drop_sheet:
        parts["xl/worksheets/sheet1.xml"] = sheet
    return _zip_bytes(parts)


def _sheet(lon: bytes, *, doctype: bytes = b"", name: bytes = "甲".encode()) -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?>' + doctype + b'<worksheet xmlns="http://schemas.openxmlformats.'
            b'org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>' + "名称".encode()
            + b'</t></is></c><c r="B1" t="inlineStr"><is><t>' + "经度".encode() + b'</t></is></c><c r="C1" t='
            b'"inlineStr"><is><t>' + "纬度".encode() + b'</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is>'
            b'<t>' + name + b'</t></is></c><c r="B2"><v>' + lon + b'</v></c><c r="C2"><v>30.5</v></c></row>'
            b'</sheetData></worksheet>')


_LAUGHS = (b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
           + b"".join(b'<!ENTITY %c "%s">' % (98 + i, b"&%c;" % (97 + i) * 10) for i in range(8)) + b"]>")
_XXE = b'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


# file name -> (content, expected message fragment, extra environment[, read options[, message prefix]])
CASES: dict[str, tuple] = {
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
    # Issue #14: hostile and damaged input.
    "deep.geojson": (('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"a": '
                      + "[" * 1000 + "]" * 1000 + '}, "geometry": ' + json.dumps(POINT) + "}]}").encode(),
                     "nested too deeply", {}),
    "deep_geometry.geojson": (_fc(POINT).replace(json.dumps(POINT), '{"type": "GeometryCollection", "geometries": ['
                                                  * 1000 + json.dumps(POINT) + "]}" * 1000).encode(),
                              "nested too deeply", {}),
    "nested_collection.geojson": (_fc(_nested_collection(33)).encode(), "geometry collections nested 33 deep", {}),
    "truncated.xlsx": (_xlsx()[:300], "not a readable zip archive", {}),
    "xxe.xlsx": (_xlsx(_sheet(b"114.3", doctype=_XXE, name=b"&x;")), "declares a document type", {}),
    "entities.xlsx": (_xlsx(_sheet(b"114.3", doctype=_LAUGHS, name=b"&i;")), "declares a document type", {}),
    "bad_sheet.xlsx": (_xlsx(_sheet(b"114.3")[:400]), "not a readable Excel workbook", {}),
    "missing_sheet.xlsx": (_xlsx(drop_sheet=True), "not a readable Excel workbook", {}),
    "bad_workbook.xlsx": (_xlsx(workbook_xml=b"<workbook"), "not a readable Excel workbook", {}),
    "huge_cell.xlsx": (_xlsx(_sheet(b"1e999")), "row 2: longitude 'inf' (column '经度') is not a number", {}),
    "huge_integer.xlsx": (_xlsx(_sheet(b"1" * 400)), "row 2: longitude", {}),
    "rot13.csv": (OK_ROWS.encode(), "'rot13' is not a text encoding", {}, {"encoding": "rot13"}),
    "unknown_codec.csv": (OK_ROWS.encode(), "unknown text encoding 'klingon'", {}, {"encoding": "klingon"}),
    "limit_inf.csv": (OK_ROWS.encode(), "MYE_MAX_IMPORT_MB='inf' is not a size in MB", {"MYE_MAX_IMPORT_MB": "inf"},
                      {}, ""),
    "limit_nan.csv": (OK_ROWS.encode(), "MYE_MAX_IMPORT_MB='nan' is not a size in MB", {"MYE_MAX_IMPORT_MB": "nan"},
                      {}, ""),
    "limit_abc.csv": (OK_ROWS.encode(), "MYE_MAX_IMPORT_MB='abc' is not a size in MB", {"MYE_MAX_IMPORT_MB": "abc"},
                      {}, ""),
    "features_bad.csv": (OK_ROWS.encode(), "MYE_MAX_IMPORT_FEATURES='1e3' is not a whole number",
                         {"MYE_MAX_IMPORT_FEATURES": "1e3"}, {}, ""),
    "dbf_fewer.zip": (_zip_bytes(_shapefile(10, 3)), "pts.shp has 10 shapes but its .dbf 3 records", {}),
    "dbf_more.zip": (_zip_bytes(_shapefile(3, 10)), "pts.shp has 3 shapes but its .dbf 10 records", {}),
    "too_many_features.zip": (_zip_bytes(_shapefile(10, 10)), "10 features is over the 5-feature import limit",
                              {"MYE_MAX_IMPORT_FEATURES": "5"}),
    "too_many_rows.csv": ((OK_ROWS + "乙,114.3,30.5\n" * 9).encode(), "10 features is over the 5-feature import limit",
                          {"MYE_MAX_IMPORT_FEATURES": "5"}),
    "too_many_vertices.geojson": (_fc({"type": "LineString", "coordinates": [[114 + i / 100, 30.5] for i in range(50)]}
                                      ).encode(), "50 vertices is over the 20-vertex import limit",
                                  {"MYE_MAX_IMPORT_VERTICES": "20"}),
    "underscore_digits.csv": ("名称,经度,纬度\n甲,1_14.5,30.5\n".encode(), "row 2: longitude '1_14.5'", {}),
    "minutes_over_59.csv": ("名称,经度,纬度\n甲,114°99′,30°30′\n".encode(), "row 2: longitude '114°99′'", {}),
    "seconds_over_59.csv": ("名称,经度,纬度\n甲,114°18′75″,30°30′\n".encode(), "row 2: longitude '114°18′75″'", {}),
    "infinite.csv": ("名称,经度,纬度\n甲,inf,30.5\n".encode(), "row 2: longitude 'inf'", {}),
    "escape_names.zip": (_zip_bytes({f"{stem}/{k}": v for stem in ("\x1b[31mred", "\x1b]0;owned\x07")
                                     for k, v in _shapefile(1, 1).items()}),
                         "holds 2 Shapefiles (\\x1b[31mred/pts, \\x1b]0;owned\\x07/pts)", {}),
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
    for name, (content, message, env, *more) in CASES.items():
        if content is not None:
            (HERE / name).write_bytes(content)
        expected[name] = {"message": message, "env": env}
        if more:
            expected[name]["options"] = more[0]
        if len(more) > 1:
            expected[name]["prefix"] = more[1]
    (HERE / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
