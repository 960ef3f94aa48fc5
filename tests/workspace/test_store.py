"""The workspace: persistence across restarts, views, whole-file export/import, crash safety, concurrent writers."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pyogrio
import pytest

from layers.view import ViewState
from workspace import ReadOptions, Workspace, import_file, user_specs
from workspace.errors import LayerExistsError, UnknownUserLayerError, WorkspaceError

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "userdata"


def _python(code: str, ws: Path, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "MYE_WORKSPACE": str(ws), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def test_layers_and_views_survive_a_restart(tmp_path):
    ws = tmp_path / "ws.gpkg"
    first = _python("from workspace import import_file, Workspace\n"
                    f"import_file({str(FIXTURES / 'points_wgs84.csv')!r}, '项目')\n"
                    "Workspace().save_view('汇报', 'layers=cities,user.项目&lang=en')\n", ws)
    assert first.wait(120) == 0, first.stderr.read()
    second = _python("import layers\nfrom workspace import Workspace\n"
                     "print(len(layers.get('user.项目').frame()), Workspace().views()['汇报'])\n", ws)
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert out.split() == ["3", "layers=cities,user.项目&lang=en"]


def test_the_workspace_is_a_geopackage_other_tools_open(tmp_path):
    ws = Workspace(tmp_path / "ws.gpkg")
    layer = import_file(FIXTURES / "parks_gbk.zip", "公园", workspace=ws).layer
    listed = {str(n): g for n, g in pyogrio.list_layers(ws.path)}
    assert listed[layer.table] in ("Polygon", "MultiPolygon") and "mye_layers" in listed
    assert pyogrio.read_info(ws.path, layer=layer.table)["crs"] == "EPSG:4326"
    with sqlite3.connect(ws.path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47


def test_views_save_overwrite_and_remove(tmp_path):
    ws = Workspace(tmp_path / "ws.gpkg")
    assert ws.views() == {}
    ws.save_view("a", ViewState().to_query())
    ws.save_view("a", ViewState(lang="en").to_query())
    assert "lang=en" in ws.views()["a"]
    ws.remove_view("a")
    assert ws.views() == {}
    with pytest.raises(UnknownUserLayerError):
        ws.remove_view("a")


def test_remove_layer_and_unknown_names(tmp_path):
    ws = Workspace(tmp_path / "ws.gpkg")
    import_file(FIXTURES / "points_wgs84.csv", "a", workspace=ws)
    import_file(FIXTURES / "points_bd09.csv", "b", workspace=ws, options=ReadOptions(crs="bd09"))
    table = ws.layer("a").table
    ws.remove_layer("a")
    assert [la.name for la in ws.layers()] == ["b"]
    assert table not in {str(n) for n, _ in pyogrio.list_layers(ws.path)}
    with pytest.raises(UnknownUserLayerError):
        ws.remove_layer("a")
    assert ws.integrity() == "ok"


def test_whole_workspace_export_and_import(tmp_path):
    src = Workspace(tmp_path / "src.gpkg")
    import_file(FIXTURES / "points.xlsx", "表格", workspace=src)
    src.save_view("v", ViewState(layers=("user.表格",)).to_query())
    data = src.export_bytes()
    (tmp_path / "copy.gpkg").write_bytes(data)
    dst = Workspace(tmp_path / "dst.gpkg")
    import_file(FIXTURES / "points_wgs84.csv", "已有", workspace=dst)
    assert dst.import_workspace(tmp_path / "copy.gpkg") == (["表格"], ["v"])
    assert [la.name for la in dst.layers()] == ["已有", "表格"] and len(dst.read("表格")) == 3
    with pytest.raises(LayerExistsError):
        dst.import_workspace(tmp_path / "copy.gpkg")
    dst.import_workspace(tmp_path / "copy.gpkg", replace=True)
    assert len(dst.layers()) == 2 and dst.integrity() == "ok"


@pytest.mark.parametrize("content", [b"", b"not a database at all", b"SQLite format 3\x00" + b"\x00" * 200])
def test_importing_a_bad_workspace_file_changes_nothing(tmp_path, content):
    dst = Workspace(tmp_path / "dst.gpkg")
    import_file(FIXTURES / "points_wgs84.csv", "已有", workspace=dst)
    before = dst.path.read_bytes()
    (tmp_path / "bad.gpkg").write_bytes(content)
    with pytest.raises(WorkspaceError):
        dst.import_workspace(tmp_path / "bad.gpkg")
    assert dst.path.read_bytes() == before


def test_a_plain_geopackage_is_not_a_workspace(tmp_path):
    with pytest.raises(WorkspaceError, match="not a Middle Yangtze Explorer workspace"):
        Workspace(FIXTURES / "two_tables.gpkg").layers()


def test_a_damaged_workspace_does_not_break_the_plan_layers(tmp_path, monkeypatch, caplog):
    import layers

    bad = tmp_path / "ws.gpkg"
    bad.write_bytes(b"garbage" * 100)
    monkeypatch.setenv("MYE_WORKSPACE", str(bad))
    assert user_specs() == ()
    assert "cities" in [s.id for s in layers.all_specs()]
    assert "user layers unavailable" in caplog.text


def test_a_killed_import_leaves_the_workspace_sound_and_the_earlier_layers(tmp_path):
    ws_path = tmp_path / "ws.gpkg"
    ws = Workspace(ws_path)
    import_file(FIXTURES / "points_wgs84.csv", "earlier", workspace=ws)
    marker = tmp_path / "inside"
    # The child pauses inside the write transaction, after the rows are copied: the worst moment to die.
    code = ("import time, pathlib\nimport workspace.store as w\n"
            "orig = w._insert_record\n"
            "def slow(con, layer):\n    orig(con, layer)\n"
            f"    pathlib.Path({str(marker)!r}).write_text('x')\n    time.sleep(120)\n"
            "w._insert_record = slow\n"
            "from workspace import import_file\n"
            f"import_file({str(FIXTURES / 'parks_gbk.zip')!r}, 'doomed')\n")
    child = _python(code, ws_path)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert child.poll() is None, child.stderr.read()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait(30)
    assert ws.integrity() == "ok"
    assert [la.name for la in ws.layers()] == ["earlier"]
    assert len(ws.read("earlier")) == 3
    tables = {str(n) for n, _ in pyogrio.list_layers(ws_path)}
    assert tables == {ws.layer("earlier").table, "mye_layers", "mye_views"}
    import_file(FIXTURES / "parks_gbk.zip", "doomed", workspace=ws)  # the name is free, the file writable
    assert ws.integrity() == "ok"


def test_concurrent_writers_all_succeed(tmp_path):
    ws_path = tmp_path / "ws.gpkg"
    writers = []
    for k in range(3):
        code = ("from workspace import import_file, Workspace\n"
                f"for i in range(3):\n"
                f"    import_file({str(FIXTURES / 'points_wgs84.csv')!r}, f'w{k}-{{i}}')\n"
                f"    Workspace().save_view(f'v{k}-{{i}}', 'lang=en')\n")
        writers.append(_python(code, ws_path))
    for w in writers:
        _, err = w.communicate(timeout=300)
        assert w.returncode == 0, err
    ws = Workspace(ws_path)
    assert sorted(la.name for la in ws.layers()) == sorted(f"w{k}-{i}" for k in range(3) for i in range(3))
    assert len(ws.views()) == 9 and ws.integrity() == "ok"


def test_restyling_keeps_the_features_and_reaches_the_map_spec(tmp_path, monkeypatch):
    from workspace.errors import BadNameError
    from workspace.store import LayerStyle

    ws = Workspace(tmp_path / "ws.gpkg")
    import_file(FIXTURES / "parks_gbk.zip", "公园", workspace=ws)
    before = ws.read("公园")
    layer = ws.set_style("公园", LayerStyle(color="#123456", radius=9, weight=4, fill_opacity=0.6))
    assert (layer.style.color, layer.style.radius, layer.style.weight, layer.style.fill_opacity) == ("#123456", 9, 4,
                                                                                                     0.6)
    assert ws.read("公园").equals(before)
    monkeypatch.setenv("MYE_WORKSPACE", str(ws.path))
    spec = next(s for s in user_specs() if s.id == "user.公园")
    assert (spec.style.color, spec.style.fill_color, spec.style.weight, spec.style.fill_opacity) == (
        "#123456", "#123456", 4, 0.6)
    with pytest.raises(UnknownUserLayerError):
        ws.set_style("nope", LayerStyle())
    with pytest.raises(BadNameError):
        ws.set_style("公园", LayerStyle(color="red"))
    assert ws.layer("公园").style.color == "#123456" and ws.integrity() == "ok"
