"""Leaflet and plugin assets served by the app itself, never from a CDN.

folium writes ``<script src="https://cdn...">`` links for Leaflet and each
plugin. The PyPI package ``folium-offline`` ships the same files, keyed by the
very URLs folium 0.20 uses. :func:`ensure_assets` copies the ones the explorer
needs into ``static/vendor/`` (Streamlit serves that folder at
``/app/static/vendor/`` when ``server.enableStaticServing`` is on) and
:func:`localize` points every element of a map at those copies, dropping the
assets the explorer never uses (jQuery, Bootstrap, Font Awesome, awesome
markers). A CDN URL without a local copy raises :class:`MissingAssetError`, so
a new plugin cannot silently bring a CDN back.

    python -m render.assets   # copy the assets (run by set-up; the app also does it at start)
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import branca.element
import folium
import folium.elements

__all__ = [
    "ASSET_URL_BASE",
    "NEEDED",
    "VENDOR_DIR",
    "MissingAssetError",
    "ensure_assets",
    "inline_html",
    "local_url",
    "localize",
]

ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = ROOT / "static" / "vendor"
# streamlit-folium's iframe lives at <base>/component/<component-name>/index.html; two levels up is the
# app root, so this relative URL also works behind a server.baseUrlPath prefix.
ASSET_URL_BASE = "../../app/static/vendor/"

_JSDELIVR = "https://cdn.jsdelivr.net"
# CDN URL (as folium 0.20 writes it) -> local file name.
NEEDED: dict[str, str] = {
    f"{_JSDELIVR}/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet-1.9.3.js",
    f"{_JSDELIVR}/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet-1.9.3.css",
    f"{_JSDELIVR}/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js": "leaflet-measure-2.1.7.min.js",
    f"{_JSDELIVR}/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css": "leaflet-measure-2.1.7.min.css",
    f"{_JSDELIVR}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": "leaflet.fullscreen-3.0.0.min.js",
    f"{_JSDELIVR}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css": "leaflet.fullscreen-3.0.0.css",
    f"{_JSDELIVR}/gh/ardhi/Leaflet.MousePosition/src/L.Control.MousePosition.min.js": "L.Control.MousePosition.min.js",
    f"{_JSDELIVR}/gh/ardhi/Leaflet.MousePosition/src/L.Control.MousePosition.min.css":
        "L.Control.MousePosition.min.css",
}

# Every needed script (Leaflet first) and stylesheet concatenated: one request each instead of four, since
# streamlit-folium loads scripts one after another.
BUNDLE_JS, BUNDLE_CSS = "mye-leaflet-bundle.js", "mye-leaflet-bundle.css"
_LOCAL_NAMES = frozenset({*NEEDED.values(), BUNDLE_JS, BUNDLE_CSS})

# Assets folium's Map always lists that the explorer does not use (markers are circle markers, popups plain HTML).
_UNUSED = re.compile(r"jquery|bootstrap|fontawesome|awesome-markers|awesome\.rotate|glyphicons", re.IGNORECASE)


class MissingAssetError(RuntimeError):
    """A map element wants a remote asset that is not installed locally."""


@cache
def _packaged() -> dict[str, str]:
    """The asset texts shipped by folium-offline, keyed by CDN URL (imports a 7 MB module once)."""
    try:
        from offlinefolium import elements
    except ImportError as err:  # pragma: no cover - the lock file installs it
        raise MissingAssetError("folium-offline is not installed; run `make setup` (requirements.lock)") from err
    return elements._res


def ensure_assets(target: Path = VENDOR_DIR) -> list[Path]:
    """Copy the needed assets into ``target`` (skipping files already there); return their paths."""
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for url, name in NEEDED.items():
        path = target / name
        if not path.exists():
            text = _packaged().get(url)
            if text is None:
                raise MissingAssetError(f"folium-offline does not ship {url}")
            path.write_text(text, encoding="utf-8")
        paths.append(path)
    for bundle, suffix in ((BUNDLE_JS, ".js"), (BUNDLE_CSS, ".css")):
        path = target / bundle
        if not path.exists():
            parts = [p.read_text(encoding="utf-8") for p in paths if p.suffix == suffix]
            path.write_text((";\n" if suffix == ".js" else "\n").join(parts), encoding="utf-8")
        paths.append(path)
    ignore = target / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Copied from the folium-offline package by render/assets.py\n*\n!.gitignore\n")
    return paths


def local_url(url: str, base: str = ASSET_URL_BASE) -> str:
    """The app-served URL for an asset URL folium writes; :class:`MissingAssetError` if there is no copy.

    ``url`` is a CDN URL from folium or an already localised one (any base + a vendored file name),
    so localising twice is harmless.
    """
    name = NEEDED.get(url)
    if name is None:
        tail = url.removeprefix(ASSET_URL_BASE).removeprefix("vendor:")
        name = tail if tail in _LOCAL_NAMES else None
    if name is None:
        raise MissingAssetError(f"no local copy of {url}; add it to render.assets.NEEDED")
    return base + name


def _js_css_elements(root: branca.element.Element) -> Iterator[folium.elements.JSCSSMixin]:
    if isinstance(root, folium.elements.JSCSSMixin):
        yield root
    for child in root._children.values():
        yield from _js_css_elements(child)


def localize(root: branca.element.Element, base: str = ASSET_URL_BASE) -> branca.element.Element:
    """Point every Leaflet/plugin asset under ``root`` at the app's copies (in place; returns ``root``).

    A folium ``Map`` gets the two bundles (Leaflet and every plugin in :data:`NEEDED`); the plugins'
    own links are then dropped, as the bundle already holds them.
    """
    for elem in _js_css_elements(root):
        js = [(n, local_url(u, base)) for n, u in elem.default_js if not _UNUSED.search(u)]
        css = [(n, local_url(u, base)) for n, u in elem.default_css if not _UNUSED.search(u)]
        if isinstance(elem, folium.Map):
            js, css = [("mye_bundle_js", base + BUNDLE_JS)], [("mye_bundle_css", base + BUNDLE_CSS)]
        elif _in_bundle(js) and _in_bundle(css):
            js, css = [], []
        elem.default_js, elem.default_css = js, css
    return root


def _in_bundle(links: list[tuple[str, str]]) -> bool:
    return all(url.rsplit("/", 1)[-1].removeprefix("vendor:") in NEEDED.values() for _, url in links)


def inline_html(m: folium.Map) -> str:
    """A self-contained HTML page of ``m``: every asset inlined, so the file opens with no network at all."""
    texts = {name: (VENDOR_DIR / name) for name in _LOCAL_NAMES}
    ensure_assets()
    localize(m, base="vendor:")
    page = m.get_root().render()

    def script(match: re.Match[str]) -> str:
        name = html.unescape(match.group(1)).removeprefix("vendor:")
        return f"<script>{texts[name].read_text(encoding='utf-8')}</script>"

    def style(match: re.Match[str]) -> str:
        name = html.unescape(match.group(1)).removeprefix("vendor:")
        return f"<style>{texts[name].read_text(encoding='utf-8')}</style>"

    page = re.sub(r'<script src="(vendor:[^"]+)"></script>', script, page)
    return re.sub(r'<link rel="stylesheet" href="(vendor:[^"]+)"/>', style, page)


if __name__ == "__main__":
    for p in ensure_assets():
        print(p.relative_to(ROOT))
