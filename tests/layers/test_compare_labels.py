"""Every column and value of the comparison's tables has a label in both languages (for the app's panel)."""

from __future__ import annotations

import pytest

from geo.compare import SAVED_BANDS, compare
from layers.i18n import t


@pytest.fixture(scope="module")
def result():
    return compare("2015", "now", ["武汉"], [60], bands=False)


def test_every_table_column_has_both_labels(result) -> None:
    columns = {c for table in result.tables().values() for c in table.columns} | {"band"}
    for column in columns:
        zh, en = t(f"cmp_{column}", "zh"), t(f"cmp_{column}", "en")
        assert zh and en and zh != en, column


def test_every_band_target_and_change_has_both_labels(result) -> None:
    values = ([f"band_{label}" for *_, label in SAVED_BANDS] + [f"change_{c}" for c in ("newly met", "no longer met")]
              + [f"target_{name}" for name in set(result.targets["target"])])
    assert {"target_member_pairs"} <= set(values)
    for value in values:
        assert t(f"cmp_{value}", "zh") and t(f"cmp_{value}", "en"), value
