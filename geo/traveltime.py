"""Shortest travel times (minutes) from an origin, city-to-city matrices and plan-target verdicts.

Two times are reported for every trip (see :mod:`geo.network` for the model):

* ``rail_min``: station-to-station rail time between the origin's and the
  destination's main stations (in-vehicle + transfer penalties), the figure a
  timetable would quote;
* ``door_min``: door-to-door from government seat to government seat, the
  faster of road only and road + ``access_min`` + rail + ``egress_min`` + road.

Both come in either rail figure (``figure``, see :mod:`geo.network`): ``"fastest"``, the fastest
scheduled time, or ``"typical"``, which adds each boarding's expected wait from its service's
frequency; a typical time is never shorter than the fastest one.

Origins are member cities (Chinese name with or without 市, English name or
adcode), neighbouring cores (Chinese name), station ids, or a (lon, lat)
point in EPSG:4326 within ``MAX_OUTSIDE_KM`` of the agglomeration.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from geo.errors import BadOptionError, OutsideRegionError, UnknownCityError, UnreachableError
from geo.network import (
    CURRENT_YEAR,
    DEFAULT_TRANSFER_MIN,
    Figure,
    RailGraph,
    RailNetwork,
    RoadModel,
    Year,
    check_figure,
    check_year,
    default_network,
    geodesic_km,
)
from geo.road import place_road_km, place_station_road_km, point_road_km, station_road_km

__all__ = [
    "CORE_COMMUTE_MIN",
    "MATRIX_KINDS",
    "MAX_OUTSIDE_KM",
    "MEMBER_PAIR_MIN",
    "MODES",
    "NEIGHBOUR_CORE_MIN",
    "Mode",
    "Origin",
    "PlanTargets",
    "TravelTimes",
    "check_mode",
    "origin_road_km",
    "origin_station_km",
    "plan_targets",
    "resolve_origin",
    "travel_time_matrix",
    "travel_times",
]

MAX_OUTSIDE_KM = 300.0  # a lon/lat origin may lie at most this far (geodesic km) outside the seats' bbox
CORE_COMMUTE_MIN = 60.0  # plan target: member cities within 1 h of a core
MEMBER_PAIR_MIN = 120.0  # plan target: member cities within 2 h of each other
NEIGHBOUR_CORE_MIN = 180.0  # plan target: cores reach neighbouring cores within 3 h by rail
MODES = ("rail", "road")
Mode = Literal["rail", "road"]


def check_mode(mode: object) -> Mode:
    """Validate a travel mode: ``"rail"`` (road + rail + road, or road if faster) or ``"road"``."""
    if mode not in MODES:
        raise BadOptionError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    return mode  # type: ignore[return-value]


@dataclass(frozen=True)
class Origin:
    """A resolved origin: label, WGS-84 point (lon, lat degrees) and what it refers to."""

    label: str
    lon: float
    lat: float
    kind: Literal["city", "neighbour", "station", "point"]
    place: int | None = None  # row in RailNetwork.places
    station: int | None = None  # row in RailNetwork.stations


def resolve_origin(origin: object, *, network: RailNetwork | None = None) -> Origin:
    """Resolve a city name (zh/en), adcode, station id or (lon, lat) pair to an :class:`Origin`.

    Raises :class:`UnknownCityError` (with close matches) for unknown names and
    :class:`OutsideRegionError` for points more than ``MAX_OUTSIDE_KM`` outside the
    bounding box of the member-city seats.
    """
    net = network or default_network()
    if isinstance(origin, Origin):
        return origin
    if isinstance(origin, (tuple, list, np.ndarray)) and len(origin) == 2:
        return _point_origin(float(origin[0]), float(origin[1]), net)
    if isinstance(origin, (int, np.integer)) and not isinstance(origin, bool):
        origin = str(origin)
    if not isinstance(origin, str) or not origin.strip():
        raise UnknownCityError(repr(origin), [])
    text = origin.strip()
    places = net.places
    zh = text[:-1] if text.endswith("市") and len(text) > 2 else text
    by_zh, by_adcode, by_en = net.place_lookup
    for table, key in ((by_zh, zh), (by_adcode, text), (by_en, text.casefold())):
        if key in table:
            return _place_origin(table[key], net)
    idx = net.station_index(text)
    if idx is None:
        by_name = np.flatnonzero(net.stations["name_zh"].astype(str).to_numpy() == text)
        idx = int(by_name[0]) if by_name.size == 1 else None
    if idx is not None:
        return Origin(label=text, lon=float(net.lon[idx]), lat=float(net.lat[idx]), kind="station", station=idx)
    names = [*places["name_zh"], *places["name_en"][places["name_en"] != ""], *net.station_ids]
    close = difflib.get_close_matches(zh, names, n=3, cutoff=0.5)
    close += [n for n in difflib.get_close_matches(text.title(), names, n=3, cutoff=0.6) if n not in close]
    raise UnknownCityError(text, close)


def _place_origin(i: int, net: RailNetwork) -> Origin:
    kind = "city" if net.place_member[i] else "neighbour"
    return Origin(label=str(net.place_names[i]), lon=float(net.place_lon[i]), lat=float(net.place_lat[i]),
                  kind=kind, place=i)


def _point_origin(lon: float, lat: float, net: RailNetwork) -> Origin:
    if not (np.isfinite(lon) and np.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise OutsideRegionError(f"({lon}, {lat}) is not a valid (lon, lat) in degrees, EPSG:4326, lon first")
    x0, y0, x1, y1 = net.member_bbox
    off_km = float(geodesic_km(lon, lat, np.clip(lon, x0, x1), np.clip(lat, y0, y1)))
    if off_km > MAX_OUTSIDE_KM:
        raise OutsideRegionError(
            f"({lon:.4f}, {lat:.4f}) is {off_km:.0f} km outside the agglomeration's bounding box "
            f"(limit {MAX_OUTSIDE_KM:.0f} km); give (lon, lat) in EPSG:4326, lon first"
        )
    return Origin(label=f"{lon:.4f},{lat:.4f}", lon=lon, lat=lat, kind="point")


@dataclass(frozen=True)
class TravelTimes:
    """Times from one origin for one year/scenario and mode (minutes; ``inf`` = unreachable).

    ``station_min``: door-to-platform arrival at each station (access + rail), in
    :attr:`RailNetwork.stations` order; all ``inf`` in road mode. ``places``: one row
    per member city then neighbouring core, indexed by Chinese name, with door_min,
    road_min and rail_min (station-to-station, NaN where the origin has no station).
    """

    origin: Origin
    year: Year
    mode: Mode
    model: RoadModel
    transfer_min: float
    station_min: np.ndarray
    places: pd.DataFrame
    figure: Figure = "fastest"


def _access(km: np.ndarray, graph: RailGraph, model: RoadModel) -> np.ndarray:
    """Road + terminal minutes from a point to each station at ``km``; inf if closed or out of range."""
    ok = graph.open_station & (km <= model.max_access_km)
    return np.where(ok, model.road_min(km, ends=1) + model.access_min, np.inf)


def travel_times(
    origin: object,
    *,
    year: Year = CURRENT_YEAR,
    mode: Mode = "rail",
    model: RoadModel | None = None,
    transfer_min: float = DEFAULT_TRANSFER_MIN,
    limit_min: float = np.inf,
    network: RailNetwork | None = None,
    figure: Figure = "fastest",
) -> TravelTimes:
    """Shortest times from ``origin`` to every station and place, for ``year`` (or ``"planned"``).

    ``figure`` is the rail figure (``"fastest"`` scheduled or ``"typical"`` with the expected waits).
    ``limit_min`` stops the rail search at that many minutes (``inf`` beyond it).
    Raises :class:`UnreachableError` in rail mode if no open station lies within
    ``model.max_access_km`` of the origin. Results without a limit are cached per
    network and (origin, year, mode, model, transfer_min, figure); the returned arrays are copies.
    """
    net = network or default_network()
    model = model or RoadModel()
    mode = check_mode(mode)
    year = check_year(year)
    org = resolve_origin(origin, network=net)
    graph = net.graph(year, transfer_min=transfer_min, figure=check_figure(figure))
    if limit_min == np.inf:
        arrays = _cached_arrays(org, year, mode, model, graph, net)
    else:
        arrays = _times_arrays(org, year, mode, model, graph, net, limit_min)
    station_min, door, road, rail = (a.copy() for a in arrays)
    table = pd.DataFrame(
        {"door_min": door, "road_min": road, "rail_min": rail, "member": net.place_member},
        index=pd.Index(net.place_names, name="name_zh"),
    )
    return TravelTimes(origin=org, year=year, mode=mode, model=model, transfer_min=transfer_min,
                       station_min=station_min, places=table, figure=graph.figure)


def _cached_arrays(org: Origin, year: Year, mode: Mode, model: RoadModel, graph: RailGraph,
                   net: RailNetwork) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Read-only (station_min, door, road, rail) arrays without a search limit, memoised on ``net``."""
    key = ("travel_times", org, year, mode, model, graph.transfer_min, graph.figure)

    def compute() -> tuple[np.ndarray, ...]:
        arrays = _times_arrays(org, year, mode, model, graph, net, np.inf)
        for a in arrays:
            a.setflags(write=False)
        return arrays

    return net.memo(key, compute)


def _times_arrays(org: Origin, year: Year, mode: Mode, model: RoadModel, graph: RailGraph, net: RailNetwork,
                  limit_min: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(station_min, door_min, road_min, rail_min) for one origin: stations, then places (minutes)."""
    place_km, station_km = origin_road_km(org, net, year, model)
    road = model.road_min(place_km)
    n = len(net.station_ids)
    station_min = np.full(n, np.inf)
    rail = np.full(len(net.place_names), np.nan)
    if mode == "rail":
        access = _origin_access(org, net, graph, model, station_km)
        cand = np.flatnonzero(np.isfinite(access))
        if cand.size == 0:
            raise UnreachableError(
                f"no rail station open in {year} within {model.max_access_km:g} km of {org.label}; "
                "try mode='road', a later year or 'planned'"
            )
        mains = _origin_mains(org, net)
        sources = np.union1d(cand, mains)
        rail_from = graph.station_minutes(sources, limit=limit_min)
        pos = np.searchsorted(sources, cand)
        station_min = np.min(access[cand, None] + rail_from[pos], axis=0)
        if mains.size:
            from_mains = rail_from[np.searchsorted(sources, mains)].min(axis=0)
            rail = np.array([_min_at(from_mains, idx) for idx in net.place_mains])
        door_rail = _egress_door(station_min[None, :], net, graph, model)[0]
        door = np.fmin(road, door_rail)
    else:
        door = road.copy()
    return station_min, door, road, rail


def _origin_access(org: Origin, net: RailNetwork, graph: RailGraph, model: RoadModel,
                   station_km: np.ndarray) -> np.ndarray:
    if org.kind == "neighbour":
        # Trips to and from a neighbouring core start/end at its main stations (no seat known).
        access = np.full(len(net.station_ids), np.inf)
        mains = net.main_stations(org.label)
        access[mains[graph.open_station[mains]]] = model.access_min
        return access
    return _access(station_km, graph, model)


def origin_road_km(org: Origin, net: RailNetwork, year: Year,
                   model: RoadModel | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Road km (:mod:`geo.road`: over a bridge where the Yangtze is in the way, along an expressway section where
    it is shorter, timed with ``model``) from the origin to every place and every station, with ``year``'s bridges;
    the origin's own place is at 0 km."""
    if org.place is not None:
        return (place_road_km(net, year, model)[org.place].copy(),
                place_station_road_km(net, year, model)[org.place])
    if org.station is not None:
        return (place_station_road_km(net, year, model)[:, org.station].copy(),
                station_road_km(net, year, model)[org.station])
    return point_road_km(net, org.lon, org.lat, year, model)


def origin_station_km(org: Origin, net: RailNetwork) -> np.ndarray:
    """Geodesic km from the origin's point to every station (cached rows for places and stations)."""
    if org.place is not None:
        return net.place_station_km[org.place]
    if org.station is not None:
        return net.station_km[org.station]
    return geodesic_km(org.lon, org.lat, net.lon, net.lat)


def _origin_mains(org: Origin, net: RailNetwork) -> np.ndarray:
    if org.station is not None:
        return np.array([org.station])
    if org.place is not None:
        return net.main_stations(org.label)
    return np.array([], dtype=np.int64)


def _min_at(values: np.ndarray, idx: np.ndarray) -> float:
    best = values[idx].min() if idx.size else np.nan
    return float(best) if np.isfinite(best) else np.nan


def _egress_min(net: RailNetwork, graph: RailGraph, model: RoadModel) -> np.ndarray:
    """Minutes from each station (cols) to each place (rows): egress_min + road; inf if out of range.

    Neighbouring cores are reached only at their main stations (egress_min, no road leg).
    """
    km = place_station_road_km(net, graph.year, model)
    egress = np.where(graph.open_station & (km <= model.max_access_km),
                      model.road_min(km, ends=1) + model.egress_min, np.inf)
    for i in np.flatnonzero(~net.place_member):
        egress[i] = np.inf
        egress[i, net.place_mains[i]] = model.egress_min
    return egress


def _egress_door(arrival: np.ndarray, net: RailNetwork, graph: RailGraph, model: RoadModel) -> np.ndarray:
    """Door minutes (origins x places) from station arrival minutes (origins x stations)."""
    egress = _egress_min(net, graph, model)
    cols = np.flatnonzero(np.isfinite(egress).any(axis=0) & np.isfinite(arrival).any(axis=0))
    return np.min(arrival[:, None, cols] + egress[None, :, cols], axis=2, initial=np.inf)


Kind = Literal["door", "rail", "road"]
MATRIX_KINDS = ("door", "rail", "road")


def travel_time_matrix(
    *,
    year: Year = CURRENT_YEAR,
    kind: Kind = "door",
    model: RoadModel | None = None,
    transfer_min: float = DEFAULT_TRANSFER_MIN,
    network: RailNetwork | None = None,
    figure: Figure = "fastest",
) -> pd.DataFrame:
    """Minutes between all places (member cities, then neighbouring cores); rows = from, cols = to.

    ``kind="rail"``: station-to-station between main stations (NaN where a city has no
    open main station); ``kind="door"``: seat to seat, min(road, road + rail + road);
    ``kind="road"``: seat to seat by road only (over the bridges open in ``year``, :mod:`geo.road`); rail and
    door with the rail ``figure`` (``"fastest"`` scheduled or ``"typical"`` with the expected waits).
    """
    if kind not in MATRIX_KINDS:
        raise BadOptionError(f"kind must be one of {', '.join(MATRIX_KINDS)}, got {kind!r}")
    net = network or default_network()
    model = model or RoadModel()
    graph = net.graph(check_year(year), transfer_min=transfer_min, figure=check_figure(figure))
    names = net.place_names
    if kind == "road":
        out = np.array(model.road_min(place_road_km(net, graph.year, model)), dtype=float)
    else:
        out = _rail_matrix(net, graph) if kind == "rail" else _door_matrix(net, graph, model)
    np.fill_diagonal(out, 0.0)
    return pd.DataFrame(out, index=pd.Index(names, name="from"), columns=pd.Index(names, name="to"))


def _rail_matrix(net: RailNetwork, graph: RailGraph) -> np.ndarray:
    names = net.place_names
    groups = net.place_mains
    owner = np.concatenate([np.full(g.size, i) for i, g in enumerate(groups)]).astype(np.int64)
    mains = np.concatenate(groups).astype(np.int64)
    out = np.full((len(names), len(names)), np.nan)
    if mains.size == 0:
        return out
    sub = graph.station_minutes(mains)[:, mains]
    has = np.flatnonzero(np.bincount(owner, minlength=len(names)) > 0)
    starts = np.searchsorted(owner, has)
    block = np.minimum.reduceat(np.minimum.reduceat(sub, starts, axis=0), starts, axis=1)
    out[np.ix_(has, has)] = np.where(np.isfinite(block), block, np.nan)
    return out


def _door_matrix(net: RailNetwork, graph: RailGraph, model: RoadModel) -> np.ndarray:
    road = model.road_min(place_road_km(net, graph.year, model))
    access = _access(place_station_road_km(net, graph.year, model), graph, model)
    for i in np.flatnonzero(~net.place_member):
        access[i] = np.inf
        mains = net.place_mains[i]
        access[i, mains[graph.open_station[mains]]] = model.access_min
    cand = np.flatnonzero(np.isfinite(access).any(axis=0))
    if cand.size == 0:
        return road
    rail_from = graph.station_minutes(cand)
    arrival = np.min(access[:, cand, None] + rail_from[None, :, :], axis=1)
    return np.fmin(road, _egress_door(arrival, net, graph, model))


@dataclass(frozen=True)
class PlanTargets:
    """Plan-target verdicts for one year (minutes; ``*_ok`` = within the target).

    ``rail_min`` is the fastest scheduled station-to-station time, ``typical_min`` the typical one (with the
    expected waits) and ``door_min`` door to door with the rail ``figure``.
    ``core_commute``: each core x the other members of its own sub-cluster, door/rail/typical vs 60 min.
    ``member_pairs``: each unordered member-city pair, door/rail/typical vs 120 min.
    ``neighbour_cores``: each core x neighbouring core, rail/typical vs 180 min.
    """

    year: Year
    core_commute: pd.DataFrame
    member_pairs: pd.DataFrame
    neighbour_cores: pd.DataFrame
    figure: Figure = "fastest"


def plan_targets(
    *,
    year: Year = CURRENT_YEAR,
    model: RoadModel | None = None,
    transfer_min: float = DEFAULT_TRANSFER_MIN,
    network: RailNetwork | None = None,
    figure: Figure = "fastest",
) -> PlanTargets:
    """Check the 60/120/180-minute plan targets for ``year`` on the door matrix (rail ``figure``) and on both
    station-to-station rail figures."""
    net = network or default_network()
    year = check_year(year)
    figure = check_figure(figure)
    kw = {"year": year, "model": model, "transfer_min": transfer_min, "network": net}
    door = travel_time_matrix(kind="door", figure=figure, **kw)
    rail = travel_time_matrix(kind="rail", **kw)
    typical = travel_time_matrix(kind="rail", figure="typical", **kw)
    places = net.places
    members = places.loc[places["member"], "name_zh"].tolist()
    cores = places.loc[places["role"] == "core", "name_zh"].tolist()
    neighbours = places.loc[~places["member"], "name_zh"].tolist()

    def rows(pairs: Sequence[tuple[str, str]], cols: tuple[str, str], limit: float, *, with_door: bool):
        df = pd.DataFrame(pairs, columns=list(cols))
        a, b = df[cols[0]].to_numpy(), df[cols[1]].to_numpy()
        if with_door:
            df["door_min"] = [door.at[x, y] for x, y in zip(a, b, strict=True)]
            df["door_ok"] = df["door_min"] <= limit
        for name, matrix in (("rail", rail), ("typical", typical)):
            df[f"{name}_min"] = [matrix.at[x, y] for x, y in zip(a, b, strict=True)]
            df[f"{name}_ok"] = df[f"{name}_min"] <= limit
        return df

    # The 1-hour commuting circle is the plan's target for each core's own sub-cluster (武汉 and the 武汉城市圈,
    # not 武汉 and 吉安); a network without sub-clusters checks every member.
    cluster = dict(zip(places["name_zh"], places["subcluster_zh"], strict=True))
    commute = rows([(c, m) for c in cores for m in members if m != c and cluster[m] == cluster[c]],
                   ("core", "city"), CORE_COMMUTE_MIN, with_door=True)
    pairs = rows([(a, b) for i, a in enumerate(members) for b in members[i + 1:]], ("city_a", "city_b"),
                 MEMBER_PAIR_MIN, with_door=True)
    outer = rows([(c, n) for c in cores for n in neighbours], ("core", "neighbour"), NEIGHBOUR_CORE_MIN,
                 with_door=False)
    return PlanTargets(year=year, core_commute=commute, member_pairs=pairs, neighbour_cores=outer, figure=figure)
