"""The catalogue of layer specs, in drawing order (areas below lines below points)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from layers.spec import Group, LayerSpec

__all__ = ["UnknownLayerError", "all_specs", "by_group", "get", "register"]

_SPECS: dict[str, LayerSpec] = {}


class UnknownLayerError(KeyError):
    """A layer id that no spec declares."""

    def __str__(self) -> str:
        return str(self.args[0])


def register(*specs: LayerSpec) -> None:
    """Add specs to the catalogue; ids must be unique."""
    for spec in specs:
        if spec.id in _SPECS:
            raise ValueError(f"layer id {spec.id!r} declared twice")
        _SPECS[spec.id] = spec


def get(layer_id: str) -> LayerSpec:
    """The spec for ``layer_id``; an unknown id raises :class:`UnknownLayerError` with suggestions."""
    try:
        return _SPECS[layer_id]
    except KeyError:
        close = difflib.get_close_matches(layer_id, list(_SPECS), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else f"; known layers: {', '.join(_SPECS)}"
        raise UnknownLayerError(f"unknown layer {layer_id!r}{hint}") from None


def all_specs() -> tuple[LayerSpec, ...]:
    """Every spec, in drawing order."""
    return tuple(_SPECS.values())


def by_group(specs: Iterable[LayerSpec] | None = None) -> dict[Group, list[LayerSpec]]:
    """Specs grouped for the sidebar, groups in :class:`Group` order."""
    grouped: dict[Group, list[LayerSpec]] = {g: [] for g in Group}
    for spec in all_specs() if specs is None else specs:
        grouped[spec.group].append(spec)
    return {g: s for g, s in grouped.items() if s}
