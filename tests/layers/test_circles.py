"""The circles layer: nominal rings carry every field the layer declares, with what they truthfully are."""

from __future__ import annotations

from layers.catalogue.circles import ISOCHRONES, build_nominal_rings


def test_nominal_rings_carry_every_declared_field_and_say_the_river_is_not_modelled() -> None:
    rings = build_nominal_rings(origins=["武汉"], minutes=[60, 120])
    assert set(ISOCHRONES.fields) <= set(rings.columns)
    crossings = set(rings["road_crossings"])
    assert len(crossings) == 1
    (text,) = crossings
    assert "未建模" in text and "not modelled" in text and "bridges" not in text
