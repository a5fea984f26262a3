"""The test suite's own layout: helpers live in tests/helpers (or tests/factories.py, tests/worker.py), never
in a conftest or a test module, and fixtures say what they return.

Fixtures stay in conftest files, where pytest finds them by name; a plain function or class a test
imports is a helper. Importing from a conftest runs it twice under two module names (its fixtures
registered twice, its module-level state duplicated) and importing from another test module collects
that module's tests into this one's namespace."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def _is_test_or_conftest(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last == "conftest" or last.startswith("test_")


def _forbidden_imports(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if _is_test_or_conftest(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            if node.module and _is_test_or_conftest(node.module):
                found.append((node.lineno, module))
            else:  # from tests.billing import conftest / from . import test_orders
                found += [
                    (node.lineno, f"{module}.{alias.name}".replace("..", "."))
                    for alias in node.names
                    if _is_test_or_conftest(alias.name)
                ]
    return found


def _is_fixture_decorator(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return (isinstance(target, ast.Attribute) and target.attr == "fixture") or (
        isinstance(target, ast.Name) and target.id == "fixture"
    )


def _is_any(annotation: ast.expr) -> bool:
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):  # a quoted annotation
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return False
    return (isinstance(annotation, ast.Name) and annotation.id == "Any") or (
        isinstance(annotation, ast.Attribute) and annotation.attr == "Any"
    )


def _returns_any(returns: ast.expr | None) -> bool:
    """``-> Any``, or a yield fixture's ``-> Iterator[Any]`` / ``-> Generator[Any, ...]``."""
    if returns is None:
        return False
    if _is_any(returns):
        return True
    if isinstance(returns, ast.Subscript):
        wrapper = returns.value.attr if isinstance(returns.value, ast.Attribute) else getattr(returns.value, "id", "")
        if wrapper in {"Iterator", "Generator", "AsyncIterator", "AsyncGenerator"}:
            first = returns.slice.elts[0] if isinstance(returns.slice, ast.Tuple) else returns.slice
            return _is_any(first)
    return False


def _untyped_fixtures(tree: ast.AST) -> list[tuple[int, str]]:
    return [
        (node.lineno, node.name)
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and any(_is_fixture_decorator(d) for d in node.decorator_list)
        and _returns_any(node.returns)
    ]


def layout_violations(root: Path) -> list[str]:
    """Every ``file:line: problem`` of the Python files under ``root``."""
    problems = []
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root.parent)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, module in _forbidden_imports(tree):
            kind = "a conftest" if module.rsplit(".", 1)[-1] == "conftest" else "a test module"
            problems.append(f"{name}:{line}: imports from {kind} ({module}); move what it needs to tests/helpers/")
        for line, fixture in _untyped_fixtures(tree):
            problems.append(f"{name}:{line}: fixture {fixture} is annotated -> Any; say what it returns")
    return problems


def test_no_test_module_imports_from_a_conftest_or_a_test_module_and_no_fixture_returns_any() -> None:
    assert layout_violations(TESTS) == []


def test_the_check_reads_the_whole_suite() -> None:
    # A check that walks the wrong directory (or none) would pass silently.
    scanned = {path.relative_to(TESTS).as_posix() for path in TESTS.rglob("*.py")}

    assert len(scanned) > 100
    assert {"conftest.py", "core/test_test_layout.py", "helpers/api.py"} <= scanned


def test_the_check_names_each_planted_violation_by_file_and_line(tmp_path: Path) -> None:
    root = tmp_path / "tests"
    (root / "billing").mkdir(parents=True)
    (root / "billing" / "test_planted.py").write_text(
        "from __future__ import annotations\n"
        "\n"
        "from typing import Any\n"
        "\n"
        "import pytest\n"
        "\n"
        "from tests.conftest import ApiClient\n"  # line 7
        "from tests.billing.test_orders import helper\n"  # line 8
        "from .conftest import kst\n"  # line 9
        "from tests.billing import conftest\n"  # line 10
        "import tests.codes.test_issuance\n"  # line 11
        "from tests.helpers.api import ApiClient as Fine\n"
        "\n"
        "\n"
        "@pytest.fixture\n"
        "def loose(api: Any) -> Any:\n"  # line 16
        "    return api\n"
        "\n"
        "\n"
        "@pytest.fixture(autouse=True)\n"
        "def loose_yield() -> typing.Iterator['Any']:\n"  # line 21
        "    yield None\n"
        "\n"
        "\n"
        "@pytest.fixture\n"
        "def typed() -> int:\n"
        "    return 1\n"
        "\n"
        "\n"
        "def test_something() -> None:\n"
        "    from tests.support.conftest import upload\n",  # line 31
        encoding="utf-8",
    )
    (root / "billing" / "clean.py").write_text("from tests.helpers.billing import order_in_state\n", encoding="utf-8")

    problems = layout_violations(root)

    assert [problem.split(":", 2)[:2] for problem in problems] == [
        ["tests/billing/test_planted.py", str(line)] for line in (7, 8, 9, 10, 11, 31, 16, 21)
    ]
    assert "imports from a conftest (tests.conftest)" in problems[0]
    assert "imports from a test module (tests.billing.test_orders)" in problems[1]
    assert "fixture loose is annotated -> Any" in problems[6]
    assert "fixture loose_yield is annotated -> Any" in problems[7]
