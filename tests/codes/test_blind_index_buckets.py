"""Blind indexes are bucketed: the codes written together share a bucket, so their index entries sit side
by side in the unique B-tree; codes stored before that keep their plain HMAC and are still found."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from django.test import Client

from bizshop.billing.models import Order
from bizshop.codes import format as code_format
from bizshop.codes.crypto import BUCKET_PREFIX_BYTES, get_keyring
from bizshop.codes.models import CodeStatus, SerialCode
from bizshop.codes.services import issuance_run, issuance_start
from tests.helpers.api import ApiClient


def test_a_bucketed_batch_carries_its_bucket_and_stays_random_and_valid() -> None:
    codes = code_format.generate_batch(500, bucket="7K")

    assert {code_format.bucket_of(code.encode()) for code in codes} == {b"7K"}
    assert all(code_format.normalize(code) == code for code in codes)  # the check symbol covers the bucket
    first, second = code_format.BUCKET_POSITIONS
    rest = {code[:first] + code[first + 1 : second] + code[second + 1 :] for code in codes}
    assert len(rest) == 500  # 85 bits of each code are its own


def test_the_codes_of_one_chunk_share_an_index_prefix_and_chunks_draw_their_own(
    api: ApiClient, make_order: Callable[..., Order], django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    order = make_order(api.partner, quantity=1_000, paid=True)
    with django_capture_on_commit_callbacks(execute=False):  # type: ignore[attr-defined]
        issuance = issuance_start(order_id=order.pk, partner=api.partner, quantity=1_000)
    issuance_run(issuance_id=issuance.pk, chunk_size=100)
    keyring = get_keyring()
    rows = list(SerialCode.objects.filter(issuance=issuance).order_by("pk").values_list("blind_index", "ciphertext"))

    chunks = [rows[start : start + 100] for start in range(0, 1_000, 100)]
    for chunk in chunks:
        codes = [keyring.decrypt(keyring.current_key_id, blob) for _, blob in chunk]
        assert len({code_format.bucket_of(code.encode()) for code in codes}) == 1
        assert len({bytes(index)[:BUCKET_PREFIX_BYTES] for index, _ in chunk}) == 1
        assert all(bytes(index) == keyring.blind_index(code) for (index, _), code in zip(chunk, codes, strict=True))
    # Ten chunks all drawing the same of 1,024 buckets: 1 in 10^27.
    assert len({bytes(chunk[0][0])[:BUCKET_PREFIX_BYTES] for chunk in chunks}) > 1


def test_a_code_stored_under_the_plain_hmac_before_bucketing_still_registers(
    end_user_client: Client, paid_order: Order, issue_codes: Callable[..., list[str]]
) -> None:
    code = issue_codes(paid_order, quantity=1)[0]
    keyring = get_keyring()
    legacy = hmac.new(keyring.lookup_key, code.encode(), hashlib.sha256).digest()
    SerialCode.objects.filter(order=paid_order).update(blind_index=legacy)

    response = end_user_client.post("/api/v1/registrations/", {"code": code}, content_type="application/json")

    assert response.status_code == 201, response.json()
    assert SerialCode.objects.get(blind_index=legacy).status == CodeStatus.REGISTERED
