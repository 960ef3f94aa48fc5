"""The layer declaration: one spec per map layer, read by every renderer.

A :class:`LayerSpec` says what a layer is (id, bilingual titles, group), how to
build its GeoDataFrame (EPSG:4326), how to draw it (:class:`Style`) and what
its legend shows. The interactive map, the briefing export and the data export
all turn the same specs into their outputs.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

import geopandas as gpd

from geo.crs import require_wgs84
from geo.options import CircleMode
from layers.i18n import t

__all__ = ["GROUP_TITLES", "KIND_PARAMETERS", "ORIGIN_KINDS", "REQUIRED_FIELDS", "Group", "Kind", "LayerSpec",
           "LegendItem", "Style"]

REQUIRED_FIELDS = ("name_zh", "name_en", "source")


class Group(StrEnum):
    """Sidebar groups, in display order."""

    CLUSTERS = "clusters"
    CORRIDORS = "corridors"
    WATERWAYS = "waterways"
    CROSS_RIVER = "cross_river"
    TRANSPORT = "transport"
    ECONOMY = "economy"
    CONTEXT = "context"
    USER = "user"


GROUP_TITLES: Mapping[Group, tuple[str, str]] = {
    Group.CLUSTERS: ("城市群", "Clusters"),
    Group.CORRIDORS: ("发展轴线", "Development corridors"),
    Group.WATERWAYS: ("水系与航道", "Waterways"),
    Group.CROSS_RIVER: ("跨江合作", "Cross-river pairs"),
    Group.TRANSPORT: ("交通", "Transport"),
    Group.ECONOMY: ("产业与园区", "Economy"),
    Group.CONTEXT: ("底图与背景", "Context"),
    Group.USER: ("我的数据", "My data"),
}

GeometryKind = Literal["polygon", "line", "point"]


class Kind(StrEnum):
    """What a layer's features depend on, and so which view parameters its ``build`` takes."""

    STATIC = "static"  # fixed data: takes nothing
    NETWORK = "network"  # the transport network of a network year
    CIRCLES = "circles"  # travel circles: origins, thresholds, mode, network year and road model
    SURFACE = "surface"  # a travel-time surface: the circles' parameters, drawn as bands or isolines, not circles


# The keyword parameters ``build`` takes, by kind; the names are ViewState's (``model`` is its RoadModel).
KIND_PARAMETERS: Mapping[Kind, tuple[str, ...]] = {
    Kind.STATIC: (),
    Kind.NETWORK: ("year",),
    Kind.CIRCLES: ("origins", "minutes", "mode", "year", "model", "figure", "measure"),
    Kind.SURFACE: ("origins", "minutes", "mode", "year", "model", "figure"),
}
# Kinds drawn around the view's origins: a view without origins leaves them out.
ORIGIN_KINDS = frozenset({Kind.CIRCLES, Kind.SURFACE})


@dataclass(frozen=True)
class Style:
    """How features are drawn; sizes in CSS pixels, colours as ``#rrggbb``.

    ``categories`` maps values of ``category_field`` to a colour that replaces
    ``color``/``fill_color`` for matching features.
    """

    kind: GeometryKind
    color: str = "#3366cc"
    weight: float = 2.0
    opacity: float = 1.0
    fill_color: str | None = None
    fill_opacity: float = 0.25
    dash: str | None = None
    radius: float = 5.0
    category_field: str | None = None
    categories: tuple[tuple[str, str], ...] = ()
    # (group field, order field): nested polygons are drawn as bands, each less the next smaller of its group.
    bands: tuple[str, str] | None = None

    def color_for(self, value: Any) -> str:
        """Stroke colour for a feature whose ``category_field`` value is ``value``."""
        return dict(self.categories).get(str(value), self.color)

    def fill_for(self, value: Any) -> str:
        """Fill colour for a feature whose ``category_field`` value is ``value``."""
        return dict(self.categories).get(str(value), self.fill_color or self.color)


@dataclass(frozen=True)
class LegendItem:
    """One legend row: a bilingual label and the symbol drawn beside it.

    Items that also name a row and a column (``row_*``, ``col_*``: the circles' origin and band) can be set as a
    table, one line per row, by a renderer with room for it; the label stays the item's full name.
    """

    label_zh: str
    label_en: str
    style: Style
    row_zh: str = ""
    row_en: str = ""
    col_zh: str = ""
    col_en: str = ""

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en

    def row(self, lang: str) -> str:
        return self.row_zh if lang == "zh" else self.row_en

    def col(self, lang: str) -> str:
        return self.col_zh if lang == "zh" else self.col_en


@dataclass(frozen=True)
class LayerSpec:
    """One map layer, declared once.

    ``build(**params)`` returns the layer's features as a GeoDataFrame in
    EPSG:4326 with at least ``name_zh``, ``name_en`` and ``source``;
    ``fields`` are the extra properties shown in tooltips and exported.
    ``kind`` declares what the layer depends on; ``build`` takes exactly the
    keyword parameters :data:`KIND_PARAMETERS` lists for it (checked here).
    ``revision`` changes whenever the features may change without the id
    doing so (a re-imported user layer), so caches keyed on it stay true.
    """

    id: str
    title_zh: str
    title_en: str
    group: Group
    build: Callable[..., gpd.GeoDataFrame]
    style: Style
    kind: Kind = Kind.STATIC
    fields: tuple[str, ...] = ()
    field_titles: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    legend: tuple[LegendItem, ...] = ()
    attribution: str = ""
    default_visible: bool = False
    legend_fn: Callable[..., tuple[LegendItem, ...]] | None = None
    revision: str = ""
    # The legend heading for these build parameters (lang, **params) -> text, where the title alone would not say
    # what is drawn (the circles' thresholds and mode); None: the title.
    legend_title_fn: Callable[..., str] | None = None
    value_titles: Mapping[str, Mapping[str, tuple[str, str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.kind, Kind):
            raise ValueError(f"layer {self.id!r}: kind {self.kind!r} is not one of {', '.join(Kind)}")
        signature = inspect.signature(self.build)
        if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values()):
            missing = [n for n in self.parameters if n not in signature.parameters]
            if missing:
                raise TypeError(f"layer {self.id!r} of kind {self.kind} needs build() to take {missing}")

    @property
    def parameters(self) -> tuple[str, ...]:
        """The keyword parameters ``build`` takes (see :data:`KIND_PARAMETERS`)."""
        return KIND_PARAMETERS[self.kind]

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def legend_items(self, **params: Any) -> tuple[LegendItem, ...]:
        """The legend rows for these build parameters: ``legend_fn``'s, the declared ones, or the title.

        Parameters the layer does not take are ignored, so a renderer can pass the whole view.
        """
        if self.legend_fn is not None:
            return self.legend_fn(**{k: v for k, v in params.items() if k in self.parameters})
        return self.legend or (LegendItem(self.title_zh, self.title_en, self.style),)

    def legend_title(self, lang: str, **params: Any) -> str:
        """The heading of this layer's legend rows: ``legend_title_fn``'s for these build parameters, or the title.

        Parameters the layer does not take are ignored, as in :meth:`legend_items`.
        """
        if self.legend_title_fn is not None:
            return self.legend_title_fn(lang, **{k: v for k, v in params.items() if k in self.parameters})
        return self.title(lang)

    def params_from(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The entries of ``values`` that ``build`` takes, by this layer's kind (a static layer takes none).

        Raises KeyError naming a parameter the kind needs and ``values`` lacks.
        """
        return {name: values[name] for name in self.parameters}

    def value_title(self, name: str, value: Any, lang: str) -> str | None:
        """A coded value of field ``name`` as words in ``lang`` ("hsr" -> "高速铁路"), a year as plain digits,
        or None where the value is no code the catalogue knows (the renderer then formats it as it is)."""
        if name in YEAR_FIELDS and isinstance(value, (int, float)) and value == value:
            return f"{int(value)}"
        if name == "mode" and str(value) in CircleMode.__members__.values():
            return t(f"mode_{value}", lang)  # the circle modes are worded once, in the UI text
        titles = (self.value_titles.get(name) or _COMMON_VALUE_TITLES.get(name, {})).get(str(value))
        return None if titles is None else titles[0 if lang == "zh" else 1]

    def field_title(self, name: str, lang: str) -> str:
        zh, en = self.field_titles.get(name, _COMMON_FIELD_TITLES.get(name, (name, name)))
        return zh if lang == "zh" else en

    def frame(self, **params: Any) -> gpd.GeoDataFrame:
        """Build the layer and check its contract (CRS, required columns, valid geometry)."""
        gdf = require_wgs84(self.build(**params), f"layer {self.id!r}")
        missing = [c for c in (*REQUIRED_FIELDS, *self.fields) if c not in gdf.columns]
        if missing:
            raise ValueError(f"layer {self.id!r} lacks columns {missing}")
        return gdf


YEAR_FIELDS = frozenset({"opened", "opened_year", "expected_year"})  # shown as years, not as 2,009
# Codes the data uses in its fields, as a planner reads them (the codes themselves stay in the exports).
_COMMON_VALUE_TITLES: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "kind": {"hsr": ("高速铁路", "high-speed rail"), "intercity": ("城际铁路", "intercity rail"),
             "conventional": ("普速铁路", "conventional rail"), "road": ("公路桥", "road bridge"),
             "road-rail": ("公铁两用桥", "road-rail bridge"), "rail": ("铁路桥", "rail bridge"),
             "hitech_zone": ("国家高新区", "national high-tech zone"),
             "bonded_zone": ("综合保税区", "comprehensive bonded zone")},
    "status": {"open": ("已开通", "open"), "construction": ("在建", "under construction"),
               "planned": ("规划", "planned")},
    "role": {"core": ("中心城市", "core city"), "member": ("成员城市", "member city"),
             "hub": ("枢纽机场", "hub airport"), "regional_hub": ("区域枢纽机场", "regional hub airport"),
             "regional": ("支线机场", "regional airport"), "neighbour": ("周边中心城市", "neighbouring core")},
    "bank": {"north": ("北岸", "north bank"), "south": ("南岸", "south bank")},
    "scope": {"whole": ("全市", "whole city"), "partial": ("部分县区", "part of the city")},
    "main": {"1": ("是", "yes"), "0": ("否", "no")},
    "location_basis": {
        "source coordinates": ("来源坐标", "source coordinates")},
}

_COMMON_FIELD_TITLES: Mapping[str, tuple[str, str]] = {
    "name_zh": ("名称", "Name (zh)"),
    "name_en": ("英文名", "Name"),
    "source": ("来源", "Source"),
    "adcode": ("行政区划代码", "Adcode"),
    "province_zh": ("省份", "Province"),
    "subcluster_zh": ("子城市群", "Sub-cluster"),
    "population_2020": ("2020年常住人口", "Population 2020"),
    "area_km2": ("面积 (km²)", "Area (km²)"),
    "length_km": ("长度 (km)", "Length (km)"),
    "opened_year": ("建成年份", "Opened"),
    "note": ("说明", "Note"),
}
