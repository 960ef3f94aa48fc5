"""`python -m layers import|workspace`, and the bad-input corpus through the app's import path and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest

from workspace import ReadOptions, Workspace, import_file, table_columns
from workspace.errors import UserDataError

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "userdata"
BAD = ROOT / "tests" / "bad_inputs"
EXPECTED = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))


def _run(ws: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "layers", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL,
                          env={**os.environ, "MYE_WORKSPACE": str(ws), **(env or {})})


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    """A workspace that already holds one layer (the one nothing may cost)."""
    ws = Workspace(tmp_path / "ws" / "workspace.gpkg")
    import_file(FIXTURES / "points_wgs84.csv", "earlier", workspace=ws)
    return ws


def _prefix(name: str) -> str:
    """How the case's message starts: the file's name, unless the case is about a setting."""
    return EXPECTED[name].get("prefix", f"{name}: ")


def test_the_corpus_is_complete():
    files = {p.name for p in BAD.iterdir()} - {"make_corpus.py", "expected.json", "__pycache__"}
    assert files == set(EXPECTED) and len(files) >= 60
    assert max(p.stat().st_size for p in BAD.iterdir()) < 100_000


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_through_the_app_path(name, workspace, monkeypatch):
    case = EXPECTED[name]
    for key, value in case["env"].items():
        monkeypatch.setenv(key, value)
    before = _snapshot(workspace.path.parent)
    options = ReadOptions(**case.get("options", {}))
    try:  # what the app does as soon as a file is uploaded (to offer the lon/lat columns)
        table_columns(BAD / name, options)
    except UserDataError as early:
        assert str(early).isprintable() and str(early).startswith(_prefix(name)), early
    with pytest.raises(UserDataError) as err:
        import_file(BAD / name, "new layer", workspace=workspace, source_name=name, options=options)
    message = str(err.value)
    assert message.startswith(_prefix(name)) and case["message"] in message, message
    assert message.isprintable()
    assert _snapshot(workspace.path.parent) == before


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_through_the_cli(name, workspace):
    case = EXPECTED[name]
    before = _snapshot(workspace.path.parent)
    flags = [arg for key, value in case.get("options", {}).items() for arg in (f"--{key}", value)]
    out = _run(workspace.path, "import", str(BAD / name), "--name", "new layer", *flags, env=case["env"])
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
    assert lines[0].startswith(f"error: {_prefix(name)}") and case["message"] in lines[0], lines[0]
    assert lines[0].isprintable()
    assert _snapshot(workspace.path.parent) == before


def test_import_list_export_remove(tmp_path):
    ws = tmp_path / "ws.gpkg"
    out = _run(ws, "import", str(FIXTURES / "points_gcj02_amap.csv"), "--name", "高德点", "--crs", "gcj02")
    assert out.returncode == 0, out.stderr
    assert "imported 3 features" in out.stdout and "user.高德点" in out.stdout
    out = _run(ws, "import", str(FIXTURES / "points_bd09.csv"), "--name", "baidu", "--crs", "bd09",
               "--lon", "lng", "--lat", "lat", "--color", "#112233")
    assert out.returncode == 0, out.stderr
    listed = _run(ws, "workspace", "list").stdout.splitlines()
    assert [r.split("\t")[:4] for r in listed] == [["高德点", "user.高德点", "point", "3"],
                                                   ["baidu", "user.baidu", "point", "3"]]
    assert "user.高德点" in _run(ws, "list").stdout
    for lid in ("高德点", "user.baidu"):
        target = tmp_path / f"{lid}.gpkg"
        out = _run(ws, "export", lid, str(target))
        assert out.returncode == 0, out.stderr
        assert len(gpd.read_file(target)) == 3
    refused = _run(ws, "workspace", "remove", "baidu")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert _run(ws, "workspace", "remove", "baidu", "--yes").returncode == 0
    assert [r.split("\t")[0] for r in _run(ws, "workspace", "list").stdout.splitlines()] == ["高德点"]
    missing = _run(ws, "workspace", "remove", "baidu", "--yes")
    assert missing.returncode == 2 and "no user layer 'baidu'" in missing.stderr


def test_gpkg_table_choice_and_warnings_on_the_cli(tmp_path):
    ws = tmp_path / "ws.gpkg"
    out = _run(ws, "import", str(FIXTURES / "two_tables.gpkg"), "--name", "x")
    assert out.returncode == 2 and "choose one (--table NAME)" in out.stderr
    out = _run(ws, "import", str(FIXTURES / "two_tables.gpkg"), "--name", "x", "--table", "parks")
    assert out.returncode == 0, out.stderr
    far = tmp_path / "far.csv"
    far.write_text("name,lon,lat\nShanghai,121.47,31.23\nBeijing,116.40,39.90\n", encoding="utf-8")
    out = _run(ws, "import", str(far), "--name", "far")
    assert out.returncode == 0 and out.stderr.startswith("warning: far.csv: 1 of 2 features lie more than 300 km")


def test_workspace_export_and_import_on_the_cli(tmp_path):
    src, dst = tmp_path / "src.gpkg", tmp_path / "dst.gpkg"
    assert _run(src, "import", str(FIXTURES / "route.kml"), "--name", "线路").returncode == 0
    assert _run(src, "workspace", "export", str(tmp_path / "all.gpkg")).returncode == 0
    out = _run(dst, "workspace", "import", str(tmp_path / "all.gpkg"))
    assert out.returncode == 0 and "imported 1 layers and 0 views" in out.stdout
    again = _run(dst, "workspace", "import", str(tmp_path / "all.gpkg"))
    assert again.returncode == 2 and "exists in the workspace already" in again.stderr


def test_restyle_and_remove_view_on_the_cli(tmp_path):
    ws = tmp_path / "ws.gpkg"
    assert _run(ws, "import", str(FIXTURES / "points_wgs84.csv"), "--name", "点").returncode == 0
    out = _run(ws, "workspace", "style", "点", "--color", "#0a0b0c", "--radius", "12")
    assert out.returncode == 0, out.stderr
    style = Workspace(ws).layer("点").style
    assert (style.color, style.radius) == ("#0a0b0c", 12) and "#0a0b0c" in out.stdout
    bad = _run(ws, "workspace", "style", "点", "--fill-opacity", "3")
    assert bad.returncode == 2 and "fill opacity" in bad.stderr
    assert Workspace(ws).layer("点").style.fill_opacity == style.fill_opacity
    Workspace(ws).save_view("汇报", "layers=cities&lang=en")
    assert _run(ws, "workspace", "remove-view", "汇报").returncode == 0
    assert Workspace(ws).views() == {}
    missing = _run(ws, "workspace", "remove-view", "汇报")
    assert missing.returncode == 2 and "no saved view" in missing.stderr


def test_a_small_zip_of_many_features_is_refused_quickly_within_bounded_memory(tmp_path, workspace):
    """300,000 points in a 2.7 MB zip: over the default feature limit, refused from the .shx count before reading."""
    import resource
    import time
    import zipfile

    sys.path.insert(0, str(BAD))
    from make_corpus import _shapefile

    big = tmp_path / "many.zip"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as zf:
        for entry, data in _shapefile(300_000, 300_000).items():
            zf.writestr(entry, data)
    before = _snapshot(workspace.path.parent)
    start = time.monotonic()
    out = _run(workspace.path, "import", str(big), "--name", "many")
    assert time.monotonic() - start < 60
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 1_500_000  # kB: every child so far stayed small
    assert out.returncode == 2
    assert out.stderr.strip() == ("error: many.zip: 300,000 features is over the 200,000-feature import limit "
                                  "($MYE_MAX_IMPORT_FEATURES); split the file or raise the limit")
    assert _snapshot(workspace.path.parent) == before


@pytest.mark.parametrize(("env", "message"), [({"MYE_MAX_IMPORT_MB": "inf"}, "MYE_MAX_IMPORT_MB='inf'"),
                                              ({"MYE_MAX_IMPORT_VERTICES": "-5"}, "MYE_MAX_IMPORT_VERTICES='-5'")])
def test_a_bad_limit_stops_workspace_import_at_start(tmp_path, workspace, env, message):
    out = _run(workspace.path, "workspace", "import", str(tmp_path / "none.gpkg"), env=env)
    assert out.returncode == 2 and out.stderr.startswith(f"error: {message} is not ")
    assert len(out.stderr.strip().splitlines()) == 1


def test_scratch_of_killed_imports_is_removed_at_the_next_start(tmp_path, workspace, monkeypatch):
    import tempfile

    from workspace.scratch import scratch_root

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir() reads TMPDIR again
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = scratch_root() / f"{int(dead.stdout)}-import-abc123"
    (left / "unpacked").mkdir(parents=True)
    (left / "unpacked" / "big.shp").write_bytes(b"\0" * 1_000_000)
    alive = scratch_root() / f"{os.getpid()}-import-def456"
    alive.mkdir()
    out = _run(workspace.path, "workspace", "list", env={"TMPDIR": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    assert not left.exists() and alive.exists()


def _damage(path: Path, statement: str) -> None:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        with con:
            con.execute(statement)
    finally:
        con.close()


def test_a_damaged_record_is_skipped_with_a_note_by_every_command(tmp_path):
    ws = tmp_path / "ws.gpkg"
    for name in ("good", "bad"):
        assert _run(ws, "import", str(FIXTURES / "points_wgs84.csv"), "--name", name).returncode == 0
    _damage(ws, "UPDATE mye_layers SET style = '[1, 2]', fields = '5' WHERE name = 'bad'")
    listed = _run(ws, "workspace", "list")
    assert listed.returncode == 0 and [r.split("\t")[0] for r in listed.stdout.splitlines()] == ["good"]
    assert listed.stderr.startswith("note: ws.gpkg: user layer record 'bad' is damaged") and "skipped" in listed.stderr
    catalogue = _run(ws, "list")
    assert catalogue.returncode == 0 and "user.good" in catalogue.stdout and "\ncities\t" in f"\n{catalogue.stdout}"
    assert "user.bad" not in catalogue.stdout and "record 'bad' is damaged" in catalogue.stderr
    merged = _run(tmp_path / "other.gpkg", "workspace", "import", str(ws))
    assert merged.returncode == 0 and "imported 1 layers and 0 views" in merged.stdout
    assert "record 'bad' is damaged" in merged.stderr and "Traceback" not in merged.stderr


def test_names_from_files_are_printed_with_their_escapes_shown(tmp_path):
    ws = tmp_path / "ws.gpkg"
    assert _run(ws, "import", str(FIXTURES / "points_wgs84.csv"), "--name", "ok").returncode == 0
    _damage(ws, "UPDATE mye_layers SET source_file = 'x\x1b[2J\x1b]0;owned\x07.csv'")
    out = _run(ws, "workspace", "list")
    assert out.returncode == 0 and "\x1b" not in out.stdout and "\\x1b[2J\\x1b]0;owned\\x07.csv" in out.stdout


def test_a_bad_limit_does_not_stop_listing(workspace):
    out = _run(workspace.path, "workspace", "list", env={"MYE_MAX_IMPORT_MB": "inf"})
    assert out.returncode == 0 and out.stdout.startswith("earlier\t")
