"""Database snapshots for tests that check a refused request changed nothing."""

from __future__ import annotations

from typing import Any

# Each table's rows as ``Model.objects.values()`` gives them: a column's value is of any type the
# column holds (int, str, datetime, Decimal, bytes, None, ...), compared only for equality.
TableRows = dict[str, list[dict[str, Any]]]
