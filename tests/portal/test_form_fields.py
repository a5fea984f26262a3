"""Every portal form (and the back office's), each field empty and each field too long: a form error, never a 500.

One table row per form: the page, who submits it, a submission that is accepted, which of its
fields may be left empty. Each row is first checked with its valid submission (so a refusal below
is the field's doing, not the rest of the data's), then with one field at a time emptied or made
far longer than anything the field allows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pytest
from django import forms
from django.contrib.auth.tokens import default_token_generator
from django.contrib.messages import constants as message_levels
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from bizshop.billing import services as billing
from bizshop.billing.models import Order, Payment
from bizshop.catalog.models import Emoticon
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import SerialCode
from bizshop.codes.services import issuance_run, issuance_start
from bizshop.partners.models import Member
from bizshop.partners.services import member_invite
from tests.factories import PASSWORD, VALID_BRNS, EmoticonFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Tz!9mK2vRq"
LONG_TEXT = "가" * 10_000
LONG_EMAIL = "a" * 10_000 + "@example.kr"
LONG_NUMBER = "9" * 40  # past bigint, well under Python's 4,300-digit int() limit


class World:
    """What the forms need, made on first use only."""

    @cached_property
    def owner(self) -> Member:
        return MemberFactory()

    @cached_property
    def colleague(self) -> Member:
        return MemberFactory(partner=self.owner.partner, role=Member.Role.MEMBER)

    @cached_property
    def emoticon(self) -> Emoticon:
        return EmoticonFactory(prices={30: 1_600, 60: 2_500})

    def order(self, *, paid: bool = False) -> Order:
        order = billing.order_create(
            partner=self.owner.partner, emoticon_id=self.emoticon.pk, period_days=30, quantity=100
        )
        if paid:
            order = billing.order_pay_by_card(
                order_id=order.pk, partner=self.owner.partner, card_token="tok_sandbox_approve"
            )
        return order

    @cached_property
    def payable_order(self) -> Order:
        return self.order()

    @cached_property
    def paid_order(self) -> Order:
        return self.order(paid=True)

    @cached_property
    def deposit_paid_order(self) -> Order:
        order = self.order()
        billing.order_open_virtual_account(order_id=order.pk, partner=self.owner.partner)
        return billing.sandbox_deposit_send(order_id=order.pk, partner=self.owner.partner)

    def issued_order(self) -> Order:
        order = self.order(paid=True)
        issuance = issuance_start(order_id=order.pk, partner=order.partner, quantity=None)
        issuance_run(issuance_id=issuance.pk)  # in-process: the test's transaction never commits
        return order

    @cached_property
    def code(self) -> str:
        order = self.order(paid=True)
        issuance = issuance_start(order_id=order.pk, partner=order.partner, quantity=1)
        issuance_run(issuance_id=issuance.pk)
        row = SerialCode.objects.get(issuance=issuance)
        return get_keyring().decrypt(row.key_id, row.ciphertext)

    @cached_property
    def mergeable_payment_ids(self) -> list[str]:
        orders = [self.issued_order(), self.issued_order()]
        return [str(payment.pk) for payment in Payment.objects.filter(order__in=orders)]

    @cached_property
    def invitation_token(self) -> str:
        return member_invite(partner=self.owner.partner, user=self.owner.user, email="invitee@example.kr").raw_token

    def client(self, who: str) -> Client:
        client = Client()
        if who == "owner":
            client.force_login(self.owner.user)
        elif who == "end_user":
            client.force_login(UserFactory())
        elif who == "operator":
            client.force_login(UserFactory(is_staff=True, is_superuser=True))
        return client


@dataclass(frozen=True)
class FormPage:
    name: str
    who: str  # visitor, end_user, owner or operator
    url: Callable[[World], str]
    valid: Callable[[World], dict[str, Any]]
    optional: frozenset[str] = frozenset()
    too_long: dict[str, str] = field(default_factory=dict)  # fields whose "too long" is not LONG_TEXT
    checkboxes: frozenset[str] = frozenset()  # any value means "ticked": no length to exceed
    method: str = "post"
    open_url: Callable[[World, Client], str] | None = None  # pages reached through a link first


def _reset_link(world: World, client: Client) -> str:
    user = world.owner.user
    link = reverse(
        "accounts:password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    # Django swaps the token in the URL for a session one and redirects to the form.
    return str(client.get(link).url)


FORM_PAGES = [
    FormPage(
        "login",
        "visitor",
        lambda w: reverse("accounts:login"),
        lambda w: {"username": w.owner.user.email, "password": PASSWORD},
        too_long={"username": LONG_EMAIL},
    ),
    FormPage(
        "signup",
        "visitor",
        lambda w: reverse("accounts:signup"),
        lambda w: {
            "email": "new@example.kr",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "agree_terms": "on",
            "agree_privacy": "on",
        },
        too_long={"email": LONG_EMAIL},
        checkboxes=frozenset({"agree_terms", "agree_privacy"}),
    ),
    FormPage(
        "password-reset",
        "visitor",
        lambda w: reverse("accounts:password-reset"),
        lambda w: {"email": w.owner.user.email},
        too_long={"email": LONG_EMAIL},
    ),
    FormPage(
        "password-reset-confirm",
        "visitor",
        lambda w: "",
        lambda w: {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        open_url=_reset_link,
    ),
    FormPage("register", "end_user", lambda w: reverse("codes:register"), lambda w: {"code": w.code}),
    FormPage(
        "partner-signup",
        "visitor",
        lambda w: reverse("partners:signup"),
        lambda w: {
            "business_registration_number": VALID_BRNS[0],
            "name": "(주)새파트너",
            "representative": "김대표",
            "address": "서울특별시 중구 세종대로 1",
            "contact_name": "이담당",
            "contact_phone": "02-1234-5678",
            "invoice_email": "tax@new.example.kr",
            "email": "owner@new.example.kr",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "agree_terms": "on",
            "agree_privacy": "on",
        },
        too_long={"invoice_email": LONG_EMAIL, "email": LONG_EMAIL, "business_registration_number": LONG_NUMBER},
        checkboxes=frozenset({"agree_terms", "agree_privacy"}),
    ),
    FormPage(
        "partner-info",
        "owner",
        lambda w: reverse("partners:info"),
        lambda w: {
            "name": "(주)바뀐이름",
            "representative": "김대표",
            "address": "서울특별시 중구 세종대로 1",
            "contact_name": "이담당",
            "contact_phone": "02-1234-5678",
            "invoice_email": "tax@example.kr",
        },
        optional=frozenset({"address", "contact_name", "contact_phone"}),
        too_long={"invoice_email": LONG_EMAIL},
    ),
    FormPage(
        "member-invite",
        "owner",
        lambda w: reverse("partners:members"),
        lambda w: {"email": "invitee@example.kr", "role": Member.Role.MEMBER},
        too_long={"email": LONG_EMAIL},
    ),
    FormPage(
        "member-role",
        "owner",
        lambda w: reverse("partners:member-role", kwargs={"member_id": w.colleague.pk}),
        lambda w: {"role": Member.Role.OWNER},
    ),
    FormPage(
        "invitation-accept",
        "visitor",
        lambda w: reverse("partners:invitation-accept", kwargs={"token": w.invitation_token}),
        lambda w: {"name": "초대받은사람", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        optional=frozenset({"name"}),
    ),
    FormPage(
        "api-key",
        "owner",
        lambda w: reverse("partners:api-keys"),
        lambda w: {"name": "사내 ERP", "scopes": "orders"},
        optional=frozenset({"scopes"}),
    ),
    FormPage("withdrawal", "owner", lambda w: reverse("partners:withdrawal"), lambda w: {"password": PASSWORD}),
    FormPage(
        "webhook-endpoint",
        "owner",
        lambda w: reverse("webhooks:endpoints"),
        # The test settings let webhooks reach 127.0.0.1 (production refuses it).
        lambda w: {"url": "http://127.0.0.1:9/hooks", "events": "order.paid"},
        too_long={"url": "http://127.0.0.1:9/" + "a" * 10_000},
    ),
    FormPage(
        "order-create",
        "owner",
        lambda w: reverse("billing:order-create"),
        lambda w: {"emoticon_id": str(w.emoticon.pk), "period_days": "30", "quantity": "100"},
        too_long={"emoticon_id": LONG_NUMBER, "period_days": LONG_NUMBER, "quantity": LONG_NUMBER},
    ),
    FormPage(
        "order-pay-card",
        "owner",
        lambda w: reverse("billing:order-action", kwargs={"order_id": w.payable_order.pk, "action": "pay_card"}),
        lambda w: {"card_token": "tok_sandbox_approve"},
    ),
    FormPage(
        "order-issue",
        "owner",
        lambda w: reverse("billing:order-action", kwargs={"order_id": w.paid_order.pk, "action": "issue"}),
        lambda w: {"quantity": "10"},
        optional=frozenset({"quantity"}),
        too_long={"quantity": LONG_NUMBER},
    ),
    FormPage(
        "order-refund",
        "owner",
        lambda w: reverse("billing:order-action", kwargs={"order_id": w.deposit_paid_order.pk, "action": "refund"}),
        lambda w: {"bank": "004", "account_number": "12345678901234", "holder": "김대표"},
        too_long={"account_number": LONG_NUMBER + LONG_NUMBER},
    ),
    FormPage(
        "export-request",
        "owner",
        lambda w: reverse("codes:order-export-request", kwargs={"order_id": w.paid_order.pk}),
        lambda w: {"format": "csv"},
    ),
    FormPage(
        "merge-request",
        "owner",
        lambda w: reverse("invoices:merge-request"),
        lambda w: {"payment_ids": w.mergeable_payment_ids},
        too_long={"payment_ids": LONG_NUMBER},
    ),
    FormPage(
        "inquiry",
        "owner",
        lambda w: reverse("support:inquiry-create"),
        lambda w: {"category": "payment", "title": "결제 문의", "body": "결제 내역을 확인하고 싶습니다."},
    ),
    FormPage(
        "quote",
        "owner",
        lambda w: reverse("billing:quote-pdf"),
        lambda w: {"emoticon_id": str(w.emoticon.pk), "period_days": "30", "quantity": "100"},
        too_long={"emoticon_id": LONG_NUMBER, "period_days": LONG_NUMBER, "quantity": LONG_NUMBER},
        method="get",
    ),
    FormPage(
        "order-filter",
        "owner",
        lambda w: reverse("billing:order-list"),
        lambda w: {"status": "paid"},
        optional=frozenset({"status"}),
        method="get",
    ),
    FormPage(
        "catalog-filter",
        "visitor",
        lambda w: reverse("catalog:home"),
        lambda w: {"q": "이모티콘", "sort": "newest", "max_unit_price": "5000"},
        optional=frozenset({"q", "sort", "max_unit_price"}),
        too_long={"max_unit_price": LONG_NUMBER},
        method="get",
    ),
    FormPage(
        "faq-filter",
        "visitor",
        lambda w: reverse("support:home"),
        lambda w: {"category": "payment"},
        optional=frozenset({"category"}),
        method="get",
    ),
    FormPage(
        "backoffice-sales",
        "operator",
        lambda w: reverse("backoffice:sales"),
        lambda w: {"start": "2026-11-01", "end": "2026-11-30"},
        optional=frozenset({"start", "end"}),
        too_long={"start": LONG_TEXT, "end": LONG_TEXT},
        method="get",
    ),
    FormPage(
        "backoffice-partners",
        "operator",
        lambda w: reverse("backoffice:partner-list"),
        lambda w: {"q": "파트너"},
        optional=frozenset({"q"}),
        method="get",
    ),
    FormPage(
        "backoffice-partner-orders",
        "operator",
        lambda w: reverse("backoffice:partner-orders", kwargs={"partner_id": w.owner.partner.pk}),
        lambda w: {"status": "paid"},
        optional=frozenset({"status"}),
        method="get",
    ),
]


def _submit(page: FormPage, world: World, data: dict[str, Any]) -> tuple[Client, Any]:
    client = world.client(page.who)
    url = page.open_url(world, client) if page.open_url else page.url(world)
    if page.method == "get":
        return client, client.get(url, data)
    return client, client.post(url, data)


def _errors_shown(client: Client, response: Any) -> list[str]:
    """The form errors of the page, or the error messages of the page a refusal redirects to; a
    4xx page (a hidden id that names nothing: 404) is a refusal shown too."""
    if 400 <= response.status_code < 500:
        return [f"HTTP {response.status_code}"]
    if response.status_code in (301, 302, 303):
        response = client.get(response.url)
        assert response.status_code < 500
    shown: list[str] = []
    contexts = response.context if isinstance(response.context, list) else [response.context or {}]
    for context in contexts:
        for value in (context.flatten() if hasattr(context, "flatten") else context).values():
            if isinstance(value, forms.BaseForm) and value.is_bound:
                shown.extend(str(error) for errors in value.errors.values() for error in errors)
    messages = response.context.get("messages") if response.context else None
    shown.extend(str(m) for m in messages or [] if m.level >= message_levels.WARNING)
    return shown


class _AnyWorld:
    """Stands in for a World while only the names of a submission's fields are read."""

    def __getattr__(self, attribute: str) -> Any:  # any attribute, of any type the caller reads
        return _AnyWorld()

    def __str__(self) -> str:
        return "0"


def _cases() -> list[Any]:
    return [
        pytest.param(page, name, id=f"{page.name}-{name}")
        for page in FORM_PAGES
        for name in page.valid(_AnyWorld())  # type: ignore[arg-type]
    ]


@pytest.mark.parametrize("page", [pytest.param(p, id=p.name) for p in FORM_PAGES])
def test_the_valid_submission_is_accepted(page: FormPage) -> None:
    world = World()
    client, response = _submit(page, world, page.valid(world))

    assert response.status_code < 400
    assert _errors_shown(client, response) == []


@pytest.mark.parametrize(("page", "name"), _cases())
def test_an_empty_field_is_a_form_error_never_a_500(page: FormPage, name: str) -> None:
    world = World()
    data = {**page.valid(world), name: ""}

    client, response = _submit(page, world, data)

    assert response.status_code < 500
    if name not in page.optional:
        assert _errors_shown(client, response), f"no error shown for an empty {name}"


@pytest.mark.parametrize(("page", "name"), _cases())
def test_a_too_long_field_is_a_form_error_never_a_500(page: FormPage, name: str) -> None:
    world = World()
    data = {**page.valid(world), name: page.too_long.get(name, LONG_TEXT)}

    client, response = _submit(page, world, data)

    assert response.status_code < 500
    if name not in page.checkboxes and (page.method == "post" or name in page.too_long):
        assert _errors_shown(client, response), f"no error shown for a too long {name}"
