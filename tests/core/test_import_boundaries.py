"""Which app may import which, read from the source: the portal's shared pieces have one home."""

from __future__ import annotations

import ast
from pathlib import Path

import bizshop

PACKAGE = Path(bizshop.__file__).parent


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def test_no_apps_views_import_another_apps_views() -> None:
    crossings = []
    for views in sorted(PACKAGE.glob("*/views.py")):
        app = views.parent.name
        for module in imported_modules(views):
            parts = module.split(".")
            if len(parts) >= 3 and parts[0] == "bizshop" and parts[2] == "views" and parts[1] != app:
                crossings.append(f"bizshop/{app}/views.py imports {module}")
    assert crossings == []


def test_the_boundary_check_sees_a_views_import_inside_a_function(tmp_path: Path) -> None:
    source = tmp_path / "views.py"
    source.write_text("def f():\n    from bizshop.billing.views import ORDER_ACTIONS\n", encoding="utf-8")
    assert "bizshop.billing.views" in imported_modules(source)


def _apps() -> set[str]:
    return {path.parent.name for path in PACKAGE.glob("*/apps.py")}


def _imports_of_app(app: str) -> dict[str, set[str]]:
    return {
        str(path.relative_to(PACKAGE.parent)): imported_modules(path)
        for path in sorted((PACKAGE / app).rglob("*.py"))
        if "migrations" not in path.parts
    }


def _bizshop_app(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) >= 2 and parts[0] == "bizshop" else None


def test_core_imports_no_domain_app() -> None:
    domain = _apps() - {"core"}
    found = {
        f"{path} imports {module}"
        for path, modules in _imports_of_app("core").items()
        for module in modules
        if _bizshop_app(module) in domain
    }
    assert found == set()


def test_accounts_imports_no_partners_module() -> None:
    found = {
        f"{path} imports {module}"
        for path, modules in _imports_of_app("accounts").items()
        for module in modules
        if _bizshop_app(module) == "partners"
    }
    assert found == set()


def test_the_audit_log_imports_neither_partners_nor_accounts_services() -> None:
    found = {
        f"{path} imports {module}"
        for path, modules in _imports_of_app("audit").items()
        for module in modules
        if _bizshop_app(module) == "partners" or module.startswith("bizshop.accounts.services")
    }
    assert found == set()
