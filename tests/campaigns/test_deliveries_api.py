"""POST/GET of deliveries over HTTP: checks, code assignment, counts, masking, resend."""

from __future__ import annotations

import re
from typing import Any

from bizshop.campaigns.models import Delivery, Recipient
from bizshop.codes import format as code_format
from bizshop.codes.models import CodeStatus, SerialCode
from tests.helpers.smtp_sink import SinkHandler, html_of, text_of

TEMPLATE = (
    "{name}님, [{title}] 당첨을 축하합니다! 일련번호 {code} 를 {deadline}까지 "
    "{registration_url} 에서 등록하세요 ({period_days}일)."
)


def url(order: Any, *rest: Any) -> str:
    tail = "".join(f"{part}/" for part in rest)
    return f"/api/v1/orders/{order.pk}/deliveries/{tail}"


def post_delivery(api: Any, order: Any, recipients: list[dict[str, Any]], **extra: Any) -> Any:
    body = {"channel": "email", "template": TEMPLATE, "recipients": recipients, **extra}
    return api.post(url(order), body)


def test_codes_arrive_by_smtp_one_per_recipient(api_committed: Any, order_with_codes: Any, sink: SinkHandler) -> None:
    api = api_committed
    order, codes = order_with_codes
    people = [
        {"name": "홍길동", "email": "hong@example.com"},
        {"name": "김철수", "email": "kim@example.com", "phone": "010-1234-5678"},
        {"name": "이영희", "email": "lee@example.org"},
    ]

    response = post_delivery(api, order, people)

    assert response.status_code == 202, response.content
    body = response.json()
    assert body["recipient_count"] == 3
    delivery = Delivery.objects.get(pk=body["id"])
    assert delivery.status == Delivery.Status.DONE
    by_address = {str(m["To"]): m for m in sink.messages}
    assert set(by_address) == {"hong@example.com", "kim@example.com", "lee@example.org"}
    seen_codes = set()
    for recipient in Recipient.objects.filter(delivery=delivery).select_related("code"):
        assert recipient.status == Recipient.Status.SENT
        message = by_address[{1: "hong@example.com", 2: "kim@example.com", 3: "lee@example.org"}[recipient.row_number]]
        assert message["Message-ID"] == recipient.message_id
        text = text_of(message)
        found = re.search(r"([0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5})", text)
        assert found is not None
        code = code_format.normalize(found.group(1))
        assert code in codes
        assert SerialCode.objects.get(pk=recipient.code_id).pk == recipient.code_id
        from bizshop.codes.crypto import get_keyring

        assert get_keyring().decrypt(recipient.code.key_id, recipient.code.ciphertext) == code
        assert found.group(1) in html_of(message)
        assert f"#code={found.group(1)}" in text
        seen_codes.add(code)
    assert len(seen_codes) == 3
    assert "님, [" in text_of(sink.messages[0])
    assert str(sink.messages[0]["Subject"]) == f"[{order.emoticon.title}] 이모티콘 일련번호를 보내 드립니다"
    assert "이모티콘 비즈샵" in str(sink.messages[0]["From"])

    detail = api.get(url(order, delivery.pk)).json()
    assert detail["status"] == "done"
    assert detail["counts"] == {"queued": 0, "sending": 0, "sent": 3, "failed": 0, "registered": 0}


def test_recipients_list_masks_contacts_and_filters(
    api_committed: Any, order_with_codes: Any, sink: SinkHandler
) -> None:
    api = api_committed
    order, _ = order_with_codes
    sink.refuse.add("nobody@example.com")
    people = [
        {"name": "홍길동", "email": "hong@example.com", "phone": "01012345678"},
        {"name": "남궁민수", "email": "nobody@example.com"},
    ]
    delivery_id = post_delivery(api, order, people).json()["id"]

    listing = api.get(url(order, delivery_id, "recipients")).json()
    failed = api.get(url(order, delivery_id, "recipients") + "?status=failed").json()

    rows = {row["row_number"]: row for row in listing["results"]}
    assert rows[1]["name"] == "홍*동"
    assert rows[1]["email"] == "h***@example.com"
    assert rows[1]["phone"] == "010-****-5678"
    assert rows[1]["status"] == "sent"
    assert rows[2]["name"] == "남**수"
    assert rows[2]["status"] == "failed"
    assert rows[2]["last_error"].startswith("SMTP 550")
    assert [row["row_number"] for row in failed["results"]] == [2]
    assert "hong@example.com" not in str(listing)
    # Nothing in plaintext at rest.
    for recipient in Recipient.objects.all():
        for blob in (recipient.name_sealed, recipient.email_sealed, recipient.phone_sealed):
            assert blob is None or b"hong" not in bytes(blob)


def test_a_refused_recipient_fails_alone_and_a_deferred_one_is_retried(
    api_committed: Any, order_with_codes: Any, sink: SinkHandler
) -> None:
    api = api_committed
    order, _ = order_with_codes
    sink.refuse.add("gone@example.com")
    sink.defer_once.add("later@example.com")
    people = [
        {"name": "가나다", "email": "ok@example.com"},
        {"name": "라마바", "email": "gone@example.com"},
        {"name": "사아자", "email": "later@example.com"},
    ]

    delivery_id = post_delivery(api, order, people).json()["id"]

    status = {r.row_number: r for r in Recipient.objects.filter(delivery_id=delivery_id)}
    assert status[1].status == Recipient.Status.SENT
    assert status[2].status == Recipient.Status.FAILED
    assert "550" in status[2].last_error
    assert "<g***@example.com>" in status[2].last_error  # the server quoted the address: kept masked
    assert status[3].status == Recipient.Status.SENT
    assert status[3].attempts == 2
    assert sorted(str(m["To"]) for m in sink.messages) == ["later@example.com", "ok@example.com"]
    assert Delivery.objects.get(pk=delivery_id).status == Delivery.Status.DONE


def test_resend_one_and_resend_failed(api_committed: Any, order_with_codes: Any, sink: SinkHandler) -> None:
    api = api_committed
    order, _ = order_with_codes
    sink.refuse.add("gone@example.com")
    people = [{"name": "가나다", "email": "ok@example.com"}, {"name": "라마바", "email": "gone@example.com"}]
    delivery_id = post_delivery(api, order, people).json()["id"]
    failed = Recipient.objects.get(delivery_id=delivery_id, row_number=2)
    ok = Recipient.objects.get(delivery_id=delivery_id, row_number=1)

    sink.refuse.clear()
    response = api.post(url(order, delivery_id, "resend-failed"))
    again = api.post(url(order, delivery_id, "recipients", ok.pk, "resend"))

    assert response.status_code == 202 and response.json() == {"queued": 1}
    assert again.status_code == 202 and again.json()["status"] == "queued"  # sent once committed
    ok.refresh_from_db()
    assert ok.status == Recipient.Status.SENT
    failed.refresh_from_db()
    assert failed.status == Recipient.Status.SENT
    assert sorted(str(m["To"]) for m in sink.messages) == ["gone@example.com", "ok@example.com", "ok@example.com"]
    # The same code both times.
    assert text_of(sink.messages[0]) == text_of(sink.messages[2])


def test_bad_rows_are_listed_and_nothing_is_queued(
    api_committed: Any, order_with_codes: Any, sink: SinkHandler
) -> None:
    api = api_committed
    order, _ = order_with_codes
    people = [
        {"name": "가", "email": "a@example.com"},
        {"name": "나", "email": "not-an-email"},
        {"name": "다", "email": "A@example.com"},
        {"name": "", "email": "c@example.com"},
        {"name": "라", "email": "d@example.com", "phone": "02-123-4567"},
        {"name": "마"},
    ]

    response = post_delivery(api, order, people)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_recipients"
    assert [(r["row"], r["field"], r["problem"]) for r in error["details"]["rows"]] == [
        (2, "email", "invalid"),
        (3, "email", "duplicate"),
        (4, "name", "required"),
        (5, "phone", "invalid"),
        (6, "email", "required"),
    ]
    assert not Delivery.objects.exists() and not Recipient.objects.exists()
    assert sink.messages == []


def test_sms_needs_valid_korean_mobile_numbers(api_committed: Any, order_with_codes: Any) -> None:
    api = api_committed
    order, _ = order_with_codes
    people = [
        {"name": "가", "phone": "010-1234-5678"},
        {"name": "나", "phone": "+82 10 2345 6789"},
        {"name": "다", "phone": "010-123-4567"},
        {"name": "라", "phone": "01012345678"},
        {"name": "마", "email": "x@example.com"},
    ]

    response = api.post(url(order), {"channel": "sms", "template": TEMPLATE, "recipients": people})

    assert response.status_code == 422
    assert [(r["row"], r["field"], r["problem"]) for r in response.json()["error"]["details"]["rows"]] == [
        (3, "phone", "invalid"),
        (4, "phone", "duplicate"),
        (5, "phone", "required"),
    ]


def test_unknown_placeholder_is_422(api_committed: Any, order_with_codes: Any) -> None:
    api = api_committed
    order, _ = order_with_codes
    for template, code in (
        ("{name} {coupon}", "unknown_placeholder"),
        ("{code.__class__}", "unknown_placeholder"),
        ("{name", "invalid_template"),
    ):
        response = post_delivery(api, order, [{"name": "가", "email": "a@example.com"}], template=template)
        assert response.status_code == 422
        assert response.json()["error"]["code"] == code
    assert not Delivery.objects.exists()


def test_not_enough_codes(api_committed: Any, order_with_codes: Any, sink: SinkHandler) -> None:
    api = api_committed
    order, _ = order_with_codes
    first = SerialCode.objects.filter(order=order).order_by("pk").first()
    assert first is not None
    SerialCode.objects.filter(pk=first.pk).update(status=CodeStatus.VOIDED)
    post_delivery(api, order, [{"name": f"사람{i}", "email": f"p{i}@example.com"} for i in range(4)])

    response = post_delivery(api, order, [{"name": f"다른{i}", "email": f"q{i}@example.com"} for i in range(6)])

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "not_enough_codes"
    assert error["details"] == {"available": 5, "needed": 6}
    assert Delivery.objects.count() == 1


def test_sms_through_the_sandbox_provider(api_committed: Any, order_with_codes: Any) -> None:
    from bizshop.campaigns.sms.sandbox import SandboxSmsProvider

    api = api_committed
    order, codes = order_with_codes
    people = [{"name": "가", "phone": "010-1234-5678"}, {"name": "나", "phone": "010-0000-1111"}]

    delivery_id = api.post(url(order), {"channel": "sms", "template": "{name} {code}", "recipients": people}).json()[
        "id"
    ]

    rows = {r.row_number: r for r in Recipient.objects.filter(delivery_id=delivery_id)}
    assert rows[1].status == Recipient.Status.SENT
    assert rows[2].status == Recipient.Status.FAILED
    [message] = SandboxSmsProvider.outbox
    assert message.to == "01012345678" and message.kind == "sms"
    assert message.message_id == rows[1].message_id
    assert code_format.normalize(message.text.split()[1]) in codes


def test_another_partner_gets_404(other_api: Any, order_with_codes: Any) -> None:
    order, _ = order_with_codes
    response = other_api.post(
        url(order), {"channel": "email", "template": "{code}", "recipients": [{"name": "a", "email": "a@example.com"}]}
    )
    assert response.status_code == 404


def test_a_recipient_deferred_every_time_fails_after_the_last_attempt(
    api_committed: Any, order_with_codes: Any, sink: SinkHandler, settings: Any
) -> None:
    api = api_committed
    order, _ = order_with_codes
    settings.DELIVERY_MAX_ATTEMPTS = 3
    sink.defer_always.add("busy@example.com")

    delivery_id = post_delivery(api, order, [{"name": "가나다", "email": "busy@example.com"}]).json()["id"]

    recipient = Recipient.objects.get(delivery_id=delivery_id)
    assert recipient.status == Recipient.Status.FAILED
    assert recipient.attempts == 3
    assert recipient.last_error.startswith("SMTP 451")
    assert Delivery.objects.get(pk=delivery_id).status == Delivery.Status.DONE


def test_registered_is_read_from_the_code(api_committed: Any, order_with_codes: Any, sink: SinkHandler) -> None:
    from django.utils import timezone

    api = api_committed
    order, _ = order_with_codes
    people = [{"name": "가나다", "email": "a@example.com"}, {"name": "라마바", "email": "b@example.com"}]
    delivery_id = post_delivery(api, order, people).json()["id"]
    first = Recipient.objects.get(delivery_id=delivery_id, row_number=1)
    SerialCode.objects.filter(pk=first.code_id).update(status=CodeStatus.REGISTERED, registered_at=timezone.now())

    detail = api.get(url(order, delivery_id)).json()
    registered = api.get(url(order, delivery_id, "recipients") + "?status=registered").json()

    assert detail["counts"]["registered"] == 1 and detail["counts"]["sent"] == 2
    assert [(row["row_number"], row["status"]) for row in registered["results"]] == [(1, "registered")]


def test_batches_chain_until_every_recipient_is_sent(
    api_committed: Any, order_with_codes: Any, sink: SinkHandler, settings: Any
) -> None:
    settings.DELIVERY_BATCH_SIZE = 2
    order, _ = order_with_codes
    people = [{"name": f"사람{i}", "email": f"p{i}@example.com"} for i in range(5)]

    delivery_id = post_delivery(api_committed, order, people).json()["id"]

    assert len(sink.messages) == 5
    assert Delivery.objects.get(pk=delivery_id).status == Delivery.Status.DONE


def test_rows_that_are_not_objects_of_strings_are_refused(api_committed: Any, order_with_codes: Any) -> None:
    order, _ = order_with_codes
    people: list[Any] = [{"name": 7, "email": "a@example.com"}, "홍길동", {"name": "가", "email": None}]

    response = post_delivery(api_committed, order, people)

    assert response.status_code == 422
    assert [(r["row"], r["field"]) for r in response.json()["error"]["details"]["rows"]] == [
        (1, "name"),
        (2, "row"),
        (3, "email"),
    ]


def test_another_partners_order_is_404_whatever_the_body(other_api: Any, order_with_codes: Any) -> None:
    order, _ = order_with_codes
    body = {"channel": "email", "template": "{nope}", "recipients": [{"name": "a", "email": "bad"}]}

    response = other_api.post(url(order), body)

    assert response.status_code == 404


def test_the_orders_deliveries_are_listed_newest_first(
    api_committed: Any, order_with_codes: Any, sink: SinkHandler
) -> None:
    order, _ = order_with_codes
    first = post_delivery(api_committed, order, [{"name": "가", "email": "a@example.com"}]).json()["id"]
    second = post_delivery(api_committed, order, [{"name": "나", "email": "b@example.com"}]).json()["id"]

    listing = api_committed.get(url(order)).json()

    assert [row["id"] for row in listing["results"]] == [second, first]
    assert listing["results"][0]["counts"]["sent"] == 1 and listing["next"] is None
