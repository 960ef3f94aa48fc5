"""The rail network: lines (segments between stations) and stations, for a network year."""

from __future__ import annotations

from functools import cache

import geopandas as gpd
import numpy as np
import shapely

from geo.crs import WGS84
from geo.network import default_network
from geo.options import engine_year
from layers.spec import Group, Kind, LayerSpec, LegendItem, Style

_KIND_COLORS = (("hsr", "#2d3748"), ("intercity", "#4a5568"), ("conventional", "#718096"))
_STATUS_STYLE = {"open": None, "construction": "6 4", "planned": "2 4"}
_SOURCE = "Rail: data/sources/rail (OSM stations, ODbL; times from published timetables or derived)"


def build_rail_lines(*, year: str | int = "now") -> gpd.GeoDataFrame:
    """Segments usable in the scenario's year as straight station-to-station lines (EPSG:4326)."""
    net = default_network()
    seg = net.usable_segments(engine_year(year))
    # A station outside the member cities with no sourced position cannot be drawn.
    seg = seg[np.isfinite(net.lon[seg["from_idx"]]) & np.isfinite(net.lon[seg["to_idx"]])]
    geoms = shapely.linestrings(np.stack([
        np.column_stack([net.lon[seg["from_idx"]], net.lat[seg["from_idx"]]]),
        np.column_stack([net.lon[seg["to_idx"]], net.lat[seg["to_idx"]]]),
    ], axis=1))
    names = net.stations.set_index("station_id")[["name_zh", "name_en"]]
    return gpd.GeoDataFrame({
        "line_id": seg["line_id"].to_numpy(),
        "name_zh": (names.loc[seg["from_station"], "name_zh"].to_numpy() + "—"
                    + names.loc[seg["to_station"], "name_zh"].to_numpy()),
        "name_en": (names.loc[seg["from_station"], "name_en"].to_numpy() + " – "
                    + names.loc[seg["to_station"], "name_en"].to_numpy()),
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


def build_stations(*, year: str | int = "now") -> gpd.GeoDataFrame:
    """Stations served in the scenario's year (EPSG:4326); unlocated ones sit at their city's seat (flagged)."""
    net = default_network()
    seg = net.usable_segments(engine_year(year))
    served = np.unique(np.concatenate([seg["from_idx"].to_numpy(), seg["to_idx"].to_numpy()]))
    st = net.stations.iloc[served]
    located = np.isfinite(net.lon[served])
    return gpd.GeoDataFrame({
        "station_id": st["station_id"].to_numpy()[located],
        "name_zh": st["name_zh"].to_numpy()[located],
        "name_en": st["name_en"].to_numpy()[located],
        "city_zh": st["city_zh"].to_numpy()[located],
        "main": st["main"].astype(int).to_numpy()[located],
        "coord_imputed": st["coord_imputed"].to_numpy()[located],
        "source": st["coord_source"].fillna("position not sourced: drawn at the city's seat").to_numpy()[located],
    }, geometry=shapely.points(net.lon[served][located], net.lat[served][located]), crs=WGS84)


RAIL_LINES = LayerSpec(
    id="rail_lines", title_zh="铁路网", title_en="Rail network", group=Group.TRANSPORT,
    build=build_rail_lines, kind=Kind.NETWORK,
    style=Style(kind="line", color="#2d3748", weight=2.5, category_field="kind", categories=_KIND_COLORS),
    fields=("line_id", "minutes", "minutes_basis", "opened", "status"),
    field_titles={"line_id": ("线路", "Line"), "minutes": ("最快运行时间 (分钟)", "Fastest time (min)"),
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
    fields=("city_zh", "main", "coord_imputed"),
    field_titles={"city_zh": ("城市", "City"), "main": ("主要车站", "Main station"),
                  "coord_imputed": ("位置为城市驻地", "Placed at city seat")},
    attribution=_SOURCE,
)

SPECS = (RAIL_LINES, STATIONS)
