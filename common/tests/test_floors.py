"""The floors of the code: a module imports only from its own floor or a lower one.

Every import statement is checked, including those inside functions: an
import moved into a function to dodge a circle still points upwards. Tests
and migrations are left out (a test may drive any app; migrations are history).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Lowest first; the README's "Code layout" draws the same building.
FLOORS = {
    "common": 0,
    "audit": 1,
    "accounts": 2,
    "clientes": 3,
    "idempotency": 3,
    "reports": 4,
    "lgpd": 4,
    "webhooks": 4,
    "duplicates": 4,
    "imports": 4,
    "monitoring": 5,
    "config": 6,
}

# Known upward imports, each waiting for a named change. Keep this empty.
PENDING: set[tuple[str, str]] = set()


def _imported_apps(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in FLOORS:
                yield node.lineno, top


def _modules():
    for app in FLOORS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            yield app, path


def upward_imports() -> list[str]:
    found = []
    for app, path in _modules():
        relative = path.relative_to(ROOT).as_posix()
        for lineno, imported in _imported_apps(path):
            if FLOORS[imported] > FLOORS[app] and (relative, imported) not in PENDING:
                found.append(f"{relative}:{lineno} imports {imported} (floor {FLOORS[imported]})")
    return found


def test_every_module_imports_only_from_its_floor_or_below():
    assert upward_imports() == []


def test_the_ground_floor_and_audit_import_no_domain_app():
    offenders = [
        f"{path.relative_to(ROOT)}:{lineno} imports {imported}"
        for app, path in _modules()
        if app in ("common", "audit")
        for lineno, imported in _imported_apps(path)
        if imported != app and imported != "common"
    ]
    assert offenders == []


def test_every_app_of_the_project_has_a_floor():
    packages = {
        path.parent.name
        for path in ROOT.glob("*/apps.py")
        if path.parent.name not in ("bench", "devstack")
    }
    assert packages <= set(FLOORS)
