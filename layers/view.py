"""The shareable state of a map view, and its round trip through a URL query string.

The app keeps this in the URL so a colleague who opens the link sees the same
map; the briefing command line accepts the same string (``--view``). Anything
unknown or out of range in a query string is dropped with a notice, never
executed and never an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, urlencode, urlsplit

from geo.network import RoadModel

__all__ = ["BASEMAPS", "LANGS", "MODES", "ROAD_FIELDS", "YEARS", "ViewState", "parse_view"]

LANGS = ("zh", "en")
MODES = ("rail", "road", "nominal")
# Network scenarios: the plan year, today's network, and everything planned.
YEARS = ("2015", "now", "planned")
BASEMAPS = ("offline", "osm", "carto", "gaode", "tianditu")
DEFAULT_LAYERS = ("provinces", "agglomeration", "subclusters", "cities", "rivers", "isochrones")
DEFAULT_ORIGINS = ("武汉", "长沙", "南昌")
DEFAULT_MINUTES = (60, 120, 180)
MAX_MINUTES = 24 * 60
DEFAULT_CENTER = (114.3, 28.9)  # lon, lat: the middle of the agglomeration
DEFAULT_ZOOM = 7
# The road-access assumptions behind the circles and tables, which a view carries so that a shared link,
# a saved view and `--view` on the command line reproduce the same figures:
# RoadModel field -> (URL key, min, max, step), in RoadModel's units (km/h, factor, minutes, km).
ROAD_FIELDS = {
    "speed_kmh": ("speed", 10.0, 200.0, 5.0),
    "detour_factor": ("detour", 1.0, 3.0, 0.05),
    "access_min": ("access", 0.0, 120.0, 5.0),
    "egress_min": ("egress", 0.0, 120.0, 5.0),
    "max_access_km": ("reach", 5.0, 300.0, 5.0),
}
DEFAULT_ROAD = tuple(float(getattr(RoadModel(), name)) for name in ROAD_FIELDS)


@dataclass(frozen=True)
class ViewState:
    """Everything needed to redraw a view. ``center`` is (lon, lat) in EPSG:4326."""

    layers: tuple[str, ...] = DEFAULT_LAYERS
    origins: tuple[str, ...] = DEFAULT_ORIGINS
    minutes: tuple[int, ...] = DEFAULT_MINUTES
    mode: str = "rail"
    year: str = "now"
    basemap: str = "offline"
    lang: str = "zh"
    center: tuple[float, float] = DEFAULT_CENTER
    zoom: int = DEFAULT_ZOOM
    road: tuple[float, ...] = DEFAULT_ROAD  # ROAD_FIELDS values, in that order
    notices: tuple[str, ...] = field(default=(), compare=False)

    def road_model(self) -> RoadModel:
        """The :class:`~geo.network.RoadModel` this view's circles and tables are computed with."""
        return RoadModel(**dict(zip(ROAD_FIELDS, self.road, strict=True)))

    def to_query(self) -> str:
        """This view as a URL query string (without the leading ``?``)."""
        return urlencode(self.to_params(), safe=",")

    def to_params(self) -> dict[str, str]:
        """This view as flat string parameters (for ``st.query_params``)."""
        return {
            "layers": ",".join(self.layers), "origins": ",".join(self.origins),
            "minutes": ",".join(str(m) for m in self.minutes), "mode": self.mode, "year": self.year,
            "basemap": self.basemap, "lang": self.lang,
            "lon": f"{self.center[0]:.4f}", "lat": f"{self.center[1]:.4f}", "zoom": str(self.zoom),
            # Only assumptions that differ from the stated defaults, so ordinary links stay short.
            **{key: f"{value:g}" for (key, *_), value, default in zip(ROAD_FIELDS.values(), self.road, DEFAULT_ROAD,
                                                                      strict=True) if value != default},
        }

    def with_(self, **changes) -> ViewState:
        return replace(self, **changes)


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]


def parse_view(
    query: str | Mapping[str, str | list[str]],
    *,
    known_layers: tuple[str, ...],
    known_origins: tuple[str, ...] = (),
) -> ViewState:
    """A :class:`ViewState` from a URL, a query string or a parameter mapping.

    ``known_layers`` and ``known_origins`` are the ids and names to accept;
    unknown or out-of-range values are dropped and described in ``notices``.
    Missing parameters take their defaults.
    """
    if isinstance(query, str):
        text = urlsplit(query).query if "?" in query or "://" in query else query
        params = {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}
    else:
        params = {k: (v[-1] if isinstance(v, list) else v) for k, v in query.items()}
    notices: list[str] = []
    view = ViewState()
    changes: dict = {}

    if "layers" in params:
        wanted = _split(params["layers"])
        bad = [w for w in wanted if w not in known_layers]
        if bad:
            notices.append(f"ignored unknown layers: {', '.join(bad)}")
        changes["layers"] = tuple(w for w in wanted if w in known_layers)
    if "origins" in params:
        wanted = _split(params["origins"])
        bad = [w for w in wanted if known_origins and w not in known_origins]
        if bad:
            notices.append(f"ignored unknown origins: {', '.join(bad)}")
        changes["origins"] = tuple(w for w in wanted if w not in bad)
    if "minutes" in params:
        good, bad = [], []
        for item in _split(params["minutes"]):
            try:
                value = int(float(item))
            except ValueError:
                bad.append(item)
                continue
            (good if 0 < value <= MAX_MINUTES else bad).append(value)
        if bad:
            notices.append(f"ignored thresholds outside 1–{MAX_MINUTES} minutes: {', '.join(map(str, bad))}")
        if good:
            changes["minutes"] = tuple(sorted(set(good)))
    for key, choices in (("mode", MODES), ("year", YEARS), ("basemap", BASEMAPS), ("lang", LANGS)):
        if key in params:
            if params[key] in choices:
                changes[key] = params[key]
            else:
                notices.append(f"ignored {key}={params[key]!r}; expected one of {', '.join(choices)}")
    road = list(view.road)
    for i, (key, lo, hi, _) in enumerate(ROAD_FIELDS.values()):
        if key in params:
            try:
                value = float(params[key])
                if not lo <= value <= hi:
                    raise ValueError
                road[i] = value
            except ValueError:
                notices.append(f"ignored {key}={params[key]!r}; expected a number from {lo:g} to {hi:g}")
    changes["road"] = tuple(road)
    try:
        lon = float(params.get("lon", view.center[0]))
        lat = float(params.get("lat", view.center[1]))
        zoom = int(float(params.get("zoom", view.zoom)))
        if not (90 <= lon <= 135 and 15 <= lat <= 45 and 3 <= zoom <= 18):
            raise ValueError
        changes["center"], changes["zoom"] = (lon, lat), zoom
    except ValueError:
        notices.append("ignored map position outside the region")
    return replace(view, **changes, notices=tuple(notices))
