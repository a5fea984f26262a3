"""The campaigns app listens to the codes app: a replaced code's recipient moves to the replacement, and
the order's statistics count what deliveries assigned and sent."""

from __future__ import annotations

from bizshop.billing.models import Order
from bizshop.campaigns import services
from bizshop.campaigns.models import Recipient
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import CodeStatus, SerialCode
from tests.helpers.api import ApiClient


def test_replacing_a_delivered_code_moves_its_recipient_and_the_stats_count_deliveries(
    api: ApiClient, order_with_codes: tuple[Order, list[str]]
) -> None:
    order, _ = order_with_codes
    people = [{"name": "홍길동", "email": "hong@example.com"}, {"name": "김철수", "email": "kim@example.com"}]
    delivery = services.delivery_create(
        order_id=order.pk, partner=api.partner, channel="email", template="{name} {code}", recipients=people
    )
    recipient = Recipient.objects.filter(delivery=delivery).order_by("pk").select_related("code").first()
    assert recipient is not None
    sent_code = get_keyring().decrypt(recipient.code.key_id, recipient.code.ciphertext)

    response = api.post(f"/api/v1/orders/{order.pk}/codes/void/", {"code": sent_code})

    assert response.status_code == 200, response.json()
    recipient.refresh_from_db()
    assert SerialCode.objects.get(pk=recipient.code_id).status == CodeStatus.ISSUED
    assert get_keyring().decrypt(recipient.code.key_id, recipient.code.ciphertext) != sent_code
    assert SerialCode.objects.filter(status=CodeStatus.VOIDED, order=order).count() == 1
    stats = api.get(f"/api/v1/orders/{order.pk}/stats/").json()
    assert (stats["assigned"], stats["sent"], stats["delivery_failed"], stats["voided"]) == (2, 0, 0, 1)
