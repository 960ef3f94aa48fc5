"""The plan's travel circles: network isochrones and nominal comparison rings around chosen origins."""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import WGS84
from geo.isochrones import NOMINAL_SPEED_KMH, isochrones_many, nominal_rings
from geo.network import RoadModel, default_network
from geo.options import Measure, RailFigure, engine_year
from geo.road import crossing_basis
from geo.station_circles import STATION_DISC_KM, station_circles
from geo.traveltime import resolve_origin
from layers.i18n import t
from layers.spec import Group, Kind, LayerSpec, LegendItem, Style
from layers.view import DEFAULT_MINUTES, DEFAULT_ORIGINS

__all__ = ["CIRCLE_COLORS", "build_isochrones", "build_nominal_rings", "circle_legend", "circle_legend_title",
           "circles_caption", "english_names", "road_assumptions"]

# One hue per origin (in the order chosen), and per threshold band a tint of it: full for the innermost band,
# paler outwards, so that three cores with three thresholds each read at a glance.
ORIGIN_HUES = ("#c0392b", "#2166ac", "#1b7837", "#762a83", "#d95f02", "#01665e", "#8c510a", "#c51b7d")
BAND_TINTS = (0.0, 0.45, 0.7, 0.8, 0.88, 0.93)  # share of white mixed in, innermost band first


def _tint(hex_colour: str, white: float) -> str:
    rgb = [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * white):02x}" for c in rgb)


CIRCLE_COLORS = tuple((f"{o}:{b}", _tint(hue, white)) for o, hue in enumerate(ORIGIN_HUES)
                      for b, white in enumerate(BAND_TINTS))
# A ring is a circle at a fixed speed: it spans the river wherever it lies, so it states that, not a bridge count.
_NOMINAL_CROSSINGS = "未建模：名义圈按固定车速取直线，不考虑长江 · not modelled: a fixed-speed ring ignores the river"
_SOURCE = "Travel times: geo engine on data/sources/rail; road model stated in geo.network.RoadModel"


def english_names() -> dict[str, str]:
    """English name of every member city and neighbouring core, by Chinese name bare and with 市 (the engine's
    places)."""
    places = default_network().places
    names = {zh: en for zh, en in zip(places["name_zh"], places["name_en"], strict=True) if en}
    return names | {f"{zh}市": en for zh, en in names.items()}


def road_assumptions(model: RoadModel, lang: str) -> str:
    """The road model behind a circle's figures, in words (``lang`` zh or en), as the app and briefings state it."""
    return t("brief_road", lang, v=f"{model.speed_kmh:g}", d=f"{model.detour_factor:g}", u=f"{model.ends_min:g}",
             a=f"{model.access_min:g}",
             e=f"{model.egress_min:g}", r=f"{model.max_access_km:g}")


def _station_measure(mode: str, measure: str) -> bool:
    """Station-to-station circles are drawn in rail mode only (road-only and nominal circles are door to door)."""
    return mode == "rail" and measure == Measure.STATION


def circles_caption(view, lang: str) -> str:
    """What the circles on the map are (mode, network year, which rail figure, door to door or station to station),
    in ``lang``."""
    if view.mode == "nominal":
        return t("circles_caption_nominal", lang)
    year = t(f"year_{view.year}", lang)
    if view.mode == "road":
        return t("circles_caption_road", lang, year=year)
    figure = t(f"figure_{view.figure}_caption", lang)
    if _station_measure(view.mode, view.measure):
        return t("circles_caption_station", lang, year=year, figure=figure, r=f"{STATION_DISC_KM:g}")
    return t("circles_caption", lang, mode=t(f"mode_{view.mode}", lang), year=year, figure=figure)


def _english(origin: str) -> str:
    label = resolve_origin(origin, network=default_network()).label
    return english_names().get(label, label)


def build_isochrones(
    *,
    origins: Iterable[str] = DEFAULT_ORIGINS,
    minutes: Iterable[float] = DEFAULT_MINUTES,
    mode: str = "rail",
    year: str | int = "now",
    model: RoadModel | None = None,
    figure: str = RailFigure.FASTEST,
    measure: str = Measure.DOOR,
) -> gpd.GeoDataFrame:
    """Isochrones (EPSG:4326) for every origin and threshold; ``mode="nominal"`` gives nominal rings.

    ``figure`` is the rail figure (fastest scheduled or typical); ``measure="station"`` draws station-to-station
    circles (rail mode only: :func:`geo.station_circles.station_circles`), otherwise they are door to door.
    Rows are ordered largest threshold first, so smaller circles draw on top.
    """
    if mode == "nominal":
        return build_nominal_rings(origins=origins, minutes=minutes)
    origins, model = list(origins), model or RoadModel()
    figure, measure = RailFigure(figure), Measure(measure)
    if _station_measure(mode, measure):
        gdf = station_circles(origins, tuple(minutes), year=engine_year(year), figure=figure)
        gdf["road_model"] = "none: station to station, rail time only"
        gdf["road_crossings"] = "none: no road leg"
    else:
        gdf = isochrones_many(origins, tuple(minutes), year=engine_year(year), mode=mode, model=model, figure=figure)
        # The assumptions travel with the polygons into popups and exported files.
        gdf["road_model"] = (f"{model.speed_kmh:g} km/h, ×{model.detour_factor:g}, {model.ends_min:g} min in town, "
                             f"{model.access_min:g}+{model.egress_min:g} min, ≤{model.max_access_km:g} km")
        gdf["road_crossings"] = crossing_basis(default_network(), engine_year(year))
    gdf["figure"] = figure.value if mode == "rail" else "none"
    gdf["measure"] = Measure.STATION.value if _station_measure(mode, measure) else Measure.DOOR.value
    kind_zh, kind_en = ("站到站圈", "station-to-station circle") if _station_measure(mode, measure) else (
        "等时圈", "isochrone")
    zh_mode, en_mode = t(f"mode_{mode}", "zh"), t(f"mode_{mode}", "en")
    if mode == "rail":
        zh_mode += "，" + t(f"legend_figure_{figure}", "zh")
        en_mode += ", " + t(f"legend_figure_{figure}", "en")
    zh_year, en_year = t(f"year_{year}", "zh"), t(f"year_{year}", "en")
    english = np.repeat([_english(origin) for origin in origins], len(gdf) // len(origins))
    gdf["name_zh"] = [f"{o} {m:.0f}分钟{kind_zh} ({zh_mode}, {zh_year})" for o, m in zip(gdf["origin"], gdf["minutes"],
                                                                                    strict=True)]
    gdf["name_en"] = [f"{e} {m:.0f}-min {kind_en} ({en_mode}, {en_year})" for e, m in zip(english, gdf["minutes"],
                                                                                      strict=True)]
    return _finish([gdf])


def build_nominal_rings(
    *, origins: Iterable[str] = DEFAULT_ORIGINS, minutes: Iterable[float] = DEFAULT_MINUTES
) -> gpd.GeoDataFrame:
    """Nominal rings (fixed radius at a stated speed) for comparison, labelled as such (EPSG:4326).

    They carry the circles' columns; ``road_model`` and ``road_crossings`` say that no road model, hence no
    Yangtze barrier, is involved.
    """
    frames = []
    for origin in origins:
        gdf = nominal_rings(origin, tuple(minutes))
        gdf["mode"] = "nominal"
        gdf["figure"], gdf["measure"] = "none", "nominal"
        gdf["road_model"] = [f"none: straight line at {s:g} km/h" for s in gdf["speed_kmh"]]
        gdf["road_crossings"] = _NOMINAL_CROSSINGS
        gdf["name_zh"] = [f"{gdf['origin'].iloc[0]} {m:.0f}分钟名义圈 (直线{s:.0f}km/h, 非路网)"
                          for m, s in zip(gdf["minutes"], gdf["speed_kmh"], strict=True)]
        gdf["name_en"] = [f"{_english(origin)} {m:.0f}-min nominal ring (straight line at {s:.0f} km/h, not network)"
                          for m, s in zip(gdf["minutes"], gdf["speed_kmh"], strict=True)]
        frames.append(gdf)
    return _finish(frames)


def _finish(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=WGS84)
    gdf["minutes"] = gdf["minutes"].round().astype(int)
    ranks = {m: min(i, len(BAND_TINTS) - 1) for i, m in enumerate(sorted(gdf["minutes"].unique()))}
    origins = {o: min(i, len(ORIGIN_HUES) - 1) for i, o in enumerate(dict.fromkeys(gdf["origin"]))}
    gdf["band"] = [f"{origins[o]}:{ranks[m]}" for o, m in zip(gdf["origin"], gdf["minutes"], strict=True)]
    gdf["source"] = _SOURCE
    return gdf.sort_values("minutes", ascending=False, kind="stable").reset_index(drop=True)


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g}"


def circle_legend_title(lang: str, *, minutes: Iterable[float] = DEFAULT_MINUTES, mode: str = "rail",
                        figure: str = RailFigure.FASTEST, measure: str = Measure.DOOR, **_: object) -> str:
    """The circles' legend heading from the actual thresholds and mode: "1/1.5/2 小时交通圈 · 门到门 · 最快班次",
    "1/2/3-hour circles · road only, door to door", "… nominal rings · straight line at 60 km/h"."""
    hours = "/".join(_hours(m) for m in sorted({round(float(x)) for x in minutes}))
    if mode == "nominal":
        return t("legend_nominal", lang, hours=hours, v=f"{NOMINAL_SPEED_KMH:g}")
    if mode == "road":
        return t("legend_circles", lang, hours=hours, measure=t("legend_measure_road", lang))
    what = (t("legend_measure_station", lang, r=f"{STATION_DISC_KM:g}") if _station_measure(mode, measure)
            else t("legend_measure_door", lang))
    return t("legend_circles_rail", lang, hours=hours, measure=what, figure=t(f"legend_figure_{figure}", lang))


def circle_legend(*, origins: Iterable[str] = DEFAULT_ORIGINS, minutes: Iterable[float] = DEFAULT_MINUTES,
                  **_: object) -> tuple[LegendItem, ...]:
    """One item per origin and threshold band, in the band's colour: "武汉 · 1 小时内", "武汉 · 1–2 小时", …,
    each naming its origin (row) and band (column) for a legend set as a table (the heading,
    :func:`circle_legend_title`, says what the bands measure)."""
    colors = dict(CIRCLE_COLORS)
    thresholds = sorted({round(float(x)) for x in minutes})
    rows = []
    for o, origin in enumerate(dict.fromkeys(origins)):
        en = _english(origin)
        for b, m in enumerate(thresholds):
            c = colors[f"{min(o, len(ORIGIN_HUES) - 1)}:{min(b, len(BAND_TINTS) - 1)}"]
            if b == 0:
                band_zh, band_en = f"{_hours(m)} 小时内", f"within {_hours(m)} h"
            else:
                lo = _hours(thresholds[b - 1])
                band_zh, band_en = f"{lo}–{_hours(m)} 小时", f"{lo}–{_hours(m)} h"
            rows.append(LegendItem(f"{origin} · {band_zh}", f"{en} · {band_en}",
                                   Style(kind="polygon", color=c, fill_color=c, fill_opacity=0.45),
                                   row_zh=origin, row_en=en, col_zh=band_zh, col_en=band_en))
    return tuple(rows)


ISOCHRONES = LayerSpec(
    id="isochrones", title_zh="交通圈 (等时圈)", title_en="Travel-time circles", group=Group.TRANSPORT,
    build=build_isochrones, kind=Kind.CIRCLES,
    style=Style(kind="polygon", color="#b30000", weight=1.0, fill_opacity=0.45, category_field="band",
                categories=CIRCLE_COLORS, bands=("origin", "minutes")),
    fields=("origin", "minutes", "mode", "figure", "measure", "area_km2", "cities_reached", "population_reached",
            "population_basis", "road_model", "road_crossings"),
    field_titles={"origin": ("中心城市", "Origin"), "minutes": ("时间阈值 (分钟)", "Threshold (min)"),
                  "mode": ("方式", "Mode"), "figure": ("铁路时间口径", "Rail time"),
                  "measure": ("口径", "Measure"),
                  "cities_reached": ("覆盖城市 (分钟，口径见上)", "Cities reached (min, measure as above)"),
                  "population_reached": ("覆盖人口 (2020，口径见下)", "Population reached (2020, basis below)"),
                  "population_basis": ("人口口径", "Population basis"),
                  "road_model": ("道路假设 (车速、绕行系数、进出站、接驳距离)",
                                 "Road assumptions (speed, detour, board+leave, station reach)"),
                  "road_crossings": ("过江 (长江大桥)", "Yangtze crossings (bridges)")},
    legend_fn=circle_legend, legend_title_fn=circle_legend_title, attribution=_SOURCE, default_visible=True,
    value_titles={"figure": {"fastest": ("最快班次 (时刻表)", "fastest scheduled (timetable)"),
                             "typical": ("典型 (含按班次频率的预期候车)", "typical (incl. expected wait)"),
                             "none": ("不含铁路", "no rail")},
                  "measure": {"door": ("门到门", "door to door"),
                              "nominal": ("直线匀速", "straight line, steady speed"),
                              "station": (f"站到站 (仅铁路，车站周围 {STATION_DISC_KM:g} km 圆)",
                                          f"station to station (rail only, {STATION_DISC_KM:g} km disc per station)")}},
)

SPECS = (ISOCHRONES,)
