"""Helpers that tests import: plain functions, classes and constants, one module per topic (fakes of outside
systems are each tested themselves).

Fixtures stay in conftest files and are used by name; a test never imports from a conftest or from
another test module (tests/core/test_test_layout.py checks it). These modules are type-checked:
``mypy tests/helpers`` (part of ``make typecheck``)."""
