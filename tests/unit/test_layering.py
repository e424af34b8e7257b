"""One floor per package: the shared library imports no service, no service imports another,
and only the application package (``claimwatch_app``) sees them all.

Every import is read from the source with ``ast``, lazy ones inside functions included, so a
"just this once" import inside a command body is caught too.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SERVICES = (
    "claimwatch_ingest",
    "claimwatch_extract",
    "claimwatch_alert",
    "claimwatch_deliver",
    "claimwatch_web",
)
APP = "claimwatch_app"


def _packages() -> dict[str, Path]:
    found = {"claimwatch": REPO / "shared" / "claimwatch"}
    for folder in sorted((REPO / "services").iterdir()):
        for pkg in folder.glob("claimwatch_*"):
            if (pkg / "__init__.py").exists():
                found[pkg.name] = pkg
    return found


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _violations() -> list[str]:
    packages = _packages()
    bad = []
    for name, root in packages.items():
        allowed = {name, "claimwatch"}
        if name == APP:
            allowed |= set(SERVICES)
        for path in sorted(root.rglob("*.py")):
            for imported in sorted(_imported_packages(path) & set(packages)):
                if imported not in allowed:
                    bad.append(f"{path.relative_to(REPO)} imports {imported}")
    return bad


def test_every_service_and_the_app_package_is_found() -> None:
    assert set(_packages()) == {"claimwatch", APP, *SERVICES}


def test_no_upward_or_sideways_import() -> None:
    assert _violations() == []


def test_the_walker_sees_a_lazy_sideways_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from claimwatch_ingest.files import x\n    return x\n")
    assert "claimwatch_ingest" in _imported_packages(module)
