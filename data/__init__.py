"""The project's curated sources and the derived files built from them.

``data/sources/`` holds hand-curated, sourced records (CSV); ``data/derived/``
holds what ``python -m data.build`` makes from them and from pinned registry
packages. At run time the app reads only ``data/derived/`` (and the sources
for tables), never the registry packages, so it needs no build step.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

__all__ = ["DATA_DIR", "DERIVED_DIR", "SOURCES_DIR", "load_cities", "read_derived", "read_source"]

DATA_DIR = Path(__file__).resolve().parent
SOURCES_DIR = DATA_DIR / "sources"
DERIVED_DIR = DATA_DIR / "derived"


def read_source(name: str) -> pd.DataFrame:
    """A curated source table, e.g. ``"cities"`` or ``"rail/stations"`` (UTF-8 CSV).

    Codes (adcodes, ids) stay strings; empty cells become ``NaN``.
    """
    path = SOURCES_DIR / f"{name}.csv"
    if not path.exists():
        raise FileNotFoundError(f"no source table {name!r} at {path}")
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


@cache
def _read_derived_cached(name: str) -> gpd.GeoDataFrame:
    path = DERIVED_DIR / f"{name}.geojson"
    if not path.exists():
        raise FileNotFoundError(f"no derived file {name!r} at {path}; run `python -m data.build`")
    return gpd.read_file(path, engine="pyogrio")


def read_derived(name: str) -> gpd.GeoDataFrame:
    """A derived layer file (GeoJSON, EPSG:4326) as a fresh GeoDataFrame copy."""
    return _read_derived_cached(name).copy()


def load_cities() -> gpd.GeoDataFrame:
    """The 31 member cities, one point per government seat (EPSG:4326, WGS-84).

    Columns include ``name_zh`` (bare, e.g. 武汉), ``name_en``, ``adcode``,
    ``province_zh``, ``subcluster_zh``, ``role`` (core|member),
    ``population_2020`` (7th census residents; may be missing) and ``source``.
    """
    return read_derived("cities")
