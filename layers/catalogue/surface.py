"""The travel-time surface as map layers: shaded step bands (minutes to the nearest chosen origin) and the
isolines at the thresholds, the display Conveyal and TravelTime use, offered beside the plan's circles."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import WGS84
from geo.network import RoadModel, active_network_key, default_network
from geo.options import MAX_THRESHOLDS, RailFigure, engine_year
from geo.surface import DEFAULT_RESOLUTION_KM, MARGIN_KM, Surface, region_grid, region_mask, travel_time_surface
from layers.i18n import t
from layers.spec import Group, Kind, LayerSpec, LegendItem, Style
from layers.view import DEFAULT_MINUTES, DEFAULT_ORIGINS

__all__ = ["BAND_COLORS", "ISOLINE_COLOR", "band_colour", "band_name", "build_surface_bands", "build_surface_isolines",
           "region_surface", "surface_caption", "surface_legend", "surface_legend_title"]

# One sequential hue (ColorBrewer Purples), darker = quicker, apart from the circles' per-origin hues: the surface
# is minutes to the nearest origin, not one origin's reach. n bands take n steps spread over the ramp.
_RAMP = ("#3f007d", "#54278f", "#6a51a3", "#807dba", "#9e9ac8", "#bcbddc", "#dadaeb")
ISOLINE_COLOR = "#3f007d"  # the ramp's darkest, dashed: apart from the rail lines' solid dark strokes
_SOURCE = ("Travel-time surface: geo.surface on data/sources/rail (1 km cells, EPSG:4326 contours); road model "
           "stated in geo.network.RoadModel")


def band_colour(rank: int, count: int) -> str:
    """Colour of band ``rank`` (0 = quickest) of ``count`` bands: the ramp's darkest to lightest, evenly spread."""
    if not 0 <= rank < count <= MAX_THRESHOLDS:
        raise ValueError(f"band {rank} of {count}: need 0 <= rank < count <= {MAX_THRESHOLDS}")
    step = min((len(_RAMP) - 1) / max(count - 1, 1), 2.0)  # three bands: every other step, not the palest
    return _RAMP[round(rank * step)]


# Category "rank/count" -> colour, for every count of thresholds a view may hold.
BAND_COLORS = tuple((f"{r}/{n}", band_colour(r, n)) for n in range(1, MAX_THRESHOLDS + 1) for r in range(n))


def _thresholds(minutes: Iterable[float]) -> list[int]:
    return sorted({round(float(m)) for m in minutes})




def region_surface(origins: Iterable[str], *, mode: str, year: str | int, model: RoadModel,
                   figure: str) -> Surface:
    """:func:`geo.surface.travel_time_surface` on the default grid, cells beyond the agglomeration's outline +
    ``MARGIN_KM`` set unreached (``inf``), for the active (what-if) network."""
    return _region_surface(active_network_key(), tuple(origins), mode, str(year), model, figure)


# A surface is 4 MB of cells: keep the last few (the bands and isolines of one view share one), not every view's.
@lru_cache(maxsize=4)
def _region_surface(network: str, origins: tuple[str, ...], mode: str, year: str, model: RoadModel,
                    figure: str) -> Surface:
    grid = region_grid(DEFAULT_RESOLUTION_KM)
    full = travel_time_surface(origins, year=engine_year(year), mode=mode, model=model, network=default_network(),
                               figure=figure, grid=grid)
    minutes = np.where(region_mask(grid), full.minutes, np.float32(np.inf))
    minutes.setflags(write=False)
    return dataclasses.replace(full, minutes=minutes)


def _hours(m: float) -> str:
    return f"{m / 60:g}"


def band_name(lo: float, hi: float, lang: str) -> str:
    """A band between ``lo`` and ``hi`` minutes in hours, in ``lang``: "1 小时内", "1–2 h"."""
    if lo == 0:
        return t("surface_band_within", lang, h=_hours(hi))
    return t("surface_band_between", lang, lo=_hours(lo), hi=_hours(hi))


def _empty(columns: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in columns}, geometry=[], crs=WGS84)


_BAND_COLUMNS = ["name_zh", "name_en", "min_from", "min_to", "area_km2", "population", "population_basis", "mode",
                 "figure", "resolution_km", "band", "source"]


def build_surface_bands(
    *,
    origins: Iterable[str] = DEFAULT_ORIGINS,
    minutes: Iterable[float] = DEFAULT_MINUTES,
    mode: str = "rail",
    year: str | int = "now",
    model: RoadModel | None = None,
    figure: str = RailFigure.FASTEST,
) -> gpd.GeoDataFrame:
    """Bands of door-to-door minutes to the nearest of ``origins`` between consecutive thresholds (EPSG:4326).

    One row per band, quickest first: ``min_from``/``min_to`` (minutes), ``area_km2`` (equal-area), ``population``
    (2020 county figures apportioned by area reached, ``population_basis`` says so), ``band`` ("rank/count", the
    colour key). Nominal mode (fixed-speed rings) has no network to make a surface from: no rows.
    """
    if mode == "nominal":
        return _empty(_BAND_COLUMNS)
    surface, figure = _surface(origins, mode, year, model, figure)
    gdf = surface.bands(_thresholds(minutes))
    bounds = list(zip(gdf["min_from"], gdf["min_to"], strict=True))
    gdf["name_zh"] = [f"通达时间 {band_name(lo, hi, 'zh')}" for lo, hi in bounds]
    gdf["name_en"] = [f"Travel time {band_name(lo, hi, 'en')}" for lo, hi in bounds]
    gdf["min_from"], gdf["min_to"] = gdf["min_from"].round().astype(int), gdf["min_to"].round().astype(int)
    _stamp(gdf, mode, figure)
    gdf["resolution_km"] = DEFAULT_RESOLUTION_KM
    gdf["band"] = [f"{r}/{len(gdf)}" for r in range(len(gdf))]
    return gdf.drop(columns=["label"])[[*_BAND_COLUMNS, "geometry"]]


def build_surface_isolines(
    *,
    origins: Iterable[str] = DEFAULT_ORIGINS,
    minutes: Iterable[float] = DEFAULT_MINUTES,
    mode: str = "rail",
    year: str | int = "now",
    model: RoadModel | None = None,
    figure: str = RailFigure.FASTEST,
) -> gpd.GeoDataFrame:
    """The surface's isolines at each threshold (MultiLineStrings, EPSG:4326), one row per threshold."""
    columns = ["name_zh", "name_en", "minutes", "mode", "figure", "source"]
    if mode == "nominal":
        return _empty(columns)
    surface, figure = _surface(origins, mode, year, model, figure)
    gdf = surface.isolines(_thresholds(minutes))
    gdf["minutes"] = gdf["minutes"].round().astype(int)
    gdf["name_zh"] = [f"{_hours(m)} 小时等时线" for m in gdf["minutes"]]
    gdf["name_en"] = [f"{_hours(m)}-hour isoline" for m in gdf["minutes"]]
    _stamp(gdf, mode, figure)
    return gdf[[*columns, "geometry"]]


def _surface(origins: Iterable[str], mode: str, year: str | int, model: RoadModel | None,
             figure: str) -> tuple[Surface, str]:
    """The region's surface the two layers draw (shared, cached) and the rail figure's value."""
    figure = RailFigure(figure).value
    return region_surface(origins, mode=mode, year=year, model=model or RoadModel(), figure=figure), figure


def _stamp(gdf: gpd.GeoDataFrame, mode: str, figure: str) -> None:
    """What every row of both layers says of itself: mode, rail figure (none off rail) and source."""
    gdf["mode"] = mode
    gdf["figure"] = figure if mode == "rail" else "none"
    gdf["source"] = _SOURCE


def _what(mode: str, figure: str, lang: str) -> str:
    if mode == "road":
        return t("legend_measure_road", lang)
    return f"{t('legend_measure_door', lang)} · {t(f'legend_figure_{figure}', lang)}"


def surface_caption(lang: str, *, mode: str = "rail", year: str | int = "now", figure: str = RailFigure.FASTEST,
                    **_: object) -> str:
    """What the surface on the map is (network year, mode, rail figure, door to door, cells, extent), in ``lang``."""
    if mode == "nominal":
        return t("surface_nominal", lang)
    return t("surface_caption", lang, year=t(f"year_{year}", lang), what=_what(mode, figure, lang),
             r=f"{DEFAULT_RESOLUTION_KM:g}", m=f"{MARGIN_KM:g}")


def surface_legend_title(lang: str, *, mode: str = "rail", year: str | int = "now",
                         figure: str = RailFigure.FASTEST, **_: object) -> str:
    """The bands' legend heading, short: "通达时间面 · 2026 现状路网 · 门到门 · 最快班次" (the rows give the
    thresholds; the caption the rest)."""
    if mode == "nominal":
        return t("surface_nominal", lang)
    return t("surface_legend", lang, year=t(f"year_{year}", lang), what=_what(mode, figure, lang))


def surface_legend(*, minutes: Iterable[float] = DEFAULT_MINUTES, **_: object) -> tuple[LegendItem, ...]:
    """One row per band in its colour, quickest first: "1 小时内", "1–2 小时", "2–3 小时"."""
    t_min = _thresholds(minutes)
    rows = []
    for rank, (lo, hi) in enumerate(zip([0, *t_min[:-1]], t_min, strict=True)):
        c = band_colour(rank, len(t_min))
        rows.append(LegendItem(band_name(lo, hi, "zh"), band_name(lo, hi, "en"),
                               Style(kind="polygon", color=c, fill_color=c, fill_opacity=_FILL_OPACITY)))
    return tuple(rows)


def isoline_legend(*, minutes: Iterable[float] = DEFAULT_MINUTES, **_: object) -> tuple[LegendItem, ...]:
    """One row: the isolines' line, labelled with the title and the thresholds ("通达时间等时线 · 1 / 2 / 3 小时"),
    so that it needs no heading in any renderer."""
    hours = " / ".join(_hours(m) for m in _thresholds(minutes))
    return (LegendItem(f"通达时间等时线 · {hours} 小时", f"Travel-time isolines · {hours} h", _ISOLINE_STYLE),)


def isoline_legend_title(lang: str, *, minutes: Iterable[float] = DEFAULT_MINUTES, **_: object) -> str:
    """The isolines' one legend row is their heading too."""
    return isoline_legend(minutes=minutes)[0].label(lang)


_FILL_OPACITY = 0.55
_ISOLINE_STYLE = Style(kind="line", color=ISOLINE_COLOR, weight=1.5, opacity=0.9, dash="5 3")
_COMMON_TITLES = {"mode": ("方式", "Mode"), "figure": ("铁路时间口径", "Rail time")}
_FIGURE_TITLES = {"fastest": ("最快班次 (时刻表)", "fastest scheduled (timetable)"),
                  "typical": ("典型 (含按班次频率的预期候车)", "typical (incl. expected wait)"),
                  "none": ("不含铁路", "no rail")}

SURFACE_BANDS = LayerSpec(
    id="surface_bands", title_zh="通达时间面", title_en="Travel-time surface", group=Group.TRANSPORT,
    build=build_surface_bands, kind=Kind.SURFACE,
    style=Style(kind="polygon", color=_RAMP[0], weight=0.0, fill_opacity=_FILL_OPACITY, category_field="band",
                categories=BAND_COLORS),
    # The first three are the tooltip's: the band's area, its people and the mode. Its minutes are in its name and
    # the cell size in the caption; min_from, min_to and resolution_km travel in the frame and every export.
    fields=("area_km2", "population", "mode", "figure", "population_basis"),
    field_titles={"area_km2": ("本带面积 (km²)", "Band area (km²)"),
                  "population": ("本带人口 (2020，口径见下)", "People in the band (2020, basis below)"),
                  "population_basis": ("人口口径", "Population basis"), **_COMMON_TITLES},
    legend_fn=surface_legend, legend_title_fn=surface_legend_title, attribution=_SOURCE,
    value_titles={"figure": _FIGURE_TITLES},
)

SURFACE_ISOLINES = LayerSpec(
    id="surface_isolines", title_zh="通达时间等时线", title_en="Travel-time isolines", group=Group.TRANSPORT,
    build=build_surface_isolines, kind=Kind.SURFACE, style=_ISOLINE_STYLE,
    fields=("minutes", "mode", "figure"),
    field_titles={"minutes": ("时间阈值 (分钟)", "Threshold (min)"), **_COMMON_TITLES},
    legend_fn=isoline_legend, legend_title_fn=isoline_legend_title, attribution=_SOURCE,
    value_titles={"figure": _FIGURE_TITLES},
)

SPECS = (SURFACE_BANDS, SURFACE_ISOLINES)
