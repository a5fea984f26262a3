"""The usage-guide PDF read back: each registration deadline once, and its facts table inside the page."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from pypdf import PdfReader
from weasyprint import HTML

from bizshop.billing.models import Order
from bizshop.codes.guide import guide_html
from bizshop.codes.models import Issuance
from tests.helpers.api import ApiClient

if TYPE_CHECKING:
    from pytest_django import Settings

SHARED = timezone.make_aware(datetime(2027, 3, 6, 14, 31, 5))
LATER = timezone.make_aware(datetime(2027, 4, 2, 9, 5, 40))


def tranches(order: Order, *deadlines: datetime) -> None:
    """One issuance per deadline, issued before the guide is asked for."""
    for deadline in deadlines:
        Issuance.objects.create(order=order, quantity=10, issued_count=10, registration_deadline=deadline)


def guide_text(api: ApiClient, order: Order) -> str:
    response = api.get(f"/api/v1/orders/{order.pk}/guide.pdf")
    assert response.status_code == 200
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_two_tranches_with_one_deadline_print_it_once(api: ApiClient, paid_order: Order) -> None:
    tranches(paid_order, SHARED, SHARED.replace(second=50), LATER)

    text = guide_text(api, paid_order)

    assert text.count("2027년 3월 6일 14:31") == 1
    assert text.count("2027년 4월 2일 09:05") == 1


def boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", None) or []:
        yield from boxes(child)


def test_the_guides_facts_table_stays_inside_the_page_margins(paid_order: Order, settings: Settings) -> None:
    settings.SITE_URL = "https://emoticon-bizshop-partners.example.co.kr"  # a long registration address
    Order.objects.filter(pk=paid_order.pk).update(emoticon_title="춘식이의 아주 길고 긴 여름휴가 이야기 " * 3)
    paid_order.refresh_from_db()
    tranches(paid_order, SHARED, LATER)

    document = HTML(string=guide_html(order=paid_order)).render()

    for page in document.pages:
        page_box = page._page_box
        content_right = page_box.content_box_x() + page_box.width
        overflowing = [
            (type(box).__name__, getattr(box, "element_tag", ""), round(box.border_box_x() + box.border_width(), 1))
            for box in boxes(page_box)
            if box is not page_box and box.border_box_x() + box.border_width() > content_right + 0.01
        ]
        assert overflowing == [], f"past the right margin ({content_right:.1f}px): {overflowing}"
    assert any(box.element_tag == "table" for box in boxes(document.pages[0]._page_box))  # the table was laid out
