"""Airports and river ports."""

from __future__ import annotations

from layers.catalogue._derived import derived
from layers.spec import Group, LayerSpec, LegendItem, Style

_AIRPORT_ROLES = (("hub", "#9b2c2c"), ("regional_hub", "#dd6b20"), ("regional", "#4a5568"))

AIRPORTS = LayerSpec(
    id="airports", title_zh="机场", title_en="Airports", group=Group.TRANSPORT,
    build=derived("airports", ("iata", "city_zh", "role", "opened_year")),
    style=Style(kind="point", color="#4a5568", fill_color="#ffffff", fill_opacity=1.0, radius=6,
                category_field="role", categories=_AIRPORT_ROLES),
    fields=("iata", "city_zh", "role", "opened_year"),
    field_titles={"iata": ("IATA", "IATA"), "city_zh": ("城市", "City"), "role": ("定位", "Role")},
    legend=(LegendItem("中部航空枢纽 (武汉天河)", "Central hub (Wuhan Tianhe)",
                       Style(kind="point", color="#9b2c2c", radius=7)),
            LegendItem("区域枢纽", "Regional hub", Style(kind="point", color="#dd6b20", radius=6)),
            LegendItem("支线机场", "Regional airport", Style(kind="point", color="#4a5568", radius=5))),
    attribution="Airports: OurAirports (github davidmegginson/ourairports-data; Jinggangshan via mwgg/Airports)",
)

PORTS = LayerSpec(
    id="ports", title_zh="港口", title_en="River ports", group=Group.WATERWAYS,
    build=derived("ports", ("port_id", "city_zh", "river_zh", "location_basis")),
    style=Style(kind="point", color="#1a365d", fill_color="#90cdf4", fill_opacity=1.0, radius=6),
    fields=("city_zh", "river_zh", "location_basis"),
    field_titles={"city_zh": ("城市", "City"), "river_zh": ("水系", "River"),
                  "location_basis": ("位置依据", "Location")},
)

SPECS = (AIRPORTS, PORTS)
