"""The one cache of layer frames, shared by every renderer and exporter, and the view's build parameters.

A frame is keyed by the layer id, its :attr:`~layers.spec.LayerSpec.revision` and the
build parameters, so a re-imported or restyled user layer is rebuilt without anyone
clearing anything by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import geopandas as gpd

from geo.network import active_network_key
from layers.registry import all_specs, get
from layers.spec import ORIGIN_KINDS, LayerSpec
from layers.view import ViewState

__all__ = ["clear", "layer_frame", "layer_params", "view_params", "visible_layers"]


def view_params(view: ViewState) -> dict[str, Any]:
    """Every build parameter a layer may take, as ``view`` holds it (``model`` is its RoadModel)."""
    return {"origins": view.origins, "minutes": view.minutes, "mode": view.mode, "year": view.year,
            "model": view.road_model(), "figure": view.figure, "measure": view.measure}


def layer_params(spec: LayerSpec, view: ViewState) -> dict[str, Any]:
    """The keyword parameters ``spec.build`` takes, from ``view`` (by the spec's declared kind)."""
    return spec.params_from(view_params(view))


def visible_layers(view: ViewState, layer_ids: tuple[str, ...] | None = None) -> list[tuple[LayerSpec, dict]]:
    """The view's layers (or ``layer_ids``) in drawing order, each with its build parameters.

    Unknown ids raise :class:`~layers.registry.UnknownLayerError`. Circle and surface layers are left out while
    the view has no origin: there is nothing to draw around.
    """
    wanted = {get(i).id for i in (view.layers if layer_ids is None else layer_ids)}
    out = []
    for spec in all_specs():
        if spec.id not in wanted or (spec.kind in ORIGIN_KINDS and not view.origins):
            continue
        out.append((spec, layer_params(spec, view)))
    return out


@lru_cache(maxsize=128)
def _frame(layer_id: str, revision: str, params: tuple[tuple[str, Any], ...], network: str) -> gpd.GeoDataFrame:
    return get(layer_id).frame(**dict(params))


def layer_frame(spec: LayerSpec, params: Mapping[str, Any] | None = None) -> gpd.GeoDataFrame:
    """``spec.frame(**params)`` (EPSG:4326), cached per (layer, revision, params, what-if network). Do not mutate
    the result."""
    return _frame(spec.id, spec.revision, tuple(sorted((params or {}).items())), active_network_key())


def clear() -> None:
    """Drop every cached frame (the tests use it to measure cold builds)."""
    _frame.cache_clear()
