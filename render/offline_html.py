"""The interactive map as one self-contained HTML file that opens offline.

The page is built by the app's own renderer (:mod:`render.webmap`) with the
same layers, legend and language as the screen, on the offline vector basemap
(provinces drawn from our data; tile basemaps would need the network). Leaflet
and its plugins are inlined by :func:`render.assets.inline_html`, and
the result is checked: a page that still references a remote script,
stylesheet or image is an :class:`~export.files.ExportError`, never a file
that silently breaks on an intranet.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import date

import folium

from export.download import Download
from export.files import ExportError
from layers.frames import visible_layers
from layers.view import ViewState
from render import assets as offline_assets
from render import webmap as folium_map

__all__ = ["html_download", "inline_map", "map_html", "remote_references"]

_TITLES = {"zh": "长江中游城市群 · 交互地图", "en": "Middle Yangtze River Urban Agglomeration — interactive map"}
# src/href attributes and CSS url(...) that point off the machine ("//host" is protocol-relative, also remote).
_REMOTE = re.compile(r"""(?:\b(?:src|href)\s*=\s*["']|url\(\s*["']?)((?:https?:)?//[^"')\s]+)""", re.IGNORECASE)


def remote_references(page: str) -> list[str]:
    """URLs of scripts, stylesheets, images or fonts that ``page`` would fetch from the network.

    Plain links (``<a href>``, e.g. data sources in popups) are ignored: they
    are only followed when clicked.
    """
    anchors = {m.group(1) for m in re.finditer(r"""<a\b[^>]*\bhref\s*=\s*["']([^"']+)""", page, re.IGNORECASE)}
    return sorted({m.group(1) for m in _REMOTE.finditer(page)} - anchors)


def _restore_cdn_urls(m: folium.Map) -> None:
    """Point assets that :func:`folium_map.base_map` already localised for the app back at their CDN URLs.

    :func:`offline_assets.inline_html` inlines by CDN URL; a map built for the
    app refers to ``static/vendor`` copies instead, which it would reject.
    """
    cdn = {offline_assets.ASSET_URL_BASE + name: url for url, name in offline_assets.NEEDED.items()}
    for elem in offline_assets._js_css_elements(m):
        elem.default_js = [(n, cdn.get(u, u)) for n, u in elem.default_js]
        elem.default_css = [(n, cdn.get(u, u)) for n, u in elem.default_css]


def inline_map(m: folium.Map, *, title: str = "", lang: str = "zh") -> str:
    """The HTML page of any folium map with every local/packaged asset inlined.

    Raises :class:`ExportError` if a remote reference remains (e.g. a plugin
    without a packaged copy, or a tile layer).
    """
    _restore_cdn_urls(m)
    try:
        page = offline_assets.inline_html(m)
    except offline_assets.MissingAssetError as err:
        raise ExportError(f"the map uses an asset with no offline copy: {err}") from err
    remote = remote_references(page)
    if "L.tileLayer(" in page:
        remote.append("map tiles")
    if remote:
        raise ExportError(f"the HTML would need the network for {', '.join(remote[:3])}")
    if title:
        head = f'<meta charset="utf-8"><title>{html.escape(title)}</title>'
        page = page.replace("<head>", "<head>" + head, 1)
    return re.sub(r"<html\b", f'<html lang="{"zh-CN" if lang == "zh" else "en"}"', page, count=1)


def map_html(view: ViewState, *, layer_ids: Sequence[str] | None = None) -> tuple[str, tuple[str, ...]]:
    """The view as a self-contained page, and notices (layers left out, basemap replaced).

    Layers are the view's (or ``layer_ids``) in the catalogue's drawing order,
    circles with the view's origins, minutes, mode and year; the map opens at
    the view's centre and zoom.
    """
    visible = visible_layers(view, None if layer_ids is None else tuple(layer_ids))
    notices: list[str] = []
    if view.basemap != "offline":
        notices.append(f"the {view.basemap} tiles need the network; the HTML uses the offline vector basemap")
    m = folium_map.base_map("offline", view.center, view.zoom, height="100vh")
    groups, errors = folium_map.overlay_groups(
        visible, lang=view.lang, datum="wgs84",
        tolerance=folium_map.detail_tolerance(view.zoom),
    )
    for group in groups:
        group.add_to(m)
    notices += [f"layer {lid} left out: {message}" for lid, message in errors]
    return inline_map(m, title=_TITLES[view.lang], lang=view.lang), tuple(notices)


def html_download(view: ViewState, *, layer_ids: Sequence[str] | None = None) -> Download:
    """For the app: the interactive map of ``view`` as (bytes, filename, ``text/html``, notices)."""
    page, notices = map_html(view, layer_ids=layer_ids)
    return Download(page.encode("utf-8"), f"middle_yangtze_map_{date.today():%Y%m%d}.html", "text/html", notices)
