"""Read planners' own files into GeoDataFrames in WGS-84 lon/lat (EPSG:4326).

Formats: CSV/XLSX with coordinate columns, GeoJSON, KML/KMZ, zipped Shapefile
and GeoPackage. The format is decided by the content, and a known extension
that contradicts it is an error. The user states the source coordinate system
(WGS-84, CGCS2000, GCJ-02 as in 高德/腾讯, BD-09 as in 百度, or an EPSG code);
files that declare their own CRS (.prj, GeoPackage) are read in it unless the
user says otherwise. Every problem is a :class:`~workspace.errors.UserDataError`
with a one-line message naming the file; likely mistakes that still give a
usable layer are returned as warnings.

Nothing here touches the workspace: a file is read and checked completely
before anything is stored.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import math
import os
import re
import stat
import struct
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import ParseError

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pyogrio.errors
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from geo.crs import CGCS2000, GEOD, WGS84, shift_geometry
from geo.options import finite_number
from workspace.errors import (
    BadCoordinatesError,
    BadGeometryError,
    CoordinateColumnsError,
    EmptyFileError,
    EncodingError,
    FileTooLargeError,
    MalformedFileError,
    MissingPartsError,
    NeedsTableError,
    SettingError,
    UnknownCRSError,
    UnsafeArchiveError,
    UnsupportedFormatError,
    UserDataError,
    WrongExtensionError,
)
from workspace.scratch import scratch_dir

__all__ = [
    "CRS_CHOICES",
    "DEFAULT_MAX_FEATURES",
    "DEFAULT_MAX_MB",
    "DEFAULT_MAX_VERTICES",
    "ENCODINGS",
    "FORMAT_NAMES",
    "MAX_COLLECTION_DEPTH",
    "MAX_FEATURES_ENV",
    "MAX_MB_ENV",
    "MAX_VERTICES_ENV",
    "REGION_BBOX",
    "ImportLimits",
    "ReadOptions",
    "ReadResult",
    "SourceCRS",
    "guess_crs",
    "guess_lonlat",
    "import_limits",
    "max_bytes",
    "parse_source_crs",
    "read_file",
    "sniff_format",
    "table_columns",
]

DEFAULT_MAX_MB = 50
MAX_MB_ENV = "MYE_MAX_IMPORT_MB"
# A file within the size limit can still hold millions of features (an 11 MB zip of points held 1.9 million):
# features and vertices have limits of their own, stated in the message and set like the size limit.
DEFAULT_MAX_FEATURES = 200_000
MAX_FEATURES_ENV = "MYE_MAX_IMPORT_FEATURES"
DEFAULT_MAX_VERTICES = 5_000_000
MAX_VERTICES_ENV = "MYE_MAX_IMPORT_VERTICES"
# RFC 7946 says nested GeometryCollections SHOULD be avoided; GDAL's writers stop at 32 levels.
MAX_COLLECTION_DEPTH = 8
# lon_min, lat_min, lon_max, lat_max of the agglomeration's neighbourhood (EPSG:4326).
REGION_BBOX = (108.0, 24.0, 119.0, 33.0)
FAR_KM = 300.0
# A zip may unpack to this many times the size limit; a single entry over 1 MiB may not be compressed more than
# MAX_RATIO:1. Real data (DBF padded with blanks) reaches ~100:1; deflate bombs sit near its 1032:1 maximum.
UNPACK_FACTOR = 4
MAX_RATIO = 500
MAX_ENTRIES = 2000
ENCODINGS = ("utf-8", "gbk", "gb18030")
# User-facing source systems (key -> bilingual label); any "EPSG:N" is accepted as well.
CRS_CHOICES = {
    "wgs84": ("WGS-84 (GPS、谷歌地球、奥维默认)", "WGS-84 (GPS, Google Earth)"),
    "cgcs2000": ("CGCS2000 (天地图、国土数据)", "CGCS2000 (Tianditu, land surveys)"),
    "gcj02": ("GCJ-02 (高德、腾讯)", "GCJ-02 (Amap/Gaode, Tencent)"),
    "bd09": ("BD-09 (百度)", "BD-09 (Baidu)"),
}
FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel (.xlsx)", "geojson": "GeoJSON", "kml": "KML", "zip": "zip archive",
                "gpkg": "GeoPackage", "xls": "old Excel (.xls)", "xml": "XML", "binary": "unknown binary data"}
_EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".geojson": "geojson",
               ".json": "geojson", ".kml": "kml", ".kmz": "zip", ".zip": "zip", ".gpkg": "gpkg", ".xls": "xls"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OGR_ERRORS = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FieldError,
               pyogrio.errors.GeometryError, pyogrio.errors.FeatureError, pyogrio.errors.CRSError, RuntimeError,
               OSError)
# openpyxl has no error type of its own: a damaged part surfaces as whichever of these its parser meets first.
_XLSX_ERRORS = (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, AttributeError, OSError, EOFError,
                ParseError)
# Office writes no document type declarations; one in a workbook part can only be an entity payload (XXE, or
# "billion laughs" expansion). Declarations must come before the root element, so the head of each part tells.
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_HEAD = 65536
# LIBKML bookkeeping columns that carry no information for a planner.
_KML_NOISE = {"timestamp", "begin", "end", "altitudeMode", "tessellate", "extrude", "visibility", "drawOrder",
              "icon", "snippet"}


@dataclass(frozen=True)
class SourceCRS:
    """The coordinate system the user says a file is in.

    ``crs`` is the pyproj CRS (None: the file's own, else WGS-84); ``datum``
    is ``wgs84``, ``gcj02`` or ``bd09`` (the Chinese web-map offsets applied
    on top of lon/lat degrees); ``key`` is what the user chose, for records.
    """

    key: str
    crs: CRS | None
    datum: str = "wgs84"


_ALIASES = {"wgs84": "wgs84", "wgs": "wgs84", "gps": "wgs84", "4326": "wgs84", "epsg:4326": "wgs84",
            "cgcs2000": "cgcs2000", "cgcs": "cgcs2000", "4490": "cgcs2000", "epsg:4490": "cgcs2000",
            "gcj02": "gcj02", "gcj": "gcj02", "amap": "gcj02", "gaode": "gcj02", "高德": "gcj02", "腾讯": "gcj02",
            "bd09": "bd09", "bd": "bd09", "baidu": "bd09", "百度": "bd09"}


def parse_source_crs(text: str | None) -> SourceCRS:
    """A :class:`SourceCRS` from ``wgs84``, ``cgcs2000``, ``gcj02``, ``bd09``, ``EPSG:N`` or None/"" (automatic)."""
    if text is None or not str(text).strip() or str(text).strip().lower() == "auto":
        return SourceCRS("auto", None)
    raw = str(text).strip()
    key = _ALIASES.get(raw.lower().replace("-", "").replace("_", "").replace(" ", ""))
    if key in ("wgs84", "gcj02", "bd09"):
        return SourceCRS(key, WGS84, key)
    if key == "cgcs2000":
        return SourceCRS(key, CGCS2000)
    code = raw.upper().removeprefix("EPSG:").strip()
    if not code.isdigit():
        raise UnknownCRSError(f"unknown coordinate system {raw!r}; use wgs84, cgcs2000, gcj02, bd09 or EPSG:N")
    try:
        crs = CRS.from_epsg(int(code))
    except CRSError:
        raise UnknownCRSError(f"unknown EPSG code {raw!r}; check the number (e.g. EPSG:4547)") from None
    return SourceCRS(f"EPSG:{code}", crs)


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file. ``crs``: see :func:`parse_source_crs`; ``lon``/``lat``: column names for tables
    (detected when None); ``encoding``: text encoding for CSV/DBF (detected when None); ``table``: the
    GeoPackage layer, Shapefile or sheet to read; ``max_bytes``, ``max_features``, ``max_vertices``: limits
    (None: :func:`import_limits`)."""

    crs: str | None = None
    lon: str | None = None
    lat: str | None = None
    encoding: str | None = None
    table: str | None = None
    max_bytes: int | None = None
    max_features: int | None = None
    max_vertices: int | None = None


@dataclass(frozen=True)
class ImportLimits:
    """What one import may hold: file size in bytes, features, and vertices over all features."""

    max_bytes: int
    max_features: int
    max_vertices: int


def _env_number(name: str, default: float, *, whole: bool) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = finite_number(raw)
    except ValueError:
        value = math.nan
    if not value > 0 or (whole and not re.fullmatch(r"\s*\d+\s*", raw)):
        what = "a whole number" if whole else "a size in MB"
        raise SettingError(f"{name}={raw[:40]!r} is not {what}; set a positive number such as {default:g} "
                           "or unset it")
    return value


def import_limits(options: ReadOptions | None = None) -> ImportLimits:
    """The import limits: each option if set, else ``$MYE_MAX_IMPORT_MB`` (default 50), ``$MYE_MAX_IMPORT_FEATURES``
    (200,000) and ``$MYE_MAX_IMPORT_VERTICES`` (5,000,000). A setting that is not a positive number (``inf``,
    ``nan``, ``abc``, ``0``) raises :class:`~workspace.errors.SettingError`, so every front end refuses it at start
    with one line instead of failing at each import or silently using the default."""
    mb = _env_number(MAX_MB_ENV, DEFAULT_MAX_MB, whole=False)
    features = int(_env_number(MAX_FEATURES_ENV, DEFAULT_MAX_FEATURES, whole=True))
    vertices = int(_env_number(MAX_VERTICES_ENV, DEFAULT_MAX_VERTICES, whole=True))
    o = options or ReadOptions()
    return ImportLimits(max_bytes=o.max_bytes if o.max_bytes is not None else int(mb * 1024 * 1024),
                        max_features=o.max_features if o.max_features is not None else features,
                        max_vertices=o.max_vertices if o.max_vertices is not None else vertices)


@dataclass(frozen=True)
class ReadResult:
    """A file read and checked: ``frame`` in EPSG:4326 (attributes as in the file, columns sanitised),
    the ``format`` key, the source system actually used (``crs_label``) and ``warnings`` (one line each)."""

    frame: gpd.GeoDataFrame
    format: str
    crs_label: str
    warnings: tuple[str, ...] = ()
    encoding: str | None = None


@dataclass
class _Context:
    label: str
    options: ReadOptions
    source: SourceCRS
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None
    unit: str = "feature"  # how messages number items: "row" (tables, 1 = header) or "feature"


def max_bytes(options: ReadOptions | None = None) -> int:
    """The import size limit in bytes: the option, else ``$MYE_MAX_IMPORT_MB``, else 50 MB (:func:`import_limits`)."""
    return import_limits(options).max_bytes


def _check_count(n: int, ctx: _Context) -> None:
    limit = import_limits(ctx.options).max_features
    if n > limit:
        raise FileTooLargeError(f"{ctx.label}: {n:,} features is over the {limit:,}-feature import limit "
                                f"(${MAX_FEATURES_ENV}); split the file or raise the limit")


# --------------------------------------------------------------------------------------------- sniffing


def _content_format(path: Path, label: str) -> str:
    with path.open("rb") as fh:
        head = fh.read(8192)
    if not head.strip():
        raise EmptyFileError(f"{label}: the file is empty")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, OSError, ValueError) as err:
            raise MalformedFileError(f"{label}: not a readable zip archive ({err}); the file may be truncated"
                                     ) from None
        return "xlsx" if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names) else "zip"
    if head.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if head.startswith(_OLE_MAGIC):
        return "xls"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"{", b"["):
        return "geojson"
    if text[:1] == b"<":
        return "kml" if b"<kml" in head.lower() else "xml"
    if b"\x00" in head:
        return "binary"
    return "csv"


def sniff_format(path: Path, label: str | None = None) -> str:
    """The format key of ``path`` (``csv``, ``xlsx``, ``geojson``, ``kml``, ``zip``, ``gpkg``) from its content.

    A known extension that disagrees with the content raises :class:`WrongExtensionError`.
    """
    label = label or path.name
    ext = path.suffix.lower()
    if ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
        raise UnsupportedFormatError(f"{label}: a Shapefile has several parts (.shp, .shx, .dbf, .prj); "
                                     "zip them together and import the .zip")
    content = _content_format(path, label)
    if content == "xls":
        raise UnsupportedFormatError(f"{label}: old Excel .xls format is not supported; save it as .xlsx or CSV")
    claimed = _EXTENSIONS.get(ext)
    if claimed is not None and claimed != content:
        raise WrongExtensionError(f"{label}: the extension says {FORMAT_NAMES[claimed]} but the content is "
                                  f"{FORMAT_NAMES[content]}; rename the file or export it again")
    if content in ("xml", "binary"):
        raise UnsupportedFormatError(f"{label}: {FORMAT_NAMES[content]} is not a supported format; use CSV, XLSX, "
                                     "GeoJSON, KML, a zipped Shapefile or a GeoPackage")
    return content


# ------------------------------------------------------------------------------------------------- zips


def _entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name; Chinese Windows zips store GBK names without the UTF-8 flag (read as cp437)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _check_archive(zf: zipfile.ZipFile, label: str, limit: int) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """The archive's files with safe relative paths; raise on traversal, links, bombs or excess size."""
    infos = [i for i in zf.infolist() if not i.is_dir()]
    if len(infos) > MAX_ENTRIES:
        raise UnsafeArchiveError(f"{label}: the archive holds {len(infos)} files (at most {MAX_ENTRIES})")
    total = 0
    out = []
    for info in infos:
        name = _entry_name(info).replace("\\", "/")
        rel = PurePosixPath(name)
        if name.startswith("/") or ".." in rel.parts or (rel.parts and ":" in rel.parts[0]):
            raise UnsafeArchiveError(f"{label}: archive entry {name!r} points outside the archive "
                                     "(path traversal); refusing to unpack")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise UnsafeArchiveError(f"{label}: archive entry {name!r} is a symbolic link; refusing to unpack")
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise UnsafeArchiveError(f"{label}: archive entry {name!r} expands {ratio} times (zip bomb?); "
                                     "refusing to unpack")
        total += info.file_size
        if total > UNPACK_FACTOR * limit:
            raise FileTooLargeError(f"{label}: the archive unpacks to more than {_size(UNPACK_FACTOR * limit)}")
        out.append((info, rel))
    return out


def _extract(path: Path, label: str, dest: Path, limit: int) -> list[Path]:
    """Unpack ``path`` into ``dest`` after :func:`_check_archive`; return the files written."""
    written = []
    try:
        with zipfile.ZipFile(path) as zf:
            for info, rel in _check_archive(zf, label, limit):
                target = dest.joinpath(*rel.parts)
                if not target.resolve().is_relative_to(dest.resolve()):
                    raise UnsafeArchiveError(f"{label}: archive entry {str(rel)!r} points outside the archive")
                target.parent.mkdir(parents=True, exist_ok=True)
                # zipfile stops at the declared size and checks the CRC, so a lying header cannot overfill the disk.
                with zf.open(info) as src, target.open("wb") as dst:
                    while chunk := src.read(1 << 20):
                        dst.write(chunk)
                written.append(target)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as err:
        if isinstance(err, (UnsafeArchiveError, FileTooLargeError)):
            raise
        raise MalformedFileError(f"{label}: damaged zip archive ({err})") from None
    return written


# --------------------------------------------------------------------------------------------- encodings


def _decode(data: bytes, ctx: _Context) -> str:
    """Text in the user's encoding, else UTF-8 (with or without BOM), else GB18030 (a superset of GBK)."""
    tried = [ctx.options.encoding] if ctx.options.encoding else ["utf-8-sig", "gb18030"]
    for enc in tried:
        try:
            text = data.decode(_codec(enc, ctx.label))
        except UnicodeDecodeError:
            continue
        ctx.encoding = "utf-8" if enc == "utf-8-sig" else enc
        return text.removeprefix("\ufeff")
    raise EncodingError(f"{ctx.label}: text is not valid {' or '.join(e.upper().removesuffix('-SIG') for e in tried)}; "
                        "choose the file's encoding")


def _codec(name: str, label: str) -> str:
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise EncodingError(f"{label}: unknown text encoding {name!r}; use utf-8, gbk or gb18030") from None
    try:
        "a".encode(codec)  # rot13, base64, zlib … are codecs, but not between bytes and text
    except LookupError:
        raise EncodingError(f"{label}: {name!r} is not a text encoding; use utf-8, gbk or gb18030") from None
    except UnicodeError:
        pass  # a text encoding without "a" (EBCDIC variants) is still one
    return codec


def _dbf_encoding(dbf: Path) -> str:
    """UTF-8 if the DBF's header and records decode as UTF-8, else GB18030 (Chinese GIS tools' default)."""
    data = dbf.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


# ----------------------------------------------------------------------------------------------- tables

_LON_EXACT = {"经度", "东经", "lng", "lon", "long", "longitude", "x", "经度e", "gcjlng", "bdlng", "wgslng", "lng84"}
_LAT_EXACT = {"纬度", "北纬", "lat", "latitude", "y", "纬度n", "gcjlat", "bdlat", "wgslat", "lat84"}
_LON_TOKENS = {"lng", "lon", "long", "longitude"}
_LAT_TOKENS = {"lat", "latitude"}
_PAIR_NAMES = {"坐标", "经纬度", "经纬度坐标", "lnglat", "lonlat", "location", "coordinates", "coordinate", "coords"}


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-()（）\[\]°.]", "", unicodedata.normalize("NFKC", str(name)).lower())


def _score(name: str, exact: set[str], tokens: set[str], words: tuple[str, ...]) -> int:
    """How surely a column holds the coordinate: 3 exact name, 2 name token, 1 contains 经度/纬度, 0 no."""
    n = _norm(name)
    if n in exact:
        return 3
    parts = re.split(r"[^a-z]+", unicodedata.normalize("NFKC", str(name)).lower())
    if tokens & set(parts) or any(n.startswith(t) and len(t) > 1 for t in tokens if t not in ("long",)):
        return 2
    return 1 if any(w in n for w in words) else 0


_CRS_HINTS = (("gcj02", ("gcj", "高德", "amap", "gaode", "腾讯", "tencent", "火星")),
              ("bd09", ("bd09", "bd-09", "百度", "baidu")),
              ("cgcs2000", ("cgcs", "2000坐标", "天地图", "tianditu")),
              ("wgs84", ("wgs", "gps", "奥维", "google")))


def guess_crs(file_name: str, columns: Sequence[str] = ()) -> tuple[str, str] | None:
    """A guess at a table's coordinate system from its file and column names: (CRS_CHOICES key, the word that
    gave it away), or None. Only a guess: a planner confirms it (a 高德 table read as WGS-84 is ~500 m off)."""
    for key, words in _CRS_HINTS:
        for text in (file_name, *columns):
            low = str(text).lower()
            hit = next((w for w in words if w in low), None)
            if hit:
                return key, str(text)
    return None


def guess_lonlat(columns: Sequence[str]) -> tuple[str | None, str | None, str | None]:
    """Guess the (longitude, latitude, combined "lon,lat") columns from their names; None where not found."""
    def best(exact, tokens, words):
        scored = [(s, -i, c) for i, c in enumerate(columns) if (s := _score(c, exact, tokens, words))]
        return max(scored)[2] if scored else None

    lon = best(_LON_EXACT, _LON_TOKENS, ("经度", "东经"))
    lat = best(_LAT_EXACT, _LAT_TOKENS, ("纬度", "北纬"))
    pair = next((c for c in columns if _norm(c) in _PAIR_NAMES), None)
    if lon == lat:
        lon = lat = None
    return lon, lat, pair


def _read_table(path: Path, fmt: str, ctx: _Context) -> pd.DataFrame:
    if fmt == "xlsx":
        return _read_xlsx(path, ctx)
    text = _decode(path.read_bytes(), ctx)
    sample = text[:65536]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        delimiter = ","
    try:
        df = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, skip_blank_lines=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as err:
        raise MalformedFileError(f"{ctx.label}: not a readable CSV table ({err})") from None
    _check_count(len(df), ctx)
    return df


def _refuse_dtd(zf: zipfile.ZipFile, entries: list[tuple[zipfile.ZipInfo, PurePosixPath]], label: str) -> None:
    for info, rel in entries:
        if rel.suffix.lower() in (".xml", ".rels", ".vml"):
            with zf.open(info) as part:
                if _DTD.search(part.read(_XML_HEAD)):
                    raise UnsafeArchiveError(f"{label}: workbook part {str(rel)!r} declares a document type "
                                             "(an XML entity payload?); save the workbook again from Excel or WPS")


def _read_xlsx(path: Path, ctx: _Context) -> pd.DataFrame:
    """The chosen sheet as text and numbers, first row the header. Read with openpyxl itself: pandas turns a cell
    holding 1e999 into an OverflowError; here it is infinity, which the coordinate check then names by row."""
    limit = import_limits(ctx.options)
    try:
        with zipfile.ZipFile(path) as zf:
            _refuse_dtd(zf, _check_archive(zf, ctx.label, limit.max_bytes), ctx.label)
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except _XLSX_ERRORS as err:
        if isinstance(err, UserDataError):
            raise
        raise MalformedFileError(f"{ctx.label}: not a readable Excel workbook ({_first_line(err)})") from None
    try:
        names = list(book.sheetnames)
        if not names:
            raise MalformedFileError(f"{ctx.label}: not a readable Excel workbook (it has no worksheet)")
        sheet = ctx.options.table or names[0]
        if sheet not in names:
            raise NeedsTableError(f"{ctx.label}: no sheet {sheet!r}; sheets are {', '.join(names)}", names)
        if len(names) > 1 and not ctx.options.table:
            ctx.warnings.append(f"{ctx.label}: read sheet {sheet!r}; the workbook also has {', '.join(names[1:])}")
        rows = []
        for row in book[sheet].iter_rows(values_only=True):
            if any(v is not None and not (isinstance(v, str) and not v.strip()) for v in row):
                rows.append(row)
                _check_count(len(rows) - 1, ctx)
    except _XLSX_ERRORS as err:
        if isinstance(err, UserDataError):
            raise
        raise MalformedFileError(f"{ctx.label}: not a readable Excel workbook ({_first_line(err)})") from None
    finally:
        book.close()
    if not rows:
        raise EmptyFileError(f"{ctx.label}: sheet {sheet!r} is empty")
    width = max(len(r) for r in rows)
    header = [_header(v, i) for i, v in enumerate([*rows[0], *[None] * (width - len(rows[0]))])]
    data = [[*r, *[None] * (width - len(r))] for r in rows[1:]]
    # Excel gives numbers as int/float and text as str; the coordinate parser takes both, other cells stay typed.
    return pd.DataFrame(data, columns=_unique(header), dtype=object)


def _header(value: object, i: int) -> str:
    return f"Unnamed: {i}" if value is None or (isinstance(value, str) and not value.strip()) else str(value)


def _unique(names: list[str]) -> list[str]:
    """Repeated header names as pandas makes them: ``a``, ``a.1``, ``a.2``."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        k = seen.get(name, 0)
        seen[name] = k + 1
        out.append(name if k == 0 else f"{name}.{k}")
    return out


def table_columns(path: str | os.PathLike, options: ReadOptions | None = None) -> list[str]:
    """The column names of a CSV/XLSX file (for the app's lon/lat selects); [] for other formats."""
    path = Path(path)
    options = options or ReadOptions()
    _check_size(path, path.name, max_bytes(options))
    fmt = sniff_format(path)
    if fmt not in ("csv", "xlsx"):
        return []
    ctx = _Context(path.name, options, parse_source_crs(options.crs))
    return [str(c) for c in _read_table(path, fmt, ctx).columns]


_DMS = re.compile(r"^(\d+(?:\.\d+)?)°\s*(?:(\d+(?:\.\d+)?)['′]\s*)?(?:(\d+(?:\.\d+)?)(?:\"|″|''|′′)\s*)?$",
                  re.ASCII)


def _number(value: object) -> float | None:
    """A coordinate cell as float degrees (decimal, 114.3°E, 114°18′20″); None if blank; NaN if not a number.

    Only what a person means is read: plain decimals (no ``1_14.5``, which Python reads as 114.5), and degrees,
    minutes and seconds with minutes and seconds below 60 and a fraction only on the last part given.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:  # an integer cell of hundreds of digits
            return math.nan
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    text = re.sub(r"^(东经|北纬|[EN])\s*|\s*[ENen]$", "", text).strip()
    with contextlib.suppress(ValueError):
        return finite_number(text.removesuffix("°"))
    m = _DMS.match(text)
    if not m:
        return math.nan
    parts = [g for g in m.groups() if g is not None]
    d, mi, sec = (float(g) if g else 0.0 for g in m.groups())
    if mi >= 60 or sec >= 60 or any("." in g for g in parts[:-1]) or (m.group(3) and not m.group(2)):
        return math.nan
    return d + mi / 60 + sec / 3600


def _points_from_table(df: pd.DataFrame, ctx: _Context) -> gpd.GeoDataFrame:
    columns = [str(c) for c in df.columns]
    df = df.set_axis(columns, axis=1)
    if df.empty:
        raise EmptyFileError(f"{ctx.label}: the table has no data rows")
    opts = ctx.options
    for given in (opts.lon, opts.lat):
        if given and given not in columns:
            raise CoordinateColumnsError(f"{ctx.label}: no column {given!r}; columns are {', '.join(columns[:20])}")
    glon, glat, pair = guess_lonlat(columns)
    lon_col, lat_col = opts.lon or glon, opts.lat or glat
    if lon_col and lat_col and lon_col != lat_col:
        lons, lats = df[lon_col].tolist(), df[lat_col].tolist()
        names = (lon_col, lat_col)
    elif pair and not (opts.lon or opts.lat):
        split = [re.split(r"[,，;\s]+", str(v).strip()) if str(v).strip() else [None, None] for v in df[pair]]
        lons = [p[0] for p in split]
        lats = [p[1] if len(p) > 1 else "" for p in split]
        names = (pair, pair)
    else:
        raise CoordinateColumnsError(f"{ctx.label}: cannot tell which columns hold longitude and latitude among "
                                     f"{', '.join(columns[:20])}; choose them (--lon COL --lat COL)")
    xs, ys, keep, skipped = [], [], [], []
    for i, (lo, la) in enumerate(zip(lons, lats, strict=True)):
        row = i + 2  # spreadsheet row: the header is row 1
        x, y = _number(lo), _number(la)
        if x is None and y is None:
            skipped.append(row)
            continue
        for value, parsed, what, col in ((lo, x, "longitude", names[0]), (la, y, "latitude", names[1])):
            if parsed is None:
                raise BadCoordinatesError(f"{ctx.label}: row {row}: {what} (column {col!r}) is empty")
            if not math.isfinite(parsed):
                raise BadCoordinatesError(f"{ctx.label}: row {row}: {what} {str(value)[:40]!r} (column {col!r}) "
                                          "is not a number")
        xs.append(x)
        ys.append(y)
        keep.append(i)
    if skipped:
        shown = ", ".join(map(str, skipped[:5])) + (" …" if len(skipped) > 5 else "")
        ctx.warnings.append(f"{ctx.label}: skipped {len(skipped)} rows without coordinates (rows {shown})")
    if not keep:
        raise EmptyFileError(f"{ctx.label}: no row has coordinates")
    ctx.unit = "row"
    out = df.iloc[keep].reset_index(drop=True)
    gdf = gpd.GeoDataFrame(out, geometry=shapely.points(xs, ys), crs=None)
    gdf.attrs["rows"] = [k + 2 for k in keep]
    return gdf


# ---------------------------------------------------------------------------------------- vector formats


def _read_geojson(path: Path, ctx: _Context) -> gpd.GeoDataFrame:
    text = _decode(path.read_bytes(), ctx)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as err:
        raise MalformedFileError(f"{ctx.label}: not valid JSON ({err.msg} at line {err.lineno}, column {err.colno});"
                                 " the file may be truncated") from None
    except RecursionError:
        raise MalformedFileError(f"{ctx.label}: JSON nested too deeply (about a thousand levels); no GeoJSON "
                                 "needs that") from None
    try:
        return _geojson_frame(obj, ctx)
    except RecursionError:  # a structure the JSON parser just managed, one level too deep to write back out
        raise MalformedFileError(f"{ctx.label}: JSON nested too deeply (about a thousand levels); no GeoJSON "
                                 "needs that") from None


def _geojson_frame(obj: object, ctx: _Context) -> gpd.GeoDataFrame:
    kind = obj.get("type") if isinstance(obj, dict) else None
    if kind == "FeatureCollection":
        feats = obj.get("features")
        if not isinstance(feats, list):
            raise MalformedFileError(f"{ctx.label}: FeatureCollection without a 'features' list")
    elif kind == "Feature":
        feats = [obj]
    elif kind in ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
                  "GeometryCollection"):
        feats = [{"type": "Feature", "properties": {}, "geometry": obj}]
    else:
        raise MalformedFileError(f"{ctx.label}: not GeoJSON (top-level type {kind!r}; expected FeatureCollection)")
    if not feats:
        raise EmptyFileError(f"{ctx.label}: the FeatureCollection has no features")
    _check_count(len(feats), ctx)
    records, geoms = [], []
    for i, feat in enumerate(feats, start=1):
        if not isinstance(feat, dict):
            raise MalformedFileError(f"{ctx.label}: feature {i} is not a JSON object")
        props = feat.get("properties") or {}
        if not isinstance(props, dict):
            raise MalformedFileError(f"{ctx.label}: feature {i} has properties that are not an object")
        records.append({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v
                        for k, v in props.items()})
        geom = feat.get("geometry")
        try:
            geoms.append(None if geom is None else shapely.from_geojson(json.dumps(geom)))
        except (shapely.errors.GEOSException, ValueError, TypeError) as err:
            raise BadGeometryError(f"{ctx.label}: feature {i} has an unreadable geometry "
                                   f"({_first_line(err)})") from None
    gdf = gpd.GeoDataFrame(pd.DataFrame.from_records(records, index=range(len(records))), geometry=geoms, crs=None)
    declared = (obj.get("crs") or {}).get("properties", {}).get("name") if isinstance(obj.get("crs"), dict) else None
    if declared and "CRS84" not in str(declared).upper():
        try:
            gdf.attrs["file_crs"] = CRS.from_user_input(declared)
        except CRSError:
            ctx.warnings.append(f"{ctx.label}: ignored unknown 'crs' member {declared!r}")
    return gdf


@contextlib.contextmanager
def _quiet_gdal() -> Iterator[None]:
    """GDAL's own warnings about a damaged file would add lines to the one-line message that follows."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _read_ogr(path: Path, ctx: _Context, layer: str | None, **kwargs) -> gpd.GeoDataFrame:
    try:
        with _quiet_gdal():
            # Counted before reading: a table over the limit is refused before it fills memory.
            _check_count(int(pyogrio.read_info(path, layer=layer, force_feature_count=True, **kwargs)["features"]),
                         ctx)
            gdf = pyogrio.read_dataframe(path, layer=layer, **kwargs)
    except _OGR_ERRORS as err:
        raise MalformedFileError(f"{ctx.label}: cannot read{f' {layer!r}' if layer else ''} "
                                 f"({_first_line(err)})") from None
    if gdf.crs is not None:
        gdf.attrs["file_crs"] = gdf.crs
    return gdf.set_crs(None, allow_override=True) if gdf.crs is not None else gdf


def _list_layers(path: Path, ctx: _Context) -> list[tuple[str, str | None]]:
    try:
        with _quiet_gdal():
            return [(str(n), g) for n, g in pyogrio.list_layers(path)]
    except _OGR_ERRORS as err:
        raise MalformedFileError(f"{ctx.label}: cannot open ({_first_line(err)})") from None


def _choose(ctx: _Context, names: list[str], what: str) -> str:
    if ctx.options.table:
        if ctx.options.table not in names:
            raise NeedsTableError(f"{ctx.label}: no {what} {ctx.options.table!r}; it has {', '.join(names)}", names)
        return ctx.options.table
    if len(names) > 1:
        raise NeedsTableError(f"{ctx.label}: holds {len(names)} {what}s ({', '.join(names)}); choose one "
                              "(--table NAME)", names)
    return names[0]


def _read_gpkg(path: Path, ctx: _Context) -> gpd.GeoDataFrame:
    spatial = [n for n, g in _list_layers(path, ctx) if g]
    if not spatial:
        raise EmptyFileError(f"{ctx.label}: the GeoPackage has no feature tables")
    return _read_ogr(path, ctx, _choose(ctx, spatial, "table"))


def _read_kml(path: Path, ctx: _Context) -> gpd.GeoDataFrame:
    names = [n for n, _ in _list_layers(path, ctx)]
    frames = []
    for name in names:
        part = _read_ogr(path, ctx, name)
        if len(part):
            if len(names) > 1:
                part["folder"] = name
            frames.append(part.drop(columns=[c for c in part.columns if c in _KML_NOISE]))
    if not frames:
        raise EmptyFileError(f"{ctx.label}: the KML has no placemarks")
    gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=None)
    # KML carries heights we do not draw; 2-D keeps exports and validity checks simple.
    gdf.geometry = shapely.force_2d(gdf.geometry.to_numpy())
    return gdf.drop(columns=[c for c in gdf.columns if c != "geometry" and gdf[c].isna().all()])


def _read_zip(path: Path, ctx: _Context, tmp: Path) -> gpd.GeoDataFrame:
    files = _extract(path, ctx.label, tmp, max_bytes(ctx.options))
    shps = sorted(p for p in files if p.suffix.lower() == ".shp")
    if not shps:
        inner = [p for p in files if p.suffix.lower() in (".kml", ".geojson", ".gpkg")]
        if len(inner) == 1:  # a KMZ, or one zipped file
            return _read_any(inner[0], sniff_format(inner[0], f"{ctx.label}/{inner[0].name}"), ctx, tmp)
        raise MissingPartsError(f"{ctx.label}: the archive has no .shp file (a zipped Shapefile needs .shp, .shx, "
                                ".dbf and .prj)")
    stems = {p.relative_to(tmp).with_suffix("").as_posix(): p for p in shps}
    shp = stems[_choose(ctx, list(stems), "Shapefile")]
    siblings = {p.suffix.lower(): p for p in shp.parent.iterdir() if p.stem == shp.stem}
    for part, what in ((".shx", "index"), (".dbf", "attribute table")):
        if part not in siblings:
            raise MissingPartsError(f"{ctx.label}: {shp.name} lacks its {part} ({what}); zip all parts together")
    if ".prj" not in siblings and ctx.source.crs is None:
        ctx.warnings.append(f"{ctx.label}: no .prj file; assumed WGS-84 lon/lat (choose the system if not)")
    _check_parts(shp, siblings[".shx"], siblings[".dbf"], ctx)
    encoding = ctx.options.encoding
    if encoding is None and ".cpg" not in siblings:
        encoding = _dbf_encoding(siblings[".dbf"])
    if encoding:
        _codec(encoding, ctx.label)
    ctx.encoding = encoding or "cpg"
    return _read_ogr(shp, ctx, None, encoding=encoding) if encoding else _read_ogr(shp, ctx, None)


def _check_parts(shp: Path, shx: Path, dbf: Path, ctx: _Context) -> None:
    """The .shp, .shx and .dbf must describe the same features: GDAL reads only as many as the shortest part
    holds, so a .dbf from another export would silently cost features (or attach the wrong attributes)."""
    shapes = (shx.stat().st_size - 100) // 8
    with dbf.open("rb") as fh:
        head = fh.read(12)
    if shx.stat().st_size < 100 or len(head) < 12:
        raise MalformedFileError(f"{ctx.label}: {shp.name}'s .shx or .dbf is too short to be a Shapefile part")
    records, header_len, record_len = struct.unpack("<IHH", head[4:12])
    if shapes != records:
        raise MalformedFileError(f"{ctx.label}: {shp.name} has {shapes:,} shapes but its .dbf {records:,} records; "
                                 "the parts come from different exports (zip the .shp, .shx and .dbf of one export)")
    held = (dbf.stat().st_size - header_len) // record_len if record_len else 0
    if held < records:
        raise MalformedFileError(f"{ctx.label}: {shp.name}'s .dbf declares {records:,} records but holds {held:,}; "
                                 "the file is truncated")
    if shapes:
        with shx.open("rb") as fh:
            fh.seek(100 + 8 * (shapes - 1))
            offset, length = struct.unpack(">2i", fh.read(8))  # of the last record, in 16-bit words
        if (offset + 4 + length) * 2 > shp.stat().st_size:
            raise MalformedFileError(f"{ctx.label}: {shp.name} is shorter than its .shx says; the file is truncated")
    _check_count(shapes, ctx)


def _read_any(path: Path, fmt: str, ctx: _Context, tmp: Path) -> gpd.GeoDataFrame:
    if fmt in ("csv", "xlsx"):
        return _points_from_table(_read_table(path, fmt, ctx), ctx)
    if fmt == "geojson":
        return _read_geojson(path, ctx)
    if fmt == "kml":
        return _read_kml(path, ctx)
    if fmt == "gpkg":
        return _read_gpkg(path, ctx)
    return _read_zip(path, ctx, tmp)


# ------------------------------------------------------------------------------------ checks and CRS


def _check_size(path: Path, label: str, limit: int) -> None:
    if not path.is_file():
        raise EmptyFileError(f"{label}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError(f"{label}: the file is empty")
    if size > limit:
        raise FileTooLargeError(f"{label}: {_size(size)} is over the {_size(limit)} import limit")


def _size(n: float) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 1024:.0f} kB"


def _first_line(err: BaseException, limit: int = 200) -> str:
    text = (str(err).splitlines() or [""])[0]
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _where(ctx: _Context, gdf: gpd.GeoDataFrame, i: int) -> str:
    rows = gdf.attrs.get("rows")
    return f"row {rows[i]}" if rows else f"feature {i + 1}"


def _check_geometries(gdf: gpd.GeoDataFrame, ctx: _Context) -> None:
    geoms = gdf.geometry.to_numpy()
    if not len(geoms):
        raise EmptyFileError(f"{ctx.label}: no features")
    missing = np.flatnonzero(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if len(missing):
        raise BadGeometryError(f"{ctx.label}: {len(missing)} of {len(geoms)} features have no geometry "
                               f"(first: {_where(ctx, gdf, int(missing[0]))})")
    _check_count(len(geoms), ctx)
    limit = import_limits(ctx.options).max_vertices
    vertices = int(shapely.get_num_coordinates(geoms).sum())
    if vertices > limit:
        raise FileTooLargeError(f"{ctx.label}: {vertices:,} vertices is over the {limit:,}-vertex import limit "
                                f"(${MAX_VERTICES_ENV}); simplify the geometries or raise the limit")
    depth = _collection_depth(geoms)
    if depth > MAX_COLLECTION_DEPTH:
        raise BadGeometryError(f"{ctx.label}: geometry collections nested {depth} deep (at most "
                               f"{MAX_COLLECTION_DEPTH}); flatten them in a GIS first")
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    bad = ~np.isfinite(coords).all(axis=1)
    if bad.any():
        raise BadCoordinatesError(f"{ctx.label}: {_where(ctx, gdf, int(owner[bad][0]))} has a coordinate that "
                                  "is not a finite number")
    invalid = np.flatnonzero(~shapely.is_valid(geoms))
    if len(invalid):
        i = int(invalid[0])
        raise BadGeometryError(f"{ctx.label}: {len(invalid)} invalid geometries (first: {_where(ctx, gdf, i)}: "
                               f"{shapely.is_valid_reason(geoms[i])}); repair them in a GIS first")


def _collection_depth(geoms: np.ndarray) -> int:
    """How deep GeometryCollections nest in ``geoms`` (0: none)."""
    depth, level = 0, geoms[shapely.get_type_id(geoms) == 7]
    while len(level):
        depth += 1
        parts = shapely.get_parts(level)
        level = parts[shapely.get_type_id(parts) == 7]
    return depth


def _check_degrees(gdf: gpd.GeoDataFrame, ctx: _Context, crs_text: str) -> None:
    """Coordinates meant as degrees must be in range; explain the usual causes when they are not."""
    coords, owner = shapely.get_coordinates(gdf.geometry.to_numpy(), return_index=True)
    x, y = coords[:, 0], coords[:, 1]
    out = (np.abs(x) > 180) | (np.abs(y) > 90)
    if not out.any():
        return
    i = int(np.flatnonzero(out)[0])
    where = _where(ctx, gdf, int(owner[i]))
    if np.median(np.abs(x)) > 1000 or np.median(np.abs(y)) > 1000:
        raise BadCoordinatesError(
            f"{ctx.label}: coordinates look like projected metres (e.g. {x[i]:.0f}, {y[i]:.0f} at {where}), not "
            f"{crs_text} degrees; choose the projected system, e.g. EPSG:4547 (CGCS2000 Gauss-Krüger 114°E)")
    if (np.abs(y) <= 180).all() and (np.abs(x) <= 90).all():
        hint = ("choose the columns the other way round" if ctx.unit == "row"
                else "the file has them in latitude, longitude order; GeoJSON/KML need longitude first")
        raise BadCoordinatesError(f"{ctx.label}: latitude {y[i]:g} at {where} is out of range; longitude and "
                                  f"latitude look swapped ({hint})")
    raise BadCoordinatesError(f"{ctx.label}: coordinate ({x[i]:g}, {y[i]:g}) at {where} is out of range "
                              "(longitude -180..180, latitude -90..90)")


def _to_wgs84(gdf: gpd.GeoDataFrame, ctx: _Context) -> tuple[gpd.GeoDataFrame, str]:
    """Reproject/shift to EPSG:4326; return the frame and a label of the system used."""
    file_crs: CRS | None = gdf.attrs.get("file_crs")
    src = ctx.source
    crs = src.crs if src.crs is not None else (file_crs or WGS84)
    if src.crs is not None and file_crs is not None and not _same_crs(file_crs, src.crs):
        ctx.warnings.append(f"{ctx.label}: the file declares {_crs_name(file_crs)}; read it as {src.key} as chosen")
    label = src.key if src.crs is not None else (_crs_name(file_crs) if file_crs is not None else "wgs84")
    if crs.is_geographic:
        _check_degrees(gdf, ctx, _crs_name(crs))
    else:
        coords = shapely.get_coordinates(gdf.geometry.to_numpy())
        if (np.abs(coords[:, 0]) <= 180).all() and (np.abs(coords[:, 1]) <= 90).all():
            raise BadCoordinatesError(f"{ctx.label}: coordinates look like degrees, but {_crs_name(crs)} is a "
                                      "projected system in metres; choose wgs84, cgcs2000, gcj02 or bd09")
    out = gdf.set_crs(crs, allow_override=True).to_crs(WGS84)
    if src.datum != "wgs84":
        out.geometry = gpd.GeoSeries(shift_geometry(out.geometry.to_numpy(), src.datum, "wgs84"), index=out.index,
                                     crs=WGS84)
    coords = shapely.get_coordinates(out.geometry.to_numpy())
    if not np.isfinite(coords).all() or (np.abs(coords[:, 0]) > 180).any() or (np.abs(coords[:, 1]) > 90).any():
        raise BadCoordinatesError(f"{ctx.label}: coordinates fall outside the valid range after conversion from "
                                  f"{_crs_name(crs)}; check the coordinate system")
    return out, label


def _same_crs(a: CRS, b: CRS) -> bool:
    return a.equals(b, ignore_axis_order=True) or {a.to_epsg(), b.to_epsg()} <= {4326, 4490}


def _crs_name(crs: CRS) -> str:
    code = crs.to_epsg()
    return f"EPSG:{code}" if code else crs.name


def _far_warning(gdf: gpd.GeoDataFrame, ctx: _Context) -> None:
    """Warn when features lie more than :data:`FAR_KM` from the region's box (wrong datum or system?)."""
    pts = shapely.point_on_surface(gdf.geometry.to_numpy())
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    cx = np.clip(x, REGION_BBOX[0], REGION_BBOX[2])
    cy = np.clip(y, REGION_BBOX[1], REGION_BBOX[3])
    _, _, dist_m = GEOD.inv(x, y, cx, cy)
    far = np.flatnonzero(np.asarray(dist_m) > FAR_KM * 1000)
    if len(far):
        i = int(far[0])
        ctx.warnings.append(f"{ctx.label}: {len(far)} of {len(x)} features lie more than {FAR_KM:g} km outside the "
                            f"Middle Yangtze region (first: {_where(ctx, gdf, i)} at {x[i]:.4f}, {y[i]:.4f}); "
                            "check the coordinate system and the lon/lat columns")


def _tidy_columns(gdf: gpd.GeoDataFrame, ctx: _Context) -> gpd.GeoDataFrame:
    """Column names that every format stores (unique, printable, not reserved) and plain cell values.

    Infinite numbers (``1e999`` in a file) cannot be stored or shown; they are left empty with a warning. Integers
    beyond 64 bits keep their digits as text.
    """
    geom = gdf.geometry.name
    names: list[str] = []
    for i, col in enumerate(c for c in gdf.columns if c != geom):
        name = re.sub(r"[\x00-\x1f\x7f]", " ", unicodedata.normalize("NFC", str(col))).strip()[:60]
        if not name or name.lower().startswith("unnamed:"):
            name = f"column_{i + 1}"
        if name.lower() in ("geometry", "fid", "ogc_fid"):
            name = f"{name}_1"
        while name.lower() in (n.lower() for n in names):
            name = f"{name}_2"
        names.append(name)
    attrs = pd.DataFrame(gdf.drop(columns=geom).to_numpy(), columns=names, index=gdf.index)
    for col in names:
        series = attrs[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            attrs[col] = series.dt.strftime("%Y-%m-%d %H:%M:%S")
            continue
        if series.dtype != object:
            if pd.api.types.is_float_dtype(series):
                attrs[col] = _finite(series, col, gdf, ctx)
            continue
        values = [v for v in series if _filled(v)]
        if values and all(_plain_number(v) for v in values):
            attrs[col] = _finite(pd.to_numeric(series.map(lambda v: v if _filled(v) else None)), col, gdf, ctx)
        else:
            # Text stays text (codes like 420100 keep their leading zeros); other objects become their text.
            attrs[col] = series.map(lambda v: v if v is None or isinstance(v, str) or _isnan(v) else str(v))
    out = gpd.GeoDataFrame(attrs, geometry=gdf.geometry.to_numpy(), crs=gdf.crs)
    out.attrs.update(gdf.attrs)
    return out


def _plain_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, np.integer)):
        return -(2**63) <= value < 2**63
    return isinstance(value, (float, np.floating))


def _finite(series: pd.Series, col: str, gdf: gpd.GeoDataFrame, ctx: _Context) -> pd.Series:
    infinite = np.flatnonzero(np.isinf(series.to_numpy(dtype=float, na_value=np.nan)))
    if not len(infinite):
        return series
    ctx.warnings.append(f"{ctx.label}: column {col!r}: {len(infinite)} infinite numbers (such as 1e999) were left "
                        f"empty (first: {_where(ctx, gdf, int(infinite[0]))})")
    return series.mask(np.isinf(series.to_numpy(dtype=float, na_value=np.nan)))


def _filled(value: object) -> bool:
    return not (value is None or _isnan(value) or (isinstance(value, str) and not value.strip()))


def _isnan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


def read_file(path: str | os.PathLike, options: ReadOptions | None = None) -> ReadResult:
    """Read and check one file; the result's frame is in EPSG:4326.

    Raises a :class:`~workspace.errors.UserDataError` subclass with a one-line
    message naming the file for anything that cannot be imported.
    """
    path = Path(path)
    options = options or ReadOptions()
    ctx = _Context(path.name, options, parse_source_crs(options.crs))
    if options.encoding:
        _codec(options.encoding, ctx.label)
    _check_size(path, ctx.label, max_bytes(options))
    fmt = sniff_format(path, ctx.label)
    with scratch_dir("import") as tmp:
        gdf = _read_any(path, fmt, ctx, Path(tmp))
    gdf = _tidy_columns(gdf, ctx)
    _check_geometries(gdf, ctx)
    out, crs_label = _to_wgs84(gdf, ctx)
    _far_warning(out, ctx)
    out.attrs.clear()
    return ReadResult(out, fmt, crs_label, tuple(ctx.warnings), ctx.encoding)

