"""The plan's development axes (两横三纵), drawn through the seats of the cities on them."""

from __future__ import annotations

from layers.catalogue._derived import derived
from layers.spec import Group, LayerSpec, LegendItem, Style

_AXIS_COLORS = (("horizontal", "#b7791f"), ("vertical", "#6b46c1"))

CORRIDORS = LayerSpec(
    id="corridors", title_zh="发展轴线", title_en="Development corridors", group=Group.CORRIDORS,
    build=derived("corridors", ("axis_id", "orientation", "cities_in_order", "basis")),
    style=Style(kind="line", color="#b7791f", weight=6, opacity=0.75, category_field="orientation",
                categories=_AXIS_COLORS),
    fields=("cities_in_order", "basis"),
    field_titles={"cities_in_order": ("沿线城市", "Cities along"), "basis": ("依据", "Basis")},
    # Every axis drawn is named in its row (the 二广 axis is one of the north–south ones).
    legend=(LegendItem("横向轴线 (沿江、沪昆)", "East–west axes (Yangtze Riverside, Shanghai–Kunming)",
                       Style(kind="line", color="#b7791f", weight=6)),
            LegendItem("纵向轴线 (京广、京九、二广)", "North–south axes (Beijing–Guangzhou, Beijing–Kowloon, "
                       "Erenhot–Guangzhou)", Style(kind="line", color="#6b46c1", weight=6))),
    attribution="Axis membership: assumption, see data/sources/corridors.csv",
)

SPECS = (CORRIDORS,)
