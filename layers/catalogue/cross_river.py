"""The plan's cross-river city pairs (跨江合作): pair lines, their towns and the bridges that join them."""

from __future__ import annotations

from layers.catalogue._derived import derived
from layers.spec import Group, LayerSpec, Style

_COLOR = "#c05621"

CROSS_RIVER_PAIRS = LayerSpec(
    id="cross_river_pairs", title_zh="跨江城市组合", title_en="Cross-river city pairs", group=Group.CROSS_RIVER,
    build=derived("cross_river_pairs", ("pair_id", "bridges_zh", "note")),
    style=Style(kind="line", color=_COLOR, weight=4, dash="2 6"),
    fields=("bridges_zh", "note"), field_titles={"bridges_zh": ("跨江桥梁 (通车年)", "Bridges (opened)")},
    attribution="Towns: GeoNames (CC BY 4.0); city seats: DataV.GeoAtlas (Amap) (data/sources/cross_river_pairs.csv)",
)

CROSS_RIVER_TOWNS = LayerSpec(
    id="cross_river_towns", title_zh="跨江组合城镇", title_en="Cross-river towns", group=Group.CROSS_RIVER,
    build=derived("cross_river_towns", ("pair_id", "bank")),
    style=Style(kind="point", color=_COLOR, fill_color="#fbd38d", fill_opacity=1.0, radius=5),
    fields=("bank",), field_titles={"bank": ("岸别", "Bank")},
)

BRIDGES = LayerSpec(
    id="bridges", title_zh="长江大桥", title_en="Yangtze bridges", group=Group.CROSS_RIVER,
    build=derived("bridges", ("pair_id", "opened_year", "kind")),
    style=Style(kind="point", color="#2d3748", fill_color="#a0aec0", fill_opacity=1.0, radius=4),
    fields=("opened_year", "kind"), field_titles={"kind": ("类型", "Type")},
)

SPECS = (CROSS_RIVER_PAIRS, CROSS_RIVER_TOWNS, BRIDGES)
