"""Random view strings: :func:`parse_view` always answers with a view inside the bounds, takes every well-formed
in-range number exactly as written, and drops everything else with a notice, never a traceback (issue #14)."""

from __future__ import annotations

import math
import re
from urllib.parse import urlencode

from hypothesis import given, settings
from hypothesis import strategies as st

from geo.options import MAX_MINUTES, MAX_THRESHOLDS, MIN_MINUTES
from layers.view import DEFAULT_LAYERS, REGION_BOUNDS, ROAD_FIELDS, ZOOM_RANGE, ViewState, parse_view

# The numbers a person writes; the parser must accept exactly these (and then only when finite and in range).
PLAIN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)

NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(min_value=-1e6, max_value=1e6).map(lambda x: f"{x:.3f}"),
    st.floats(min_value=1e-320, max_value=1e-280).map(repr),
    st.integers(-10**400, 10**400).map(str),
    st.integers(0, 100_000).map(lambda i: f"{i:_}"),
    st.sampled_from(["inf", "-inf", "nan", "NaN", "1e999", "-1e999", "1e-300", "1_0", "１０", "١٢", " 60 ", "60.",
                     ".5", "+7", "0x10", "1e", "e5", "", "114°18′", "--1", "1,5", "∞"]),
    st.text(max_size=8),
)
KEYS = ("minutes", "zoom", "lon", "lat", *(key for key, *_ in ROAD_FIELDS.values()))


def _plain_number(text: str) -> float | None:
    stripped = text.strip()
    if not PLAIN.fullmatch(stripped):
        return None
    value = float(stripped)
    return value if math.isfinite(value) else None


def _check_bounds(view: ViewState) -> None:
    assert len(view.minutes) <= MAX_THRESHOLDS and list(view.minutes) == sorted(set(view.minutes))
    assert all(isinstance(m, int) and MIN_MINUTES <= m <= MAX_MINUTES for m in view.minutes)
    west, south, east, north = REGION_BOUNDS
    assert west <= view.center[0] <= east and south <= view.center[1] <= north
    assert ZOOM_RANGE[0] <= view.zoom <= ZOOM_RANGE[1]
    for value, (_, lo, hi, _) in zip(view.road, ROAD_FIELDS.values(), strict=True):
        assert lo <= value <= hi


@settings(max_examples=300, deadline=None)
@given(params=st.dictionaries(st.sampled_from(KEYS), NUMBERS, max_size=len(KEYS)), as_string=st.booleans())
def test_any_numbers_in_a_view_give_a_bounded_view_or_a_notice(params, as_string):
    query = urlencode(params) if as_string else params
    view = parse_view(query, known_layers=DEFAULT_LAYERS)
    _check_bounds(view)
    default = ViewState()
    for key, text in params.items():
        if key == "minutes":
            items = [i.strip() for i in text.replace("，", ",").split(",") if i.strip()]
            numbers = [_plain_number(i) for i in items]
            good = [round(n) for n in numbers if n is not None and MIN_MINUTES <= round(n) <= MAX_MINUTES]
            assert view.minutes == (tuple(sorted(list(dict.fromkeys(good))[:MAX_THRESHOLDS])) or default.minutes)
            if len(good) < len(items):
                assert any("thresholds" in n for n in view.notices)
        elif key in ROAD_FIELDS_BY_KEY:
            number = _plain_number(text)
            i, lo, hi = ROAD_FIELDS_BY_KEY[key]
            if number is not None and lo <= number <= hi:
                assert view.road[i] == number
            else:
                assert view.road[i] == default.road[i] and any(key in n for n in view.notices)
    if {"lon", "lat", "zoom"} & set(params) and (view.center, view.zoom) != (default.center, default.zoom):
        assert all(_plain_number(params[k]) is not None for k in ("lon", "lat", "zoom") if k in params)


ROAD_FIELDS_BY_KEY = {key: (i, lo, hi) for i, (key, lo, hi, _) in enumerate(ROAD_FIELDS.values())}


@settings(max_examples=100, deadline=None)
@given(items=st.lists(st.sampled_from(["武汉", "长沙", "南昌", "岳阳", "九江", "孝感", "黄石", "鄂州", "咸宁", "x"]),
                      max_size=300),
       minutes=st.lists(NUMBERS, max_size=50))
def test_lists_in_a_view_are_deduplicated_and_bounded(items, minutes):
    view = parse_view({"origins": ",".join(items), "minutes": ",".join(m.replace(",", "") for m in minutes)},
                      known_layers=DEFAULT_LAYERS)
    _check_bounds(view)
    assert len(view.origins) <= 8 and len(set(view.origins)) == len(view.origins)
    assert list(view.origins) == list(dict.fromkeys(items))[:8]
