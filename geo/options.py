"""The engine's vocabularies, each with its valid values, in one place.

Every front end (the app, the URL view, the command lines, the exporters) reads its
choices and limits from here, so a mode, a network year or a threshold that one of
them accepts is accepted by all of them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from enum import StrEnum

from geo.errors import BadOptionError, BadThresholdError
from geo.network import CURRENT_YEAR, FIGURES, PLAN_YEAR, PLANNED, Year

__all__ = [
    "MAX_MINUTES",
    "MAX_ORIGINS",
    "MAX_THRESHOLDS",
    "MIN_MINUTES",
    "NETWORK_YEARS",
    "ROAD_RANGES",
    "CircleMode",
    "Measure",
    "RailFigure",
    "check_threshold",
    "engine_year",
    "finite_number",
]


class CircleMode(StrEnum):
    """How a travel circle is drawn: on the network (road + rail, or road only), or as a fixed-speed ring."""

    RAIL = "rail"
    ROAD = "road"
    NOMINAL = "nominal"


class RailFigure(StrEnum):
    """Which rail time a circle or table shows: the fastest scheduled train (default, what timetables and the plan's
    targets quote) or the typical trip, which adds each boarding's expected wait from its service's frequency
    (half the headway over a 16-hour day, at most 60 min; 30 min where no count is sourced: see geo.network)."""

    FASTEST = "fastest"
    TYPICAL = "typical"


if tuple(RailFigure) != FIGURES:  # the engine checks figures against its own tuple: the two must agree
    raise ImportError(f"geo.options.RailFigure {tuple(RailFigure)} disagrees with geo.network.FIGURES {FIGURES}")


class Measure(StrEnum):
    """What a rail circle measures: door to door from the city's seat (default; road legs, boarding and leaving
    included) or station to station from the city's main stations (rail time only, as the plan quotes circles)."""

    DOOR = "door"
    STATION = "station"


# Network years a view can ask for: the plan year, today's network, and everything planned.
NETWORK_YEARS = ("2015", "now", "planned")
_ENGINE_YEARS: Mapping[str, Year] = {"2015": PLAN_YEAR, "now": CURRENT_YEAR, "planned": PLANNED}

MIN_MINUTES, MAX_MINUTES = 1, 24 * 60  # whole minutes a circle threshold may take
# Bounds on the lists a view carries (a shared link can hold thousands of items; each costs a circle).
MAX_ORIGINS = 8
MAX_THRESHOLDS = 6

# RoadModel field -> (min, max, step), in RoadModel's units (km/h, factor, minutes, minutes, minutes, km).
ROAD_RANGES: Mapping[str, tuple[float, float, float]] = {
    "speed_kmh": (10.0, 200.0, 5.0),
    "detour_factor": (1.0, 3.0, 0.05),
    "ends_min": (0.0, 60.0, 1.0),
    "access_min": (0.0, 120.0, 5.0),
    "egress_min": (0.0, 120.0, 5.0),
    "max_access_km": (5.0, 300.0, 5.0),
}


def engine_year(token: str | int) -> Year:
    """The engine year for a network year token (``"2015"``, ``"now"``, ``"planned"``); an integer passes through."""
    key = str(token)
    if key in _ENGINE_YEARS:
        return _ENGINE_YEARS[key]
    if key.isdigit():
        return int(key)
    raise BadOptionError(f"unknown network year {token!r}; expected one of {', '.join(NETWORK_YEARS)} or a year")


# A decimal number as a person writes it: ASCII digits, one optional point, an optional exponent. float() also
# takes "1_000", "inf", "nan" and non-ASCII digits, none of which anyone means in a threshold or a coordinate.
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def finite_number(text: str) -> float:
    """A finite decimal number written as a person writes it (``60``, ``-1.5``, ``2e3``); else ValueError.

    Refuses ``1_000``, ``inf``, ``nan``, ``1e999`` (which overflows to infinity) and non-ASCII digits.
    """
    stripped = str(text).strip()
    value = float(stripped) if _DECIMAL.fullmatch(stripped) else math.nan
    if not math.isfinite(value):
        raise ValueError(f"{str(text)[:40]!r} is not a finite decimal number")
    return value


def check_threshold(value: object) -> int:
    """A threshold as whole minutes in [MIN_MINUTES, MAX_MINUTES]; anything else raises BadThresholdError.

    Text must be a plain decimal (:func:`finite_number`); numbers must be finite (bools are not numbers).
    """
    try:
        if isinstance(value, str):
            number = finite_number(value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
        else:
            raise ValueError
    except (ValueError, OverflowError):
        raise BadThresholdError(f"threshold {str(value)[:40]!r} is not a number of minutes") from None
    if not math.isfinite(number) or not MIN_MINUTES <= round(number) <= MAX_MINUTES:
        raise BadThresholdError(f"threshold {value!r} must be {MIN_MINUTES}–{MAX_MINUTES} minutes")
    return round(number)
