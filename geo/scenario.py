"""What-if scenarios: named, ordered changes over a base network year, applied to a new :class:`RailNetwork`.

A :class:`Scenario` is a name, a base network year (``"2015"``, ``"now"``, ``"planned"`` or a year
1900-2100) and at most :data:`MAX_CHANGES` changes, applied in order by :func:`apply`, which returns a
:class:`ScenarioNetwork`: a new network holding exactly what runs in the scenario (the cached default
network is never changed; the new network caches its own graphs and is itself cached per scenario on the
network it was built from). Ask it for its own year only (``network.year``); any other year is refused.

Scenario file (JSON, or YAML with the same keys; :func:`load_scenario`; schema in
``geo/scenario.schema.json``)::

    name: 合武高铁提前开通            # 1-60 characters, required
    name_en: Hefei-Wuhan HSR early   # optional
    description: ...                  # optional, at most 500 characters
    year: now                         # base network: 2015 | now | planned | 1900-2100
    changes:                          # at most MAX_CHANGES, applied in order
      - type: open_line               # a line in data/sources/rail/lines.csv opened in the base year:
        line: yanjiang_hewu           #   its timed segments not yet open, and the planned-only service
                                      #   patterns that call only at its stations
      - type: add_service             # a user-defined train, run both ways
        id: my_express                # letters, digits, _ and -; not an existing service id
        name_zh: 武汉—九江 直达         # optional name_en
        stops: [wuhan, {name: 新港站, lon: 115.0, lat: 30.2}, jiujiang]   # station ids or names, or new
                                      #   points (WGS-84 lon/lat; add datum: gcj02 for 高德 coordinates)
        run_min: [40, 35]             # minutes between consecutive stops (len(stops) - 1 of them)
        dwell_min: 2                  # optional, minutes at each intermediate stop (default 2)
        trains_per_day: 12            # optional
        design_speed_kmh: 350         # optional, the line's design speed (at most 350, the default)
      - type: change_service          # a service running in the base year
        service: hubei_wuyi_fastest
        run_factor: 0.9               # every run time x this, or run_min: [...] as for add_service
        trains_per_day: 20            # optional
      - type: close_service
        service: hnjx_cj_intercity_2010
      - type: close_segment           # a segment running in the base year, either direction; the services
        line: hukun_hsr               #   whose runs go over it (on the shortest path of the year's segments)
        from: changsha_south          #   stop with it
        to: liling_east
      - type: add_road_link           # road side: a new Yangtze bridge (one point, within 5 km of the river),
        kind: bridge                  #   open in the base year; or kind: expressway with two or more points
        name: 新长江大桥               #   and speed_kmh (1-130), entered and left only at its two ends
        points: [[114.9, 30.4]]
      - type: remove_road_link        # a located bridge of data/sources/bridges.csv by bridge_id or name_zh
        bridge: ehuang

Checks, each a one-line :class:`~geo.errors.ScenarioError` naming the change and the valid values: unknown
station (with close matches), line, service or segment; a run faster than the design speed allows over the
geodesic between the stops; a negative or non-finite frequency or time; a bad year; too many changes, stops
or characters; a new bridge away from the river. Road changes act on the Yangtze barrier of :mod:`geo.road`
(the bridges road trips may cross on, and the expressway sections they may take as shortcuts): a section of
polyline length L km at v km/h takes ``L / v`` hours between its two ends (interchanges there only), and a trip
takes it where that is quicker than the road model's plain way (:mod:`geo.road`); a section whose ends lie on
opposite banks crosses the Yangtze, as a bridge does.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from geo.chinacoords import gcj02_to_wgs84
from geo.crs import GEOD, WGS84
from geo.errors import GeoInputError, ScenarioError
from geo.network import CURRENT_YEAR, PLANNED, RailNetwork, Year, check_year, default_network, geodesic_km
from geo.options import NETWORK_YEARS, engine_year
from geo.road import RiverBarrier

__all__ = [
    "CHANGE_TYPES",
    "MAX_CHANGES",
    "MAX_DESIGN_KMH",
    "MAX_FILE_BYTES",
    "MAX_STOPS",
    "AddRoadLink",
    "AddService",
    "ChangeService",
    "CloseSegment",
    "CloseService",
    "NewStop",
    "OpenLine",
    "RemoveRoadLink",
    "Scenario",
    "ScenarioChoices",
    "ScenarioNetwork",
    "apply",
    "choices",
    "dump_scenario",
    "load_scenario",
    "parse_scenario_text",
    "scenario_from_dict",
    "scenario_to_dict",
]

MAX_CHANGES = 50
MAX_STOPS = 60  # stops of one added service
MAX_FILE_BYTES = 256 * 1024
MAX_DESIGN_KMH = 350.0  # the fastest design speed in China's network; no run may beat it over the geodesic
MAX_TRAINS_PER_DAY = 500.0
MAX_RUN_MIN = 24 * 60.0
RUN_FACTOR_RANGE = (0.2, 5.0)
DEFAULT_DWELL_MIN = 2.0
ROUTE_SLACK = 1.5  # a run follows the segments' quickest path only if that takes at most this x its minutes
ROAD_KINDS = ("bridge", "expressway")
SECTION_KM_RANGE = (1.0, 1000.0)  # geodesic length of an expressway section's polyline
MAX_BRIDGE_OFFSET_KM = 5.0  # a new bridge's point lies at most this far from the modelled Yangtze
_MAX_NAME, _MAX_TEXT = 60, 500
_ID = re.compile(r"[A-Za-z0-9_-]{1,60}")
_HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_REGION = (105.0, 24.0, 122.0, 34.5)  # lon/lat box around the three provinces and their neighbouring cores


# -------------------------------------------------------------------------------------------------- model


@dataclass(frozen=True)
class NewStop:
    """A stop at a new point (WGS-84 lon/lat degrees); its station id is ``new:`` + name."""

    name: str
    lon: float
    lat: float

    @property
    def station_id(self) -> str:
        return f"new:{self.name}"


@dataclass(frozen=True)
class OpenLine:
    """Open a line of ``lines.csv`` in the base year: its timed segments not yet open, and the planned-only
    service patterns calling only at its stations."""

    line: str
    type: str = field(default="open_line", init=False)


@dataclass(frozen=True)
class AddService:
    """A user-defined service: stops (station ids/names or :class:`NewStop`), run minutes between them."""

    id: str
    name_zh: str
    stops: tuple[str | NewStop, ...]
    run_min: tuple[float, ...]
    name_en: str = ""
    dwell_min: float = DEFAULT_DWELL_MIN
    trains_per_day: float | None = None
    design_speed_kmh: float = MAX_DESIGN_KMH
    type: str = field(default="add_service", init=False)


@dataclass(frozen=True)
class ChangeService:
    """New run times (``run_factor`` x every run, or ``run_min``) and/or trains per day of a running service."""

    service: str
    run_factor: float | None = None
    run_min: tuple[float, ...] | None = None
    trains_per_day: float | None = None
    type: str = field(default="change_service", init=False)


@dataclass(frozen=True)
class CloseService:
    service: str
    type: str = field(default="close_service", init=False)


@dataclass(frozen=True)
class CloseSegment:
    """Close the segment ``from``-``to`` of ``line`` (either direction) and the services running over it."""

    line: str
    from_station: str
    to_station: str
    type: str = field(default="close_segment", init=False)


@dataclass(frozen=True)
class AddRoadLink:
    """A new bridge (one point) or expressway section (two or more points), WGS-84 lon/lat."""

    kind: str
    name: str
    points: tuple[tuple[float, float], ...]
    speed_kmh: float | None = None
    type: str = field(default="add_road_link", init=False)


@dataclass(frozen=True)
class RemoveRoadLink:
    """Remove a located bridge of the road barrier (``data/sources/bridges.csv``: its ``bridge_id`` or ``name_zh``)."""

    bridge: str
    type: str = field(default="remove_road_link", init=False)


Change = OpenLine | AddService | ChangeService | CloseService | CloseSegment | AddRoadLink | RemoveRoadLink
CHANGE_TYPES = ("open_line", "add_service", "change_service", "close_service", "close_segment", "add_road_link",
                "remove_road_link")


@dataclass(frozen=True)
class Scenario:
    """A named, ordered list of changes over a base network year (``"2015"``, ``"now"``, ``"planned"``, a year)."""

    name: str
    year: str = "now"
    changes: tuple[Change, ...] = ()
    name_en: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        _text(self.name, "name")
        _year_token(self.year)
        if len(self.changes) > MAX_CHANGES:
            raise ScenarioError(f"scenario {self.name!r}: {len(self.changes)} changes, at most {MAX_CHANGES}")

    @property
    def engine_year(self) -> Year:
        """The base year as the engine takes it (2015, 2026, ``"planned"``, …)."""
        return check_year(engine_year(self.year))

    @property
    def key(self) -> str:
        """A short digest of the scenario's content (cache keys; equal scenarios share it)."""
        body = json.dumps(scenario_to_dict(self), ensure_ascii=False, sort_keys=True)
        return "scenario:" + hashlib.sha256(body.encode()).hexdigest()[:16]


# ------------------------------------------------------------------------------------------- parsing


def _fail(where: str, message: str) -> ScenarioError:
    return ScenarioError(f"{where}: {message}" if where else message)


def _text(value: object, what: str, *, limit: int = _MAX_NAME, where: str = "", empty: bool = False) -> str:
    if not isinstance(value, str):
        raise _fail(where, f"{what} must be text, got {type(value).__name__}")
    clean = value.strip()
    if not clean and not empty:
        raise _fail(where, f"{what} is empty")
    if len(clean) > limit:
        raise _fail(where, f"{what} has {len(clean)} characters, at most {limit}")
    allowed = "\n\t" if limit > _MAX_NAME else ""  # a description may have lines; a name may not
    if any(unicodedata.category(ch) in _HIDDEN and ch not in allowed for ch in clean):
        raise _fail(where, f"{what} {clean[:40]!r} holds control or hidden characters")
    return clean


def _number(value: object, what: str, lo: float, hi: float, *, where: str, open_low: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(where, f"{what} must be a number, got {str(value)[:40]!r}")
    number = float(value)
    low_ok = number > lo if open_low else number >= lo
    if not (math.isfinite(number) and low_ok and number <= hi):
        bound = f"more than {lo:g}" if open_low else f"at least {lo:g}"
        raise _fail(where, f"{what} must be a finite number {bound} and at most {hi:g}, got {value!r}")
    return number


def _year_token(year: object) -> str:
    token = str(year).strip().lower() if isinstance(year, str | int) and not isinstance(year, bool) else None
    try:
        if token is None:
            raise GeoInputError
        check_year(engine_year(token))
    except GeoInputError:
        raise ScenarioError(f"year must be one of {', '.join(NETWORK_YEARS)} or a year 1900-2100, "
                            f"got {year!r}") from None
    return token


def _keys(raw: Mapping, allowed: tuple[str, ...], required: tuple[str, ...], where: str) -> None:
    unknown = sorted(str(k) for k in raw if k not in allowed)
    if unknown:
        raise _fail(where, f"unknown key(s) {', '.join(unknown)}; valid keys: {', '.join(allowed)}")
    missing = [k for k in required if k not in raw]
    if missing:
        raise _fail(where, f"missing {', '.join(missing)}")


def _list(value: object, what: str, *, limit: int, where: str) -> list:
    if not isinstance(value, list | tuple):
        raise _fail(where, f"{what} must be a list, got {type(value).__name__}")
    if len(value) > limit:
        raise _fail(where, f"{what} has {len(value)} items, at most {limit}")
    return list(value)


def _point(value: object, what: str, where: str, datum: str = "wgs84") -> tuple[float, float]:
    pair = _list(value, what, limit=2, where=where)
    if len(pair) != 2:
        raise _fail(where, f"{what} must be [lon, lat], got {str(value)[:40]}")
    lon = _number(pair[0], f"{what} lon", -180, 180, where=where)
    lat = _number(pair[1], f"{what} lat", -90, 90, where=where)
    if datum == "gcj02":
        glon, glat = gcj02_to_wgs84(lon, lat)
        lon, lat = float(glon), float(glat)
    x0, y0, x1, y1 = _REGION
    if not (x0 <= lon <= x1 and y0 <= lat <= y1):
        raise _fail(where, f"{what} ({lon:.4f}, {lat:.4f}) is outside the region lon {x0:g}-{x1:g}, lat {y0:g}-"
                           f"{y1:g} (WGS-84 lon/lat, lon first)")
    return lon, lat


def _runs(value: object, n_stops: int, where: str) -> tuple[float, ...]:
    runs = _list(value, "run_min", limit=MAX_STOPS, where=where)
    if len(runs) != n_stops - 1:
        raise _fail(where, f"run_min has {len(runs)} run times; {n_stops} stops need {n_stops - 1}")
    return tuple(_number(r, "run_min", 0, MAX_RUN_MIN, where=where, open_low=True) for r in runs)


def _stop(value: object, where: str) -> str | NewStop:
    if isinstance(value, str):
        return _text(value, "stop", where=where)
    if isinstance(value, Mapping):
        _keys(value, ("name", "lon", "lat", "datum"), ("name", "lon", "lat"), f"{where}: new stop")
        datum = value.get("datum", "wgs84")
        if datum not in ("wgs84", "gcj02"):
            raise _fail(where, f"new stop datum must be wgs84 or gcj02, got {datum!r}")
        name = _text(value["name"], "new stop name", where=where)
        lon, lat = _point([value["lon"], value["lat"]], f"new stop {name!r}", where, datum)
        return NewStop(name=name, lon=lon, lat=lat)
    raise _fail(where, f"a stop is a station id or name, or {{name, lon, lat}}, got {str(value)[:40]!r}")


def _change(raw: object, i: int) -> Change:
    where = f"change {i}"
    if not isinstance(raw, Mapping):
        raise _fail(where, f"must be a mapping with a type, got {type(raw).__name__}")
    kind = raw.get("type")
    if kind not in CHANGE_TYPES:
        raise _fail(where, f"type must be one of {', '.join(CHANGE_TYPES)}, got {kind!r}")
    where = f"change {i} ({kind})"
    tpd = raw.get("trains_per_day")
    trains = None if tpd is None else _number(tpd, "trains_per_day", 0, MAX_TRAINS_PER_DAY, where=where,
                                              open_low=True)
    if kind == "open_line":
        _keys(raw, ("type", "line"), ("line",), where)
        return OpenLine(line=_text(raw["line"], "line", where=where))
    if kind == "add_service":
        _keys(raw, ("type", "id", "name_zh", "name_en", "stops", "run_min", "dwell_min", "trains_per_day",
                    "design_speed_kmh"), ("id", "name_zh", "stops", "run_min"), where)
        sid = _text(raw["id"], "id", where=where)
        if not _ID.fullmatch(sid):
            raise _fail(where, f"id {sid!r} may hold only letters, digits, _ and - (1-60)")
        stops = tuple(_stop(s, where) for s in _list(raw["stops"], "stops", limit=MAX_STOPS, where=where))
        if len(stops) < 2:
            raise _fail(where, f"a service needs at least two stops, got {len(stops)}")
        return AddService(id=sid, name_zh=_text(raw["name_zh"], "name_zh", where=where), stops=stops,
                          run_min=_runs(raw["run_min"], len(stops), where),
                          name_en=_text(raw.get("name_en", ""), "name_en", where=where, empty=True),
                          dwell_min=_number(raw.get("dwell_min", DEFAULT_DWELL_MIN), "dwell_min", 0, 120,
                                            where=where),
                          trains_per_day=trains,
                          design_speed_kmh=_number(raw.get("design_speed_kmh", MAX_DESIGN_KMH), "design_speed_kmh",
                                                   1, MAX_DESIGN_KMH, where=where))
    if kind == "change_service":
        _keys(raw, ("type", "service", "run_factor", "run_min", "trains_per_day"), ("service",), where)
        if sum(k in raw for k in ("run_factor", "run_min", "trains_per_day")) == 0:
            raise _fail(where, "give run_factor, run_min or trains_per_day")
        if "run_factor" in raw and "run_min" in raw:
            raise _fail(where, "give run_factor or run_min, not both")
        factor = raw.get("run_factor")
        runs = raw.get("run_min")
        return ChangeService(
            service=_text(raw["service"], "service", where=where),
            run_factor=None if factor is None else _number(factor, "run_factor", *RUN_FACTOR_RANGE, where=where),
            run_min=None if runs is None else _runs(runs, len(_list(runs, "run_min", limit=MAX_STOPS,
                                                                    where=where)) + 1, where),
            trains_per_day=trains)
    if kind == "close_service":
        _keys(raw, ("type", "service"), ("service",), where)
        return CloseService(service=_text(raw["service"], "service", where=where))
    if kind == "close_segment":
        _keys(raw, ("type", "line", "from", "to"), ("line", "from", "to"), where)
        return CloseSegment(line=_text(raw["line"], "line", where=where),
                            from_station=_text(raw["from"], "from", where=where),
                            to_station=_text(raw["to"], "to", where=where))
    if kind == "add_road_link":
        _keys(raw, ("type", "kind", "name", "points", "speed_kmh"), ("kind", "name", "points"), where)
        link = raw["kind"]
        if link not in ROAD_KINDS:
            raise _fail(where, f"kind must be one of {', '.join(ROAD_KINDS)}, got {link!r}")
        points = tuple(_point(p, "point", where) for p in _list(raw["points"], "points", limit=MAX_STOPS,
                                                                 where=where))
        need = 1 if link == "bridge" else 2
        if len(points) < need or (link == "bridge" and len(points) != 1):
            raise _fail(where, "a bridge takes one point, an expressway section two or more")
        speed = raw.get("speed_kmh")
        if link == "expressway" and speed is None:
            raise _fail(where, "an expressway section needs speed_kmh (1-130 km/h)")
        return AddRoadLink(kind=link, name=_text(raw["name"], "name", where=where), points=points,
                           speed_kmh=None if speed is None else _number(speed, "speed_kmh", 1, 130, where=where))
    _keys(raw, ("type", "bridge"), ("bridge",), where)
    return RemoveRoadLink(bridge=_text(raw["bridge"], "bridge", where=where))


def scenario_from_dict(raw: object) -> Scenario:
    """Check a scenario's structure (the file's top-level mapping) and build it; raises :class:`ScenarioError`.

    Names are checked against the network by :func:`apply`, not here.
    """
    if not isinstance(raw, Mapping):
        raise ScenarioError(f"a scenario is a mapping with name, year and changes, got {type(raw).__name__}")
    _keys(raw, ("name", "name_en", "description", "year", "changes"), ("name", "changes"), "scenario")
    name = _text(raw["name"], "name")
    changes = _list(raw["changes"], "changes", limit=MAX_CHANGES, where=f"scenario {name!r}")
    return Scenario(name=name, year=_year_token(raw.get("year", "now")),
                    changes=tuple(_change(c, i) for i, c in enumerate(changes, start=1)),
                    name_en=_text(raw.get("name_en", ""), "name_en", empty=True),
                    description=_text(raw.get("description", ""), "description", limit=_MAX_TEXT, empty=True))


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data in the file's schema (``scenario_from_dict`` reads it back)."""
    out: dict[str, Any] = {"name": scenario.name, "year": scenario.year}
    if scenario.name_en:
        out["name_en"] = scenario.name_en
    if scenario.description:
        out["description"] = scenario.description
    out["changes"] = [_change_dict(c) for c in scenario.changes]
    return out


def _change_dict(change: Change) -> dict[str, Any]:
    if isinstance(change, AddService):
        stops = [s if isinstance(s, str) else {"name": s.name, "lon": s.lon, "lat": s.lat} for s in change.stops]
        out = {"type": change.type, "id": change.id, "name_zh": change.name_zh, "name_en": change.name_en,
               "stops": stops, "run_min": list(change.run_min), "dwell_min": change.dwell_min,
               "trains_per_day": change.trains_per_day, "design_speed_kmh": change.design_speed_kmh}
    elif isinstance(change, CloseSegment):
        out = {"type": change.type, "line": change.line, "from": change.from_station, "to": change.to_station}
    elif isinstance(change, AddRoadLink):
        out = {"type": change.type, "kind": change.kind, "name": change.name,
               "points": [list(p) for p in change.points], "speed_kmh": change.speed_kmh}
    elif isinstance(change, ChangeService):
        out = {"type": change.type, "service": change.service, "run_factor": change.run_factor,
               "run_min": None if change.run_min is None else list(change.run_min),
               "trains_per_day": change.trains_per_day}
    else:
        out = {"type": change.type, **{k: v for k, v in vars(change).items() if k != "type"}}
    return {k: v for k, v in out.items() if v is not None and v != ""}


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file (``.json``, ``.yaml`` or ``.yml``, UTF-8, at most :data:`MAX_FILE_BYTES`)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".json", ".yaml", ".yml"):
        raise ScenarioError(f"{path.name}: a scenario file ends in .json, .yaml or .yml")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(f"{path.name}: {size} bytes, a scenario file is at most {MAX_FILE_BYTES}")
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such scenario file") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path.name}: not UTF-8 text") from None
    try:
        return scenario_from_dict(parse_scenario_text(text, suffix.lstrip(".")))
    except ScenarioError as err:
        raise ScenarioError(f"{path.name}: {err}") from None


def parse_scenario_text(text: str, fmt: str) -> object:
    """The plain data of scenario text in ``fmt`` (``json``, ``yaml`` or ``yml``); one-line errors."""
    try:
        if fmt == "json":
            return json.loads(text)
        import yaml

        return yaml.safe_load(text)
    except RecursionError:
        raise ScenarioError("nested too deeply") from None
    except json.JSONDecodeError as err:
        raise ScenarioError(f"not valid JSON ({err.msg}, line {err.lineno})") from None
    except Exception as err:  # yaml.YAMLError and its subclasses, imported lazily
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ScenarioError(f"not valid YAML ({first})") from None


def dump_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write ``scenario`` as JSON or YAML by the suffix of ``path``; return the path."""
    path = Path(path)
    data = scenario_to_dict(scenario)
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    elif path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    else:
        raise ScenarioError(f"{path.name}: a scenario file ends in .json, .yaml or .yml")
    return path


# ------------------------------------------------------------------------------------------- applying


class ScenarioNetwork(RailNetwork):
    """A network holding exactly what runs in ``scenario``: its segments and service patterns are all usable,
    in the scenario's base year only (:attr:`year`). ``notes`` says what each change did."""

    def __init__(self, *args, scenario: Scenario, notes: tuple[str, ...], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scenario = scenario
        self.year: Year = scenario.engine_year
        self.notes = notes
        self.key = scenario.key

    def _check(self, year: Year) -> None:
        if check_year(year) != self.year:
            raise ScenarioError(f"scenario {self.scenario.name!r} is a network of year {self.year}; "
                                f"ask for year {self.year}, got {year!r}")

    def usable_segments(self, year: Year) -> pd.DataFrame:
        self._check(year)
        return self.segments

    def usable_services(self, year: Year) -> pd.DataFrame:
        self._check(year)
        return self.service_stops


@dataclass
class _Tables:
    """The mutable working copy of a network's tables while a scenario is applied."""

    stations: gpd.GeoDataFrame
    segments: pd.DataFrame
    services: pd.DataFrame
    stops: pd.DataFrame
    notes: list[str]
    bridges: pd.DataFrame | None  # the Yangtze barrier's bridges (geo.road); None: the network has no barrier
    sections: pd.DataFrame | None  # the barrier's expressway sections (geo.road.SECTION_COLUMNS)


def apply(scenario: Scenario, network: RailNetwork | None = None) -> ScenarioNetwork:
    """A new network: ``network`` (default: the project's) in the scenario's year with its changes applied in
    order. The result is cached on ``network`` per scenario; ``network`` itself is not changed.

    Raises :class:`ScenarioError` (one line) on the first change that names something unknown or is
    implausible; nothing is built then.
    """
    net = network or default_network()
    if isinstance(net, ScenarioNetwork):
        raise ScenarioError("apply a scenario to a network of the sources, not to another scenario's network")
    return net.memo(("scenario", scenario), lambda: _build(scenario, net), maxsize=256)


def _build(scenario: Scenario, net: RailNetwork) -> ScenarioNetwork:
    year = scenario.engine_year
    stops = net.usable_services(year).drop(columns="station_idx").astype({"arrive_min": float, "depart_min": float})
    work = _Tables(stations=net.tables["stations"].copy(),
                   segments=net.usable_segments(year).drop(columns=["from_idx", "to_idx"]),
                   services=net.services[net.services["service_id"].isin(set(stops["service_id"]))].copy(),
                   stops=stops, notes=[], bridges=None if net.barrier is None else net.barrier.bridges.copy(),
                   sections=None if net.barrier is None else net.barrier.sections.copy())
    for i, change in enumerate(scenario.changes, start=1):
        where = f"scenario {scenario.name!r}, change {i} ({change.type})"
        _APPLY[type(change)](change, work, net, year, where)
    t = net.tables
    barrier = None if net.barrier is None else RiverBarrier(river=net.barrier.river,
                                                            bridges=work.bridges.reset_index(drop=True),
                                                            sections=work.sections.reset_index(drop=True))
    return ScenarioNetwork(work.stations, work.segments, t["cities"], lines=t["lines"], transfers=t["transfers"],
                           neighbours=t["neighbours"], services=work.services.reset_index(drop=True),
                           service_stops=work.stops.reset_index(drop=True), barrier=barrier, scenario=scenario,
                           notes=tuple(work.notes))


def _station_lookup(work: _Tables) -> dict[str, str]:
    """Station id or Chinese station name -> station id (ids win; a name shared by two stations is left out)."""
    ids = work.stations["station_id"].astype(str)
    names = work.stations["name_zh"].astype(str)
    unique = names[~names.duplicated(keep=False)]
    return {**dict(zip(unique, ids[unique.index], strict=True)), **dict(zip(ids, ids, strict=True))}


def _unknown(kind: str, value: str, known: Sequence[str], where: str, valid: str = "") -> ScenarioError:
    close = difflib.get_close_matches(value, list(known), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return _fail(where, f"unknown {kind} {value!r}{valid}{hint}")


def _positions(work: _Tables, ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lon, lat, known) of station ids; ``known`` is False where the sources give no position."""
    table = work.stations.set_index("station_id")
    lon = pd.to_numeric(table.loc[list(ids), "lon"], errors="coerce").to_numpy(float)
    lat = pd.to_numeric(table.loc[list(ids), "lat"], errors="coerce").to_numpy(float)
    return lon, lat, np.isfinite(lon) & np.isfinite(lat)


def _check_speeds(work: _Tables, ids: Sequence[str], runs: np.ndarray, limit_kmh: float, where: str) -> None:
    """No run beats ``limit_kmh`` over the geodesic between its stops (stops without a position are not checked)."""
    lon, lat, known = _positions(work, ids)
    km = geodesic_km(lon[:-1], lat[:-1], lon[1:], lat[1:])
    ok = known[:-1] & known[1:]
    names = dict(zip(work.stations["station_id"], work.stations["name_zh"], strict=True))
    for k in np.flatnonzero(ok & (km / runs * 60.0 > limit_kmh)):
        need = km[k] / limit_kmh * 60.0
        raise _fail(where, f"run {names[ids[k]]}→{names[ids[k + 1]]} of {runs[k]:g} min is "
                           f"{km[k] / runs[k] * 60:.0f} km/h over the {km[k]:.1f} km geodesic, faster than the "
                           f"{limit_kmh:g} km/h design speed allows (at least {math.ceil(need * 10) / 10:g} min)")


def _running(work: _Tables, service: str, net: RailNetwork, year: Year, where: str) -> None:
    running = set(work.services["service_id"])
    if service in running:
        return
    if service in set(net.services["service_id"]):
        raise _fail(where, f"service {service!r} does not run in year {year} (open it with add_service or choose "
                           "another year)")
    raise _unknown("service", service, sorted(running), where, f" ({len(running)} services run in {year}; see "
                                                               "geo.scenario.choices)")


def _open_line(change: OpenLine, work: _Tables, net: RailNetwork, year: Year, where: str) -> None:
    lines = net.tables["lines"]
    known = [] if lines is None else lines["line_id"].astype(str).tolist()
    if change.line not in known:
        raise _unknown("line", change.line, known, where, " (lines.csv line_id)")
    mine = net.segments[net.segments["line_id"] == change.line].drop(columns=["from_idx", "to_idx"])
    have = set(zip(work.segments["line_id"], work.segments["from_station"], work.segments["to_station"],
                   strict=True))
    new = mine[[(r.line_id, r.from_station, r.to_station) not in have for r in mine.itertuples()]]
    untimed = net.untimed_segments[net.untimed_segments["line_id"] == change.line]
    if new.empty:
        raise _fail(where, f"line {change.line!r} has no segment to open in year {year}"
                           + (" that can be timed" if len(untimed) else " (it is open already)"))
    basis = new["minutes_basis"].fillna("").astype(str) if "minutes_basis" in new else ""
    new = new.assign(status="open", minutes_basis=basis + f" (opened early in the scenario, {year})")
    work.segments = pd.concat([work.segments, new], ignore_index=True)
    stations = set(mine["from_station"]) | set(mine["to_station"])
    planned = net.services[net.services["years"].map(lambda ys: "planned" in ys)
                           & ~net.services["service_id"].isin(set(work.services["service_id"]))]
    calls = net.service_stops[net.service_stops["service_id"].isin(set(planned["service_id"]))]
    on_line = [sid for sid, g in calls.groupby("service_id") if set(g["station_id"]) <= stations]
    if on_line:
        work.services = pd.concat([work.services, planned[planned["service_id"].isin(on_line)]], ignore_index=True)
        work.stops = pd.concat([work.stops, calls[calls["service_id"].isin(on_line)].drop(columns="station_idx")],
                               ignore_index=True)
    work.notes.append(f"{change.line}: opened {len(new)} segment(s)"
                      + (f" and the planned service(s) {', '.join(on_line)}" if on_line else "")
                      + (f"; {len(untimed)} segment(s) without minutes or distance stay closed" if len(untimed)
                         else ""))


def _add_service(change: AddService, work: _Tables, net: RailNetwork, year: Year, where: str) -> None:
    if change.id in set(net.services["service_id"]) | set(work.services["service_id"]):
        raise _fail(where, f"service id {change.id!r} exists already; choose another id")
    lookup = _station_lookup(work)
    ids: list[str] = []
    for stop in change.stops:
        if isinstance(stop, NewStop):
            _add_station(work, stop, where)
            ids.append(stop.station_id)
        elif stop in lookup:
            ids.append(lookup[stop])
        else:
            raise _unknown("station", stop, list(lookup), where, " (a station id or name, or {name, lon, lat})")
    if len(set(ids)) < len(ids):
        raise _fail(where, "a station appears twice in stops")
    runs = np.asarray(change.run_min, dtype=float)
    _check_speeds(work, ids, runs, change.design_speed_kmh, where)
    dwell = np.r_[0.0, np.full(len(ids) - 2, change.dwell_min), 0.0]
    arrive = np.r_[0.0, np.cumsum(runs + dwell[:-1])]
    depart = arrive + dwell
    work.services = pd.concat([work.services, pd.DataFrame([{
        "service_id": change.id, "name_zh": change.name_zh, "name_en": change.name_en, "example_train": "",
        "years": ("scenario",), "trains_per_day": np.nan if change.trains_per_day is None else change.trains_per_day,
        "source": f"what-if scenario: user-defined service ({where})", "source_date": "",
        "note": "user-defined: run times are the scenario's, not a timetable"}])], ignore_index=True)
    work.stops = pd.concat([work.stops, pd.DataFrame({
        "service_id": change.id, "seq": np.arange(1, len(ids) + 1, dtype=float), "station_id": ids,
        "arrive_min": arrive, "depart_min": depart, "time_basis": "scenario: user-defined run time",
        "source": "what-if scenario", "source_date": ""})], ignore_index=True)
    work.notes.append(f"{change.id}: new service with {len(ids)} stops, {arrive[-1]:g} min end to end")


def _add_station(work: _Tables, stop: NewStop, where: str) -> None:
    sid = stop.station_id
    existing = work.stations[work.stations["station_id"] == sid]
    if len(existing):
        row = existing.iloc[0]
        if not (math.isclose(float(row["lon"]), stop.lon) and math.isclose(float(row["lat"]), stop.lat)):
            raise _fail(where, f"new stop {stop.name!r} is given at two different points")
        return
    row = gpd.GeoDataFrame({"station_id": [sid], "name_zh": [stop.name], "name_en": [stop.name], "city_zh": [""],
                            "main": [False], "lon": [stop.lon], "lat": [stop.lat], "source_datum": ["wgs84"],
                            "coord_source": ["what-if scenario: new point"]},
                           geometry=gpd.points_from_xy([stop.lon], [stop.lat]), crs=WGS84)
    work.stations = pd.concat([work.stations, row], ignore_index=True)


def _change_service(change: ChangeService, work: _Tables, net: RailNetwork, year: Year, where: str) -> None:
    _running(work, change.service, net, year, where)
    mask = work.stops["service_id"] == change.service
    group = work.stops[mask].sort_values("seq")
    arrive, depart = group["arrive_min"].to_numpy(float), group["depart_min"].to_numpy(float)
    runs = arrive[1:] - depart[:-1]
    what = []
    if change.run_min is not None:
        if len(change.run_min) != len(runs):
            raise _fail(where, f"run_min has {len(change.run_min)} run times; service {change.service!r} has "
                               f"{len(group)} stops, so {len(runs)}")
        runs = np.asarray(change.run_min, dtype=float)
        what.append("new run times")
    elif change.run_factor is not None:
        runs = runs * change.run_factor
        what.append(f"run times x{change.run_factor:g}")
    if what:
        _check_speeds(work, group["station_id"].tolist(), runs, MAX_DESIGN_KMH, where)
        dwell = depart - arrive
        new_arrive = np.r_[0.0, np.cumsum(runs + dwell[:-1])]
        work.stops.loc[group.index, "arrive_min"] = new_arrive
        work.stops.loc[group.index, "depart_min"] = new_arrive + dwell
        work.stops.loc[group.index, "time_basis"] = group["time_basis"].astype(str) + f"; scenario: {what[0]}"
    if change.trains_per_day is not None:
        work.services.loc[work.services["service_id"] == change.service, "trains_per_day"] = change.trains_per_day
        what.append(f"{change.trains_per_day:g} trains a day")
    work.notes.append(f"{change.service}: {', '.join(what)}")


def _close_service(change: CloseService, work: _Tables, net: RailNetwork, year: Year, where: str) -> None:
    _running(work, change.service, net, year, where)
    _drop_services(work, {change.service})
    work.notes.append(f"{change.service}: closed")


def _drop_services(work: _Tables, ids: set[str]) -> None:
    work.services = work.services[~work.services["service_id"].isin(ids)]
    work.stops = work.stops[~work.stops["service_id"].isin(ids)]


def _close_segment(change: CloseSegment, work: _Tables, net: RailNetwork, year: Year, where: str) -> None:
    seg = work.segments
    a, b = change.from_station, change.to_station
    line = seg["line_id"] == change.line
    hit = line & (((seg["from_station"] == a) & (seg["to_station"] == b))
                  | ((seg["from_station"] == b) & (seg["to_station"] == a)))
    if not hit.any():
        if not line.any():
            raise _unknown("line", change.line, sorted(set(seg["line_id"])), where, f" (lines running in {year})")
        pairs = [f"{f}-{t}" for f, t in zip(seg.loc[line, "from_station"], seg.loc[line, "to_station"], strict=True)]
        raise _unknown("segment", f"{a}-{b}", pairs, where, f" of {change.line} in {year} (from-to station ids)")
    stopped = _services_over(work, a, b)
    work.segments = seg[~hit]
    _drop_services(work, stopped)
    work.notes.append(f"{change.line} {a}-{b}: closed" + (f", with the service(s) running over it: "
                                                          f"{', '.join(sorted(stopped))}" if stopped else ""))


def _services_over(work: _Tables, a: str, b: str) -> set[str]:
    """Services with a run whose route over the working segments uses the segment a-b (either way).

    A run's route is the quickest path of segments between its two stops, if that path takes at most
    :data:`ROUTE_SLACK` x the run's minutes; a longer one is not the train's route (it runs on a line the
    segments do not hold), and the run is left alone.
    """
    seg = work.segments
    ids = sorted(set(seg["from_station"]) | set(seg["to_station"]))
    pos = {s: i for i, s in enumerate(ids)}
    if a not in pos or b not in pos:
        return set()
    u = seg["from_station"].map(pos).to_numpy()
    v = seg["to_station"].map(pos).to_numpy()
    w = seg["minutes"].to_numpy(float)
    graph = csr_matrix((np.r_[w, w], (np.r_[u, v], np.r_[v, u])), shape=(len(ids), len(ids)))
    closed = {(pos[a], pos[b]), (pos[b], pos[a])}
    stopped = set()
    for sid, group in work.stops.groupby("service_id", sort=False):
        group = group.sort_values("seq")
        calls = group["station_id"].tolist()
        run = group["arrive_min"].to_numpy(float)[1:] - group["depart_min"].to_numpy(float)[:-1]
        for (x, y), minutes in zip(itertools.pairwise(calls), run, strict=True):
            if x not in pos or y not in pos:
                continue
            dist, pred = dijkstra(graph, indices=pos[x], return_predecessors=True)
            if not dist[pos[y]] <= ROUTE_SLACK * minutes:
                continue
            node, path = pos[y], set()
            while node != pos[x]:
                path.add((int(pred[node]), node))
                node = pred[node]
            if closed & path:
                stopped.add(str(sid))
                break
    return stopped


def _no_barrier(where: str) -> ScenarioError:
    return _fail(where, "this network has no Yangtze barrier (geo.road; a network of other sources has none), so a "
                        "bridge or expressway section changes nothing")


def _add_road_link(change: AddRoadLink, work: _Tables, net: RailNetwork, year: Year, where: str) -> None:
    if change.kind == "expressway":
        _add_section(change, work, net, where)
        return
    if work.bridges is None or net.barrier is None:
        raise _no_barrier(where)
    lon, lat = change.points[0]
    river = shapely.LineString(net.barrier.river)
    near = shapely.ops.nearest_points(river, shapely.Point(lon, lat))[0]
    off = float(geodesic_km(lon, lat, near.x, near.y))
    if off > MAX_BRIDGE_OFFSET_KM:
        raise _fail(where, f"bridge {change.name!r} at ({lon:.4f}, {lat:.4f}) is {off:.1f} km from the Yangtze; a "
                           f"bridge lies within {MAX_BRIDGE_OFFSET_KM:g} km of it")
    bid = f"new:{change.name}"
    if bid in set(work.bridges["bridge_id"].astype(str)):
        raise _fail(where, f"bridge {change.name!r} is added twice")
    opened = CURRENT_YEAR if year == PLANNED else int(year)
    row = {c: None for c in work.bridges.columns} | {"bridge_id": bid, "name_zh": change.name, "opened_year": opened,
                                                      "lon": lon, "lat": lat}
    work.bridges = pd.concat([work.bridges, pd.DataFrame([row])], ignore_index=True)
    work.notes.append(f"{change.name}: new Yangtze bridge at ({lon:.4f}, {lat:.4f}), open in {year}")


def _add_section(change: AddRoadLink, work: _Tables, net: RailNetwork, where: str) -> None:
    """An expressway section: its polyline's geodesic length at its speed, between its two ends (geo.road)."""
    if work.sections is None or net.barrier is None:
        raise _no_barrier(where)
    lon, lat = (np.array(v, dtype=float) for v in zip(*change.points, strict=True))
    length = float(GEOD.line_length(lon, lat)) / 1000.0
    lo, hi = SECTION_KM_RANGE
    if not lo <= length <= hi:
        raise _fail(where, f"expressway section {change.name!r} is {length:.1f} km long; a section is {lo:g}-{hi:g} km")
    sid = f"new:{change.name}"
    if sid in set(work.sections["section_id"].astype(str)):
        raise _fail(where, f"expressway section {change.name!r} is added twice")
    speed = float(change.speed_kmh)
    row = {"section_id": sid, "name": change.name, "lon1": lon[0], "lat1": lat[0], "lon2": lon[-1], "lat2": lat[-1],
           "length_km": length, "speed_kmh": speed}
    work.sections = pd.concat([work.sections, pd.DataFrame([row])], ignore_index=True)
    banks = net.barrier.bank([lon[0], lon[-1]], [lat[0], lat[-1]])
    across = "; it crosses the Yangtze (its ends are on opposite banks)" if banks[0] != banks[1] else ""
    minutes = length / speed * 60.0
    work.notes.append(f"{change.name}: expressway section of {length:.1f} km at {speed:g} km/h ({minutes:.1f} min), "
                      f"entered and left only at its ends ({lon[0]:.4f}, {lat[0]:.4f}) and ({lon[-1]:.4f}, "
                      f"{lat[-1]:.4f}){across}")


def _remove_road_link(change: RemoveRoadLink, work: _Tables, net: RailNetwork, year: Year, where: str) -> None:
    if work.bridges is None:
        raise _no_barrier(where)
    ids = work.bridges["bridge_id"].astype(str)
    names = work.bridges["name_zh"].astype(str) if "name_zh" in work.bridges else pd.Series("", index=ids.index)
    hit = (ids == change.bridge) | (names == change.bridge)
    if not hit.any():
        raise _unknown("bridge", change.bridge, [*ids, *names[names != ""]], where,
                       " (a located bridge of bridges.csv: bridge_id or name_zh)")
    work.bridges = work.bridges[~hit]
    work.notes.append(f"{change.bridge}: bridge removed from the road network")


_APPLY = {OpenLine: _open_line, AddService: _add_service, ChangeService: _change_service,
          CloseService: _close_service, CloseSegment: _close_segment, AddRoadLink: _add_road_link,
          RemoveRoadLink: _remove_road_link}


# --------------------------------------------------------------------------------------------- choices


@dataclass(frozen=True)
class ScenarioChoices:
    """What a scenario over ``year`` can name, with both names, for pickers (EPSG:4326 lon/lat).

    ``stations``: station_id, name_zh, name_en, city_zh, lon, lat, label ("汉口站 Hankou").
    ``services``: service_id, name_zh, name_en, trains_per_day, label: the services running in ``year``.
    ``lines``: line_id, name_zh, name_en, design_speed_kmh, openable (segments that open_line would open).
    ``segments``: line_id, from_station, to_station, minutes, label: the segments running in ``year``.
    """

    year: Year
    stations: pd.DataFrame
    services: pd.DataFrame
    lines: pd.DataFrame
    segments: pd.DataFrame


def choices(year: object = "now", network: RailNetwork | None = None) -> ScenarioChoices:
    """The stations, services, lines and segments a scenario over ``year`` can name (bilingual labels)."""
    net = network or default_network()
    eyear = check_year(engine_year(_year_token(year)))
    st = net.stations
    name_en = st["name_en"].astype(str) if "name_en" in st else pd.Series("", index=st.index)
    stations = pd.DataFrame({"station_id": net.station_ids, "name_zh": st["name_zh"].astype(str).to_numpy(),
                             "name_en": name_en.to_numpy(), "city_zh": net.station_city, "lon": net.lon,
                             "lat": net.lat})
    stations["label"] = (stations["name_zh"] + " " + stations["name_en"]).str.strip()
    running = set(net.usable_services(eyear)["service_id"])
    sv = net.services[net.services["service_id"].isin(running)]
    services = pd.DataFrame({"service_id": sv["service_id"].to_numpy(), "name_zh": sv["name_zh"].to_numpy(),
                             "name_en": sv.get("name_en", pd.Series("", index=sv.index)).fillna("").to_numpy(),
                             "trains_per_day": sv["trains_per_day"].to_numpy(float)})
    services["label"] = (services["name_zh"] + " · " + services["name_en"]).str.strip(" ·")
    seg = net.usable_segments(eyear)
    usable = set(zip(seg["line_id"], seg["from_station"], seg["to_station"], strict=True))
    openable = net.segments[[(r.line_id, r.from_station, r.to_station) not in usable
                             for r in net.segments.itertuples()]].groupby("line_id").size()
    lines = net.tables["lines"]
    lines = (pd.DataFrame(columns=["line_id", "name_zh", "name_en", "design_speed_kmh"]) if lines is None
             else lines[[c for c in ("line_id", "name_zh", "name_en", "design_speed_kmh") if c in lines]].copy())
    lines["openable"] = lines["line_id"].map(openable).fillna(0).astype(int)
    names = dict(zip(stations["station_id"], stations["label"], strict=True))
    segments = seg[["line_id", "from_station", "to_station", "minutes"]].reset_index(drop=True)
    segments["label"] = [f"{ln}: {names[a]} – {names[b]}" for ln, a, b in
                         zip(segments["line_id"], segments["from_station"], segments["to_station"], strict=True)]
    return ScenarioChoices(year=eyear, stations=stations, services=services.reset_index(drop=True),
                           lines=lines.reset_index(drop=True), segments=segments)
