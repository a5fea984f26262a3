"""The embedded shop (no DATABASE_URL: SQLite, tasks in-process) sends a delivery too: the claim and the
outcome writes have a path of their own there (PostgreSQL's arrays do not exist in SQLite)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.helpers.production import manage

SCRIPT = """
from bizshop.billing import services as billing
from bizshop.campaigns import services
from bizshop.campaigns.models import Recipient
from bizshop.catalog.services import emoticon_create
from bizshop.codes.services import issuance_start
from bizshop.partners.models import Partner
partner = Partner.objects.create(
    name="(주)임베디드", business_registration_number="2208162517", representative="대표", invoice_email="i@e.kr"
)
emoticon = emoticon_create(title="임베디드 이모티콘", prices={30: 1_000, 60: 1_800})
order = billing.order_create(partner=partner, emoticon_id=emoticon.pk, period_days=30, quantity=emoticon.min_quantity)
billing.order_pay_by_card(order_id=order.pk, partner=partner, card_token="tok_sandbox_approve")
issuance_start(order_id=order.pk, partner=partner, quantity=5)
people = [{"name": "홍길동", "email": "hong@example.com"}, {"name": "김철수", "email": "kim@example.com"}]
delivery = services.delivery_create(
    order_id=order.pk, partner=partner, channel="email", template="{name} {code}", recipients=people
)
print("STATUSES", sorted(Recipient.objects.filter(delivery=delivery).values_list("status", flat=True)))
"""


def test_the_embedded_sqlite_shop_sends_a_delivery(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(BIZSHOP_VAR_DIR=str(tmp_path), DEBUG="0", PRODUCTION="0")
    assert manage(env, "migrate", "-v0").returncode == 0

    shell = manage(env, "shell", "-c", SCRIPT)

    assert "STATUSES ['sent', 'sent']" in shell.stdout, shell.stdout + shell.stderr
