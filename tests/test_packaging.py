"""The two install routes agree, versions are pinned, and the layering rules hold."""

import ast
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[ ]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_names() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += extra
    return {_name(r) for r in reqs}


def _environment_names() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    names = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            names |= {_name(d) for d in dep["pip"]}
        elif _name(dep) not in {"python", "pip"}:
            names.add(_name(dep))
    return names


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"requirements.lock line not pinned: {line!r}"
            pins[_name(name)] = version
    return pins


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    assert _environment_names() == _pyproject_names()


def test_every_dependency_is_pinned_in_the_lock():
    missing = _pyproject_names() - set(_lock())
    assert not missing, f"not pinned in requirements.lock: {sorted(missing)}"


def test_geometry_and_layer_code_never_import_streamlit():
    offenders = []
    for folder in ("geo", "layers", "data"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                if any(n.split(".")[0] in {"streamlit", "streamlit_folium"} for n in names):
                    offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"geometry/layer code imports Streamlit: {offenders}"


def _imported_packages(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_data_flows_one_way_data_geo_layers():
    # Build-time helpers of data/ (the build script and its private modules) may use geo's CRS tools;
    # what the app loads from data/ at run time may not, and geo never reaches up into layers/.
    runtime_data = [p for p in (ROOT / "data").glob("*.py") if not p.name.startswith("_") and p.name != "build.py"]
    runtime_data.append(ROOT / "data" / "__init__.py")
    assert all(not _imported_packages(p) & {"geo", "layers"} for p in runtime_data)
    offenders = [p.name for p in (ROOT / "geo").glob("*.py") if "layers" in _imported_packages(p)]
    assert not offenders, f"geo/ imports layers/: {offenders}"
