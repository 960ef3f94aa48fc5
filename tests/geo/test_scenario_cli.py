"""``--scenario`` on the command lines (``python -m geo``, ``python -m layers``) and scenarios in the workspace."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
import yaml
from test_network import write_sources
from test_scenario import BAD, EXAMPLES, EXPECTED, _to_xianning

from geo.scenario import dump_scenario, load_scenario

ROOT = Path(__file__).resolve().parents[2]


def run(module: str, *args: str | Path, ws: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **({"MYE_WORKSPACE": str(ws)} if ws else {})}
    return subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL, env=env)


@pytest.fixture(scope="module")
def src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sources(tmp_path_factory.mktemp("src"))


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return dump_scenario(_to_xianning(), tmp_path_factory.mktemp("scn") / "to_xianning.yaml")


def test_matrix_and_targets_use_the_scenario(src: Path, scenario_file: Path, tmp_path: Path) -> None:
    base, what_if = tmp_path / "base.csv", tmp_path / "what_if.csv"
    assert run("geo", "matrix", "--sources", src, "--year", "2026", "--out", base).returncode == 0
    res = run("geo", "matrix", "--sources", src, "--scenario", scenario_file, "--out", what_if)
    assert res.returncode == 0, res.stderr
    assert "note: scenario 九江—咸宁: jx_xn: new service" in res.stderr
    before, after = pd.read_csv(base, index_col=0), pd.read_csv(what_if, index_col=0)
    assert before.loc["九江", "咸宁"] > after.loc["九江", "咸宁"]
    assert (after.to_numpy() <= before.to_numpy() + 0.05).all()
    targets = run("geo", "targets", "--sources", src, "--scenario", scenario_file)
    assert targets.returncode == 0 and "network year 2026" in targets.stdout


def test_isochrone_and_gtfs_with_a_scenario(src: Path, scenario_file: Path, tmp_path: Path) -> None:
    iso = tmp_path / "iso.geojson"
    res = run("geo", "isochrone", "--origin", "武汉", "--minutes", "120", "--sources", src, "--scenario",
              scenario_file, "--out", iso)
    assert res.returncode == 0, res.stderr
    assert "咸宁" in pyogrio.read_dataframe(iso)["cities_reached"].iloc[0]
    feed = tmp_path / "feed.zip"
    assert run("geo", "gtfs", "--sources", src, "--scenario", scenario_file, "--out", feed).returncode == 0
    with zipfile.ZipFile(feed) as zf:
        stops = pd.read_csv(zf.open("stops.txt"))
    assert "new:咸宁新站" in set(stops["stop_id"])


def test_a_year_that_contradicts_the_scenario_is_refused(src: Path, scenario_file: Path, tmp_path: Path) -> None:
    res = run("geo", "matrix", "--sources", src, "--scenario", scenario_file, "--year", "2015", "--out",
              tmp_path / "m.csv")
    assert res.returncode == 2 and res.stderr.strip().splitlines() == [
        "error: --year 2015 differs from the scenario's year 2026; drop --year"]
    assert not (tmp_path / "m.csv").exists()


def test_compare_writes_the_difference_and_the_gains(src: Path, scenario_file: Path, tmp_path: Path) -> None:
    out, table = tmp_path / "cmp.gpkg", tmp_path / "gains.xlsx"
    res = run("geo", "compare", "--sources", src, "--base", "2026", "--scenario", scenario_file, "--origin", "武汉",
              "--minutes", "120", "--road-speed", "60", "--detour", "1", "--town-min", "0", "--out", out,
              "--table", table)
    assert res.returncode == 0, res.stderr
    assert "武汉 120 min" in res.stdout and "newly within: 咸宁" in res.stdout
    reach = pyogrio.read_dataframe(out, layer="gains_reach")
    assert reach["new_cities"].iloc[0] == "咸宁" and reach["population_gain"].iloc[0] == 2658316
    assert pd.read_excel(table, sheet_name="pairs").iloc[0]["city"] == "咸宁"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_scenario_files_exit_2_with_one_line(name: str, tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    res = run("geo", "matrix", "--scenario", BAD / name, "--out", out)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and EXPECTED[name] in lines[0]
    assert not out.exists()


def test_workspace_round_trip_through_the_cli(tmp_path: Path) -> None:
    ws, other = tmp_path / "ws" / "workspace.gpkg", tmp_path / "other" / "workspace.gpkg"
    example = EXAMPLES / "faster_wuyi.yaml"
    saved = run("layers", "workspace", "add-scenario", str(example), ws=ws)
    assert saved.returncode == 0, saved.stderr
    listed = run("layers", "workspace", "scenarios", ws=ws)
    assert listed.stdout.startswith("武宜更快\tnow\t1 changes")
    again = run("layers", "workspace", "add-scenario", str(example), ws=ws)
    assert again.returncode == 2 and "add --replace" in again.stderr
    exported = tmp_path / "export.gpkg"
    assert run("layers", "workspace", "export", str(exported), ws=ws).returncode == 0
    merged = run("layers", "workspace", "import", str(exported), ws=other)
    assert merged.returncode == 0 and "imported 1 scenarios: 武宜更快" in merged.stdout
    from workspace import Workspace

    assert Workspace(other).scenario("武宜更快") == load_scenario(example)
    assert run("layers", "workspace", "remove-scenario", "武宜更快", ws=other).returncode == 0
    assert Workspace(other).scenarios() == {}


@pytest.mark.parametrize("name", ["unknown_station.json", "too_fast.yaml", "broken.yaml"])
def test_a_bad_scenario_leaves_the_workspace_unchanged(name: str, tmp_path: Path) -> None:
    ws = tmp_path / "ws" / "workspace.gpkg"
    assert run("layers", "workspace", "add-scenario", str(EXAMPLES / "faster_wuyi.yaml"), ws=ws).returncode == 0
    before = {p.name: p.read_bytes() for p in ws.parent.iterdir()}
    res = run("layers", "workspace", "add-scenario", str(BAD / name), ws=ws)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1
    assert {p.name: p.read_bytes() for p in ws.parent.iterdir()} == before


def test_snapshot_with_a_saved_scenario(tmp_path: Path) -> None:
    ws = tmp_path / "ws" / "workspace.gpkg"
    assert run("layers", "workspace", "add-scenario", str(EXAMPLES / "closed_jingguang_xianning.json"),
               ws=ws).returncode == 0
    out = tmp_path / "brief.svg"
    res = run("layers", "snapshot", "--scenario", "京广高铁武汉—咸宁北中断", "--origins", "武汉", "--minutes", "180",
              "--out", str(out), ws=ws)
    assert res.returncode == 0, res.stderr
    assert "情景 Scenario: 京广高铁武汉—咸宁北中断" in out.read_text(encoding="utf-8")
    missing = run("layers", "snapshot", "--scenario", "nope", "--out", str(tmp_path / "b.svg"), ws=ws)
    assert missing.returncode == 2 and "no saved scenario 'nope'" in missing.stderr


def test_the_examples_named_in_the_readme_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = {p.name for p in EXAMPLES.iterdir()}
    assert named and all(f"examples/scenarios/{n}" in readme for n in named)
    assert json.loads((EXAMPLES / "hewu_hsr_early.json").read_text(encoding="utf-8"))["changes"]


def test_the_readme_scenario_applies() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## What-if scenarios and comparison", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    from geo.scenario import apply, scenario_from_dict

    what_if = apply(scenario_from_dict(yaml.safe_load(block)))
    assert "wuhan_jiujiang_express" in set(what_if.services["service_id"]) and len(what_if.notes) == 3
