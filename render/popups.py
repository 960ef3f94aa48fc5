"""Popup and tooltip text for people: field values in words, sources as short linked citations, badges.

The data keep their codes, notes and full source strings (the exports carry them); what a planner reads on
the map is worded here: coded values through the layer spec, Chinese place names in English mode, a source
such as ``github owner/repo@3f2a…:path (…)`` as "GitHub owner/repo", developer notes ("assumption …
NOT CONFIRMED") as an "unconfirmed" badge whose hover text is the note itself. Every string returned is
escaped HTML; every text from data passes :func:`html.escape` exactly once.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

import numpy as np
import pandas as pd

from data import read_derived
from geo.station_circles import POPULATION_BASIS as STATION_BASIS
from layers.i18n import fmt_number, t
from layers.spec import LayerSpec

__all__ = ["MAX_VALUE_CHARS", "badges", "citations", "english_text", "fmt_value", "popup_html", "rows_html",
           "tooltip_html"]

MAX_VALUE_CHARS = 240  # longer property values are cut in tooltips and popups
MAX_LABEL_CHARS = 48  # a citation's visible text
# Notes for the data's keepers: shown as a badge (their text on hover), never as a popup row.
# Fields whose values the engine writes in both languages; a popup shows the chosen one.
BILINGUAL_FIELDS = frozenset({"population_basis", "road_crossings"})
NOTE_FIELDS = frozenset({"note", "basis", "minutes_basis", "location_basis", "coord_imputed"})
# Words in a note or basis that mean a figure or a position is not confirmed by a source.
_UNCONFIRMED = re.compile(r"assum|not confirmed|not sourced|uncertain|unconfirmed|\bLOW\b|weak source|未核实",
                          re.IGNORECASE)
_ESTIMATE = re.compile(r"^\s*(derived|engine|interpolated|service pattern: interpolated)", re.IGNORECASE)
_SEAT = "city government seat (feature location not sourced)"
# Layers whose Chinese and English names translate the place names in other layers' fields.
_NAME_LAYERS = ("cities", "provinces", "subclusters", "rivers", "lakes", "bridges", "airports", "ports",
                "hitech_zones", "corridors", "zones")
_CJK = re.compile(r"[\u3400-\u9fff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_URL = re.compile(r"https?://[^\s,;()<>\"'，；（）]+")
_GITHUB = re.compile(r"github\s+([\w.-]+/[\w.-]+)@([0-9a-f]{7,40}):([^\s,;()]+)")
_DATE_IN_URL = (re.compile(r"/(20\d{2}|19\d{2})(\d{2})(\d{2})(?:/|_|\.)"),
                re.compile(r"/(20\d{2}|19\d{2})-(\d{2})/(\d{2})/"),
                re.compile(r"/(20\d{2}|19\d{2})/(\d{2})/(\d{2})/"),
                re.compile(r"t(20\d{2})(\d{2})(\d{2})_"))
_DATE_IN_TEXT = re.compile(r"((?:19|20)\d{2})-(\d{2})-(\d{2})")
_PUBLISHER = re.compile(r"\(\s*([\u3400-\u9fff]{2,14})\s*((?:19|20)\d{2}-\d{2}-\d{2})")
_HOST_PREFIXES = ("www.", "m.", "big5.", "en.m.", "wap.")


# ------------------------------------------------------------------------------------------------- values


def fmt_value(value: Any, lang: str) -> str | None:
    """A property value as display text (not yet escaped); None for missing values."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, (int, np.integer)):
        return fmt_number(int(value), "en")
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return fmt_number(v, "en", digits=0 if abs(v) >= 100 or v.is_integer() else 2)
    text = str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


@lru_cache(maxsize=1)
def _english_names() -> dict[str, str]:
    """English place names by Chinese name (also without 市/省) from the derived layers."""
    pairs: dict[str, str] = {}
    for name in _NAME_LAYERS:
        try:
            frame = read_derived(name)
        except (FileNotFoundError, OSError, ValueError):  # a missing layer only leaves its names untranslated
            continue
        for zh, en in zip(frame["name_zh"], frame["name_en"], strict=True):
            if isinstance(zh, str) and isinstance(en, str) and zh and en and zh != en:
                pairs.setdefault(zh, en)
                if zh.endswith(("市", "省")):
                    pairs.setdefault(zh[:-1], en)
    return pairs


def english_text(text: str) -> str:
    """``text`` with each run of Chinese characters that is a known place name in English, 、 as a comma.

    Only whole runs are replaced: "九江长江公路大桥" stays as it is rather than turning into "JiujiangYangtze公路大桥".
    """
    if not _CJK.search(text):
        return text
    names = _english_names()
    out = _CJK_RUN.sub(lambda m: names.get(m.group(0), m.group(0)), text)
    return re.sub(r"\s*、\s*", ", ", out)


_ROAD_MODEL = re.compile(r"^([\d.]+) km/h, ×([\d.]+), ([\d.]+) min in town, ([\d.]+)\+([\d.]+) min, ≤([\d.]+) km$")
_NOMINAL = re.compile(r"^none: straight line at ([\d.]+) km/h$")


def _road_model(text: str, lang: str) -> str:
    """A circle's road-model summary (written in English by the engine) in ``lang``."""
    if m := _ROAD_MODEL.match(text):
        return t("brief_road", lang, v=m[1], d=m[2], u=m[3], a=m[4], e=m[5], r=m[6])
    if m := _NOMINAL.match(text):
        return t("popup_nominal", lang, v=m[1])
    return one_language(text, lang)


# Texts the engine writes in English for its data files, each with its words in both languages.
_ENGINE_TEXT = {"none: station to station, rail time only": "popup_station_road",
                "none: no road leg": "popup_no_road_leg", STATION_BASIS: "station_population_basis"}
# "中文; English" (the county basis): the Chinese part, then English with no Chinese in it.
_ZH_SEMI_EN = re.compile(r"^(?P<zh>[^;]*[\u3400-\u9fff][^;]*); (?P<en>[^\u3400-\u9fff]+)$")
# "中文 · English" (the river crossings), possibly several such parts joined by "；".
_ZH_DOT_EN = re.compile(r"^(?P<zh>[^A-Za-z]*[\u3400-\u9fff][^A-Za-z]*?)\s*·\s*(?P<en>[^\u3400-\u9fff]+)$")


def one_language(text: str, lang: str) -> str:
    """An engine text written in both languages (``"中文; English"``, or ``"中文 · English"`` parts joined by
    ``"；"``) as its part in ``lang``; any other text unchanged. The data files keep both."""
    if key := _ENGINE_TEXT.get(text):
        return t(key, lang)
    if m := _ZH_SEMI_EN.match(text):
        return m[lang]
    parts = [_ZH_DOT_EN.match(part.strip()) for part in text.split("；")]
    if all(parts):
        return ("；" if lang == "zh" else "; ").join(m[lang].strip() for m in parts)  # type: ignore[index]
    return text


def _value_text(spec: LayerSpec, name: str, value: Any, lang: str) -> str | None:
    """One field's value as a planner reads it in ``lang`` (not yet escaped); None if empty."""
    worded = spec.value_title(name, value, lang)
    if worded is not None:
        return worded
    text = fmt_value(value, lang)
    if text is None or text == "":
        return None
    if name == "road_model":
        return _road_model(text, lang)
    if name in BILINGUAL_FIELDS:
        return one_language(text, lang)
    return english_text(text) if lang == "en" and isinstance(value, str) else text


def rows_html(spec: LayerSpec, row: Mapping[str, Any], fields: Iterable[str], lang: str) -> str:
    """Table rows ``<tr><th>field</th><td>value</td></tr>`` for ``fields`` (notes left out; escaped HTML)."""
    cells = []
    for f in fields:
        if f in NOTE_FIELDS:
            continue
        text = _value_text(spec, f, row.get(f), lang)
        if text is not None:
            cells.append(f"<tr><th>{html.escape(spec.field_title(f, lang))}</th><td>{html.escape(text)}</td></tr>")
    return "".join(cells)


# ------------------------------------------------------------------------------------------------- badges


def badges(spec: LayerSpec, row: Mapping[str, Any], lang: str) -> str:
    """"unconfirmed" / "estimate" badges for a feature (escaped HTML, "" when there are none).

    A badge's hover text is the note it stands for, so the basis of an estimate still travels with it.
    """
    unconfirmed: list[str] = []
    estimate: list[str] = []
    for f in spec.fields:
        if f not in NOTE_FIELDS:
            continue
        value = row.get(f)
        if f == "coord_imputed":
            if value is True or value is np.True_:
                unconfirmed.append(t("popup_at_seat", lang))
            continue
        text = fmt_value(value, lang)
        if not text:
            continue
        if f == "location_basis":
            if text == _SEAT:
                unconfirmed.append(t("popup_at_seat", lang))
            continue
        if _ESTIMATE.search(text):
            estimate.append(f"{spec.field_title(f, lang)}: {text}")
        if _UNCONFIRMED.search(text):
            unconfirmed.append(f"{spec.field_title(f, lang)}: {text}")
    out = []
    for key, notes in (("popup_unconfirmed", unconfirmed), ("popup_estimate", estimate)):
        if notes:
            tip = html.escape("\n".join(notes), quote=True)
            word = html.escape(t(key, lang))
            out.append(f"<span class='mye-badge mye-badge-{key[6:]}' title=\"{tip}\">{word}</span>")
    return " ".join(out)


# ----------------------------------------------------------------------------------------------- citations


def _host(url: str) -> str:
    netloc = urlsplit(url).netloc.lower()
    parts = urlsplit(url).path.split("/")
    if "gate" in parts and len(parts) > 3:  # a mirror gateway (big5.cri.cn/gate/big5/hb.cri.cn/…) names the site
        netloc = parts[parts.index("gate") + 2] or netloc
    for prefix in _HOST_PREFIXES:
        netloc = netloc.removeprefix(prefix)
    return netloc


def _date(url: str, text: str) -> str | None:
    for pattern in _DATE_IN_URL:
        if m := pattern.search(url):
            y, mo, d = m.groups()
            if 1 <= int(mo) <= 12 and 1 <= int(d) <= 31:
                return f"{y}-{mo}-{d}"
    m = _DATE_IN_TEXT.search(text)
    return "-".join(m.groups()) if m else None


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1] + "…"


def _citation(part: str, lang: str) -> tuple[str, str | None]:
    """(visible label, link or None) for one source reference."""
    if m := _GITHUB.search(part):
        repo, commit, path = m.groups()
        return f"GitHub {repo}", f"https://github.com/{repo}/blob/{commit}/{path}"
    if u := _URL.search(part):
        url = u.group(0).rstrip(".")
        prefix = part[: u.start()].split("(")[0].strip(" ,;:—–-")
        if prefix and len(prefix) <= MAX_LABEL_CHARS and " " in prefix and not _CJK.search(prefix):
            return _cut(prefix), url
        host = _host(url)
        if host.endswith("wikipedia.org"):
            title = unquote(urlsplit(url).path.rsplit("/", 1)[-1]).replace("_", " ")
            return _cut(f"Wikipedia: {title}"), url
        publisher = _PUBLISHER.search(part)
        label = publisher.group(1) if publisher else host
        date = publisher.group(2) if publisher else _date(url, part)
        return _cut(f"{label}, {date}" if date else label), url
    text = part.split("(")[0].strip(" ,;:—–-")
    if "engine" in text:
        return t("popup_computed", lang), None
    if re.search(r"data/|geo\.|\.csv\b|dissolved from|membership per", text):
        return t("popup_own_data", lang), None
    return _cut(text), None


def citations(source: str, lang: str) -> str:
    """``source`` (references joined by " ; ") as short citations with their links (escaped HTML)."""
    seen, out = set(), []
    for part in re.split(r"\s+;\s+|\s+…\s*$", source):
        part = part.strip()
        if not part or part == "…":
            continue
        label, link = _citation(part, lang)
        if (label, link) in seen:
            continue
        seen.add((label, link))
        if link is not None and urlsplit(link).scheme in ("http", "https"):
            out.append(f"<a href=\"{html.escape(link, quote=True)}\" target=\"_blank\" rel=\"noopener noreferrer\">"
                       f"{html.escape(label)}</a>")
        else:
            out.append(html.escape(label))
    return "；".join(out) if lang == "zh" else "; ".join(out)


# ------------------------------------------------------------------------------------------------ popups


def _names(row: Mapping[str, Any], lang: str) -> str:
    zh, en = (fmt_value(row.get(k), lang) or "" for k in ("name_zh", "name_en"))
    first, second = (zh, en) if lang == "zh" else (en or zh, zh)
    second = "" if second == first else f" <span>{html.escape(second)}</span>"
    return f"<b>{html.escape(first)}</b>{second}"


def tooltip_html(spec: LayerSpec, row: Mapping[str, Any], lang: str) -> str:
    """Hover text: both names, the layer title and the first three key figures (escaped HTML)."""
    shown = [f for f in spec.fields if f not in NOTE_FIELDS][:3]
    return (f"{_names(row, lang)}<br><span class='mye-src'>{html.escape(spec.title(lang))}</span>"
            f"<table>{rows_html(spec, row, shown, lang)}</table>")


def popup_html(spec: LayerSpec, row: Mapping[str, Any], lang: str) -> str:
    """Click text: both names, badges, every declared field and the source as linked citations (escaped HTML).

    The full source string stays on the source line's hover text, so every figure is still traceable.
    """
    source = str(row.get("source") or spec.attribution or "")
    flags = badges(spec, row, lang)
    flags = f"<div class='mye-badges'>{flags}</div>" if flags else ""
    return (f"<div class='mye-pop'>{_names(row, lang)}<br><span class='mye-src'>{html.escape(spec.title(lang))}"
            f"</span>{flags}<table>{rows_html(spec, row, spec.fields, lang)}</table>"
            f"<div class='mye-src' title=\"{html.escape(source, quote=True)}\">{html.escape(t('popup_source', lang))}"
            f": {citations(source, lang)}</div></div>")
