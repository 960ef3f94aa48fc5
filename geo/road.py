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
* An expressway section (a scenario's, :mod:`geo.scenario`) is a shortcut: a polyline P1…Pn at its own speed,
  entered and left only at P1 and Pn (interchanges at its ends, none between). Its time, geodesic length ÷ speed,
  counts as **equivalent road km**, ``minutes x RoadModel.km_per_min`` (= ``length_km x model speed_kmh /
  (speed_kmh x detour_factor)``), so ``RoadModel.road_min`` returns its minutes exactly (the urban ends and
  their ramp are charged once per trip, on its total road km). A trip a→b takes ``min(plain road km,
  d(a, P1) + eq_km + d(Pn, b), d(a, Pn) + eq_km + d(P1, b))``, each leg over a bridge if it crosses the river;
  a section whose ends lie on opposite banks crosses it itself. Bridges and sections are both **links** between
  link ends (:meth:`RiverBarrier.link_km`), so chains (a bridge, then a section) are found too.
* The **expressway skeleton** (``data/sources/expressways.csv``, :func:`load_expressways`) is the same kind of
  section, between two city seats of ``cities.csv`` along a named expressway, each with the year it opened: a
  section is usable in year ``Y`` if it opened in ``Y`` or before (all of them in ``"planned"``). Its length is
  the sourced route length where a source gives one between about the two seats, else the seats' geodesic x
  :data:`ROUTE_FACTOR` (the row says which); it is driven at its sourced design speed, else at
  :data:`EXPRESSWAY_KMH`. Sections that share a seat share one link end, so a trip chains them (长沙→益阳→常德).
  Off the skeleton (to and from it, and every trip it does not shorten) the road model's own speed and detour
  apply. A scenario's sections have no opening year: open in every year.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import shapely

from geo.crs import GEOD

__all__ = ["EXPRESSWAY_KMH", "EXTEND_DEG", "ROUTE_FACTOR", "SECTION_COLUMNS", "SIMPLIFY_DEG", "RiverBarrier",
           "load_barrier", "load_expressways"]

SIMPLIFY_DEG = 0.002
EXTEND_DEG = 4.0
SECTION_COLUMNS = ("section_id", "lon1", "lat1", "lon2", "lat2", "length_km", "speed_kmh")
# A skeleton section runs at its sourced design speed (expressways.csv ``design_kmh``); where none was found, at
# this one: the design speed of 8 of the 13 sections that have one (长常 一期, 汉宜, 武黄, 梨温, 潭衡西, 昌栗).
EXPRESSWAY_KMH = 100.0
# Route km per geodesic km between two seats where no source gives the route length: about the median of the
# skeleton's sourced seat-to-seat lengths over their geodesic (孝襄 1.16, 九景 1.05, 潭衡西 1.29). An estimate.
ROUTE_FACTOR = 1.15
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

    ``sections`` (optional) are expressway sections, the road's shortcuts: section_id, lon1, lat1, lon2, lat2
    (its first and last point, WGS-84), length_km (geodesic length of its polyline) and speed_kmh. A vehicle
    enters and leaves a section only at its two ends (interchanges there, none between); a section whose ends
    lie on opposite banks crosses the river, so it is a bridge too. Bridges and sections are both **links**:
    a bridge joins the two banks at one point at no length, a section joins its ends in
    ``length_km / speed_kmh`` hours (:meth:`section_eq_km`). An optional ``opened_year`` (empty: open in every
    year) keeps a section out of earlier years (:meth:`open_sections`). Section ends at the same point are one link
    end (:attr:`section_nodes`).
    """

    river: np.ndarray  # (n, 2) lon, lat
    bridges: pd.DataFrame
    sections: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        river = np.asarray(self.river, dtype=float)
        if river.ndim != 2 or river.shape[1] != 2 or len(river) < 2 or not np.isfinite(river).all():
            raise ValueError("river must be at least two finite (lon, lat) vertices")
        missing = {"bridge_id", "opened_year", "lon", "lat"} - set(self.bridges.columns)
        if missing:
            raise ValueError(f"bridges lacks column(s) {sorted(missing)}")
        located = self.bridges[self.bridges["lon"].notna() & self.bridges["lat"].notna()].reset_index(drop=True)
        sections = self.sections if self.sections is not None else pd.DataFrame(columns=list(SECTION_COLUMNS))
        missing = set(SECTION_COLUMNS) - set(sections.columns)
        if missing:
            raise ValueError(f"sections lacks column(s) {sorted(missing)}")
        values = sections[list(SECTION_COLUMNS[1:])].apply(pd.to_numeric, errors="coerce").to_numpy(float)
        if not np.isfinite(values).all() or (values[:, 4:] <= 0).any():
            raise ValueError("sections need finite ends and a positive length_km and speed_kmh")
        opened = (pd.to_numeric(sections["opened_year"], errors="coerce").to_numpy(float) if "opened_year" in sections
                  else np.full(len(sections), np.nan))
        object.__setattr__(self, "river", river)
        object.__setattr__(self, "bridges", located)
        object.__setattr__(self, "sections", sections.reset_index(drop=True))
        object.__setattr__(self, "section_opened_year", opened)
        object.__setattr__(self, "_cache", {})

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

    # -- links: the bridges and the expressway sections, the ways a road trip can leave the geodesic ----------

    @property
    def has_sections(self) -> bool:
        """Whether any expressway section is modelled (without one, a trip on one bank is its geodesic)."""
        return len(self.sections) > 0

    def open_sections(self, year) -> np.ndarray:
        """Whether each section is usable in ``year`` (an int, or ``"planned"``: all): no opening year, or opened in
        ``year`` or before."""
        opened = self.section_opened_year
        if year == "planned":
            return np.ones(opened.size, dtype=bool)
        return ~np.isfinite(opened) | (opened <= float(year))

    @cached_property
    def section_nodes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The distinct section end points (lon, lat degrees, first occurrence order) and each section's two end
        indices into them ((sections, 2) int)."""
        s = self.sections
        pts = np.column_stack([s["lon1"], s["lat1"], s["lon2"], s["lat2"]]).astype(float).reshape(-1, 2)
        if not len(pts):
            return np.empty(0), np.empty(0), np.empty((0, 2), dtype=np.int64)
        _, first, inverse = np.unique(np.round(pts, 7), axis=0, return_index=True, return_inverse=True)
        order = np.argsort(first)  # distinct points in the order they first appear
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        return pts[first[order], 0], pts[first[order], 1], rank[inverse.ravel()].reshape(-1, 2)

    @cached_property
    def node_lonlat(self) -> tuple[np.ndarray, np.ndarray]:
        """Link ends (degrees): every located bridge (rows of :attr:`bridges`), then the distinct section end points
        (:attr:`section_nodes`)."""
        b_lon, b_lat, _ = self.bridge_lonlat
        s_lon, s_lat, _ = self.section_nodes
        return np.r_[b_lon, s_lon], np.r_[b_lat, s_lat]

    def node_km(self, lon, lat) -> np.ndarray:
        """Geodesic km from each point (rows) to every link end (cols, :attr:`node_lonlat` order)."""
        lon, lat = np.atleast_1d(np.asarray(lon, dtype=float)), np.atleast_1d(np.asarray(lat, dtype=float))
        n_lon, n_lat = self.node_lonlat
        return _geodesic_km(lon[:, None], lat[:, None], n_lon[None, :], n_lat[None, :])

    def node_banks(self, year) -> np.ndarray:
        """(2, ends) bool: which bank a road reaches each link end from in ``year``. A bridge open in ``year`` is on
        both banks (it joins them, at no length), a closed one on neither; a section's end is on its own bank if a
        section open in ``year`` ends there, else on neither."""
        key = ("node_banks", year)
        if key not in self._cache:
            on = np.zeros((2, len(self.node_lonlat[0])), dtype=bool)
            on[:, self.open_bridges(year)] = True
            n_lon, n_lat = self.node_lonlat
            used = len(self.bridges) + np.unique(self.section_nodes[2][self.open_sections(year)])
            on[self.bank(n_lon[used], n_lat[used]), used] = True
            on.setflags(write=False)
            self._cache[key] = on
        return self._cache[key]

    def section_eq_km(self, km_per_min: float) -> np.ndarray:
        """Each section's **equivalent road km**: the geodesic km the road model drives in the section's minutes
        (``length_km / speed_kmh x 60 x km_per_min``), so that ``RoadModel.road_min`` of it is the section's time."""
        s = self.sections
        minutes = s["length_km"].to_numpy(float) / s["speed_kmh"].to_numpy(float) * 60.0
        return minutes * float(km_per_min)

    def link_km(self, year, km_per_min: float) -> np.ndarray:
        """Road km between every two link ends (ends x ends, :attr:`node_lonlat` order) over the links and the
        geodesic legs between ends on a common bank (all pairs shortest, Floyd-Warshall; a few dozen ends). Only the
        sections open in ``year`` are links."""
        key = ("link_km", year, float(km_per_min))
        if key not in self._cache:
            on = self.node_banks(year)
            n_lon, n_lat = self.node_lonlat
            shared = (on[:, :, None] & on[:, None, :]).any(axis=0)
            d = np.where(shared, _geodesic_km(n_lon[:, None], n_lat[:, None], n_lon[None, :], n_lat[None, :]), np.inf)
            np.fill_diagonal(d, 0.0)
            usable = self.open_sections(year)
            ends = len(self.bridges) + self.section_nodes[2][usable]
            eq = self.section_eq_km(km_per_min)[usable]
            np.minimum.at(d, (ends[:, 0], ends[:, 1]), eq)
            np.minimum.at(d, (ends[:, 1], ends[:, 0]), eq)
            for k in range(len(d)):
                np.minimum(d, d[:, k:k + 1] + d[k:k + 1, :], out=d)
            d.setflags(write=False)
            self._cache[key] = d
        return self._cache[key]

    def node_reach(self, bank: np.ndarray, node_km: np.ndarray, year, km_per_min: float
                   ) -> tuple[np.ndarray, np.ndarray]:
        """For points on ``bank`` (their geodesic ``node_km`` to every link end): road km to every end (points x
        ends), and (points, 2, ends) whether going on from that end onto each bank can beat the direct way: the end
        is on that bank and it is the point's far bank or the end was reached shorter than its geodesic (a section)."""
        bank = np.atleast_1d(np.asarray(bank, dtype=np.int64))
        on = self.node_banks(year)
        leg = np.where(on[bank], node_km, np.inf)
        reach = np.min(leg[:, :, None] + self.link_km(year, km_per_min)[None, :, :], axis=1, initial=np.inf)
        shorter = reach < node_km * (1 - 1e-9) - 1e-9
        far = np.arange(2)[None, :, None] != bank[:, None, None]
        useful = on[None, :, :] & np.isfinite(reach)[:, None, :] & (far | shorter[:, None, :])
        return reach, useful

    def road_km(self, lon_a, lat_a, lon_b, lat_b, year, km_per_min: float | None = None) -> np.ndarray:
        """Road km (rows a, cols b): the geodesic on one bank, else the shortest way over a bridge open in ``year``;
        either way shortened by any expressway section that helps (:meth:`via_links`).

        ``inf`` where the ends are on opposite banks and no bridge (or section across) is open.
        """
        lon_a, lat_a = np.atleast_1d(np.asarray(lon_a, float)), np.atleast_1d(np.asarray(lat_a, float))
        lon_b, lat_b = np.atleast_1d(np.asarray(lon_b, float)), np.atleast_1d(np.asarray(lat_b, float))
        direct = _geodesic_km(lon_a[:, None], lat_a[:, None], lon_b[None, :], lat_b[None, :])
        return self.via_links(direct, self.bank(lon_a, lat_a), self.bank(lon_b, lat_b),
                              self.node_km(lon_a, lat_a), self.node_km(lon_b, lat_b), year, km_per_min)

    def via_links(self, direct: np.ndarray, bank_a: np.ndarray, bank_b: np.ndarray, node_a: np.ndarray,
                  node_b: np.ndarray, year, km_per_min: float | None = None) -> np.ndarray:
        """:meth:`road_km` from precomputed parts: geodesic ``direct`` (a x b), banks, and km to each link end.

        ``min(direct if same bank, min over ends u of reach(a, u) + d(u, b) with u on b's bank)``: a trip leaves
        the geodesic only at link ends (a section's interchanges are its two ends). ``km_per_min`` (the road model's,
        default :class:`geo.network.RoadModel`'s) turns a section's minutes into road km.
        """
        cross = bank_a[:, None] != bank_b[None, :]
        out = np.array(direct, dtype=float, copy=True)
        if not (cross.any() or self.has_sections):
            return out
        reach, _ = self.node_reach(bank_a, node_a, year, _km_per_min(km_per_min))
        leg_b = np.where(self.node_banks(year)[bank_b], node_b, np.inf)
        via = np.full(out.shape, np.inf)
        for u in np.flatnonzero(np.isfinite(reach).any(axis=0) & np.isfinite(leg_b).any(axis=0)):
            np.minimum(via, reach[:, u, None] + leg_b[None, :, u], out=via)
        out[cross] = via[cross]
        if self.has_sections:
            np.minimum(out, via, out=out)
        return out


def _km_per_min(km_per_min: float | None) -> float:
    if km_per_min is None:
        from geo.network import RoadModel  # geo.network imports this module

        return RoadModel().km_per_min
    return float(km_per_min)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.hypot(*v)


def load_barrier() -> RiverBarrier:
    """The project's Yangtze, its located bridges (``data/derived/rivers.geojson``, ``bridges.geojson``) and the
    expressway skeleton (:func:`load_expressways`)."""
    from data import read_derived

    rivers = read_derived("rivers").set_index("river_id")
    line = shapely.simplify(rivers.geometry["yangtze"], SIMPLIFY_DEG, preserve_topology=True)
    located = read_derived("bridges")  # the located bridges, converted to WGS-84 by the build
    bridges = pd.DataFrame(located.drop(columns="geometry")).assign(lon=located.geometry.x, lat=located.geometry.y)
    return RiverBarrier(river=np.asarray(line.coords), bridges=bridges, sections=load_expressways())


def load_expressways() -> pd.DataFrame:
    """The expressway skeleton as barrier sections (:data:`SECTION_COLUMNS` plus name and opened_year): each row of
    ``data/sources/expressways.csv`` between its two city seats (``data/derived/cities.geojson``, WGS-84), its
    ``length_km`` at its ``design_kmh`` (empty: :data:`EXPRESSWAY_KMH`)."""
    from data import SOURCES_DIR, read_derived

    rows = pd.read_csv(SOURCES_DIR / "expressways.csv", dtype={"from_node": str, "to_node": str})
    seats = read_derived("cities").set_index("name_zh").geometry
    unknown = sorted((set(rows["from_node"]) | set(rows["to_node"])) - set(seats.index))
    if unknown:
        raise ValueError(f"expressways.csv: node(s) {unknown} are not city seats in cities.csv")
    a, b = seats.loc[rows["from_node"]], seats.loc[rows["to_node"]]
    speed = pd.to_numeric(rows["design_kmh"], errors="coerce").fillna(EXPRESSWAY_KMH)
    return pd.DataFrame({"section_id": rows["section_id"].astype(str).to_numpy(),
                         "name": rows["expressway"].astype(str).to_numpy(),
                         "lon1": a.x.to_numpy(), "lat1": a.y.to_numpy(), "lon2": b.x.to_numpy(), "lat2": b.y.to_numpy(),
                         "length_km": rows["length_km"].to_numpy(float),
                         "speed_kmh": speed.to_numpy(float),
                         "opened_year": rows["opened_year"].to_numpy(float)})


def _memo_km(net, kind: str, year, model, compute) -> np.ndarray:
    def frozen() -> np.ndarray:
        out = compute()
        out.setflags(write=False)
        return out

    return net.memo(("road_km", kind, year, model_km_per_min(model)), frozen)


def model_km_per_min(model) -> float:
    """The road model's geodesic km per minute (:attr:`geo.network.RoadModel.km_per_min`; ``None``: the default
    model's), which turns an expressway section's minutes into road km."""
    return _km_per_min(None if model is None else model.km_per_min)


def _bank_parts(barrier: RiverBarrier, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return barrier.bank(lon, lat), barrier.node_km(lon, lat)


def place_road_km(net, year, model=None) -> np.ndarray:
    """Road km between every pair of places (:class:`geo.network.RailNetwork` order), for ``year``'s bridges and
    the network's expressway sections timed with ``model`` (a :class:`geo.network.RoadModel`; ``None``: default)."""
    lon, lat = net.place_lon, net.place_lat
    barrier = getattr(net, "barrier", None)

    def compute() -> np.ndarray:
        direct = _geodesic_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
        if barrier is None:
            return direct
        bank, bkm = _bank_parts(barrier, lon, lat)
        return barrier.via_links(direct, bank, bank, bkm, bkm, year, model_km_per_min(model))

    return _memo_km(net, "places", year, model, compute)


def place_station_road_km(net, year, model=None) -> np.ndarray:
    """Road km from every place (rows) to every station (cols); NaN for a station without a position (``model`` as
    for :func:`place_road_km`)."""
    barrier = getattr(net, "barrier", None)

    def compute() -> np.ndarray:
        direct = np.array(net.place_station_km, dtype=float)
        if barrier is None:
            return direct
        pb, pk = _bank_parts(barrier, net.place_lon, net.place_lat)
        sb, sk = _bank_parts(barrier, net.lon, net.lat)
        return barrier.via_links(direct, pb, sb, pk, sk, year, model_km_per_min(model))

    return _memo_km(net, "place_station", year, model, compute)


def station_road_km(net, year, model=None) -> np.ndarray:
    """Road km between every pair of stations (n x n; ``model`` as for :func:`place_road_km`)."""
    barrier = getattr(net, "barrier", None)

    def compute() -> np.ndarray:
        direct = np.array(net.station_km, dtype=float)
        if barrier is None:
            return direct
        sb, sk = _bank_parts(barrier, net.lon, net.lat)
        return barrier.via_links(direct, sb, sb, sk, sk, year, model_km_per_min(model))

    return _memo_km(net, "stations", year, model, compute)


def point_road_km(net, lon: float, lat: float, year, model=None) -> tuple[np.ndarray, np.ndarray]:
    """Road km from one (lon, lat) point to every place and to every station (not memoised; ``model`` as for
    :func:`place_road_km`)."""
    barrier = getattr(net, "barrier", None)
    if barrier is None:
        return (_geodesic_km(lon, lat, net.place_lon, net.place_lat),
                _geodesic_km(lon, lat, net.lon, net.lat))
    kpm = model_km_per_min(model)
    places = barrier.road_km(lon, lat, net.place_lon, net.place_lat, year, kpm)[0]
    stations = barrier.road_km(lon, lat, net.lon, net.lat, year, kpm)[0]
    return places, stations


def crossing_basis(net, year) -> str:
    """How road circles and times cross the Yangtze in ``year``, in Chinese and English (for popups and exports)."""
    barrier = getattr(net, "barrier", None)
    if barrier is None:
        return "长江未作为道路障碍 · the Yangtze is not a road barrier here"
    n = barrier.open_bridges(year).size
    when = "规划情景" if year == "planned" else f"{year} 年"
    when_en = "the planned scenario" if year == "planned" else str(year)
    text = (f"长江仅经桥梁过江：{when}已通车且有位置的 {n} 座 · the Yangtze is crossed only on its bridges: "
            f"{n} located and open in {when_en}")
    usable = barrier.open_sections(year)
    skeleton = np.isfinite(barrier.section_opened_year)
    k, m = int((usable & skeleton).sum()), int((usable & ~skeleton).sum())
    if k:
        text += (f"；城市间高速公路骨架 {k} 段（设计速度）· the expressway skeleton: {k} section(s) between city seats "
                 f"open in {when_en}, at their design speeds")
    if m:
        text += (f"；另有情景高速公路路段 {m} 段（仅在两端进出）· plus {m} scenario expressway section(s), entered and "
                 "left only at their ends")
    return text
