"""Random CSV and GeoJSON mutations: the importer either reads them or says why in one line, and never
changes the workspace when it refuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workspace import Workspace, import_file
from workspace.errors import UserDataError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "userdata"
GOOD_CSV = (FIXTURES / "points_wgs84.csv").read_bytes()
GOOD_GEOJSON = (FIXTURES / "points.geojson").read_bytes()
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Workspace:
    ws = Workspace(tmp_path_factory.mktemp("ws") / "workspace.gpkg")
    import_file(FIXTURES / "points_wgs84.csv", "earlier", workspace=ws)
    return ws


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    for pos, cut, insert in edits:
        pos %= len(data) + 1
        data = data[:pos] + insert + data[pos + cut:]
    return data


_EDITS = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 8),
                            st.sampled_from([b"", b",", b"\n", b'"', b"{", b"}", b"]", b"-", b"e9", b"NaN", b"\xff",
                                             b"\xe4\xb8", b"999", b"<script>", b"null", b"\x00"])),
                  min_size=1, max_size=4)


def _check(ws: Workspace, path: Path) -> None:
    before = ws.path.read_bytes()
    n_before = len(ws.layers())
    try:
        report = import_file(path, "mutant", workspace=ws, replace=True)
    except UserDataError as err:
        message = str(err)
        assert message.startswith((f"{path.name}: ", "the ")), message
        assert "\n" not in message
        assert ws.path.read_bytes() == before and len(ws.layers()) == n_before
        return
    assert report.layer.feature_count >= 1
    assert ws.integrity() == "ok"
    ws.remove_layer("mutant")


@pytest.mark.parametrize(("good", "name"), [(GOOD_CSV, "mutant.csv"), (GOOD_GEOJSON, "mutant.geojson")])
@SETTINGS
@given(edits=_EDITS)
def test_mutated_file(workspace, tmp_path_factory, good, name, edits):
    path = tmp_path_factory.mktemp("mutant") / name
    path.write_bytes(_mutate(good, edits))
    _check(workspace, path)


_JSON = st.recursive(st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=5),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                                                 max_size=4), max_leaves=12)


@SETTINGS
@given(geometry=_JSON | st.fixed_dictionaries({"type": st.sampled_from(["Point", "LineString", "Polygon"]),
                                               "coordinates": _JSON}),
       properties=_JSON)
def test_random_geojson_features(workspace, tmp_path_factory, geometry, properties):
    doc = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": geometry,
                                                      "properties": properties}]}
    path = tmp_path_factory.mktemp("gj") / "random.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    _check(workspace, path)
