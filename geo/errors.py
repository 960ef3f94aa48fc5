"""Typed errors of the travel-time engine.

Every error is a :class:`ValueError` subclass whose message says what was wrong
and how to fix the input, so callers (the CLI, the app) can show it as one line.
"""

from __future__ import annotations

__all__ = [
    "BadOptionError",
    "BadThresholdError",
    "GeoInputError",
    "OutsideRegionError",
    "RailDataError",
    "ScenarioError",
    "UnknownCityError",
    "UnknownStationError",
    "UnreachableError",
]


class GeoInputError(ValueError):
    """Base class: bad input to :mod:`geo` or bad source data."""


class UnknownCityError(GeoInputError):
    """A city name, English name or adcode that matches no member city or neighbouring core."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown city or station {name!r}{hint}")
        self.name = name
        self.suggestions = suggestions


class UnknownStationError(GeoInputError):
    """A station id that is not in the station table."""


class BadThresholdError(GeoInputError):
    """A travel-time threshold (minutes) or speed that is missing, non-finite, <= 0 or absurd."""


class BadOptionError(GeoInputError):
    """A string/year option outside its allowed set (mode, kind, year, output format)."""


class OutsideRegionError(GeoInputError):
    """A lon/lat origin too far from the agglomeration to be meaningful."""


class UnreachableError(GeoInputError):
    """An origin from which the rail network cannot be reached at all (no open station in range)."""


class RailDataError(GeoInputError):
    """Source CSVs that are missing, malformed or inconsistent (bad references, bad values)."""


class ScenarioError(GeoInputError):
    """A what-if scenario (file or object) that is malformed or names things the network does not have."""
