"""Loader for the rail source tables in ``data/sources/rail/`` (and the member-city seats).

Reads ``lines.csv``, ``stations.csv``, ``segments.csv`` and the optional
``transfers.csv``, converts GCJ-02 station coordinates to WGS-84 with
:mod:`geo.chinacoords`, checks every reference between the tables, and returns
plain DataFrames plus a station GeoDataFrame in EPSG:4326 (lon, lat).

All problems found in one pass are collected and raised together as one
:class:`geo.errors.RailDataError`, so a curator can fix a file in one go.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from data import SOURCES_DIR
from geo.chinacoords import gcj02_to_wgs84
from geo.crs import WGS84
from geo.errors import RailDataError

__all__ = [
    "DEFAULT_SOURCES_DIR",
    "LINE_KINDS",
    "SEGMENT_STATUSES",
    "RailSources",
    "load_rail",
    "read_member_cities",
    "read_neighbour_cores",
]

DEFAULT_SOURCES_DIR = SOURCES_DIR
LINE_KINDS = ("hsr", "intercity", "conventional")
SEGMENT_STATUSES = ("open", "construction", "planned")
_DATUMS = ("wgs84", "gcj02")
# Loose box around China: catches swapped lon/lat and zeroed coordinates.
_LON_RANGE, _LAT_RANGE = (73.0, 136.0), (3.0, 54.0)
_MAX_PROBLEMS_SHOWN = 12

_LINE_COLS = ("line_id", "name_zh", "kind", "design_speed_kmh")
_STATION_COLS = ("station_id", "name_zh", "city_zh", "main", "lon", "lat", "datum")
_SEGMENT_COLS = ("line_id", "from_station", "to_station", "minutes", "distance_km", "opened", "status")
_TRANSFER_COLS = ("from_station", "to_station", "minutes")
_SERVICE_COLS = ("service_id", "name_zh", "years", "trains_per_day", "source", "source_date")
_STOP_COLS = ("service_id", "seq", "station_id", "arrive_min", "depart_min", "time_basis")
SERVICE_YEARS = ("2015", "now", "planned")
_CITY_COLS = ("name_zh", "name_en", "adcode", "role", "seat_lon", "seat_lat", "seat_datum", "population_2020")


@dataclass(frozen=True)
class RailSources:
    """The validated rail tables; ``stations`` is a GeoDataFrame in EPSG:4326 (WGS-84 lon/lat)."""

    lines: pd.DataFrame
    stations: gpd.GeoDataFrame
    segments: pd.DataFrame
    transfers: pd.DataFrame
    services: pd.DataFrame
    service_stops: pd.DataFrame


def load_rail(*, sources_dir: Path | str | None = None) -> RailSources:
    """Read and validate ``<sources_dir>/rail/*.csv`` (default: the project's ``data/sources``)."""
    rail_dir = Path(sources_dir or DEFAULT_SOURCES_DIR) / "rail"
    problems: list[str] = []
    lines = _read(rail_dir / "lines.csv", _LINE_COLS, problems)
    stations = _read(rail_dir / "stations.csv", _STATION_COLS, problems)
    segments = _read(rail_dir / "segments.csv", _SEGMENT_COLS, problems)
    transfers_path = rail_dir / "transfers.csv"
    transfers = (
        _read(transfers_path, _TRANSFER_COLS, problems)
        if transfers_path.exists()
        else pd.DataFrame({c: pd.Series(dtype=object) for c in _TRANSFER_COLS})
    )
    services_path, stops_path = rail_dir / "services.csv", rail_dir / "service_stops.csv"
    services = (_read(services_path, _SERVICE_COLS, problems) if services_path.exists()
                else pd.DataFrame({c: pd.Series(dtype=object) for c in _SERVICE_COLS}))
    stops = (_read(stops_path, _STOP_COLS, problems) if stops_path.exists()
             else pd.DataFrame({c: pd.Series(dtype=object) for c in _STOP_COLS}))
    _raise(problems, rail_dir)

    lines = _check_lines(lines, problems)
    stations = _check_stations(stations, problems)
    segments = _check_segments(segments, set(lines["line_id"]), set(stations["station_id"]), problems)
    transfers = _check_transfers(transfers, set(stations["station_id"]), problems)
    services, stops = _check_services(services, stops, set(stations["station_id"]), problems)
    _raise(problems, rail_dir)
    return RailSources(lines=lines, stations=_to_wgs84_points(stations), segments=segments, transfers=transfers,
                       services=services, service_stops=stops)


def read_member_cities(*, sources_dir: Path | str | None = None) -> gpd.GeoDataFrame:
    """Member cities from ``<sources_dir>/cities.csv`` as points at the government seat (EPSG:4326).

    A stop-gap until the shared ``data.load_cities()`` exists; same output shape:
    columns name_zh, name_en, adcode (str), role, population_2020 (float, NaN
    where unknown), lon, lat (WGS-84, converted from GCJ-02 where so marked).
    """
    path = Path(sources_dir or DEFAULT_SOURCES_DIR) / "cities.csv"
    problems: list[str] = []
    df = _read(path, _CITY_COLS, problems)
    _raise(problems, path.parent)
    df = df.copy()
    df["adcode"] = df["adcode"].astype(str).str.strip()
    df["role"] = df["role"].astype(str).str.strip()
    df["population_2020"] = pd.to_numeric(df["population_2020"], errors="coerce")
    df = df.rename(columns={"seat_lon": "lon", "seat_lat": "lat", "seat_datum": "datum"})
    _check_unique(df, "name_zh", "cities.csv", problems)
    _check_unique(df, "adcode", "cities.csv", problems)
    bad_code = ~df["adcode"].str.fullmatch(r"\d{6}")
    problems += [f"cities.csv: adcode {c!r} is not 6 digits" for c in df.loc[bad_code, "adcode"]]
    bad_role = ~df["role"].isin(["core", "member"])
    problems += [f"cities.csv: {n}: role {r!r} not core|member"
                 for n, r in df.loc[bad_role, ["name_zh", "role"]].values]
    df = _check_coords(df, "cities.csv", "name_zh", problems)
    _raise(problems, path.parent)
    return _to_wgs84_points(df)


def read_neighbour_cores(*, sources_dir: Path | str | None = None) -> pd.DataFrame | None:
    """The neighbouring cores' names and adcodes from ``<sources_dir>/neighbour_cores.csv``, or None if absent.

    Columns name_zh, name_en, adcode (str).
    """
    path = Path(sources_dir or DEFAULT_SOURCES_DIR) / "neighbour_cores.csv"
    if not path.exists():
        return None
    problems: list[str] = []
    df = _read(path, ("name_zh", "name_en", "adcode"), problems)
    _check_unique(df, "name_zh", path.name, problems)
    bad_code = ~df["adcode"].str.fullmatch(r"\d{6}")
    problems += [f"{path.name}: adcode {c!r} is not 6 digits" for c in df.loc[bad_code, "adcode"]]
    _raise(problems, path.parent)
    return df[["name_zh", "name_en", "adcode"]]


def _read(path: Path, required: tuple[str, ...], problems: list[str]) -> pd.DataFrame:
    if not path.exists():
        problems.append(f"{path.name}: file not found")
        return pd.DataFrame(columns=list(required))
    df = pd.read_csv(path, dtype=str, keep_default_na=False, comment=None, encoding="utf-8-sig")
    df = df.apply(lambda col: col.str.strip())
    missing = [c for c in required if c not in df.columns]
    if missing:
        problems.append(f"{path.name}: missing columns {', '.join(missing)}")
    return df


def _raise(problems: list[str], where: Path) -> None:
    if problems:
        shown = "; ".join(problems[:_MAX_PROBLEMS_SHOWN])
        more = f" (+{len(problems) - _MAX_PROBLEMS_SHOWN} more)" if len(problems) > _MAX_PROBLEMS_SHOWN else ""
        raise RailDataError(f"{len(problems)} problem(s) in {where}: {shown}{more}")


def _check_unique(df: pd.DataFrame, col: str, fname: str, problems: list[str]) -> None:
    empty = df[col] == ""
    if empty.any():
        problems.append(f"{fname}: {int(empty.sum())} row(s) with empty {col}")
    dups = sorted(set(df.loc[df[col].duplicated() & ~empty, col]))
    if dups:
        problems.append(f"{fname}: duplicate {col} {', '.join(dups)}")


def _numeric(df: pd.DataFrame, col: str, fname: str, key: str, problems: list[str], *, required: bool) -> pd.Series:
    values = pd.to_numeric(df[col].replace("", np.nan), errors="coerce")
    bad = values.isna() & (df[col] != "")
    problems += [f"{fname}: {k}: {col} {v!r} is not a number" for k, v in df.loc[bad, [key, col]].values]
    if required:
        missing = df[col] == ""
        problems += [f"{fname}: {k}: {col} is empty" for k in df.loc[missing, key]]
    return values


def _check_lines(df: pd.DataFrame, problems: list[str]) -> pd.DataFrame:
    df = df.copy()
    _check_unique(df, "line_id", "lines.csv", problems)
    bad = ~df["kind"].isin(LINE_KINDS)
    problems += [f"lines.csv: {k}: kind {v!r} not in {'|'.join(LINE_KINDS)}"
                 for k, v in df.loc[bad, ["line_id", "kind"]].values]
    df["design_speed_kmh"] = _numeric(df, "design_speed_kmh", "lines.csv", "line_id", problems, required=False)
    return df


def _check_stations(df: pd.DataFrame, problems: list[str]) -> pd.DataFrame:
    df = df.copy()
    _check_unique(df, "station_id", "stations.csv", problems)
    bad_main = ~df["main"].isin(["0", "1"])
    problems += [f"stations.csv: {k}: main {v!r} not 1|0" for k, v in df.loc[bad_main, ["station_id", "main"]].values]
    df["main"] = df["main"] == "1"
    # Curators leave lon/lat empty where no citable coordinate exists; such stations still route.
    return _check_coords(df, "stations.csv", "station_id", problems, optional=True)


def _check_coords(
    df: pd.DataFrame, fname: str, key: str, problems: list[str], *, optional: bool = False
) -> pd.DataFrame:
    """Numeric lon/lat inside China and a known datum; with ``optional``, both may be empty (unknown)."""
    df = df.copy()
    unknown = (df["lon"] == "") & (df["lat"] == "") & optional
    lon = _numeric(df, "lon", fname, key, problems, required=False)
    lat = _numeric(df, "lat", fname, key, problems, required=False)
    missing = (df["lon"] == "") | (df["lat"] == "")
    problems += [f"{fname}: {k}: lon/lat missing or incomplete" for k in df.loc[missing & ~unknown, key]]
    out = lon.notna() & lat.notna() & ~(lon.between(*_LON_RANGE) & lat.between(*_LAT_RANGE))
    problems += [f"{fname}: {k}: ({x}, {y}) is outside China (lon/lat swapped?)" for k, x, y in
                 zip(df.loc[out, key], lon[out], lat[out], strict=True)]
    df["datum"] = df["datum"].str.lower()
    bad = ~unknown & ~df["datum"].isin(_DATUMS)
    problems += [f"{fname}: {k}: datum {v!r} not wgs84|gcj02" for k, v in df.loc[bad, [key, "datum"]].values]
    df["lon"], df["lat"] = lon, lat
    return df


def _check_segments(df: pd.DataFrame, line_ids: set[str], station_ids: set[str], problems: list[str]) -> pd.DataFrame:
    df = df.copy()
    where = [f"{r.line_id} {r.from_station}-{r.to_station}" for r in df.itertuples()]
    df["_where"] = where
    for col in ("from_station", "to_station"):
        bad = ~df[col].isin(station_ids)
        problems += [f"segments.csv: {w}: unknown station {v!r}" for w, v in df.loc[bad, ["_where", col]].values]
    bad_line = ~df["line_id"].isin(line_ids)
    problems += [f"segments.csv: {w}: unknown line_id" for w in df.loc[bad_line, "_where"]]
    loops = df["from_station"] == df["to_station"]
    problems += [f"segments.csv: {w}: from_station equals to_station" for w in df.loc[loops, "_where"]]
    bad_status = ~df["status"].isin(SEGMENT_STATUSES)
    problems += [f"segments.csv: {w}: status {v!r} not in {'|'.join(SEGMENT_STATUSES)}"
                 for w, v in df.loc[bad_status, ["_where", "status"]].values]
    df["minutes"] = _numeric(df, "minutes", "segments.csv", "_where", problems, required=False)
    df["distance_km"] = _numeric(df, "distance_km", "segments.csv", "_where", problems, required=False)
    df["opened"] = _numeric(df, "opened", "segments.csv", "_where", problems, required=False)
    nonpos = (df["minutes"] <= 0) | (df["distance_km"] <= 0)
    problems += [f"segments.csv: {w}: minutes and distance_km must be > 0" for w in df.loc[nonpos, "_where"]]
    # Open segments must be timeable; construction/planned ones may still lack a time (the
    # network leaves them out and lists them), and an empty ``opened`` means "year unknown".
    no_time = (df["status"] == "open") & df["minutes"].isna() & df["distance_km"].isna()
    problems += [f"segments.csv: {w}: open segment needs minutes or distance_km" for w in df.loc[no_time, "_where"]]
    return df.drop(columns="_where")


def _check_transfers(df: pd.DataFrame, station_ids: set[str], problems: list[str]) -> pd.DataFrame:
    df = df.copy()
    for col in ("from_station", "to_station"):
        bad = ~df[col].isin(station_ids)
        problems += [f"transfers.csv: unknown station {v!r}" for v in df.loc[bad, col]]
    df["_where"] = df["from_station"] + "-" + df["to_station"]
    # Empty minutes = no sourced time; the network estimates one.
    df["minutes"] = _numeric(df, "minutes", "transfers.csv", "_where", problems, required=False)
    problems += [f"transfers.csv: {w}: minutes must be >= 0" for w in df.loc[df["minutes"] < 0, "_where"]]
    return df.drop(columns="_where")


def _check_services(services: pd.DataFrame, stops: pd.DataFrame, station_ids: set[str],
                    problems: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Service patterns: unique ids, network years from :data:`SERVICE_YEARS`, at least two stops each, known
    stations, minutes after the first departure that never go back and a positive run between stops."""
    services, stops = services.copy(), stops.copy()
    _check_unique(services, "service_id", "services.csv", problems)
    years = services["years"].fillna("").str.split(";")
    bad = [(s, y) for s, ys in zip(services["service_id"], years, strict=True) for y in ys if y not in SERVICE_YEARS]
    problems += [f"services.csv: {s}: year {y!r} not in {'|'.join(SERVICE_YEARS)}" for s, y in bad]
    services["years"] = years.map(tuple)
    services["trains_per_day"] = _numeric(services, "trains_per_day", "services.csv", "service_id", problems,
                                          required=False)
    unknown = ~stops["service_id"].isin(set(services["service_id"]))
    problems += [f"service_stops.csv: unknown service {v!r}" for v in sorted(set(stops.loc[unknown, "service_id"]))]
    bad_station = ~stops["station_id"].isin(station_ids)
    problems += [f"service_stops.csv: {s}: unknown station {v!r}"
                 for s, v in stops.loc[bad_station, ["service_id", "station_id"]].values]
    stops["_where"] = stops["service_id"] + " #" + stops["seq"].astype(str)
    for col in ("seq", "arrive_min", "depart_min"):
        stops[col] = _numeric(stops, col, "service_stops.csv", "_where", problems, required=True)
    stops = stops.sort_values(["service_id", "seq"], kind="stable").reset_index(drop=True)
    for sid, group in stops.groupby("service_id", sort=False):
        arrive, depart = group["arrive_min"].to_numpy(float), group["depart_min"].to_numpy(float)
        if len(group) < 2:
            problems.append(f"service_stops.csv: {sid}: a service needs at least two stops")
        elif (depart < arrive).any() or (arrive[1:] <= depart[:-1]).any() or arrive[0] != 0:
            problems.append(f"service_stops.csv: {sid}: times must start at 0, never go back, and every run take "
                            "more than 0 minutes")
        if group["station_id"].duplicated().any():
            problems.append(f"service_stops.csv: {sid}: a station appears twice")
    return services, stops.drop(columns="_where")


def _to_wgs84_points(df: pd.DataFrame) -> gpd.GeoDataFrame:
    """Shift GCJ-02 rows to WGS-84 in place of lon/lat, keep the original datum as ``source_datum``."""
    df = df.copy()
    lon, lat = df["lon"].to_numpy(float, copy=True), df["lat"].to_numpy(float, copy=True)
    gcj = (df["datum"] == "gcj02").to_numpy()
    lon[gcj], lat[gcj] = gcj02_to_wgs84(lon[gcj], lat[gcj])
    df["lon"], df["lat"] = lon, lat
    df = df.rename(columns={"datum": "source_datum"})
    known = np.isfinite(lon) & np.isfinite(lat)
    points = np.where(known, gpd.points_from_xy(lon, lat), None)  # unknown position: missing geometry
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(points, index=df.index, crs=WGS84), crs=WGS84)
