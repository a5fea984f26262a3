"""사용방법 안내 가이드: the usage-guide PDF a partner hands out with its codes (WeasyPrint)."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

import segno
from django.template.loader import render_to_string
from django.utils import timezone, translation

from bizshop.billing.models import Order
from bizshop.codes.export import registration_url
from bizshop.codes.selectors import issuance_list_for_order
from bizshop.core.pdf import html_to_pdf

if TYPE_CHECKING:
    from datetime import datetime

IMAGE_RULES = [
    "대표이미지는 변형 없이 원본 그대로만 사용할 수 있습니다.",
    "대표이미지는 경품 소개 용도로만 사용할 수 있습니다.",
    "대표이미지를 인쇄물로 제작하는 것은 허용되지 않습니다.",
]
STEPS = [
    "문자·이메일로 받은 일련번호(20자리)를 확인합니다.",
    "휴대폰이나 PC에서 아래 등록 페이지에 접속해 로그인합니다.",
    "일련번호를 입력하고 [등록하기]를 누릅니다. 대소문자·띄어쓰기·하이픈(-)은 구분하지 않습니다.",
    "등록이 끝나면 '내 이모티콘'에서 바로 사용할 수 있습니다. 사용기간은 등록한 날부터 계산됩니다.",
]


def _qr_data_uri(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _image_data_uri(order: Order) -> str | None:
    image = order.emoticon.representative_image
    if not image:
        return None
    with image.open("rb") as handle:
        data = handle.read()
    mime = "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
    return f"data:{mime};base64," + base64.b64encode(data).decode()


def registration_deadlines(*, order: Order) -> list[tuple[datetime, int]]:
    """Each registration deadline as the guide prints it (KST, to the minute), with how many codes it
    applies to, earliest first: tranches issued in the same minute share one line."""
    quantities: dict[datetime, int] = {}
    for issuance in issuance_list_for_order(order=order):
        shown = timezone.localtime(issuance.registration_deadline).replace(second=0, microsecond=0)
        quantities[shown] = quantities.get(shown, 0) + issuance.quantity
    return sorted(quantities.items())


def guide_html(*, order: Order) -> str:
    url = registration_url()
    deadlines = registration_deadlines(order=order)
    # Handed out to end users in Korea: always in Korean, whatever language the portal is shown in.
    with translation.override("ko"):
        return render_to_string(
            "codes/guide.html",
            {
                "order": order,
                "registration_url": url,
                "qr_data_uri": _qr_data_uri(url),
                "image_data_uri": _image_data_uri(order),
                "deadlines": deadlines,
                "steps": STEPS,
                "image_rules": IMAGE_RULES,
                "generated_at": timezone.localtime(),
            },
        )


def guide_pdf(*, order: Order) -> bytes:
    return html_to_pdf(guide_html(order=order))
