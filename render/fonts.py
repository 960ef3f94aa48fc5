"""Fonts for server-rendered maps: find an installed CJK font, or fall back to English.

Matplotlib's default font (DejaVu Sans) has no Chinese glyphs and draws boxes
(tofu) for them. Briefings therefore look for a real CJK font among the fonts
matplotlib knows; ``.ci/run`` and the Debian package ``fonts-noto-cjk`` provide
Noto Sans CJK SC. When none is installed, Chinese labels are replaced by English
ones and the caller gets a notice to show, so a briefing never contains boxes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

__all__ = ["CJK_FAMILIES", "FontChoice", "choose_font", "find_cjk_family", "has_glyphs"]

# Preferred families, best first: Simplified-Chinese faces before other CJK
# variants (whose glyph shapes differ for some characters), sans before serif
# because map labels are small.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Droid Sans Fallback",
    "Noto Serif CJK SC",
    "AR PL UMing CN",
)
# Characters every briefing needs: the region, the three provinces' capitals, "km".
_PROBE = "长江中游城市群武汉长沙南昌图例比例尺千米"
LATIN_FAMILY = "DejaVu Sans"


@dataclass(frozen=True)
class FontChoice:
    """The language and font family a map is drawn with.

    ``lang`` is what will actually be drawn (``"en"`` when Chinese was asked for
    but no CJK font exists); ``notice`` explains such a fallback, else ``""``.
    """

    lang: str
    family: tuple[str, ...]
    notice: str = ""


def has_glyphs(path: str, text: str = _PROBE) -> bool:
    """Whether the font file at ``path`` has a glyph for every character of ``text``."""
    try:
        font = FT2Font(path)
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(ch)) != 0 for ch in text)


@cache
def find_cjk_family() -> str | None:
    """The first installed family of :data:`CJK_FAMILIES` that really has Chinese glyphs, or ``None``.

    Falls back to any installed family whose name says CJK/SC/Hei, so an
    unusual system font still works.
    """
    by_name: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        by_name.setdefault(entry.name, entry.fname)
    candidates = [f for f in CJK_FAMILIES if f in by_name]
    candidates += sorted(n for n in by_name if n not in candidates and any(k in n for k in ("CJK", " SC", "Hei")))
    for family in candidates:
        if has_glyphs(by_name[family]):
            return family
    return None


def choose_font(lang: str) -> FontChoice:
    """The font for drawing labels in ``lang`` (``"zh"`` or ``"en"``).

    English still prefers the CJK family when present, because English labels
    may embed Chinese place names and its Latin glyphs are fine.
    """
    cjk = find_cjk_family()
    if cjk is not None:
        return FontChoice(lang=lang, family=(cjk, LATIN_FAMILY))
    if lang == "zh":
        return FontChoice(
            lang="en", family=(LATIN_FAMILY,),
            notice="No Chinese (CJK) font is installed, so labels are in English; install fonts-noto-cjk "
                   "(Debian/Ubuntu) or Noto Sans CJK SC for Chinese labels.",
        )
    return FontChoice(lang=lang, family=(LATIN_FAMILY,))
