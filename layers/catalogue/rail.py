"""The rail network: lines (segments between stations) and stations, for a network year."""

from __future__ import annotations

from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data import read_source
from geo.crs import WGS84
from geo.network import default_network
from geo.options import engine_year
from layers.spec import Group, Kind, LayerSpec, LegendItem, Style

_KIND_COLORS = (("hsr", "#2d3748"), ("intercity", "#4a5568"), ("conventional", "#718096"))
_STATUS_STYLE = {"open": None, "construction": "6 4", "planned": "2 4"}
_SOURCE = "Rail: data/sources/rail (OSM stations, ODbL; times from published timetables or derived)"


def _hops(net, year: str | int) -> pd.DataFrame:
    """Consecutive stops of the service patterns running in ``year`` that no segment already joins."""
    stops = net.usable_services(engine_year(year))
    seg = net.usable_segments(engine_year(year))
    joined = set(zip(seg["from_idx"], seg["to_idx"], strict=True)) | set(zip(seg["to_idx"], seg["from_idx"],
                                                                            strict=True))
    services = net.services.set_index("service_id")
    rows = []
    for sid, group in stops.groupby("service_id", sort=False):
        idx, basis = group["station_idx"].to_numpy(), group["time_basis"].to_numpy()
        arrive, depart = group["arrive_min"].to_numpy(float), group["depart_min"].to_numpy(float)
        for k in range(len(idx) - 1):
            if (idx[k], idx[k + 1]) not in joined:
                rows.append({"line_id": sid, "from_idx": idx[k], "to_idx": idx[k + 1],
                             "minutes": arrive[k + 1] - depart[k], "minutes_basis": f"service pattern: {basis[k + 1]}",
                             "opened": np.nan, "status": "open", "source": services.loc[sid, "source"]})
    return pd.DataFrame(rows, columns=["line_id", "from_idx", "to_idx", "minutes", "minutes_basis", "opened",
                                       "status", "source"])


def _line_names() -> dict[str, tuple[str, str]]:
    """Line and service-pattern ids as their names (中文, English), for popups."""
    lines, services = read_source("rail/lines"), read_source("rail/services")
    return {**{r.line_id: (r.name_zh, r.name_en) for r in lines.itertuples()},
            **{r.service_id: (r.name_zh, r.name_en) for r in services.itertuples()}}


def build_rail_lines(*, year: str | int = "now") -> gpd.GeoDataFrame:
    """Segments and service-pattern hops running in the network year, as straight station-to-station lines
    (EPSG:4326); a hop is drawn only where no segment joins the two stations."""
    net = default_network()
    seg = pd.concat([net.usable_segments(engine_year(year)), _hops(net, year)], ignore_index=True)
    # A station outside the member cities with no sourced position cannot be drawn.
    seg = seg[np.isfinite(net.lon[seg["from_idx"]]) & np.isfinite(net.lon[seg["to_idx"]])]
    a, b = seg["from_idx"].to_numpy(np.int64), seg["to_idx"].to_numpy(np.int64)
    geoms = shapely.linestrings(np.stack([np.column_stack([net.lon[a], net.lat[a]]),
                                          np.column_stack([net.lon[b], net.lat[b]])], axis=1))
    zh, en = net.stations["name_zh"].to_numpy(), net.stations["name_en"].to_numpy()
    return gpd.GeoDataFrame({
        "line_id": seg["line_id"].to_numpy(),
        "name_zh": zh[a] + "—" + zh[b],
        "name_en": en[a] + " – " + en[b],
        "kind": seg["line_id"].map(_line_kinds()).fillna("hsr").to_numpy(),
        "minutes": seg["minutes"].round(0).to_numpy(),
        "minutes_basis": seg["minutes_basis"].to_numpy(),
        "opened": seg["opened"].to_numpy(),
        "status": seg["status"].to_numpy(),
        "source": seg["source"].to_numpy(),
    }, geometry=geoms, crs=WGS84)


@cache
def _line_kinds() -> dict[str, str]:
    from geo.railsources import load_rail

    return load_rail().lines.set_index("line_id")["kind"].to_dict()


def _location_basis(coord_source: pd.Series) -> pd.Series:
    """The basis of an approximate position (a locality point, or one derived from sourced distances), so the
    popup flags it; empty for a sourced point."""
    text = coord_source.fillna("").astype(str)
    return ("approximate position (uncertain): " + text).where(text.str.contains("APPROXIMATE"), "")


def build_stations(*, year: str | int = "now") -> gpd.GeoDataFrame:
    """Stations served in the scenario's year (EPSG:4326); unlocated ones sit at their city's seat (flagged)."""
    net = default_network()
    seg = net.usable_segments(engine_year(year))
    served = np.unique(np.concatenate([seg["from_idx"].to_numpy(), seg["to_idx"].to_numpy(),
                                       net.usable_services(engine_year(year))["station_idx"].to_numpy()]))
    st = net.stations.iloc[served]
    located = np.isfinite(net.lon[served])
    return gpd.GeoDataFrame({
        "station_id": st["station_id"].to_numpy()[located],
        "name_zh": st["name_zh"].to_numpy()[located],
        "name_en": st["name_en"].to_numpy()[located],
        "city_zh": st["city_zh"].to_numpy()[located],
        "main": st["main"].astype(int).to_numpy()[located],
        "coord_imputed": st["coord_imputed"].to_numpy()[located],
        "basis": _location_basis(st["coord_source"]).to_numpy()[located],
        "source": st["coord_source"].fillna("position not sourced: drawn at the city's seat").to_numpy()[located],
    }, geometry=shapely.points(net.lon[served][located], net.lat[served][located]), crs=WGS84)


RAIL_LINES = LayerSpec(
    id="rail_lines", title_zh="铁路网", title_en="Rail network", group=Group.TRANSPORT,
    build=build_rail_lines, kind=Kind.NETWORK,
    style=Style(kind="line", color="#2d3748", weight=2.5, category_field="kind", categories=_KIND_COLORS),
    fields=("line_id", "kind", "minutes", "minutes_basis", "opened", "status"),
    value_titles={"line_id": _line_names()},
    field_titles={"line_id": ("线路", "Line"), "kind": ("类型", "Type"),
                  "minutes": ("最快运行时间 (分钟)", "Fastest time (min)"),
                  "minutes_basis": ("时间依据", "Time basis"), "opened": ("开通年份", "Opened"),
                  "status": ("状态", "Status")},
    legend=(LegendItem("高速铁路", "High-speed rail", Style(kind="line", color="#2d3748", weight=3)),
            LegendItem("城际铁路", "Intercity rail", Style(kind="line", color="#4a5568", weight=2.5)),
            LegendItem("普速铁路", "Conventional rail", Style(kind="line", color="#718096", weight=2))),
    attribution=_SOURCE,
)

STATIONS = LayerSpec(
    id="stations", title_zh="铁路车站", title_en="Rail stations", group=Group.TRANSPORT,
    build=build_stations, kind=Kind.NETWORK,
    style=Style(kind="point", color="#2d3748", fill_color="#ffffff", fill_opacity=1.0, radius=3, weight=1.5),
    fields=("city_zh", "main", "coord_imputed", "basis"),
    field_titles={"city_zh": ("城市", "City"), "main": ("主要车站", "Main station"),
                  "coord_imputed": ("位置为城市驻地", "Placed at city seat"),
                  "basis": ("位置依据", "Position basis")},
    attribution=_SOURCE,
)

SPECS = (RAIL_LINES, STATIONS)
