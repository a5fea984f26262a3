"""마이페이지 portal pages of orders: 구매내역, an order with its payments and codes, and the order actions.

Every action calls exactly one service; an ``ApplicationError`` becomes a message on the page
carrying the same Korean text the API gives. Another partner's order is a 404, as in the API.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bizshop.billing import documents, errors, selectors, services
from bizshop.billing.banks import BANKS
from bizshop.billing.forms import CardPaymentForm, IssueForm, OrderFilterForm, OrderForm, OrderMemoForm, QuoteForm
from bizshop.billing.gateways import get_gateway
from bizshop.billing.gateways.portone import PortOneGateway, payment_id_new
from bizshop.billing.gateways.sandbox import SandboxGateway
from bizshop.billing.models import Order, OrderStatus, PaymentMethod, PaymentStatus
from bizshop.billing.selectors import OrderAction
from bizshop.catalog.pages import emoticon_detail_context
from bizshop.catalog.selectors import emoticon_list_on_sale
from bizshop.codes import export as code_export
from bizshop.codes import selectors as code_selectors
from bizshop.codes import services as code_services
from bizshop.codes.charts import registrations_chart
from bizshop.codes.crypto import get_keyring
from bizshop.codes.format import display as display_code
from bizshop.codes.models import CodeStatus
from bizshop.core.errors import ApplicationError
from bizshop.partners.models import Partner
from bizshop.partners.portal import partner_member_required

ORDER_PAGE_SIZE = 20
CODES_SHOWN = 50
# Up to this many codes the workbook is made while the partner waits; beyond, in the background.
# Which field of the order form a refusal of order_create is about.
ORDER_ERROR_FIELDS = {"invalid_period": "period_days", "quantity_out_of_range": "quantity"}


def _order_or_404(partner: Partner, order_id: int) -> Order:
    try:
        return selectors.order_get_for_partner(partner=partner, order_id=order_id)
    except ApplicationError as exc:
        raise Http404(str(exc.message)) from exc


def _is_sandbox() -> bool:
    return isinstance(get_gateway(), SandboxGateway)


# The order page with PortOne's card step: the vendored @portone/browser-sdk (static/vendor/portone)
# loads PortOne's checkout core from PortOne's CDN when the partner pays, and that opens the card
# company's window in a frame. Only this page's policy is widened, and only while PortOne is the PG.
PORTONE_CSP = {
    "script-src": ["https://cdn.portone.io"],
    "frame-src": ["'self'", "https:"],
    "connect-src": ["'self'", "https://*.portone.io", "https://*.iamport.co"],
}


def _portone_checkout(request: HttpRequest, order: Order) -> dict[str, Any] | None:
    """What the page passes to ``PortOne.requestPayment`` when PortOne is the PG: a fresh payment
    id naming this order (the server confirms the payment by it), the public store id and channel
    key, and where a phone's browser comes back after paying in the card company's pages."""
    if not isinstance(get_gateway(), PortOneGateway):
        return None
    return {
        "redirectUrl": request.build_absolute_uri(reverse("billing:order-portone-return", args=[order.pk])),
        "storeId": settings.PORTONE_STORE_ID,
        "channelKey": settings.PORTONE_CHANNEL_KEY,
        "paymentId": payment_id_new(order_reference=str(order.pk)),
        "orderName": _("이모티콘 비즈샵 주문 #%(id)s %(title)s") % {"id": order.pk, "title": order.emoticon_title},
        "totalAmount": order.total_amount,
        "currency": "CURRENCY_KRW",
        "payMethod": "CARD",
    }


@partner_member_required
def order_list(request: HttpRequest, partner: Partner) -> HttpResponse:
    """구매내역, filtered by status, memo or emoticon words and order dates; bad filters are the form's errors."""
    filter_form = OrderFilterForm(request.GET or None)
    if filter_form.is_bound and not filter_form.is_valid():
        context: dict[str, Any] = {"page": None, "filter_form": filter_form, "query": "", "invalid": True}
        return render(request, "billing/order_list.html", context, status=422)
    filters = filter_form.filters() if filter_form.is_bound else {}
    orders = selectors.order_list_filtered(partner=partner, **filters)
    page = Paginator(orders, ORDER_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filter_form": filter_form,
        "query": query.urlencode(),
        "filtered": any(filters.values()),
    }
    return render(request, "billing/order_list.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


# A cell starting with one of these is a formula to Excel: a memo must stay text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _seoul(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


ORDER_CSV_HEADER = [
    "주문번호",
    "주문일시",
    "이모티콘",
    "사용기간(일)",
    "수량",
    "단가(원)",
    "공급가액(원)",
    "부가세(원)",
    "결제금액(원)",
    "상태",
    "결제일시",
    "발급수량",
    "등록수량",
    "메모",
]


@partner_member_required
def order_list_csv(request: HttpRequest, partner: Partner) -> HttpResponseBase:
    """The (filtered) 구매내역 as CSV for Excel: UTF-8 with BOM, Korean headers, whole won, KST, streamed."""
    filter_form = OrderFilterForm(request.GET or None)
    if filter_form.is_bound and not filter_form.is_valid():
        context = {"page": None, "filter_form": filter_form, "query": "", "invalid": True}
        return render(request, "billing/order_list.html", context, status=422)
    orders = selectors.order_list_filtered(partner=partner, **(filter_form.filters() if filter_form.is_bound else {}))

    def rows() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield "\ufeff"  # Excel opens UTF-8 Korean text correctly only with the BOM
        yield writer.writerow(ORDER_CSV_HEADER)
        for order in orders.iterator(chunk_size=2_000):
            yield writer.writerow(
                [
                    order.pk,
                    _seoul(order.created_at),
                    _csv_text(order.emoticon_title),
                    order.period_days,
                    order.quantity,
                    order.unit_price,
                    order.supply_amount,
                    order.vat_amount,
                    order.total_amount,
                    order.get_status_display(),
                    _seoul(order.paid_at),
                    order.issued_quantity,
                    order.registered_quantity,  # type: ignore[attr-defined]
                    _csv_text(order.memo),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    filename = f"orders-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@partner_member_required
def order_memo(request: HttpRequest, partner: Partner, order_id: int) -> HttpResponse:
    """메모 on the order page: the partner's own note; too long is said on the page and changes nothing."""
    order = _order_or_404(partner, order_id)
    form = OrderMemoForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("memo", []):
            messages.error(request, str(error))
        return redirect(reverse("billing:order-detail", kwargs={"order_id": order.pk}) + "#memo")
    try:
        services.order_memo_update(partner=partner, order_id=order.pk, memo=form.cleaned_data["memo"])
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404(str(exc.message)) from exc
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("메모를 저장했습니다."))
    return redirect(reverse("billing:order-detail", kwargs={"order_id": order.pk}) + "#memo")


@require_POST
@partner_member_required
def order_create(request: HttpRequest, partner: Partner) -> HttpResponse:
    form = OrderForm(request.POST)
    if form.is_valid():
        try:
            order = services.order_create(
                partner=partner,
                emoticon_id=form.cleaned_data["emoticon_id"],
                period_days=form.cleaned_data["period_days"],
                quantity=form.cleaned_data["quantity"],
            )
        except ApplicationError as exc:
            if exc.code not in ORDER_ERROR_FIELDS:
                # The emoticon itself cannot be bought (gone or off sale): nothing to correct in the form.
                messages.error(request, str(exc.message))
                return redirect("catalog:home")
            form.add_error(ORDER_ERROR_FIELDS[exc.code], str(exc.message))
        else:
            messages.success(request, _("주문이 생성되었습니다. 결제를 진행해 주세요."))
            return redirect("billing:order-detail", order_id=order.pk)
    emoticon_id = form.cleaned_data.get("emoticon_id")
    emoticon = emoticon_list_on_sale().filter(pk=emoticon_id).first() if emoticon_id else None
    if emoticon is None:
        raise Http404(_("이모티콘을 찾을 수 없습니다."))
    form.show_for(emoticon)
    return render(request, "catalog/emoticon_detail.html", emoticon_detail_context(request, emoticon, form))


@partner_member_required
def order_detail(request: HttpRequest, partner: Partner, order_id: int) -> HttpResponse:
    order = _order_or_404(partner, order_id)
    codes = code_selectors.code_list_for_order(order=order)
    keyring = get_keyring()
    shown_codes = [
        {
            "code": display_code(keyring.decrypt(code.key_id, code.ciphertext)),
            "status": CodeStatus(code_selectors.code_effective_status(code)).label,
            "registration_deadline": code.issuance.registration_deadline,
            "registered_at": code.registered_at,
        }
        for code in codes.order_by("id")[:CODES_SHOWN]
    ]
    issuances = list(code_selectors.issuance_list_for_order(order=order))
    campaign = code_selectors.order_campaign_stats(order_id=order.pk) if issuances else None
    actions = selectors.order_available_actions(order)
    payment = selectors.order_payment(order=order)
    context = {
        "order": order,
        "events": selectors.order_event_list(order=order),
        "has_paid_documents": order.paid_at is not None,
        "can_quote": OrderAction.PAY_CARD in actions,
        "virtual_account": (
            selectors.order_virtual_account(order=order) if order.status == OrderStatus.AWAITING_DEPOSIT else None
        ),
        "issuances": issuances,
        # The page follows the worker's progress live while a tranche is being created.
        "issuing": any(not code_selectors.issuance_is_finished(issuance) for issuance in issuances),
        "codes": shown_codes,
        "campaign": campaign,
        "chart": registrations_chart(campaign.registrations_by_day) if campaign else None,
        # Code rows, replacements included (order_campaign_stats reads no code to count them).
        "codes_count": campaign.issued if campaign else 0,
        "registered_count": campaign.registered if campaign else 0,
        "sandbox": _is_sandbox(),
        "can_pay": OrderAction.PAY_CARD in actions,
        "portone": _portone_checkout(request, order) if OrderAction.PAY_CARD in actions else None,
        # A card payment the PG has not confirmed yet: settled by the reconciliation within minutes.
        "payment_pending": order.status == OrderStatus.PENDING_PAYMENT
        and any(p.status == PaymentStatus.PENDING for p in order.payments.all()),
        "can_sandbox_deposit": OrderAction.SANDBOX_DEPOSIT in actions and _is_sandbox(),
        "can_cancel": OrderAction.CANCEL in actions,
        "can_issue": OrderAction.ISSUE in actions,
        "can_refund": OrderAction.REFUND in actions,
        "payment": payment,
        "refund_needs_account": payment is not None and payment.method == PaymentMethod.VIRTUAL_ACCOUNT,
        "banks": BANKS,
        # The refusal the refund service would give, shown before anyone presses a button.
        "refund_refusal": _refund_refusal(order),
        "card_form": CardPaymentForm(),
        "xlsx_direct": order.issued_quantity <= code_export.xlsx_direct_limit(),
        "exports": code_selectors.code_export_list_for_order(order=order)[:10],
        "memo_form": OrderMemoForm(initial={"memo": order.memo}),
    }
    response = render(request, "billing/order_detail.html", context)
    if context["portone"] is not None:
        response._csp_update = PORTONE_CSP  # type: ignore[attr-defined]  # read by django-csp's middleware
    return response


def _refund_refusal(order: Order) -> str | None:
    """Why the order cannot be refunded, when the reason is its issued codes (not merely its state)."""
    refusal = selectors.order_action_refusal(order, OrderAction.REFUND)
    return str(refusal.message) if refusal is not None and refusal.code == errors.CODES_ALREADY_ISSUED.code else None


class _Unreadable(Exception):
    """The action's input could not be parsed, so no service was called."""


def _pay_card(request: HttpRequest, partner: Partner, order: Order) -> str:
    # The token goes to the PG as typed: approving or declining it is the gateway's call, not the form's.
    # With PortOne it is the paymentId the page's PortOne.requestPayment paid; the server checks it there.
    services.order_pay_by_card(order_id=order.pk, partner=partner, card_token=request.POST.get("card_token", ""))
    return _("카드 결제가 완료되었습니다.")


@partner_member_required
def order_portone_return(request: HttpRequest, partner: Partner, order_id: int) -> HttpResponse:
    """PortOne sends a phone's browser back here (``redirectUrl``) with ``?paymentId=…`` after a
    payment, or ``&code=…&message=…`` when it did not go through. The payment id is only a pointer:
    it is confirmed with PortOne exactly as the desktop page's POST is, so repeating this changes nothing."""
    order = _order_or_404(partner, order_id)
    if request.GET.get("code"):
        messages.error(
            request,
            _("결제가 완료되지 않았습니다: %(message)s") % {"message": request.GET.get("message", "")[:200]},
        )
        return redirect("billing:order-detail", order_id=order.pk)
    try:
        services.order_pay_by_card(order_id=order.pk, partner=partner, card_token=request.GET.get("paymentId", ""))
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404(str(exc.message)) from exc
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("카드 결제가 완료되었습니다."))
    return redirect("billing:order-detail", order_id=order.pk)


def _pay_virtual_account(request: HttpRequest, partner: Partner, order: Order) -> str:
    services.order_open_virtual_account(order_id=order.pk, partner=partner)
    return _("가상계좌가 발급되었습니다. 입금기한 안에 입금해 주세요.")


def _sandbox_deposit(request: HttpRequest, partner: Partner, order: Order) -> str:
    services.sandbox_deposit_send(order_id=order.pk, partner=partner)
    return _("입금이 확인되어 결제가 완료되었습니다.")


def _issue(request: HttpRequest, partner: Partner, order: Order) -> str:
    form = IssueForm(request.POST)
    if not form.is_valid():
        raise _Unreadable(form.errors["quantity"][0])
    issuance = code_services.issuance_start(order_id=order.pk, partner=partner, quantity=form.cleaned_data["quantity"])
    return _("일련번호 %(count)s개 발급을 요청했습니다.") % {"count": f"{issuance.quantity:,}"}


def _refund(request: HttpRequest, partner: Partner, order: Order) -> str:
    account = {name: request.POST.get(name, "") for name in ("bank", "account_number", "holder")}
    try:
        refunded = services.order_refund(order_id=order.pk, partner=partner, refund_account=account)
    except ApplicationError as exc:
        if exc.code != errors.INVALID_REFUND_ACCOUNT.code:
            raise
        # Each bad field says what is wrong with it, after the summary.
        problems = [message for field in exc.details["fields"].values() for message in field]
        raise _Unreadable(" ".join([str(exc.message), *problems])) from exc
    if refunded.status == OrderStatus.REFUND_PENDING:
        return _("환불 요청이 접수되었습니다. 입력하신 계좌로 환불해 드립니다.")
    return _("환불이 완료되었습니다.")


def _cancel(request: HttpRequest, partner: Partner, order: Order) -> str:
    services.order_cancel(order_id=order.pk, partner=partner)
    return _("주문이 취소되었습니다.")


ORDER_ACTIONS: dict[str, Callable[[HttpRequest, Partner, Order], str]] = {
    "pay_card": _pay_card,
    "pay_virtual_account": _pay_virtual_account,
    "sandbox_deposit": _sandbox_deposit,
    "issue": _issue,
    "refund": _refund,
    "cancel": _cancel,
}


@require_POST
@partner_member_required
def order_action(request: HttpRequest, partner: Partner, order_id: int, action: str) -> HttpResponse:
    run = ORDER_ACTIONS.get(action)
    if run is None:
        raise Http404(_("알 수 없는 요청입니다."))
    order = _order_or_404(partner, order_id)
    try:
        done = run(request, partner, order)
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404(str(exc.message)) from exc
        messages.error(request, str(exc.message))
    except _Unreadable as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(reverse("billing:order-detail", kwargs={"order_id": order.pk}))


def _pdf_download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _paid_document(request: HttpRequest, partner: Partner, order_id: int, render: Callable[..., bytes]) -> HttpResponse:
    order = _order_or_404(partner, order_id)
    try:
        content = render(order=order)
    except ApplicationError:
        messages.error(request, _("결제가 끝난 주문만 거래명세서와 영수증을 받을 수 있습니다."))
        return redirect("billing:order-detail", order_id=order.pk)
    return _pdf_download(content, f"bizshop-order-{order.pk}-{render.__name__.removesuffix('_pdf')}.pdf")


@partner_member_required
def order_statement_pdf(request: HttpRequest, partner: Partner, order_id: int) -> HttpResponse:
    """거래명세서 PDF."""
    return _paid_document(request, partner, order_id, documents.statement_pdf)


@partner_member_required
def order_receipt_pdf(request: HttpRequest, partner: Partner, order_id: int) -> HttpResponse:
    """영수증 PDF."""
    return _paid_document(request, partner, order_id, documents.receipt_pdf)


@partner_member_required
def quote_pdf(request: HttpRequest, partner: Partner) -> HttpResponse:
    """견적서 PDF for ?emoticon_id=&period_days=&quantity=, priced exactly as an order would be."""
    form = QuoteForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("견적서를 만들 이모티콘, 사용기간, 수량을 확인해 주세요."))
        return redirect("catalog:home")
    try:
        price = selectors.order_price(**form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("catalog:home")
    return _pdf_download(
        documents.quote_pdf(partner=partner, price=price),
        f"bizshop-quote-{price.emoticon.pk}-{price.period_days}d-{price.quantity}.pdf",
    )
