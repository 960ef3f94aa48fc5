"""Map the view's network scenario ("2015", "now", "planned") to the engine's year."""

from __future__ import annotations

from geo.network import CURRENT_YEAR, PLAN_YEAR, PLANNED, Year

__all__ = ["SCENARIO_TITLES", "engine_year"]

SCENARIO_TITLES = {
    "2015": ("2015 规划年路网", "2015 network (plan year)"),
    "now": (f"{CURRENT_YEAR} 现状路网", f"{CURRENT_YEAR} network (today)"),
    "planned": ("规划路网 (含在建)", "Planned network (incl. under construction)"),
}


def engine_year(scenario: str | int) -> Year:
    """The engine year for a view scenario; an integer year passes through."""
    mapping: dict[str, Year] = {"2015": PLAN_YEAR, "now": CURRENT_YEAR, "planned": PLANNED}
    key = str(scenario)
    if key in mapping:
        return mapping[key]
    if key.isdigit():
        return int(key)
    raise ValueError(f"unknown network scenario {scenario!r}; expected 2015, now, planned or a year")
