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
