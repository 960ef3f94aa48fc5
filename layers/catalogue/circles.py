"""The plan's travel circles: network isochrones and nominal comparison rings around chosen origins."""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import WGS84
from geo.isochrones import isochrones_many, nominal_rings
from geo.network import RoadModel, default_network
from geo.options import engine_year
from geo.traveltime import resolve_origin
from layers.i18n import t
from layers.spec import Group, Kind, LayerSpec, LegendItem, Style
from layers.view import DEFAULT_MINUTES, DEFAULT_ORIGINS

__all__ = ["CIRCLE_COLORS", "build_isochrones", "build_nominal_rings", "circle_legend", "english_names",
           "road_assumptions"]

# Bands by threshold rank, darker for the tighter circle (up to five thresholds get their own colour).
CIRCLE_COLORS = (("0", "#b30000"), ("1", "#e34a33"), ("2", "#fdbb84"), ("3", "#fee8c8"), ("4", "#fff7ec"))
# The plan's three targets keep their names in the legend.
PLAN_CIRCLES = {60: ("1小时通勤圈", "1-hour commuting circle"), 120: ("2小时城际圈", "2-hour intercity circle"),
                180: ("3小时高铁圈", "3-hour HSR circle")}
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
) -> gpd.GeoDataFrame:
    """Isochrones (EPSG:4326) for every origin and threshold; ``mode="nominal"`` gives nominal rings.

    Rows are ordered largest threshold first, so smaller circles draw on top.
    """
    if mode == "nominal":
        return build_nominal_rings(origins=origins, minutes=minutes)
    origins, model = list(origins), model or RoadModel()
    gdf = isochrones_many(origins, tuple(minutes), year=engine_year(year), mode=mode, model=model)
    # The assumptions travel with the polygons into popups and exported files.
    gdf["road_model"] = (f"{model.speed_kmh:g} km/h, ×{model.detour_factor:g}, {model.ends_min:g} min in town, "
                         f"{model.access_min:g}+{model.egress_min:g} min, ≤{model.max_access_km:g} km")
    zh_mode, en_mode = t(f"mode_{mode}", "zh"), t(f"mode_{mode}", "en")
    zh_year, en_year = t(f"year_{year}", "zh"), t(f"year_{year}", "en")
    english = np.repeat([_english(origin) for origin in origins], len(gdf) // len(origins))
    gdf["name_zh"] = [f"{o} {m:.0f}分钟等时圈 ({zh_mode}, {zh_year})" for o, m in zip(gdf["origin"], gdf["minutes"],
                                                                                  strict=True)]
    gdf["name_en"] = [f"{e} {m:.0f}-min isochrone ({en_mode}, {en_year})" for e, m in zip(english, gdf["minutes"],
                                                                                         strict=True)]
    return _finish([gdf])


def build_nominal_rings(
    *, origins: Iterable[str] = DEFAULT_ORIGINS, minutes: Iterable[float] = DEFAULT_MINUTES
) -> gpd.GeoDataFrame:
    """Nominal rings (fixed radius at a stated speed) for comparison, labelled as such (EPSG:4326).

    They carry the circles' columns; ``road_model`` says that no road model is involved.
    """
    frames = []
    for origin in origins:
        gdf = nominal_rings(origin, tuple(minutes))
        gdf["mode"] = "nominal"
        gdf["road_model"] = [f"none: straight line at {s:g} km/h" for s in gdf["speed_kmh"]]
        gdf["name_zh"] = [f"{gdf['origin'].iloc[0]} {m:.0f}分钟名义圈 (直线{s:.0f}km/h, 非路网)"
                          for m, s in zip(gdf["minutes"], gdf["speed_kmh"], strict=True)]
        gdf["name_en"] = [f"{_english(origin)} {m:.0f}-min nominal ring (straight line at {s:.0f} km/h, not network)"
                          for m, s in zip(gdf["minutes"], gdf["speed_kmh"], strict=True)]
        frames.append(gdf)
    return _finish(frames)


def _finish(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=WGS84)
    gdf["minutes"] = gdf["minutes"].round().astype(int)
    ranks = {m: str(min(i, len(CIRCLE_COLORS) - 1)) for i, m in enumerate(sorted(gdf["minutes"].unique()))}
    gdf["band"] = gdf["minutes"].map(ranks)
    gdf["source"] = _SOURCE
    return gdf.sort_values("minutes", ascending=False, kind="stable").reset_index(drop=True)


def circle_legend(*, minutes: Iterable[float] = DEFAULT_MINUTES, **_: object) -> tuple[LegendItem, ...]:
    """One legend row per threshold, coloured as its band; the plan's 1/2/3 h keep their names."""
    colors = dict(CIRCLE_COLORS)
    rows = []
    for i, m in enumerate(sorted({round(float(x)) for x in minutes})):
        zh, en = PLAN_CIRCLES.get(m, (f"{m}分钟交通圈", f"{m}-minute circle"))
        c = colors[str(min(i, len(CIRCLE_COLORS) - 1))]
        rows.append(LegendItem(zh, en, Style(kind="polygon", color=c, fill_color=c, fill_opacity=0.3)))
    return tuple(rows)


ISOCHRONES = LayerSpec(
    id="isochrones", title_zh="1/2/3小时交通圈", title_en="1/2/3-hour travel circles", group=Group.TRANSPORT,
    build=build_isochrones, kind=Kind.CIRCLES,
    style=Style(kind="polygon", color="#b30000", weight=1.5, fill_opacity=0.18, category_field="band",
                categories=CIRCLE_COLORS),
    fields=("origin", "minutes", "mode", "area_km2", "cities_reached", "population_reached", "road_model"),
    field_titles={"origin": ("中心城市", "Origin"), "minutes": ("时间阈值 (分钟)", "Threshold (min)"),
                  "mode": ("方式", "Mode"),
                  "cities_reached": ("覆盖城市 (门到门分钟)", "Cities reached (door to door, min)"),
                  "population_reached": ("覆盖人口 (2020)", "Population reached (2020)"),
                  "road_model": ("道路假设 (车速、绕行系数、进出站、接驳距离)",
                                 "Road assumptions (speed, detour, board+leave, station reach)")},
    legend_fn=circle_legend, attribution=_SOURCE, default_visible=True,
)

SPECS = (ISOCHRONES,)
