"""Station-to-station circles on the web map and the briefing: a band that reaches nothing new (thresholds a minute
apart, or an origin without an open main station) is empty, and is drawn as nothing rather than failing the layer."""

from __future__ import annotations

import pytest
import shapely

import layers
from layers.frames import layer_frame, layer_params
from layers.view import ViewState
from render.bands import as_bands
from render.briefing import render_briefing
from render.offline_html import map_html

VIEWS = [ViewState(origins=("武汉",), minutes=(60, 61), measure="station"),
         ViewState(origins=("孝感", "武汉"), year="2015", measure="station")]


@pytest.mark.parametrize("view", VIEWS)
def test_empty_bands_are_drawn_as_nothing(view):
    spec = layers.get("isochrones")
    gdf = layer_frame(spec, layer_params(spec, view))
    bands = as_bands(gdf, *spec.style.bands)
    assert len(bands) == len(gdf) and shapely.is_empty(bands.geometry.to_numpy()).any()
    assert bands.geometry.is_valid.all()


@pytest.mark.parametrize("view", VIEWS)
def test_the_map_and_the_briefing_draw_them_without_a_notice(view):
    _, notices = map_html(view.with_(layers=("isochrones",)))
    assert notices == ()
    assert render_briefing(view.with_(layers=("isochrones",)), "svg").notices == ()
