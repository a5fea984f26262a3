"""100,000 recipients in one POST: every row checked, quickly, and exactly the bad ones named."""

from __future__ import annotations

import time
from typing import Any

from bizshop.campaigns.models import Delivery


def test_100000_rows_with_3_bad_ones(api: Any, order_with_codes: Any) -> None:
    order, _ = order_with_codes
    people = [{"name": f"당첨자{i}", "email": f"winner{i}@example.com", "phone": f"010{i:08d}"} for i in range(100_000)]
    people[10]["email"] = "winner10@@example.com"
    people[50_000]["phone"] = "011-12-3456"
    people[99_998]["email"] = "WINNER7@example.com"  # the same as row 8

    started = time.monotonic()
    response = api.post(
        f"/api/v1/orders/{order.pk}/deliveries/", {"channel": "email", "template": "{code}", "recipients": people}
    )
    elapsed = time.monotonic() - started

    assert response.status_code == 422
    rows = response.json()["error"]["details"]["rows"]
    assert [(r["row"], r["field"], r["problem"]) for r in rows] == [
        (11, "email", "invalid"),
        (50_001, "phone", "invalid"),
        (99_999, "email", "duplicate"),
    ]
    assert rows[2]["first_row"] == 8
    assert not Delivery.objects.exists()
    assert elapsed < 15, f"{elapsed:.1f} s"
