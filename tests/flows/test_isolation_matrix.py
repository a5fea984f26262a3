"""Tenant isolation, enumerated: every route of the project is found with Django's URL
resolver, and partner B's API key (API routes) or session (portal pages) on partner A's
objects gets 404 with not one byte of A's data — answered exactly as for an object that does
not exist. A new route taking an object id fails here until it is scoped (or, if it is not a
partner's object, put on the allow-list below with the reason)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bizshop.campaigns.services import delivery_create
from bizshop.codes.models import CodeExport, Issuance
from bizshop.codes.services import code_export_request
from bizshop.invoices.models import TaxInvoice
from bizshop.invoices.months import month_of
from bizshop.invoices.services import invoice_month_run
from bizshop.partners.models import ApiKey, Invitation, Member, Partner
from bizshop.partners.services import member_invite
from bizshop.support.models import Inquiry, InquiryAttachment
from bizshop.support.services import inquiry_create
from bizshop.webhooks.models import WebhookEndpoint, WebhookEvent
from bizshop.webhooks.services import webhook_emit
from tests.factories import MemberFactory
from tests.helpers.api import ApiClient
from tests.helpers.sessions import signed_in
from tests.helpers.uploads import upload

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response
    from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

    from bizshop.billing.models import Order
    from tests.helpers.db import TableRows

MISSING_ID = 2_000_000_000
# Objects that belong to one partner, by the URL keyword that names them.
OBJECT_KWARGS = {
    "order_id",
    "issuance_id",
    "export_id",
    "invoice_id",
    "endpoint_id",
    "delivery_id",
    "member_id",
    "key_id",
    "invitation_id",
    "partner_id",
    "inquiry_id",
    "attachment_id",
    "send_id",
    "recipient_id",
}
# Keywords that pick an action or a format, not an object: a value that exists for every partner.
OTHER_KWARGS = {"action": "refund"}
# Stands for one of partner A's own codes in a body (filled in by ``call``): B naming A's real code
# on A's order must still get 404 and void nothing.
A_CODE = "<one of partner A's codes>"
# Valid request bodies, so that a route which validates its input before looking up the object
# is still asked about the object (an empty body would stop at 422 and prove nothing).
POST_BODIES: dict[str, dict[str, Any]] = {
    "api:order-payment": {"method": "card", "card_token": "tok_sandbox_approve"},
    "api:code-export-list": {"format": "csv"},
    "api:issuance-list": {"quantity": 1},
    "codes:order-export-request": {"format": "csv"},
    "billing:order-action": {"card_token": "tok_sandbox_approve", "quantity": "1"},
    "api:order-code-void": {"code": A_CODE},
    "codes:order-code-void": {"code": A_CODE},
    "api:delivery-list": {
        "channel": "email",
        "template": "{name} {code}",
        "recipients": [{"name": "B사당첨자", "email": "winner-of-b@example.com"}],
    },
    "campaigns:delivery-new": {"channel": "email", "template": "{name} {code}"},
}
# Routes with keywords that are not a partner's object, and why they are outside this matrix.
PUBLIC_ROUTES = {
    "catalog:emoticon-detail": "the public catalog: every emoticon is shown to everyone",
    "partners:invitation-accept": "the token in the invitation link is the credential, not a session",
    "accounts:password-reset-confirm": "Django's signed reset token is the credential, not a session",
    "support:notice-detail": "고객센터 notices are public: every published notice is shown to everyone",
    "accounts:verify-email": "the signed token in the verification link is the credential, not a session",
    "api:emoticon-detail": "the public catalog API: every emoticon on sale is shown to everyone",
    "catalog:image": "emoticon images are public like the catalog (content-hashed names, not ids)",
    "catalog:representative-image-download": "the representative image of a public catalog emoticon",
    "policies:terms-version": "이용약관 versions are public, the same for everyone",
    "policies:privacy-version": "개인정보처리방침 versions are public, the same for everyone",
    "codes:my-sticker": "an end user's sticker image: its HMAC signature binds the URL to one user "
    "(no partner's object; other users and visitors are refused in tests/codes/test_my_stickers.py)",
}
# Staff-only areas: a partner's session must not get in at all (checked below), whatever the object.
OPERATOR_NAMESPACES = {"admin", "backoffice"}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str
    kwargs: frozenset[str]

    @property
    def namespace(self) -> str:
        return self.name.split(":", 1)[0] if ":" in self.name else ""

    @property
    def is_api(self) -> bool:
        return self.namespace == "api"


def _kwargs_of(pattern: Any) -> set[str]:
    regex = getattr(pattern, "regex", None)
    return set(regex.groupindex) if regex is not None else set()


def walk(
    resolver: URLResolver, prefix: str = "", namespace: str = "", kwargs: frozenset[str] = frozenset()
) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        entry_kwargs = kwargs | _kwargs_of(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace or "") if part)
            yield from walk(entry, prefix + str(entry.pattern), inner, frozenset(entry_kwargs))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
            yield Route(name=name, route=prefix + str(entry.pattern), kwargs=frozenset(entry_kwargs))


ALL_ROUTES = sorted(set(walk(get_resolver())), key=lambda r: (r.name, r.route))
SCOPED_ROUTES = [
    r for r in ALL_ROUTES if r.kwargs and r.namespace not in OPERATOR_NAMESPACES and r.name not in PUBLIC_ROUTES
]
OPERATOR_ROUTES = [r for r in ALL_ROUTES if r.namespace == "backoffice"]
UNSCOPED_PAGES = [
    r
    for r in ALL_ROUTES
    if not r.kwargs and r.namespace not in OPERATOR_NAMESPACES and not r.route.startswith("static")
]


def test_the_matrix_finds_the_routes_it_must_cover() -> None:
    names = {r.name for r in SCOPED_ROUTES}

    assert {
        "api:order-detail",
        "api:issuance-detail",
        "api:code-export-file",
        "billing:order-detail",
        "billing:order-action",
        "codes:order-export-file",
        "partners:member-remove",
        "partners:api-key-revoke",
        "partners:invitation-revoke",
        "api:invoice-pdf",
        "support:inquiry-detail",
        "support:inquiry-attachment",
        "api:order-code-void",
        "api:order-stats",
        "codes:order-code-void",
    } <= names


def test_every_route_with_an_id_is_either_in_the_matrix_or_allow_listed() -> None:
    unknown = {
        r.name or r.route: sorted(r.kwargs - OBJECT_KWARGS - set(OTHER_KWARGS))
        for r in SCOPED_ROUTES
        if r.kwargs - OBJECT_KWARGS - set(OTHER_KWARGS) or not r.name
    }

    assert unknown == {}, "new routes with keywords: scope them and add the keyword here, or allow-list them"


class World(TypedDict):
    a: ApiClient  # partner A, with one of everything
    b: ApiClient  # partner B's key
    b_session: Client  # partner B's owner signed in to the portal
    ids: dict[str, int]  # each of A's objects, by the route keyword that names it
    markers: list[str]  # text of A's that must never reach B


@pytest.fixture
def world(
    settings: Settings,
    tmp_path: Path,
    make_partner_api: Callable[[], ApiClient],
    make_order: Callable[..., Order],
    issue_codes: Callable[..., list[str]],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> World:
    """Partner A with one of everything; partner B (key and owner session) with nothing."""
    settings.MEDIA_ROOT = tmp_path
    a: ApiClient = make_partner_api()
    order = make_order(a.partner, quantity=137, paid=True)
    codes = issue_codes(order, quantity=5)
    owner = a.partner.members.get().user
    colleague = MemberFactory(partner=a.partner, role=Member.Role.MEMBER)
    invited = member_invite(partner=a.partner, user=owner, email="invitee-of-a@example.kr")
    with django_capture_on_commit_callbacks(execute=True):
        export = code_export_request(order_id=order.pk, partner=a.partner, file_format="csv")
    assert CodeExport.objects.get(pk=export.pk).status == CodeExport.Status.READY
    invoice_month_run(month=month_of(order.paid_at), deliver=False)
    invoice = TaxInvoice.objects.get(partner=a.partner)
    endpoint = WebhookEndpoint.objects.create(
        partner=a.partner, url="https://hooks.partner-a.example/", events=["order.paid"]
    )
    [delivery_id] = webhook_emit(
        partner_id=a.partner.pk, event=WebhookEvent.ORDER_PAID, data={"company": a.partner.name}
    )
    inquiry = inquiry_create(
        partner=a.partner,
        user=owner,
        category="payment",
        title="A사 1:1 문의 제목",
        body="A사 1:1 문의 본문",
        files=[upload("a-inquiry.txt", b"partner-a-attachment-bytes")],
    )
    delivery = delivery_create(
        order_id=order.pk,
        partner=a.partner,
        channel="email",
        template="{name} {code}",
        recipients=[{"name": "A사당첨자", "email": "winner-of-a@example.com", "phone": "010-4321-8765"}],
    )
    b: ApiClient = make_partner_api()
    b_session = signed_in(b.partner)
    ids = {
        "order_id": order.pk,
        "issuance_id": Issuance.objects.get(order=order).pk,
        "export_id": export.pk,
        "invoice_id": invoice.pk,
        "endpoint_id": endpoint.pk,
        "delivery_id": delivery_id,
        "member_id": colleague.pk,
        "key_id": ApiKey.objects.get(partner=a.partner).pk,
        "invitation_id": invited.invitation.pk,
        "partner_id": a.partner.pk,
        "inquiry_id": inquiry.pk,
        "attachment_id": inquiry.attachments.get().pk,
        "send_id": delivery.pk,
        "recipient_id": delivery.recipients.get().pk,
    }
    markers = [
        a.partner.name,
        a.partner.invoice_email,
        owner.email,
        colleague.user.email,
        "invitee-of-a@example.kr",
        ApiKey.objects.get(partner=a.partner).prefix,
        "hooks.partner-a.example",
        "241,120",  # A's order total: 1,600 × 137 + VAT
        "241120",
        "A사 1:1 문의",
        "a-inquiry.txt",
        "partner-a-attachment-bytes",
        "A사당첨자",
        "winner-of-a@example.com",
        "010-4321-8765",
        "01043218765",
        *codes,
    ]
    return {"a": a, "b": b, "b_session": b_session, "ids": ids, "markers": markers, "code": codes[0]}


def content_of(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def call(world: World, route: Route, method: str, ids: dict[str, int]) -> Response:
    kwargs = {k: (ids[k] if k in OBJECT_KWARGS else OTHER_KWARGS[k]) for k in route.kwargs}
    path = reverse(route.name, kwargs=kwargs)
    body = POST_BODIES.get(route.name, {}) if method == "POST" else None
    if body:
        body = {key: (world["code"] if value == A_CODE else value) for key, value in body.items()}
    if route.is_api:
        b: ApiClient = world["b"]
        return b.client.generic(method, path, json.dumps(body or {}), content_type="application/json")
    if body is not None:
        return world["b_session"].post(path, body)
    return world["b_session"].generic(method, path)


def partner_rows() -> dict[str, list[dict[str, Any]]]:
    rows = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Partner, Member, ApiKey, Invitation, CodeExport, Inquiry, InquiryAttachment)
    }
    for key in rows["ApiKey"]:
        key.pop("last_used_at")  # B's own key records its use
    return rows


@pytest.mark.parametrize("route", SCOPED_ROUTES, ids=lambda r: r.name)
def test_partner_b_on_partner_a_object_gets_404_and_nothing_of_a(
    world: World, route: Route, db_rows: Callable[[], TableRows]
) -> None:
    before = (db_rows(), partner_rows())
    missing = {k: MISSING_ID for k in OBJECT_KWARGS}
    statuses = []
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        theirs = call(world, route, method, world["ids"])
        body = content_of(theirs)
        absent = call(world, route, method, missing)

        assert theirs.status_code in (404, 405), f"{method} {route.route}: {theirs.status_code}"
        assert theirs.status_code == absent.status_code, f"{method} {route.route} differs from a missing object"
        leaked = [m for m in world["markers"] if m.encode() in body]
        assert leaked == [], f"{method} {route.route} shows partner A's data"
        statuses.append(theirs.status_code)

    assert 404 in statuses
    assert (db_rows(), partner_rows()) == before


@pytest.mark.parametrize("route", UNSCOPED_PAGES, ids=lambda r: r.name or r.route)
def test_partner_b_never_sees_partner_a_data_on_any_page(world: World, route: Route) -> None:
    response = call(world, route, "GET", {})

    leaked = [m for m in world["markers"] if m.encode() in content_of(response)]
    assert leaked == [], f"GET {route.route} shows partner A's data"


@pytest.mark.parametrize("route", OPERATOR_ROUTES, ids=lambda r: r.name)
def test_a_partner_session_does_not_get_into_operator_pages(world: World, route: Route) -> None:
    response = call(world, route, "GET", world["ids"])

    assert response.status_code in (302, 403, 404)
    assert [m for m in world["markers"] if m.encode() in content_of(response)] == []
