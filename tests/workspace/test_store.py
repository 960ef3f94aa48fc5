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
    report = dst.import_workspace(tmp_path / "copy.gpkg")
    assert (report.layers, report.views, report.notices) == (["表格"], ["v"], ())
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
    assert tables == {ws.layer("earlier").table, "mye_layers", "mye_views", "mye_scenarios"}
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


# Damage a record can carry (column -> value), each skipped with a notice while the rest still loads.
DAMAGE = {"style": "[1, 2]", "fields": "5", "kind": "blob", "feature_count": "many", "table_name": "sqlite_master",
          "title": "![x](http://evil.example/x.png)", "name": "a\u202egnp.exe"}


def _damaged(tmp_path, column: str, value: str) -> Workspace:
    ws = Workspace(tmp_path / "ws.gpkg")
    import_file(FIXTURES / "points_wgs84.csv", "good", workspace=ws)
    import_file(FIXTURES / "points_wgs84.csv", "bad", workspace=ws)
    _sql(ws.path, f"UPDATE mye_layers SET {column} = ? WHERE name = 'bad'", (value,))
    return ws


def _sql(path: Path, statement: str, params: tuple = ()) -> None:
    """Change a workspace behind its back, as another tool would (closed, so the WAL is folded into the file)."""
    con = sqlite3.connect(path)
    try:
        with con:
            con.execute(statement, params)
    finally:
        con.close()


@pytest.mark.parametrize("column", sorted(DAMAGE))
def test_a_damaged_record_is_skipped_with_a_notice(tmp_path, monkeypatch, column):
    import layers

    ws = _damaged(tmp_path, column, DAMAGE[column])
    assert [la.name for la in ws.layers()] == ["good"]
    notices = ws.notices()
    assert len(notices) == 1 and "skipped" in notices[0] and notices[0].isprintable(), notices
    monkeypatch.setenv("MYE_WORKSPACE", str(ws.path))
    ids = [s.id for s in layers.all_specs()]
    assert "cities" in ids and "user.good" in ids and len(ids) == len(set(ids))


def test_merging_a_workspace_with_damaged_records_keeps_the_sound_ones(tmp_path):
    src = _damaged(tmp_path, "style", '{"radius": "big"}')
    _sql(src.path, "INSERT INTO mye_views VALUES ('![v](http://evil.example/v.png)', 'layers=cities', 'x')")
    _sql(src.path, "INSERT INTO mye_views VALUES ('ok', 'layers=cities', 'y')")
    dst = Workspace(tmp_path / "dst.gpkg")
    report = dst.import_workspace(src.path)
    assert (report.layers, report.views) == (["good"], ["ok"])
    assert len(report.notices) == 2 and all("skipped" in n for n in report.notices)
    assert [la.name for la in dst.layers()] == ["good"] and list(dst.views()) == ["ok"]
    assert dst.notices() == [] and dst.integrity() == "ok"


@pytest.mark.parametrize("name", ["user.x", "a\u202eb", "zero\u200bwidth", "line\u2028break", "cities"])
def test_names_that_could_pass_for_ids_or_hide_text_are_refused(tmp_path, name):
    from workspace.errors import BadNameError

    with pytest.raises(BadNameError):
        import_file(FIXTURES / "points_wgs84.csv", name, workspace=Workspace(tmp_path / "ws.gpkg"))


def test_a_title_is_checked_like_a_name(tmp_path):
    from workspace.errors import BadNameError

    with pytest.raises(BadNameError, match="title"):
        import_file(FIXTURES / "points_wgs84.csv", "ok", workspace=Workspace(tmp_path / "ws.gpkg"),
                    title="![x](http://evil.example/x.png)")


def test_ids_and_bare_names_never_collide(tmp_path, monkeypatch):
    """A legacy layer named ``user.x`` next to ``x``: ``user.x`` is the id of ``x``, never the other's name."""
    import layers

    ws = Workspace(tmp_path / "ws.gpkg")
    import_file(FIXTURES / "points_wgs84.csv", "legacy", workspace=ws)  # 3 features, renamed to user.x below
    (tmp_path / "one.csv").write_text("name,lon,lat\nA,114.3,30.5\n", encoding="utf-8")
    import_file(tmp_path / "one.csv", "x", workspace=ws)
    _sql(ws.path, "UPDATE mye_layers SET name = 'user.x', title = 'user.x' WHERE name = 'legacy'")
    monkeypatch.setenv("MYE_WORKSPACE", str(ws.path))
    assert len(layers.get("user.x").frame()) == 1
    assert len(layers.get("x").frame()) == 1
    assert len(layers.get("user.user.x").frame()) == 3


def _read_only(monkeypatch, folder: Path) -> None:
    """The folder (and what is in it) cannot be written, as for a planner's read-only share. The tests run as root,
    for whom chmod changes nothing, so access() answers as it would for the planner."""
    real = os.access

    def access(path, mode, **kwargs):
        if mode & os.W_OK and Path(path).resolve().is_relative_to(folder.resolve()):
            return False
        return real(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)


def test_a_workspace_in_a_read_only_folder_is_opened_read_only_and_says_so(tmp_path, monkeypatch, capsys):
    import layers
    from layers.__main__ import main

    ws = Workspace(tmp_path / "share" / "ws.gpkg")
    import_file(FIXTURES / "points_wgs84.csv", "shared", workspace=ws)
    ws.save_view("v", "layers=cities")
    before = {p.name: p.read_bytes() for p in ws.path.parent.iterdir()}
    _read_only(monkeypatch, ws.path.parent)
    monkeypatch.setenv("MYE_WORKSPACE", str(ws.path))
    assert [la.name for la in ws.layers()] == ["shared"] and list(ws.views()) == ["v"]
    assert len(layers.get("user.shared").frame()) == 3
    assert any("read-only" in n for n in ws.notices())
    assert main(["workspace", "list"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("shared\tuser.shared\tpoint\t3") and "note: " in err and "read-only" in err
    assert main(["list"]) == 0
    out, err = capsys.readouterr()
    assert "user.shared" in out and "read-only" in err
    with pytest.raises(WorkspaceError, match="read-only"):
        import_file(FIXTURES / "points_wgs84.csv", "more", workspace=ws)
    assert {p.name: p.read_bytes() for p in ws.path.parent.iterdir()} == before
