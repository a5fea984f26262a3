"""Key rotation: codes move to the newest key, still decrypt to the same codes and still register."""

from __future__ import annotations

import base64
import io
import secrets
from typing import Any

from django.core.management import call_command

from bizshop.billing.models import Order
from bizshop.codes.crypto import get_keyring, key_fingerprint
from bizshop.codes.models import SerialCode
from bizshop.codes.services import code_register, issuance_start
from tests.conftest import ApiClient


def plaintexts(order: Order) -> dict[int, str]:
    keyring = get_keyring()
    return {c.pk: keyring.decrypt(c.key_id, c.ciphertext) for c in SerialCode.objects.filter(order=order)}


def test_rotation_reencrypts_every_code_under_the_newest_key(
    api: ApiClient, paid_order: Order, settings: Any, end_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        issuance_start(order_id=paid_order.pk, partner=api.partner, quantity=25)
    old_key_id = get_keyring().current_key_id
    before = plaintexts(paid_order)
    blobs_before = {c.pk: bytes(c.ciphertext) for c in SerialCode.objects.filter(order=paid_order)}
    new_key = base64.b64encode(secrets.token_bytes(32)).decode()
    settings.CODE_ENCRYPTION_KEYS = f"{settings.CODE_ENCRYPTION_KEYS},k9:{new_key}"
    out = io.StringIO()

    call_command("rotate_code_keys", "--batch-size", "10", stdout=out)

    assert "25 codes re-encrypted; 0 under older keys" in out.getvalue()
    codes = list(SerialCode.objects.filter(order=paid_order))
    assert {c.key_id for c in codes} == {key_fingerprint(base64.b64decode(new_key))} != {old_key_id}
    assert all(bytes(c.ciphertext) != blobs_before[c.pk] for c in codes)
    assert plaintexts(paid_order) == before
    registration = code_register(user=end_user, raw_code=next(iter(before.values())))
    assert registration.code.order_id == paid_order.pk


def test_rotation_with_nothing_to_do_changes_nothing(api: ApiClient, paid_order: Order) -> None:
    out = io.StringIO()

    call_command("rotate_code_keys", stdout=out)

    assert "0 codes re-encrypted" in out.getvalue()
