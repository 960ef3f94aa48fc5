"""The Yangtze as a road barrier: road trips cross it only on its bridges (km, minutes, EPSG:4326).

A road trip between two points on the same bank keeps its geodesic distance; one whose ends lie on
opposite banks goes via the open bridge that makes it shortest, ``min_k d(a, k) + d(k, b)`` (geodesic
km on the WGS-84 ellipsoid). :class:`geo.network.RoadModel` turns that **road km** into minutes exactly
as it turns a geodesic distance into minutes (× detour ÷ speed, plus the urban ends), so the bridge
only lengthens the distance and the model's calibration applies unchanged.

* The river is the Yangtze line of ``data/derived/rivers.geojson`` (宜昌 to 安庆), simplified to
  :data:`SIMPLIFY_DEG` (about 200 m). The banks are the two sides of that line; beyond its ends it
  is extended straight by :data:`EXTEND_DEG`, due west of 宜昌 (the gorges above it run roughly
  west) and along its last segment beyond 安庆, so there the banks are a construction, not a river
  (no member city lies there; of the neighbouring cores, 南京 and 重庆 come out on the wrong bank).
* A bridge is usable in year ``Y`` if it opened in ``Y`` or before (every bridge in ``"planned"``);
  bridges without a sourced position (``bridges.csv`` says which) are not used at all.
* The lakes (洞庭湖, 鄱阳湖) and the Han are not barriers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import shapely

from geo.crs import GEOD

__all__ = ["EXTEND_DEG", "SIMPLIFY_DEG", "RiverBarrier", "load_barrier"]

SIMPLIFY_DEG = 0.002
EXTEND_DEG = 4.0
_FAR = 30.0  # degrees beyond the extended ends: the bank polygons' far corners


def _geodesic_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    a, b, c, d = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (lon1, lat1, lon2, lat2)))
    _, _, m = GEOD.inv(a.ravel(), b.ravel(), c.ravel(), d.ravel())
    return np.asarray(m).reshape(a.shape) / 1000.0


@dataclass(frozen=True, eq=False)
class RiverBarrier:
    """A river (lon/lat vertices, upstream first) that roads cross only at ``bridges``.

    ``bridges`` has bridge_id, name_zh, opened_year (int; ``None`` for unknown) and lon, lat (WGS-84);
    rows without a position are ignored. Bank 0 is the left (north) bank going downstream, 1 the right.
    """

    river: np.ndarray  # (n, 2) lon, lat
    bridges: pd.DataFrame

    def __post_init__(self) -> None:
        river = np.asarray(self.river, dtype=float)
        if river.ndim != 2 or river.shape[1] != 2 or len(river) < 2 or not np.isfinite(river).all():
            raise ValueError("river must be at least two finite (lon, lat) vertices")
        missing = {"bridge_id", "opened_year", "lon", "lat"} - set(self.bridges.columns)
        if missing:
            raise ValueError(f"bridges lacks column(s) {sorted(missing)}")
        located = self.bridges[self.bridges["lon"].notna() & self.bridges["lat"].notna()].reset_index(drop=True)
        object.__setattr__(self, "river", river)
        object.__setattr__(self, "bridges", located)

    @cached_property
    def boundary(self) -> shapely.LineString:
        """The river extended by :data:`EXTEND_DEG` due west of its head and along its last segment (lon/lat)."""
        r = self.river
        head = r[0] + EXTEND_DEG * np.array([-1.0, 0.0])  # due west: the gorges above 宜昌 run roughly west
        tail = r[-1] + EXTEND_DEG * _unit(r[-1] - r[-2])
        # Short edges on the extensions, so that the line is nearly the same in lon/lat and in a projected plane.
        return shapely.segmentize(shapely.LineString(np.vstack([head, r, tail])), 0.25)

    @cached_property
    def banks(self) -> tuple[shapely.Polygon, shapely.Polygon]:
        """(left, right) bank polygons in lon/lat: each side of :attr:`boundary`, out to far corners."""
        line = np.asarray(self.boundary.coords)
        head, tail = line[0], line[-1]
        d = _unit(tail - head)
        normal = np.array([-d[1], d[0]])  # to the left of the river's direction
        out_head, out_tail = head - _FAR * d, tail + _FAR * d
        left = [*line, out_tail, out_tail + _FAR * normal, out_head + _FAR * normal, out_head]
        right = [*line, out_tail, out_tail - _FAR * normal, out_head - _FAR * normal, out_head]
        return shapely.make_valid(shapely.Polygon(left)), shapely.make_valid(shapely.Polygon(right))

    def bank(self, lon, lat) -> np.ndarray:
        """Bank of each point (0 left/north, 1 right/south), int8; broadcasts lon/lat degrees."""
        lon, lat = np.broadcast_arrays(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        return np.where(shapely.contains_xy(self.banks[0], lon, lat), 0, 1).astype(np.int8)

    @cached_property
    def bridge_lonlat(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Bridges' lon, lat (degrees) and opening year (float, NaN if unknown) as arrays."""
        b = self.bridges
        return (b["lon"].to_numpy(float), b["lat"].to_numpy(float),
                pd.to_numeric(b["opened_year"], errors="coerce").to_numpy(float))

    def open_bridges(self, year) -> np.ndarray:
        """Rows of :attr:`bridges` open in ``year`` (an int, or ``"planned"`` for all of them)."""
        opened = self.bridge_lonlat[2]
        if year == "planned":
            return np.arange(len(opened))
        return np.flatnonzero(np.isfinite(opened) & (opened <= float(year)))

    def bridge_km(self, lon, lat) -> np.ndarray:
        """Geodesic km from each point (rows) to every located bridge (cols)."""
        lon, lat = np.atleast_1d(np.asarray(lon, dtype=float)), np.atleast_1d(np.asarray(lat, dtype=float))
        b_lon, b_lat, _ = self.bridge_lonlat
        return _geodesic_km(lon[:, None], lat[:, None], b_lon[None, :], b_lat[None, :])

    def road_km(self, lon_a, lat_a, lon_b, lat_b, year) -> np.ndarray:
        """Road km (rows a, cols b): the geodesic on one bank, else the shortest way over a bridge open in ``year``.

        ``inf`` where the ends are on opposite banks and no bridge is open.
        """
        lon_a, lat_a = np.atleast_1d(np.asarray(lon_a, float)), np.atleast_1d(np.asarray(lat_a, float))
        lon_b, lat_b = np.atleast_1d(np.asarray(lon_b, float)), np.atleast_1d(np.asarray(lat_b, float))
        direct = _geodesic_km(lon_a[:, None], lat_a[:, None], lon_b[None, :], lat_b[None, :])
        return self.via_bridges(direct, self.bank(lon_a, lat_a), self.bank(lon_b, lat_b),
                                self.bridge_km(lon_a, lat_a), self.bridge_km(lon_b, lat_b), year)

    def via_bridges(self, direct: np.ndarray, bank_a: np.ndarray, bank_b: np.ndarray, bridge_a: np.ndarray,
                    bridge_b: np.ndarray, year) -> np.ndarray:
        """:meth:`road_km` from precomputed parts: geodesic ``direct`` (a x b), banks, and km to each bridge."""
        cross = bank_a[:, None] != bank_b[None, :]
        out = np.array(direct, dtype=float, copy=True)
        if not cross.any():
            return out
        k = self.open_bridges(year)
        if k.size == 0:
            out[cross] = np.inf
            return out
        rows, cols = np.nonzero(cross)
        out[rows, cols] = np.min(bridge_a[rows][:, k] + bridge_b[cols][:, k], axis=1)
        return out


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.hypot(*v)


def load_barrier() -> RiverBarrier:
    """The project's Yangtze and its located bridges (``data/derived/rivers.geojson``, ``bridges.geojson``)."""
    from data import read_derived

    rivers = read_derived("rivers").set_index("river_id")
    line = shapely.simplify(rivers.geometry["yangtze"], SIMPLIFY_DEG, preserve_topology=True)
    located = read_derived("bridges")  # the located bridges, converted to WGS-84 by the build
    bridges = pd.DataFrame(located.drop(columns="geometry")).assign(lon=located.geometry.x, lat=located.geometry.y)
    return RiverBarrier(river=np.asarray(line.coords), bridges=bridges)


def _memo_km(net, kind: str, year, compute) -> np.ndarray:
    def frozen() -> np.ndarray:
        out = compute()
        out.setflags(write=False)
        return out

    return net.memo(("road_km", kind, year), frozen)


def _bank_parts(barrier: RiverBarrier, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return barrier.bank(lon, lat), barrier.bridge_km(lon, lat)


def place_road_km(net, year) -> np.ndarray:
    """Road km between every pair of places (:class:`geo.network.RailNetwork` order), for ``year``'s bridges."""
    lon, lat = net.place_lon, net.place_lat
    barrier = getattr(net, "barrier", None)

    def compute() -> np.ndarray:
        direct = _geodesic_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
        if barrier is None:
            return direct
        bank, bkm = _bank_parts(barrier, lon, lat)
        return barrier.via_bridges(direct, bank, bank, bkm, bkm, year)

    return _memo_km(net, "places", year, compute)


def place_station_road_km(net, year) -> np.ndarray:
    """Road km from every place (rows) to every station (cols); NaN for a station without a position."""
    barrier = getattr(net, "barrier", None)

    def compute() -> np.ndarray:
        direct = np.array(net.place_station_km, dtype=float)
        if barrier is None:
            return direct
        pb, pk = _bank_parts(barrier, net.place_lon, net.place_lat)
        sb, sk = _bank_parts(barrier, net.lon, net.lat)
        return barrier.via_bridges(direct, pb, sb, pk, sk, year)

    return _memo_km(net, "place_station", year, compute)


def station_road_km(net, year) -> np.ndarray:
    """Road km between every pair of stations (n x n)."""
    barrier = getattr(net, "barrier", None)

    def compute() -> np.ndarray:
        direct = np.array(net.station_km, dtype=float)
        if barrier is None:
            return direct
        sb, sk = _bank_parts(barrier, net.lon, net.lat)
        return barrier.via_bridges(direct, sb, sb, sk, sk, year)

    return _memo_km(net, "stations", year, compute)


def point_road_km(net, lon: float, lat: float, year) -> tuple[np.ndarray, np.ndarray]:
    """Road km from one (lon, lat) point to every place and to every station (not memoised)."""
    barrier = getattr(net, "barrier", None)
    if barrier is None:
        return (_geodesic_km(lon, lat, net.place_lon, net.place_lat),
                _geodesic_km(lon, lat, net.lon, net.lat))
    places = barrier.road_km(lon, lat, net.place_lon, net.place_lat, year)[0]
    stations = barrier.road_km(lon, lat, net.lon, net.lat, year)[0]
    return places, stations


def crossing_basis(net, year) -> str:
    """How road circles and times cross the Yangtze in ``year``, in Chinese and English (for popups and exports)."""
    barrier = getattr(net, "barrier", None)
    if barrier is None:
        return "长江未作为道路障碍 · the Yangtze is not a road barrier here"
    n = barrier.open_bridges(year).size
    when = "规划情景" if year == "planned" else f"{year} 年"
    when_en = "the planned scenario" if year == "planned" else str(year)
    return (f"长江仅经桥梁过江：{when}已通车且有位置的 {n} 座 · the Yangtze is crossed only on its bridges: "
            f"{n} located and open in {when_en}")
