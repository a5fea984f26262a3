"""마이페이지 › 주문 › 코드 보내기: upload winners, preview, send; follow a delivery, resend, CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bizshop.accounts.models import User
from bizshop.billing.models import Order
from bizshop.billing.selectors import order_get_for_partner
from bizshop.campaigns import errors, recipients, selectors, services
from bizshop.campaigns.forms import DeliveryForm
from bizshop.campaigns.messages import Values, template_check
from bizshop.campaigns.messages import render as render_text
from bizshop.campaigns.models import Delivery, Recipient
from bizshop.codes import export
from bizshop.core.errors import ApplicationError
from bizshop.partners.models import Partner
from bizshop.partners.portal import partner_member_required

SAMPLE_CODE = "ABCDE-12345-FGHJK-6789M"
ERROR_ROWS_SHOWN = 200
PROBLEMS = {
    "required": _("비어 있음"),
    "invalid": _("형식이 올바르지 않음"),
    "duplicate": _("앞 행과 중복"),
    "too_long": _("너무 김"),
}


def _own_order(partner: Partner, order_id: int) -> Order:
    try:
        return order_get_for_partner(partner=partner, order_id=order_id)
    except ApplicationError as exc:
        raise Http404(str(exc.message)) from exc


def _own_delivery(partner: Partner, order_id: int, send_id: int) -> Delivery:
    try:
        return selectors.delivery_get(order_id=order_id, partner=partner, delivery_id=send_id)
    except ApplicationError as exc:
        raise Http404(str(exc.message)) from exc


def _preview(order: Order, template: str, row: dict[str, Any]) -> str:
    deadline = (
        order.issuances.order_by("-registration_deadline").values_list("registration_deadline", flat=True).first()
    )
    values = Values(
        name=str(row.get("name") or ""),
        title=order.emoticon.title,
        code=SAMPLE_CODE,
        period_days=order.period_days,
        deadline=deadline or timezone.now(),
        registration_url=export.code_registration_url(SAMPLE_CODE),
    )
    return render_text(template, values)


@partner_member_required
def delivery_new(request: HttpRequest, partner: Partner, order_id: int) -> HttpResponse:
    """코드 보내기: the form; a POST previews (action=preview) or sends (action=send)."""
    order = _own_order(partner, order_id)
    context: dict[str, Any] = {
        "order": order,
        "deliveries": selectors.delivery_list_for_order(order_id=order.pk)[:20],
        "free_codes": selectors.free_codes_for_order(order_id=order.pk).count(),
    }
    if request.method != "POST":
        context["form"] = DeliveryForm()
        return render(request, "campaigns/delivery_new.html", context)
    form = DeliveryForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, "campaigns/delivery_new.html", context, status=422)
    upload = form.cleaned_data["file"]
    template = form.cleaned_data["template"]
    channel = form.cleaned_data["channel"]
    try:
        template_check(template)
        rows = recipients.rows_from_file(name=upload.name, content=upload.read())
        if rows:
            context["preview"] = _preview(order, template, rows[0])
        recipients.validate_rows(channel=channel, rows=list(rows))
        if not rows:
            raise errors.INVALID_RECIPIENTS(rows=[])
        context["row_count"] = len(rows)
        if request.POST.get("action") != "send":
            return render(request, "campaigns/delivery_new.html", context)
        user = request.user if isinstance(request.user, User) else None
        delivery = services.delivery_create(
            order_id=order.pk, partner=partner, channel=channel, template=template, recipients=list(rows), user=user
        )
    except ApplicationError as exc:
        context["error"] = exc
        bad_rows = exc.details.get("rows", [])
        context["bad_rows"] = [
            {**row, "problem_text": PROBLEMS.get(row["problem"], row["problem"])} for row in bad_rows[:ERROR_ROWS_SHOWN]
        ]
        context["bad_rows_more"] = max(len(bad_rows) - ERROR_ROWS_SHOWN, 0)
        return render(request, "campaigns/delivery_new.html", context, status=422)
    messages.success(request, _("코드 보내기를 시작했습니다. 진행 상황이 이 페이지에서 갱신됩니다."))
    return redirect("campaigns:delivery-detail", order.pk, delivery.pk)


@partner_member_required
def delivery_detail(request: HttpRequest, partner: Partner, order_id: int, send_id: int) -> HttpResponse:
    delivery = _own_delivery(partner, order_id, send_id)
    wanted = request.GET.get("status") or None
    if wanted not in (None, *selectors.RECIPIENT_STATUS_FILTERS):
        wanted = None
    page = Paginator(selectors.recipient_list(delivery=delivery, status=wanted).order_by("row_number"), 100).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "recipient": recipient,
            "status": selectors.recipient_status(recipient),
            **selectors.recipient_contacts(recipient),
        }
        for recipient in page.object_list
    ]
    counts = selectors.delivery_counts(delivery=delivery)
    return render(
        request,
        "campaigns/delivery_detail.html",
        {
            "order": delivery.order,
            "delivery": delivery,
            "counts": counts,
            "done_count": counts["sent"] + counts["failed"],
            "rows": rows,
            "page": page,
            "status": wanted or "",
            # The filter links, labelled as the rows' statuses are (registered: the code was).
            "statuses": [
                (value, _("등록완료") if value == "registered" else Recipient.Status(value).label)
                for value in selectors.RECIPIENT_STATUS_FILTERS
            ],
        },
    )


@partner_member_required
def delivery_progress(request: HttpRequest, partner: Partner, order_id: int, send_id: int) -> JsonResponse:
    """The delivery page polls this to move its progress bar."""
    delivery = _own_delivery(partner, order_id, send_id)
    counts = selectors.delivery_counts(delivery=delivery)
    response = JsonResponse(
        {
            "status": delivery.status,
            "status_display": delivery.get_status_display(),
            "recipient_count": delivery.recipient_count,
            "counts": counts,
            "finished": delivery.status == Delivery.Status.DONE,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


@partner_member_required
def delivery_recipients_csv(request: HttpRequest, partner: Partner, order_id: int, send_id: int) -> HttpResponseBase:
    """Every recipient with its status, contacts masked (the partner has its own list by row number)."""
    delivery = _own_delivery(partner, order_id, send_id)
    writer = csv.writer(_Echo())

    def lines() -> Iterator[bytes]:
        yield "\ufeff".encode()
        yield writer.writerow(
            [_("행"), _("이름"), _("이메일"), _("휴대폰"), _("상태"), _("시도"), _("오류"), _("발송일시")]
        ).encode()
        query = selectors.recipient_list(delivery=delivery).order_by("row_number")
        for recipient in query.iterator(chunk_size=2000):
            contact = selectors.recipient_contacts(recipient)
            sent_at = timezone.localtime(recipient.sent_at).strftime("%Y-%m-%d %H:%M:%S") if recipient.sent_at else ""
            yield writer.writerow(
                [
                    recipient.row_number,
                    contact["name"] or "",
                    contact["email"] or "",
                    contact["phone"] or "",
                    selectors.recipient_status(recipient),
                    recipient.attempts,
                    recipient.last_error,
                    sent_at,
                ]
            ).encode()

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bizshop-order-{order_id}-delivery-{delivery.pk}.csv"'
    return response


@require_POST
@partner_member_required
def delivery_resend_failed(request: HttpRequest, partner: Partner, order_id: int, send_id: int) -> HttpResponse:
    delivery = _own_delivery(partner, order_id, send_id)
    queued = services.delivery_resend_failed(order_id=order_id, partner=partner, delivery_id=delivery.pk)
    messages.success(request, _("실패한 %(count)d명에게 다시 보냅니다.") % {"count": queued})
    return redirect("campaigns:delivery-detail", order_id, delivery.pk)


@require_POST
@partner_member_required
def recipient_resend(
    request: HttpRequest, partner: Partner, order_id: int, send_id: int, recipient_id: int
) -> HttpResponse:
    delivery = _own_delivery(partner, order_id, send_id)
    if not Recipient.objects.filter(delivery=delivery, pk=recipient_id).exists():
        raise Http404(str(errors.RECIPIENT_NOT_FOUND.message))
    try:
        services.recipient_resend(
            order_id=order_id, partner=partner, delivery_id=delivery.pk, recipient_id=recipient_id
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("다시 보냅니다."))
    return redirect("campaigns:delivery-detail", order_id, delivery.pk)
