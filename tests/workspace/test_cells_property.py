"""Random coordinate cells (decimals, inf, nan, huge, tiny, underscores, degrees-minutes-seconds) in CSV and XLSX:
the importer reads exactly what a person means, or says in one line which row it refuses (issue #14)."""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workspace import read_file
from workspace.errors import UserDataError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bad_inputs"))
from make_corpus import _sheet, _xlsx

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PLAIN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
LAT = 30.5


def _decimal(x: float, style: int) -> str:
    return (repr(x), f"{x:.6f}", f"{x:e}", f"{x:.2f}°E", f"东经{x:.4f}")[style]


DECIMALS = st.builds(lambda x, style: (_decimal(x, style), float(_decimal(x, style).removeprefix("东经")
                                                                   .removesuffix("°E"))),
                     st.floats(min_value=-200, max_value=200), st.integers(0, 4))


def _dms(d: int, m: float, s: float, style: int) -> tuple[str, float | None]:
    text = (f"{d}°{m:g}′{s:g}″", f"{d}°{m:g}'{s:g}\"", f"{d}°{m:g}′")[style]
    seconds = 0.0 if style == 2 else s
    fraction_before_last = style != 2 and m != int(m)
    ok = m < 60 and seconds < 60 and not fraction_before_last
    return text, (d + m / 60 + seconds / 3600) if ok else None


_PART = st.one_of(st.integers(0, 99), st.floats(0, 99.9).map(lambda v: round(v, 2)))
DMS = st.builds(_dms, st.integers(100, 125), _PART, _PART, st.integers(0, 2))
HOSTILE = st.sampled_from([("inf", None), ("-inf", None), ("nan", None), ("NaN", None), ("1e999", None),
                           ("1_14.5", None), ("11_4", None), ("１１４.５", 114.5), ("١١٤", None), ("114°99′", None),
                           ("0x72", None), ("114.3.1", None), ("1e-300", 1e-300), ("+114.5", 114.5), (".5", 0.5),
                           ("114,5", None), ("114°18.5′30″", None), ("114.5°30′", None), ("∞", None)])


def _expected(value: float | None) -> float | None:
    """What must be read: the number if it is a longitude at all, else nothing (a refusal)."""
    return value if value is not None and math.isfinite(value) and abs(value) <= 180 else None


def _check(path: Path, expected: float | None) -> None:
    try:
        result = read_file(path)
    except UserDataError as err:
        message = str(err)
        assert message.startswith(f"{path.name}: ") and message.isprintable(), message
        assert expected is None, f"refused a longitude of {expected!r}: {message}"
        return
    assert expected is not None, f"read {result.frame.geometry.iloc[0].x!r} from a cell nobody means"
    point = result.frame.geometry.iloc[0]
    assert point.x == pytest.approx(expected, abs=1e-9) and point.y == LAT


@SETTINGS
@given(cell=st.one_of(DECIMALS, DMS, HOSTILE))
def test_a_csv_longitude_is_read_as_meant_or_refused(tmp_path_factory, cell):
    text, value = cell
    path = tmp_path_factory.mktemp("cell") / "cell.csv"
    path.write_text(f"名称;经度;纬度\n甲;{text};{LAT}\n", encoding="utf-8")
    _check(path, _expected(value))


NUMERIC_CELLS = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr),
                          st.floats(min_value=-180, max_value=180).map(repr),
                          st.integers(-10**400, 10**400).map(str),
                          st.sampled_from(["1e999", "-1e999", "1e-320", "5e-324", "114.3", "1E2"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=NUMERIC_CELLS)
def test_an_xlsx_number_cell_is_read_as_stored_or_refused(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("xlsx") / "cell.xlsx"
    path.write_bytes(_xlsx(_sheet(raw.encode())))
    try:
        value = float(raw) if PLAIN.fullmatch(raw) or raw in ("inf", "-inf", "nan") else None
    except OverflowError:
        value = None
    _check(path, _expected(value))
