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


# Which project packages each package may import: data flows one way, data -> geo -> layers -> export/render ->
# app. The command lines (``__main__``) are entry points and may use whatever they drive.
ALLOWED = {
    "data": set(),
    "geo": {"data"},
    "layers": {"data", "geo"},
    "workspace": {"data", "geo", "layers"},
    "export": {"data", "geo", "layers"},
    "render": {"data", "geo", "layers", "export"},
    "app": {"data", "geo", "layers", "export", "render", "workspace"},
}
PROJECT = set(ALLOWED)


def _imports(path: Path) -> list[tuple[str, str]]:
    """(module, first imported name) of every absolute import in ``path``."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, "") for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out += [(node.module, a.name) for a in node.names]
    return out


def _package_files(package: str) -> list[Path]:
    return [p for p in (ROOT / package).rglob("*.py") if p.name != "__main__.py"]


def test_every_package_imports_only_the_packages_below_it():
    offenders = []
    for package, allowed in ALLOWED.items():
        for path in _package_files(package):
            if package == "data" and "build" in path.relative_to(ROOT / "data").parts:
                allowed_here = {"geo"}  # the build (and only the build) measures and converts with geo
            else:
                allowed_here = allowed
            for module, _ in _imports(path):
                top = module.split(".")[0]
                if top in PROJECT and top != package and top not in allowed_here:
                    offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not offenders, offenders


def test_only_the_app_imports_streamlit():
    offenders = [f"{path.relative_to(ROOT)}" for package in PROJECT - {"app"} for path in _package_files(package)
                 if any(m.split(".")[0] in {"streamlit", "streamlit_folium"} for m, _ in _imports(path))]
    assert not offenders, offenders
    assert (ROOT / "streamlit_app.py").read_text(encoding="utf-8").count("\n") < 40


def test_no_module_imports_another_packages_private_names():
    offenders = []
    for package in PROJECT:
        for path in _package_files(package):
            for module, name in _imports(path):
                top = module.split(".")[0]
                private = any(part.startswith("_") and part != "__future__" for part in module.split(".")[1:])
                if top in PROJECT and top != package and (private or (name.startswith("_") and name != "*")):
                    offenders.append(f"{path.relative_to(ROOT)}: {module}.{name}")
    assert not offenders, offenders


def test_readme_layout_table_names_every_package():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for package in (*PROJECT, "tests", "bench"):
        assert f"| `{package}/` |" in readme, package
    for sub in (ROOT / "tests").iterdir():
        if sub.is_dir() and sub.name not in ("fixtures", "bad_inputs", "__pycache__"):
            assert sub.name in PROJECT | {"e2e"}, f"tests/{sub.name} mirrors no package"
