"""The difference map's bands of minutes saved: one colour and one bilingual label each, shared by the app's
compare view and the printed before/after sheet, so screen and paper read alike.

The bands themselves (their bounds in minutes) are the engine's :data:`geo.compare.SAVED_BANDS`; ``""`` is no
change (under half a minute either way) or unknown.
"""

from __future__ import annotations

from collections.abc import Mapping

from geo.compare import SAVED_BANDS
from layers.i18n import t

__all__ = ["BAND_COLOURS", "BAND_ORDER", "band_label"]

# Minutes saved band -> colour (blues for time saved, darker for more; red for time lost; grey for no change).
BAND_COLOURS: Mapping[str, str] = {"lost": "#d7301f", "0–5": "#c6dbef", "5–15": "#6baed6", "15–30": "#2171b5",
                                   "30+": "#08306b", "": "#bdbdbd"}
# The legend's order: most minutes saved first, then lost, then no change.
BAND_ORDER: tuple[str, ...] = (*(label for *_, label in reversed(SAVED_BANDS)), "")


def band_label(band: str, lang: str) -> str:
    """A :data:`~geo.compare.SAVED_BANDS` label in ``lang`` ("" is no change)."""
    return t(f"cmp_band_{band}", lang) if band else t("sc_band_none", lang)
