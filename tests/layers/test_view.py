"""The shareable view state: the road assumptions travel in the URL and come back validated."""

from __future__ import annotations

import pytest

from geo.network import RoadModel
from layers.view import DEFAULT_LAYERS, DEFAULT_ROAD, ROAD_FIELDS, ViewState, parse_view

KNOWN = DEFAULT_LAYERS


def test_default_road_is_the_engines_stated_model_and_stays_out_of_the_url():
    assert ViewState().road_model() == RoadModel()
    assert not {key for key, *_ in ROAD_FIELDS.values()} & set(ViewState().to_params())


def test_changed_assumptions_round_trip_through_the_url():
    view = ViewState(road=(60.0, 1.5, 12.0, 20.0, 5.0, 80.0))
    query = view.to_query()
    assert "speed=60" in query and "detour=1.5" in query and "ends=12" in query and "reach=80" in query
    back = parse_view(query, known_layers=KNOWN)
    assert back.road == view.road and back.notices == ()
    assert back.road_model() == RoadModel(speed_kmh=60, detour_factor=1.5, ends_min=12, access_min=20, egress_min=5,
                                          max_access_km=80)


@pytest.mark.parametrize("query", ["speed=1000", "detour=abc", "reach=-5", "access=nan"])
def test_bad_assumptions_are_ignored_with_a_notice(query):
    view = parse_view(query, known_layers=KNOWN)
    assert view.road == DEFAULT_ROAD
    assert len(view.notices) == 1 and query.split("=")[0] in view.notices[0]


def test_lists_are_deduplicated_and_bounded_with_a_notice():
    from geo.options import MAX_ORIGINS, MAX_THRESHOLDS

    many = ",".join(["武汉"] * 12_000 + ["长沙", "南昌", "九江", "岳阳", "黄石", "孝感", "咸宁", "鄂州", "黄冈"])
    view = parse_view(f"origins={many}&minutes={','.join(str(m) for m in range(10, 200, 10))}&layers=cities,cities",
                      known_layers=("cities",))
    assert view.origins[:3] == ("武汉", "长沙", "南昌") and len(view.origins) == MAX_ORIGINS
    assert view.minutes == (10, 20, 30, 40, 50, 60)[:MAX_THRESHOLDS]
    assert view.layers == ("cities",)
    text = " ".join(view.notices)
    assert "ignored repeated origins" in text and f"kept the first {MAX_ORIGINS} origins" in text
    assert "kept the first 6 thresholds" in text and "ignored repeated layers" in text
    assert len(text) < 1_000


@pytest.mark.parametrize("query", ["minutes=inf", "minutes=1e999", "minutes=nan", "zoom=1e999", "lon=inf",
                                   "speed=1_00", "minutes=1_20", "zoom=-inf"])
def test_non_finite_and_underscored_numbers_are_refused_with_a_notice(query):
    view = parse_view(query, known_layers=())
    assert view.notices and view.minutes == ViewState().minutes and view.zoom == ViewState().zoom
    assert view.road == DEFAULT_ROAD


@pytest.mark.parametrize("query", ["minutes=inf", "minutes=1e999", "minutes=nan", "minutes=1_0", "minutes=1e-300",
                                   "minutes=-60", "zoom=1e999", "zoom=inf", "lon=inf", "lat=-1e999", "lon=1_14.3",
                                   "speed=1e999", "detour=1_5", "reach=inf", "zoom=１０"])
def test_non_finite_or_odd_numbers_are_ignored_with_a_notice(query):
    view = parse_view(query, known_layers=KNOWN)
    assert view == ViewState() and len(view.notices) == 1


def test_repeated_origins_are_dropped_in_bounded_time():
    view = parse_view({"origins": ",".join(["武汉"] * 12_000), "minutes": ",".join(map(str, range(1, 1441)))},
                      known_layers=KNOWN)
    assert view.origins == ("武汉",) and view.minutes == (1, 2, 3, 4, 5, 6)
    assert any("repeated origins" in n for n in view.notices) and any("first 6 thresholds" in n for n in view.notices)


def test_rail_figure_and_measure_default_to_fastest_door_to_door_and_stay_out_of_the_url():
    view = ViewState()
    assert (view.figure, view.measure) == ("fastest", "door")
    assert not {"figure", "measure"} & set(view.to_params())


@pytest.mark.parametrize(("figure", "measure"), [("typical", "door"), ("fastest", "station"), ("typical", "station")])
def test_rail_figure_and_measure_round_trip_through_the_url(figure, measure):
    view = ViewState(figure=figure, measure=measure)
    back = parse_view(view.to_query(), known_layers=KNOWN)
    assert (back.figure, back.measure, back.notices) == (figure, measure, ())


@pytest.mark.parametrize(("query", "choices"), [
    ("figure=slowest", "fastest, typical"), ("figure=Typical", "fastest, typical"), ("figure=", "fastest, typical"),
    ("measure=seat", "door, station"), ("measure=" + "x" * 5000, "door, station"),
])
def test_a_bad_figure_or_measure_is_ignored_with_one_line_naming_the_choices(query, choices):
    view = parse_view(query, known_layers=KNOWN)
    assert (view.figure, view.measure) == ("fastest", "door")
    assert len(view.notices) == 1 and "\n" not in view.notices[0]
    assert view.notices[0].startswith(f"ignored {query.split('=')[0]}=") and view.notices[0].endswith(choices)
    assert len(view.notices[0]) < 120
