"""The one view model: what a planner sees, and its round trip through a URL query string.

The app keeps a :class:`ViewState` in the URL so a colleague who opens the link sees
the same map; saved views store the same query string, and the briefing command line
accepts it (``--view``). :func:`parse_view` is the only parser: anything unknown, out of
range, repeated or beyond the list bounds is dropped with a notice, never executed and
never an error. The vocabularies (modes, network years, minute limits, road-model
ranges) come from :mod:`geo.options`; basemaps, languages and the region's extent are
declared here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, urlencode, urlsplit

from geo.network import RoadModel
from geo.options import (
    MAX_MINUTES,
    MAX_ORIGINS,
    MAX_THRESHOLDS,
    MIN_MINUTES,
    NETWORK_YEARS,
    ROAD_RANGES,
    CircleMode,
    Measure,
    RailFigure,
    finite_number,
)

__all__ = [
    "BASEMAPS",
    "FIGURES",
    "LANGS",
    "MAX_LAYERS",
    "MAX_QUERY_CHARS",
    "MAX_SCENARIO_CHARS",
    "MEASURES",
    "MODES",
    "REGION_BOUNDS",
    "ROAD_FIELDS",
    "YEARS",
    "ZOOM_RANGE",
    "ViewState",
    "bounded_minutes",
    "finite_number",
    "parse_view",
    "read_minutes",
]

LANGS = ("zh", "en")
MODES = tuple(CircleMode)
FIGURES = tuple(RailFigure)  # URL key "figure": which rail time the circles and the door-to-door tables use
MEASURES = tuple(Measure)  # URL key "measure": door to door, or station to station (rail mode only)
YEARS = NETWORK_YEARS
BASEMAPS = ("offline", "osm", "carto", "gaode", "tianditu")
DEFAULT_LAYERS = ("provinces", "agglomeration", "subclusters", "cities", "rivers", "isochrones")
DEFAULT_ORIGINS = ("武汉", "长沙", "南昌")
DEFAULT_MINUTES = (60, 120, 180)
DEFAULT_CENTER = (114.3, 28.9)  # lon, lat: the middle of the agglomeration
DEFAULT_ZOOM = 7
# Where a view's centre may lie (lon min, lat min, lon max, lat max; WGS-84) and how far it may zoom.
REGION_BOUNDS = (90.0, 15.0, 135.0, 45.0)
ZOOM_RANGE = (3, 18)
MAX_LAYERS = 64
MAX_QUERY_CHARS = 200_000  # longer query strings are cut before parsing (then each list is bounded)
MAX_SCENARIO_CHARS = 60  # a saved scenario's name (the workspace checks the rest when it is looked up)
# RoadModel field -> (URL key, min, max, step): the road-access assumptions a view carries so that a shared
# link, a saved view and `--view` on the command line reproduce the same figures.
_URL_KEYS = {"speed_kmh": "speed", "detour_factor": "detour", "ends_min": "ends", "access_min": "access",
             "egress_min": "egress", "max_access_km": "reach"}
ROAD_FIELDS = {name: (_URL_KEYS[name], *bounds) for name, bounds in ROAD_RANGES.items()}
DEFAULT_ROAD = tuple(float(getattr(RoadModel(), name)) for name in ROAD_FIELDS)


@dataclass(frozen=True)
class ViewState:
    """Everything needed to redraw a view. ``center`` is (lon, lat) in EPSG:4326."""

    layers: tuple[str, ...] = DEFAULT_LAYERS
    origins: tuple[str, ...] = DEFAULT_ORIGINS
    minutes: tuple[int, ...] = DEFAULT_MINUTES
    mode: str = "rail"
    year: str = "now"
    figure: str = RailFigure.FASTEST.value
    measure: str = Measure.DOOR.value
    basemap: str = "offline"
    lang: str = "zh"
    center: tuple[float, float] = DEFAULT_CENTER
    zoom: int = DEFAULT_ZOOM
    road: tuple[float, ...] = DEFAULT_ROAD  # ROAD_FIELDS values, in that order
    scenario: str = ""  # the name of a what-if scenario saved in the workspace ("" for the network year)
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
            # The rail figure and the measure only when they differ from the defaults, so ordinary links stay short.
            **({"figure": self.figure} if self.figure != RailFigure.FASTEST else {}),
            **({"measure": self.measure} if self.measure != Measure.DOOR else {}),
            "basemap": self.basemap, "lang": self.lang,
            "lon": f"{self.center[0]:.4f}", "lat": f"{self.center[1]:.4f}", "zoom": str(self.zoom),
            # Only assumptions that differ from the stated defaults, so ordinary links stay short.
            **{key: f"{value:g}" for (key, *_), value, default in zip(ROAD_FIELDS.values(), self.road, DEFAULT_ROAD,
                                                                      strict=True) if value != default},
            **({"scenario": self.scenario} if self.scenario else {}),
        }

    def with_(self, **changes) -> ViewState:
        return replace(self, **changes)


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]


def _shown(items: Iterable[object], most: int = 5) -> str:
    """A few items for a notice (a hostile link can hold thousands)."""
    items = [str(i)[:40] for i in items]
    return ", ".join(items[:most]) + (f" … (+{len(items) - most})" if len(items) > most else "")


def _bounded(values: list, limit: int, what: str, notices: list[str]) -> tuple:
    """``values`` without repeats (first kept), at most ``limit`` of them; a notice says what was dropped."""
    unique = list(dict.fromkeys(values))
    if len(unique) < len(values):
        notices.append(f"ignored repeated {what}")
    if len(unique) > limit:
        notices.append(f"kept the first {limit} {what}; ignored {_shown(unique[limit:])}")
    return tuple(unique[:limit])


def read_minutes(items: Iterable[object], *, unit_min: float = 1.0) -> tuple[list[int], list[str]]:
    """Thresholds given in units of ``unit_min`` minutes (1 for minutes, 60 for hours) as whole minutes within
    :data:`MIN_MINUTES`–:data:`MAX_MINUTES`, in the given order; and the items unreadable or out of range, as
    given."""
    good, bad = [], []
    for item in items:
        try:
            value = round(finite_number(str(item)) * unit_min)
        except (ValueError, OverflowError):  # a finite number of hours can overflow once in minutes
            bad.append(str(item))
            continue
        if MIN_MINUTES <= value <= MAX_MINUTES:
            good.append(value)
        else:
            bad.append(str(item))
    return good, bad


def bounded_minutes(items: Iterable[object], notices: list[str]) -> tuple[int, ...]:
    """Thresholds as sorted whole minutes within the limits; unreadable, out-of-range and surplus ones dropped
    with a notice in ``notices``."""
    good, bad = read_minutes(items)
    if bad:
        notices.append(f"ignored thresholds outside {MIN_MINUTES}–{MAX_MINUTES} minutes: {_shown(bad)}")
    return tuple(sorted(_bounded(good, MAX_THRESHOLDS, "thresholds", notices)))


def parse_view(
    query: str | Mapping[str, str | list[str]],
    *,
    known_layers: tuple[str, ...],
    known_origins: tuple[str, ...] = (),
) -> ViewState:
    """A :class:`ViewState` from a URL, a query string or a parameter mapping.

    ``known_layers`` and ``known_origins`` are the ids and names to accept;
    unknown, out-of-range or repeated values are dropped and described in ``notices``;
    lists are cut to their bounds (:data:`MAX_LAYERS`, ``MAX_ORIGINS``, ``MAX_THRESHOLDS``).
    Missing parameters take their defaults.
    """
    notices: list[str] = []
    if isinstance(query, str):
        if len(query) > MAX_QUERY_CHARS:
            notices.append(f"the link is longer than {MAX_QUERY_CHARS} characters; read only its start")
            query = query[:MAX_QUERY_CHARS]
        text = urlsplit(query).query if "?" in query or "://" in query else query
        params = {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}
    else:
        params = {str(k): str(v[-1] if isinstance(v, list) and v else v)[:MAX_QUERY_CHARS] for k, v in query.items()}
    view = ViewState()
    changes: dict = {}

    if "layers" in params:
        wanted = _split(params["layers"])
        bad = [w for w in wanted if w not in known_layers]
        if bad:
            notices.append(f"ignored unknown layers: {_shown(dict.fromkeys(bad))}")
        changes["layers"] = _bounded([w for w in wanted if w in known_layers], MAX_LAYERS, "layers", notices)
    if "origins" in params:
        wanted = _split(params["origins"])
        bad = [w for w in wanted if known_origins and w not in known_origins]
        if bad:
            notices.append(f"ignored unknown origins: {_shown(dict.fromkeys(bad))}")
        changes["origins"] = _bounded([w for w in wanted if w not in bad], MAX_ORIGINS, "origins", notices)
    if "minutes" in params:
        minutes = bounded_minutes(_split(params["minutes"]), notices)
        if minutes:
            changes["minutes"] = minutes
    for key, choices in (("mode", MODES), ("year", YEARS), ("figure", FIGURES), ("measure", MEASURES),
                         ("basemap", BASEMAPS), ("lang", LANGS)):
        if key in params:
            if params[key] in choices:
                changes[key] = str(params[key])
            else:
                notices.append(f"ignored {key}={params[key][:40]!r}; expected one of {', '.join(choices)}")
    road = list(view.road)
    for i, (key, lo, hi, _) in enumerate(ROAD_FIELDS.values()):
        if key in params:
            try:
                value = finite_number(params[key])
                if not lo <= value <= hi:
                    raise ValueError
                road[i] = value
            except ValueError:
                notices.append(f"ignored {key}={params[key][:40]!r}; expected a number from {lo:g} to {hi:g}")
    changes["road"] = tuple(road)
    if params.get("scenario", "").strip():
        name = params["scenario"].strip()
        if len(name) <= MAX_SCENARIO_CHARS and name.isprintable():
            changes["scenario"] = name
        else:
            notices.append(f"ignored scenario={name[:40]!r}; expected the name of a saved scenario "
                           f"(at most {MAX_SCENARIO_CHARS} printable characters)")
    try:
        lon = finite_number(params.get("lon", str(view.center[0])))
        lat = finite_number(params.get("lat", str(view.center[1])))
        zoom = round(finite_number(params.get("zoom", str(view.zoom))))
        west, south, east, north = REGION_BOUNDS
        if not (west <= lon <= east and south <= lat <= north and ZOOM_RANGE[0] <= zoom <= ZOOM_RANGE[1]):
            raise ValueError
        changes["center"], changes["zoom"] = (lon, lat), zoom
    except ValueError:
        notices.append("ignored map position outside the region")
    return replace(view, **changes, notices=tuple(notices))
