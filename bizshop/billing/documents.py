"""견적서, 거래명세서, 영수증: an order's money documents as PDFs (WeasyPrint, Noto Sans CJK KR).

Each carries the shop's business details (settings ``SHOP_*``) and the partner's, the
emoticon, period, quantity, unit price, supply, VAT and total. Quotes are for an order not
made yet; statements and receipts exist once the order was paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from bizshop.billing import errors
from bizshop.billing.models import Order, OrderStatus, Payment
from bizshop.billing.selectors import OrderPrice, order_approved_payment
from bizshop.core.business import Business, shop_business
from bizshop.core.pdf import html_to_pdf
from bizshop.partners.models import Partner

# A quote holds its prices this many days (유효기간); the order is priced again when made.
QUOTE_VALID_DAYS = 14


def partner_business(partner: Partner) -> Business:
    return Business(
        name=partner.name,
        registration_number=partner.business_registration_number,
        representative=partner.representative,
        address=partner.address,
    )


@dataclass(frozen=True)
class Line:
    title: str
    period_days: int
    quantity: int
    unit_price: int
    supply: int
    vat: int
    total: int


def _render(template: str, context: dict[str, Any]) -> bytes:
    # Legal documents stay in Korean whatever language the portal is shown in.
    with translation.override("ko"):
        html = render_to_string(template, {"shop": shop_business(), "generated_at": timezone.localtime(), **context})
    return html_to_pdf(html)


def quote_pdf(*, partner: Partner, price: OrderPrice, today: date | None = None) -> bytes:
    """견적서 for an order not made yet, valid for QUOTE_VALID_DAYS days."""
    today = today or timezone.localdate()
    line = Line(
        title=price.emoticon.title,
        period_days=price.period_days,
        quantity=price.quantity,
        unit_price=price.unit_price,
        supply=price.amounts.supply,
        vat=price.amounts.vat,
        total=price.amounts.total,
    )
    return _render(
        "billing/documents/quote.html",
        {
            "buyer": partner_business(partner),
            "line": line,
            "number": f"Q-{today:%Y%m%d}-{partner.pk}-{price.emoticon.pk}-{price.period_days}-{price.quantity}",
            "issued_on": today,
            "valid_until": today + timedelta(days=QUOTE_VALID_DAYS),
        },
    )


def _order_line(order: Order) -> Line:
    return Line(
        title=order.emoticon_title,
        period_days=order.period_days,
        quantity=order.quantity,
        unit_price=order.unit_price,
        supply=order.supply_amount,
        vat=order.vat_amount,
        total=order.total_amount,
    )


def _paid(order: Order, document: str) -> tuple[Payment, datetime]:
    payment = order_approved_payment(order=order)
    if payment is None or order.paid_at is None:
        raise errors.INVALID_STATE(status=order.status, action=document)
    return payment, timezone.localtime(order.paid_at)


def statement_pdf(*, order: Order) -> bytes:
    """거래명세서 of a paid order."""
    _, paid_at = _paid(order, "statement")
    return _render(
        "billing/documents/statement.html",
        {
            "buyer": partner_business(order.partner),
            "order": order,
            "line": _order_line(order),
            "number": f"S-{order.pk:08d}",
            "issued_on": paid_at.date(),
        },
    )


def receipt_pdf(*, order: Order) -> bytes:
    """영수증 of a paid order; a refunded one says so."""
    payment, paid_at = _paid(order, "receipt")
    return _render(
        "billing/documents/receipt.html",
        {
            "buyer": partner_business(order.partner),
            "order": order,
            "payment": payment,
            "line": _order_line(order),
            "number": f"R-{order.pk:08d}",
            "paid_at": paid_at,
            "refunded": order.status == OrderStatus.REFUNDED,
            "refund_pending": order.status == OrderStatus.REFUND_PENDING,
        },
    )
