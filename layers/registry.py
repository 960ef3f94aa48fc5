"""The catalogue of layer specs, in drawing order (areas below lines below points)."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

from layers.spec import Group, LayerSpec

__all__ = ["UnknownLayerError", "all_specs", "builtin_ids", "by_group", "get", "register", "register_provider"]

_SPECS: dict[str, LayerSpec] = {}
# Sources of specs known only at run time (the user's workspace layers); asked on every lookup, so a layer
# imported by another session or the CLI shows up without a restart.
_PROVIDERS: list[Callable[[], Iterable[LayerSpec]]] = []


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


def register_provider(provider: Callable[[], Iterable[LayerSpec]]) -> None:
    """Add a source of run-time specs, drawn after (above) the built-in layers.

    Provided ids are namespaced (``user.NAME``); :func:`get` also finds them by the bare ``NAME``
    when no built-in layer has that id.
    """
    _PROVIDERS.append(provider)


def _provided() -> list[LayerSpec]:
    return [spec for provider in _PROVIDERS for spec in provider() if spec.id not in _SPECS]


def get(layer_id: str) -> LayerSpec:
    """The spec for ``layer_id``; an unknown id raises :class:`UnknownLayerError` with suggestions."""
    if layer_id in _SPECS:
        return _SPECS[layer_id]
    provided = _provided()
    # Ids first: a legacy layer named "user.x" must not answer for "user.x", the id of layer "x".
    for spec in provided:
        if spec.id == layer_id:
            return spec
    for spec in provided:
        if spec.id.partition(".")[2] == layer_id:
            return spec
    known = [*_SPECS, *(s.id for s in provided)]
    close = difflib.get_close_matches(layer_id, known, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; known layers: {', '.join(known)}"
    raise UnknownLayerError(f"unknown layer {layer_id!r}{hint}")


def all_specs() -> tuple[LayerSpec, ...]:
    """Every spec, in drawing order: the built-in ones, then the provided (user) ones."""
    return (*_SPECS.values(), *_provided())


def builtin_ids() -> tuple[str, ...]:
    """The ids declared in code (not the run-time user layers)."""
    return tuple(_SPECS)


def by_group(specs: Iterable[LayerSpec] | None = None) -> dict[Group, list[LayerSpec]]:
    """Specs grouped for the sidebar, groups in :class:`Group` order."""
    grouped: dict[Group, list[LayerSpec]] = {g: [] for g in Group}
    for spec in all_specs() if specs is None else specs:
        grouped[spec.group].append(spec)
    return {g: s for g, s in grouped.items() if s}
