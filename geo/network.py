"""Rail network model: stations, places, year/scenario filtering and the CSR routing graph.

Model assumptions (all user-adjustable through :class:`RoadModel` and the
``transfer_min`` argument; every time is in minutes, every distance in km,
every coordinate WGS-84 lon/lat, EPSG:4326):

* Road legs (home -> station, station -> destination, and road-only trips) take
  ``road km x detour_factor / speed_kmh`` plus ``ends_min / 2`` for each
  urban end they touch (both ends for a trip between city centres, one for a leg
  to a station, whose station end is ``access_min``/``egress_min``), phased in over
  the first ``URBAN_RAMP_KM``. Road km is the geodesic distance, or where the
  Yangtze lies between the ends the way over its best bridge open in the year
  (:mod:`geo.road`), shortened by the expressway skeleton between city seats (``data/sources/expressways.csv``,
  each section at its sourced design speed, else 100 km/h, from the year it opened) and by a scenario's
  expressway sections where they help (a section's minutes count as ``minutes x km_per_min`` road km); the
  detour factor turns it into a road distance. So ``speed_kmh`` and ``detour_factor`` are the roads **off** the
  skeleton (to and from it, and trips it does not shorten). The defaults (110 km/h over a road 1.3 x the road
  km, 11 minutes of town driving per trip) are fitted to published free-flow driving times between the member
  cities' seats; ``bench/validate.py`` reports the error.
* Taking a train adds a fixed ``access_min`` at the departure station (arriving
  early, security check, boarding) and ``egress_min`` at the arrival station.
* A road leg to or from a station is at most ``max_access_km`` (road km) long,
  both in travel-time matrices and in isochrone discs; beyond that we assume
  nobody drives to a train.
* Changing lines at a station costs ``transfer_min``; a same-city station link
  from ``transfers.csv`` costs its listed minutes on top of that.
* Two rail figures (``figure``): ``"fastest"`` is the fastest scheduled time (no wait for a
  train); ``"typical"`` adds at every boarding the wait expected from the service's frequency,
  :func:`expected_wait_min`: half the headway of its trains over a ``SERVICE_DAY_MIN`` (16 h,
  06:00-22:00) service day, ``SERVICE_DAY_MIN / trains_per_day / 2``, at most ``MAX_WAIT_MIN``
  (60 min). Half the headway is the mean wait of a passenger arriving at random between trains
  that run at regular intervals, the rule of frequency-based transit assignment and of R5's and
  OpenTripPlanner's frequency boarding. A pattern without a sourced count, and every segment line,
  waits ``DEFAULT_WAIT_MIN`` (30 min, as for hourly trains): an assumption, not a sourced figure.
* A segment is usable in year ``Y`` if ``status == "open"`` and ``opened <= Y``;
  the ``"planned"`` scenario uses every segment (open, construction, planned).
* A segment without ``minutes`` is timed from its ``distance_km`` at
  ``AVG_TO_DESIGN_SPEED`` x the line's design speed (stops, curves, acceleration).
* A segment with an empty ``opened`` year but ``status == "open"`` is open now
  (``CURRENT_YEAR`` and later) but not in any earlier year: its year is unknown.
  A construction/planned segment with neither minutes nor distance cannot be
  timed and is left out (listed in :attr:`RailNetwork.untimed_segments`).
* A same-city station link (``transfers.csv``) without minutes takes the geodesic
  distance between the stations at ``STATION_LINK_KMH`` (metro or taxi across
  town), or ``DEFAULT_STATION_LINK_MIN`` if a position is unknown.
* A station without coordinates still routes; for road legs and isochrone discs
  it is placed at its member city's seat (``coord_imputed``), and one outside
  the member cities is not reachable by road at all.
* A neighbouring core (outside the agglomeration) has no seat in ``cities.csv``:
  trips there end at any of its main stations plus ``egress_min``.

Graph: one hub node per station plus one node per (station, line) pair. A
segment links two nodes of the same line; boarding (hub -> line node) is free
(``"typical"``: the line's expected wait), alighting to the hub costs ``transfer_min``,
so a trip pays the penalty exactly when it changes lines, and in the typical figure one
wait per train it boards. Arrival time at a station is the minimum over its nodes.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from geo.crs import GEOD
from geo.errors import BadOptionError, BadThresholdError, RailDataError
from geo.road import RiverBarrier, load_barrier

__all__ = [
    "AVG_TO_DESIGN_SPEED",
    "CURRENT_YEAR",
    "DEFAULT_STATION_LINK_MIN",
    "DEFAULT_TRANSFER_MIN",
    "DEFAULT_WAIT_MIN",
    "FIGURES",
    "MAX_WAIT_MIN",
    "NEIGHBOUR_CORES",
    "PLANNED",
    "PLAN_YEAR",
    "SERVICE_DAY_MIN",
    "STATION_LINK_KMH",
    "Figure",
    "RailGraph",
    "RailNetwork",
    "RoadModel",
    "Year",
    "active_network_key",
    "check_figure",
    "check_year",
    "default_network",
    "expected_wait_min",
    "geodesic_km",
    "using_network",
]

CURRENT_YEAR = 2026
PLAN_YEAR = 2015
PLANNED = "planned"
DEFAULT_TRANSFER_MIN = 10.0
AVG_TO_DESIGN_SPEED = 0.75
STATION_LINK_KMH = 25.0
URBAN_RAMP_KM = 20.0  # a road trip shorter than this pays its urban ends in proportion (see RoadModel.road_min)
DEFAULT_STATION_LINK_MIN = 40.0
NEIGHBOUR_CORES = ("上海", "南京", "杭州", "合肥", "郑州", "重庆", "成都", "广州", "深圳", "福州", "贵阳", "西安")
_MIN_YEAR, _MAX_YEAR = 1900, 2100
# The typical figure's boarding wait (see the module docstring): a service day of 06:00-22:00, as the GTFS feed's
# frequencies.txt states it, a cap on the wait and the stated assumption for trains without a sourced count.
SERVICE_DAY_MIN = 16 * 60.0
MAX_WAIT_MIN = 60.0
DEFAULT_WAIT_MIN = 30.0
# The rail figures (geo.options.RailFigure declares them for the front ends).
FIGURES = ("fastest", "typical")

Year = int | Literal["planned"]
Figure = Literal["fastest", "typical"]


@dataclass(frozen=True)
class RoadModel:
    """Road legs and terminal times (km/h, minutes, km); see the module docstring for the model.

    The defaults are calibrated against published free-flow driving times between city seats
    (``data/sources/validation/road_pairs.csv``: the speed and town minutes with the least mean absolute relative
    error, the expressway skeleton of :mod:`geo.road` as it is; ``bench/validate.py`` reports the error).
    """

    speed_kmh: float = 110.0  # running speed on the detoured road off the expressway skeleton (geo.road)
    detour_factor: float = 1.3
    ends_min: float = 11.0  # minutes lost in town at the two ends of a trip between city centres
    access_min: float = 15.0
    egress_min: float = 10.0
    max_access_km: float = 100.0

    def __post_init__(self) -> None:
        checks = {
            "speed_kmh": 0 < self.speed_kmh <= 400,
            "detour_factor": 1 <= self.detour_factor <= 5,
            "ends_min": 0 <= self.ends_min <= 120,
            "access_min": 0 <= self.access_min <= 240,
            "egress_min": 0 <= self.egress_min <= 240,
            "max_access_km": 0 < self.max_access_km <= 1000,
        }
        bad = [f"{k}={getattr(self, k)!r}" for k, ok in checks.items() if not ok]
        if bad:
            raise BadThresholdError(
                f"RoadModel out of range: {', '.join(bad)} (need 0<speed_kmh<=400, 1<=detour_factor<=5, "
                "0<=ends_min<=120, 0<=access_min,egress_min<=240, 0<max_access_km<=1000)"
            )

    @property
    def km_per_min(self) -> float:
        """Geodesic km covered per minute of road travel (speed / detour / 60)."""
        return self.speed_kmh / self.detour_factor / 60.0

    def road_min(self, km: np.ndarray | float, ends: float = 2) -> np.ndarray:
        """Road minutes for a geodesic distance in km touching ``ends`` urban ends (2 between two city centres,
        1 for a leg to or from a station, whose own end is in ``access_min``/``egress_min``).

        Running time over the detoured road at ``speed_kmh``, plus ``ends_min / 2`` per urban end, phased in
        linearly over the first :data:`URBAN_RAMP_KM` so that a trip of no length takes no time.
        """
        km = np.asarray(km, dtype=float)
        return km / self.km_per_min + self.ends_min * ends / 2 * np.minimum(1.0, km / URBAN_RAMP_KM)

    def reach_km(self, minutes: np.ndarray | float, ends: np.ndarray | float = 2) -> np.ndarray:
        """The geodesic km :meth:`road_min` covers in ``minutes`` (its inverse; 0 or less: nothing)."""
        t = np.asarray(minutes, dtype=float)
        lost = self.ends_min * np.asarray(ends, dtype=float) / 2
        ramp = URBAN_RAMP_KM / (URBAN_RAMP_KM / self.km_per_min + lost)  # km per minute within the ramp
        return np.maximum(t * ramp, (t - lost) * self.km_per_min)


def check_year(year: object) -> Year:
    """Validate a year (int 1900-2100, or a digit string) or the scenario ``"planned"``."""
    if isinstance(year, str):
        if year.strip().lower() == PLANNED:
            return PLANNED
        if year.strip().isdigit():
            year = int(year)
    if isinstance(year, (int, np.integer)) and not isinstance(year, bool) and _MIN_YEAR <= year <= _MAX_YEAR:
        return int(year)
    raise BadOptionError(f"year must be an integer {_MIN_YEAR}-{_MAX_YEAR} or 'planned', got {year!r}")


def check_figure(figure: object) -> Figure:
    """Validate a rail figure: ``"fastest"`` (fastest scheduled) or ``"typical"`` (with the expected wait)."""
    if figure not in FIGURES:
        raise BadOptionError(f"figure must be one of {', '.join(FIGURES)}, got {str(figure)[:40]!r}")
    return str(figure)  # type: ignore[return-value]


def expected_wait_min(trains_per_day: np.ndarray | float) -> np.ndarray:
    """Expected minutes of wait at boarding for services running ``trains_per_day`` trains a day each way.

    ``SERVICE_DAY_MIN / trains_per_day / 2`` (half the headway over a 16-hour service day), at most
    ``MAX_WAIT_MIN``; ``DEFAULT_WAIT_MIN`` where the count is missing (NaN) or not positive.
    """
    n = np.asarray(trains_per_day, dtype=float)
    known = np.isfinite(n) & (n > 0)
    half_headway = SERVICE_DAY_MIN / np.where(known, n, 1.0) / 2.0
    return np.where(known, np.minimum(half_headway, MAX_WAIT_MIN), DEFAULT_WAIT_MIN)


def geodesic_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Geodesic distance in km on the WGS-84 ellipsoid; broadcasts (lon, lat) degree arrays."""
    a, b, c, d = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (lon1, lat1, lon2, lat2)))
    _, _, m = GEOD.inv(a.ravel(), b.ravel(), c.ravel(), d.ravel())
    return np.asarray(m).reshape(a.shape) / 1000.0


@dataclass(frozen=True, eq=False)
class RailGraph:
    """The routing graph for one year/scenario; node ids are grouped by station (hub first)."""

    year: Year
    transfer_min: float
    csr: sp.csr_matrix
    hub_node: np.ndarray  # station index -> its hub node
    node_start: np.ndarray  # station index -> first node of the station's contiguous block
    open_station: np.ndarray  # bool per station: has at least one usable segment
    figure: Figure = "fastest"  # "typical": every boarding pays the service's expected wait

    def station_minutes(self, sources: np.ndarray, *, limit: float = np.inf) -> np.ndarray:
        """Rail minutes from each source station (rows) to every station (cols), in-vehicle + transfers.

        Runs :func:`scipy.sparse.csgraph.dijkstra` from the sources' hub nodes; unreachable
        (or beyond ``limit`` minutes) is ``inf``.
        """
        sources = np.asarray(sources, dtype=np.int64)
        if sources.size == 0:
            return np.empty((0, len(self.hub_node)))
        dist = dijkstra(self.csr, directed=True, indices=self.hub_node[sources], limit=limit)
        return np.minimum.reduceat(dist, self.node_start, axis=1)


class RailNetwork:
    """Stations, segments and places (member cities + neighbouring cores), all in EPSG:4326.

    Build it from validated frames (``stations`` GeoDataFrame with station_id, name_zh,
    city_zh, main, lon, lat; ``segments`` with line_id, from_station, to_station,
    minutes, distance_km, opened, status; ``cities`` with name_zh, name_en, adcode,
    role, population_2020, lon, lat; optional ``neighbours`` with name_zh, name_en, adcode
    of the neighbouring cores) or from the project's CSVs with :meth:`from_sources`.
    """

    def __init__(
        self,
        stations: gpd.GeoDataFrame,
        segments: pd.DataFrame,
        cities: gpd.GeoDataFrame,
        *,
        lines: pd.DataFrame | None = None,
        transfers: pd.DataFrame | None = None,
        neighbours: pd.DataFrame | None = None,
        services: pd.DataFrame | None = None,
        service_stops: pd.DataFrame | None = None,
        barrier: RiverBarrier | None = None,
    ) -> None:
        # The frames as given, so a what-if network can be built from modified copies (geo.scenario).
        self.tables = {"stations": stations, "segments": segments, "cities": cities, "lines": lines,
                       "transfers": transfers, "neighbours": neighbours, "services": services,
                       "service_stops": service_stops, "barrier": barrier}
        self.key = ""  # "" for a network of the sources; a what-if network names its changes (frame caches)
        self.stations = stations.reset_index(drop=True).copy()
        self.station_ids = self.stations["station_id"].astype(str).to_numpy()
        self._station_index = {s: i for i, s in enumerate(self.station_ids)}
        if len(self._station_index) != len(self.station_ids):
            raise RailDataError("station_id values are not unique")
        self.station_city = self.stations["city_zh"].astype(str).to_numpy()
        self.station_main = self.stations["main"].astype(bool).to_numpy()
        members = self._members(cities)
        self._impute_station_coords(members)
        self.places = self._places(members, neighbours)
        # Plain arrays of the places table for the per-query hot paths.
        self.place_names = self.places["name_zh"].to_numpy()
        self.place_lon = self.places["lon"].to_numpy(float)
        self.place_lat = self.places["lat"].to_numpy(float)
        self.place_member = self.places["member"].to_numpy(bool)
        self.place_population = self.places["population_2020"].to_numpy(float)
        self.place_mains = [np.flatnonzero((self.station_city == p) & self.station_main) for p in self.place_names]
        self.segments = self._timed_segments(segments, lines)
        self.transfers = self._station_links(transfers)
        self.services, self.service_stops = self._indexed_services(services, service_stops)
        # The Yangtze with its bridges (geo.road); None: road legs are not barred (what-if data, tests).
        self.barrier = barrier
        self._graphs: dict[tuple[Year, float, Figure], RailGraph] = {}
        # Per-query results keyed by their full inputs (see geo.traveltime); the network is immutable.
        self._memo: OrderedDict[tuple, object] = OrderedDict()

    @classmethod
    def from_sources(cls, *, sources_dir: Path | str | None = None) -> RailNetwork:
        """Load ``data/sources`` (or ``sources_dir``) with :mod:`geo.railsources` and build the network.

        The project's network has the Yangtze as a road barrier (:func:`geo.road.load_barrier`); a network
        from another ``sources_dir`` has none.
        """
        from data import load_cities
        from geo.railsources import load_rail, read_member_cities, read_neighbour_cores

        src = load_rail(sources_dir=sources_dir)
        # The project's cities come from the shared loader; another directory (tests, what-if
        # data) is read directly from its cities.csv.
        cities = load_cities() if sources_dir is None else read_member_cities(sources_dir=sources_dir)
        return cls(src.stations, src.segments, cities, lines=src.lines, transfers=src.transfers,
                   neighbours=read_neighbour_cores(sources_dir=sources_dir), services=src.services,
                   service_stops=src.service_stops, barrier=load_barrier() if sources_dir is None else None)

    # -- tables -----------------------------------------------------------------------------------

    def station_index(self, station_id: str) -> int | None:
        """Row of ``station_id`` in :attr:`stations`, or None."""
        return self._station_index.get(station_id)

    def _indexed_pairs(self, df: pd.DataFrame, what: str) -> pd.DataFrame:
        out = df.copy()
        for col in ("from_station", "to_station"):
            idx = out[col].astype(str).map(self._station_index)
            if idx.isna().any():
                raise RailDataError(f"{what}: unknown station(s) {sorted(set(out.loc[idx.isna(), col]))}")
            out[col[:-8] + "_idx"] = idx.astype(np.int64)
        out["minutes"] = pd.to_numeric(out["minutes"], errors="coerce").astype(float)
        return out

    def _timed_segments(self, segments: pd.DataFrame, lines: pd.DataFrame | None) -> pd.DataFrame:
        seg = self._indexed_pairs(segments, "segments")
        seg["line_id"] = seg["line_id"].astype(str)
        seg["opened"] = pd.to_numeric(seg["opened"], errors="coerce")
        missing = seg["minutes"].isna()
        if missing.any():
            speed = (seg["line_id"].map(lines.set_index("line_id")["design_speed_kmh"]).astype(float)
                     if lines is not None else pd.Series(np.nan, index=seg.index))
            est = pd.to_numeric(seg["distance_km"], errors="coerce") / (speed * AVG_TO_DESIGN_SPEED) * 60.0
            seg.loc[missing, "minutes"] = est[missing]
        untimed = seg["minutes"].isna()
        if (untimed & (seg["status"] == "open")).any():
            bad = seg[untimed & (seg["status"] == "open")]
            raise RailDataError(
                "open segments without minutes, distance_km or design speed: "
                + ", ".join(f"{r.line_id} {r.from_station}-{r.to_station}" for r in bad.itertuples())
            )
        self.untimed_segments = seg[untimed].drop(columns=["from_idx", "to_idx"]).reset_index(drop=True)
        return seg[~untimed].reset_index(drop=True)

    def _station_links(self, transfers: pd.DataFrame | None) -> pd.DataFrame:
        if transfers is None:
            transfers = pd.DataFrame(columns=["from_station", "to_station", "minutes"])
        links = self._indexed_pairs(transfers, "transfers")
        a, b = links["from_idx"].to_numpy(), links["to_idx"].to_numpy()
        known = ~self.stations["coord_imputed"].to_numpy()
        km = geodesic_km(self.lon[a], self.lat[a], self.lon[b], self.lat[b]) if len(links) else np.empty(0)
        est = np.where(known[a] & known[b] & np.isfinite(km), km / STATION_LINK_KMH * 60.0,
                       DEFAULT_STATION_LINK_MIN)
        links["minutes"] = links["minutes"].fillna(pd.Series(est, index=links.index))
        return links

    def _indexed_services(self, services: pd.DataFrame | None,
                          stops: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame]:
        if services is None or stops is None:
            return (pd.DataFrame({"service_id": [], "years": []}),
                    pd.DataFrame({"service_id": [], "station_idx": [], "arrive_min": [], "depart_min": []}))
        stops = stops.copy()
        idx = stops["station_id"].astype(str).map(self._station_index)
        if idx.isna().any():
            raise RailDataError(f"service_stops: unknown station(s) {sorted(set(stops.loc[idx.isna(), 'station_id']))}")
        stops["station_idx"] = idx.astype(np.int64)
        return services.reset_index(drop=True), stops.sort_values(["service_id", "seq"], kind="stable")

    def usable_services(self, year: Year) -> pd.DataFrame:
        """Stops of the service patterns that run in ``year``: the plan year's timetable (2015), today's
        (:data:`CURRENT_YEAR` and later) or today's plus the planned lines (``"planned"``); none in other years."""
        year = check_year(year)
        wanted = {"now", "planned"} if year == PLANNED else {"2015"} if year == PLAN_YEAR else (
            {"now"} if year >= CURRENT_YEAR else set())
        ids = self.services.loc[self.services["years"].map(lambda ys: bool(wanted & set(ys))), "service_id"]
        return self.service_stops[self.service_stops["service_id"].isin(set(ids))]

    @staticmethod
    def _members(cities: gpd.GeoDataFrame) -> pd.DataFrame:
        return pd.DataFrame({
            "name_zh": cities["name_zh"].astype(str).to_numpy(),
            "name_en": cities["name_en"].astype(str).to_numpy(),
            "adcode": cities["adcode"].astype(str).to_numpy(),
            "role": cities["role"].astype(str).to_numpy(),
            "population_2020": pd.to_numeric(cities["population_2020"], errors="coerce").to_numpy(float),
            "lon": cities.geometry.x.to_numpy(float),
            "lat": cities.geometry.y.to_numpy(float),
            "member": True,
            # The plan's sub-cluster (武汉城市圈, 环长株潭, 环鄱阳湖); empty for members outside the three.
            "subcluster_zh": (cities["subcluster_zh"].fillna("").astype(str).to_numpy() if "subcluster_zh" in cities
                              else ""),
        })

    def _impute_station_coords(self, members: pd.DataFrame) -> None:
        """Set :attr:`lon`/:attr:`lat`; stations without coordinates take their member city's seat."""
        lon = np.array(pd.to_numeric(self.stations["lon"], errors="coerce"), dtype=float)
        lat = np.array(pd.to_numeric(self.stations["lat"], errors="coerce"), dtype=float)
        unknown = ~(np.isfinite(lon) & np.isfinite(lat))
        seat = members.set_index("name_zh")
        at_seat = unknown & np.isin(self.station_city, seat.index)
        lon[at_seat] = seat.loc[self.station_city[at_seat], "lon"].to_numpy()
        lat[at_seat] = seat.loc[self.station_city[at_seat], "lat"].to_numpy()
        self.lon, self.lat = lon, lat
        self.stations["coord_imputed"] = unknown
        self.stations["road_reachable"] = np.isfinite(lon)

    def _places(self, members: pd.DataFrame, neighbours: pd.DataFrame | None) -> pd.DataFrame:
        """Member cities (seat points) then neighbouring cores present in the stations table.

        ``neighbours`` (name_zh, name_en, adcode) names the cores in English; without it they have none.
        """
        named = {} if neighbours is None else neighbours.set_index("name_zh")[["name_en", "adcode"]].to_dict("index")
        rows = []
        for name in NEIGHBOUR_CORES:
            mains = np.flatnonzero((self.station_city == name) & self.station_main & np.isfinite(self.lon))
            if mains.size and name not in set(members["name_zh"]):
                # Their point is their first main station: cities.csv has no seat for them.
                first = mains[np.argsort(self.station_ids[mains])[0]]
                extra = named.get(name, {"name_en": "", "adcode": ""})
                rows.append({"name_zh": name, "name_en": extra["name_en"], "adcode": extra["adcode"],
                             "role": "neighbour", "population_2020": np.nan, "lon": self.lon[first],
                             "lat": self.lat[first], "member": False, "subcluster_zh": ""})
        return pd.concat([members, pd.DataFrame(rows, columns=members.columns)], ignore_index=True)

    def memo(self, key: tuple, compute, *, maxsize: int = 256):
        """``compute()`` cached under ``key`` (least recently used first out, at most ``maxsize`` entries)."""
        try:
            self._memo.move_to_end(key)
            return self._memo[key]
        except KeyError:
            pass
        value = compute()
        self._memo[key] = value
        while len(self._memo) > maxsize:
            self._memo.popitem(last=False)
        return value

    @cached_property
    def place_lookup(self) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
        """Place rows by Chinese name, adcode and case-folded English name (first row wins)."""
        out: tuple[dict[str, int], dict[str, int], dict[str, int]] = ({}, {}, {})
        cols = (self.places["name_zh"], self.places["adcode"], self.places["name_en"].str.casefold())
        for table, values in zip(out, cols, strict=True):
            for i, v in enumerate(values.astype(str)):
                if v:
                    table.setdefault(v, i)
        return out

    def main_stations(self, place: str) -> np.ndarray:
        """Station indices of a place's main stations (``main == 1`` and ``city_zh == place``)."""
        return np.flatnonzero((self.station_city == place) & self.station_main)

    @cached_property
    def station_km(self) -> np.ndarray:
        """Geodesic km between every pair of stations (n x n)."""
        n = len(self.lon)
        i, j = np.triu_indices(n, k=1)
        out = np.zeros((n, n))
        out[i, j] = out[j, i] = geodesic_km(self.lon[i], self.lat[i], self.lon[j], self.lat[j])
        return out

    @cached_property
    def place_station_km(self) -> np.ndarray:
        """Geodesic km from every place point (rows, :attr:`places` order) to every station (cols)."""
        return geodesic_km(self.place_lon[:, None], self.place_lat[:, None], self.lon, self.lat)

    @cached_property
    def member_bbox(self) -> tuple[float, float, float, float]:
        """(min lon, min lat, max lon, max lat) of the member-city seats, degrees."""
        lon, lat = self.place_lon[self.place_member], self.place_lat[self.place_member]
        return (lon.min(), lat.min(), lon.max(), lat.max())

    # -- graph --------------------------------------------------------------------------------------

    def usable_segments(self, year: Year) -> pd.DataFrame:
        """Segments usable in ``year`` (open and opened <= year), or all of them for ``"planned"``."""
        year = check_year(year)
        seg = self.segments
        if year == PLANNED:
            return seg
        known = seg["opened"] <= year
        unknown_but_open_now = seg["opened"].isna() & (year >= CURRENT_YEAR)
        return seg[(seg["status"] == "open") & (known | unknown_but_open_now)]

    def graph(self, year: Year = CURRENT_YEAR, *, transfer_min: float = DEFAULT_TRANSFER_MIN,
              figure: Figure = "fastest") -> RailGraph:
        """The CSR routing graph for ``year`` (cached per year/scenario, transfer penalty and figure).

        ``figure="typical"`` charges every boarding the expected wait of its service (:func:`expected_wait_min`).
        """
        year = check_year(year)
        figure = check_figure(figure)
        if not (np.isfinite(transfer_min) and 0 <= transfer_min <= 240):
            raise BadThresholdError(f"transfer_min must be 0-240 minutes, got {transfer_min!r}")
        key = (year, float(transfer_min), figure)
        if key not in self._graphs:
            self._graphs[key] = self._build_graph(year, float(transfer_min), figure)
        return self._graphs[key]

    def service_wait_min(self) -> pd.Series:
        """Expected boarding wait (minutes) of each service pattern, by service_id (:func:`expected_wait_min`)."""
        per_day = (pd.to_numeric(self.services["trains_per_day"], errors="coerce") if "trains_per_day" in
                   self.services else pd.Series(np.nan, index=self.services.index))
        return pd.Series(expected_wait_min(per_day.to_numpy(float)),
                         index=self.services["service_id"].astype(str).to_numpy(), dtype=float)

    def _build_graph(self, year: Year, transfer_min: float, figure: Figure = "fastest") -> RailGraph:
        seg = self.usable_segments(year)
        n = len(self.station_ids)
        a, b = seg["from_idx"].to_numpy(), seg["to_idx"].to_numpy()
        lines = seg["line_id"].to_numpy()
        # Nodes: every station's hub, plus one node per (station, line) it is served by, plus an arrival and a
        # departure node per stop of every service pattern in each direction (see _service_edges).
        pairs = pd.DataFrame({"station": np.r_[a, b], "line": np.r_[lines, lines]}).drop_duplicates()
        hubs = pd.DataFrame({"station": np.arange(n), "line": ""})
        stops = self.usable_services(year)
        calls = _service_calls(stops)
        nodes = pd.concat([hubs, pairs, calls[["station", "line"]]]).sort_values(["station", "line"], kind="stable")
        nodes = nodes.reset_index(drop=True)
        node_id = pd.Series(nodes.index.to_numpy(), index=pd.MultiIndex.from_frame(nodes))
        st = nodes["station"].to_numpy()
        node_start = np.flatnonzero(np.r_[True, st[1:] != st[:-1]])
        hub_node = node_start.copy()  # "" sorts first, so each block starts with its hub

        na = node_id.reindex(pd.MultiIndex.from_arrays([a, lines])).to_numpy()
        nb = node_id.reindex(pd.MultiIndex.from_arrays([b, lines])).to_numpy()
        line_nodes = np.flatnonzero(nodes["line"].to_numpy() != "")
        tr = self.transfers
        ta, tb = hub_node[tr["from_idx"].to_numpy()], hub_node[tr["to_idx"].to_numpy()]
        minutes = seg["minutes"].to_numpy(float)
        typical = figure == "typical"
        waits = self.service_wait_min() if typical else None
        sr, sc, sw = _service_edges(calls, node_id, hub_node, transfer_min, waits)
        rows = np.r_[na, nb, hub_node[st[line_nodes]], line_nodes, ta, tb, sr]
        cols = np.r_[nb, na, line_nodes, hub_node[st[line_nodes]], tb, ta, sc]
        # Segment lines have no sourced frequency: in the typical figure their boarding waits the stated default.
        board = np.full(line_nodes.size, DEFAULT_WAIT_MIN if typical else 0.0)
        w = np.r_[minutes, minutes, board, np.full(line_nodes.size, transfer_min),
                  tr["minutes"].to_numpy(float), tr["minutes"].to_numpy(float), sw]
        # Parallel edges (duplicate rows, transfer links listed both ways) keep their minimum;
        # building the CSR from COO would otherwise sum them.
        edges = pd.DataFrame({"r": rows, "c": cols, "w": w}).groupby(["r", "c"], sort=False)["w"].min()
        r, c = (edges.index.get_level_values(k).to_numpy() for k in (0, 1))
        csr = sp.csr_matrix((edges.to_numpy(), (r, c)), shape=(len(nodes), len(nodes)))
        open_station = np.zeros(n, dtype=bool)
        open_station[np.r_[a, b, stops["station_idx"].to_numpy(np.int64)]] = True
        return RailGraph(year=year, transfer_min=transfer_min, csr=csr, hub_node=hub_node,
                         node_start=node_start, open_station=open_station, figure=figure)


def _service_calls(stops: pd.DataFrame) -> pd.DataFrame:
    """Every stop of every service, in both directions (trains run both ways on the same schedule), as rows
    (station, line, service, direction, order, arrive, depart); ``line`` names the call's arrival or departure
    node: ``~service>direction>order>a`` or ``…>d`` (the tilde sorts after the hub's empty name)."""
    rows = []
    for sid, group in stops.groupby("service_id", sort=False):
        station = group["station_idx"].to_numpy(np.int64)
        arrive, depart = group["arrive_min"].to_numpy(float), group["depart_min"].to_numpy(float)
        end = depart[-1]
        # The way back: the same runs and dwells in reverse order, timed from the last stop's departure.
        for direction, (st, arr, dep) in enumerate(((station, arrive, depart),
                                                    (station[::-1], (end - depart)[::-1], (end - arrive)[::-1]))):
            for k in range(len(st)):
                for kind in ("a", "d"):
                    rows.append((int(st[k]), f"~{sid}>{direction}>{k:03d}>{kind}", sid, direction, k, arr[k], dep[k]))
    calls = pd.DataFrame(rows, columns=["station", "line", "service", "direction", "order", "arrive", "depart"])
    return calls.astype({"station": np.int64, "direction": np.int64, "order": np.int64, "arrive": float,
                         "depart": float})


def _service_edges(calls: pd.DataFrame, node_id: pd.Series, hub_node: np.ndarray, transfer_min: float,
                   waits: pd.Series | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges of the service patterns: board (hub -> departure: free, or the service's expected wait from
    ``waits``, minutes by service_id), dwell (arrival -> departure of the same call), run (departure -> next
    stop's arrival) and alight (arrival -> hub, ``transfer_min``). A trip on one train ends at an arrival node
    and so never pays the penalty and pays one wait; a change of trains pays the penalty once and a second wait."""
    if calls.empty:
        empty = np.empty(0)
        return empty.astype(np.int64), empty.astype(np.int64), empty
    node = node_id.reindex(pd.MultiIndex.from_frame(calls[["station", "line"]])).to_numpy()
    arr, dep = calls[calls["line"].str.endswith(">a")], calls[calls["line"].str.endswith(">d")]
    arr_node, dep_node = node[arr.index.to_numpy()], node[dep.index.to_numpy()]
    hubs = hub_node[arr["station"].to_numpy()]
    nxt = (arr["service"].to_numpy()[1:] == arr["service"].to_numpy()[:-1]) & (
        arr["direction"].to_numpy()[1:] == arr["direction"].to_numpy()[:-1])
    run = arr["arrive"].to_numpy()[1:] - dep["depart"].to_numpy()[:-1]
    dwell = dep["depart"].to_numpy() - arr["arrive"].to_numpy()
    rows = np.r_[hubs, arr_node, dep_node[:-1][nxt], arr_node]
    cols = np.r_[dep_node, dep_node, arr_node[1:][nxt], hubs]
    board = np.zeros(len(hubs)) if waits is None else waits.reindex(dep["service"].astype(str)).to_numpy(float)
    w = np.r_[board, dwell, run[nxt], np.full(len(hubs), transfer_min)]
    return rows.astype(np.int64), cols.astype(np.int64), w


_DEFAULT: dict[str, RailNetwork] = {}
_ACTIVE: ContextVar[RailNetwork | None] = ContextVar("active_network", default=None)


@contextlib.contextmanager
def using_network(net: RailNetwork) -> Iterator[RailNetwork]:
    """Within the block, :func:`default_network` (without ``sources_dir``) is ``net``: the layers, the briefing
    and the tables then use a what-if network (:mod:`geo.scenario`) without taking a network argument."""
    token = _ACTIVE.set(net)
    try:
        yield net
    finally:
        _ACTIVE.reset(token)


def active_network_key() -> str:
    """The :attr:`RailNetwork.key` of the :func:`using_network` block's network ("" outside one): part of every
    cache key of things built on the default network."""
    active = _ACTIVE.get()
    return active.key if active is not None else ""


def default_network(*, sources_dir: Path | str | None = None) -> RailNetwork:
    """The network built from the project's source CSVs (or ``sources_dir``), loaded once per directory;
    inside :func:`using_network`, that block's network."""
    active = _ACTIVE.get()
    if active is not None and sources_dir is None:
        return active
    key = str(Path(sources_dir).resolve()) if sources_dir else ""
    if key not in _DEFAULT:
        _DEFAULT[key] = RailNetwork.from_sources(sources_dir=sources_dir)
    return _DEFAULT[key]
