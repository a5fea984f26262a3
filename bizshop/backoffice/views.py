"""Operator pages: the sales dashboard (SVG chart, CSV export) and any partner's orders, each permission-checked."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bizshop.accounts.models import User
from bizshop.backoffice import selectors
from bizshop.backoffice.charts import bar_chart_svg, won
from bizshop.backoffice.models import OperatorAction
from bizshop.backoffice.services import operator_action_record
from bizshop.billing.models import Order
from bizshop.core.errors import ApplicationError
from bizshop.partners.models import Partner

View = Callable[..., HttpResponseBase]


def operator_required(permission: str) -> Callable[[View], View]:
    """Staff only (others go to the admin login); staff without ``permission`` get 403."""

    def decorate(view: View) -> View:
        @staff_member_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.has_perm(permission):
                raise PermissionDenied(permission)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def _admin_context(request: HttpRequest, title: str) -> dict[str, Any]:
    return {**admin.site.each_context(request), "title": title}


@operator_required("backoffice.view_sales_dashboard")
def sales_dashboard(request: HttpRequest) -> HttpResponseBase:
    today = timezone.localdate()
    context = _admin_context(request, _("매출 현황"))
    try:
        first, last = selectors.sales_range_parse(
            start=request.GET.get("start"), end=request.GET.get("end"), today=today
        )
    except ApplicationError as exc:
        context.update(error=exc, start=request.GET.get("start", ""), end=request.GET.get("end", ""))
        return render(request, "backoffice/sales.html", context, status=exc.status)
    if request.GET.get("format") == "csv":
        return _sales_csv(request, first, last)
    days = selectors.sales_by_day(first=first, last=last)
    emoticons = selectors.sales_by_emoticon(first=first, last=last)
    context.update(
        start=first.isoformat(),
        end=last.isoformat(),
        days=days,
        emoticons=emoticons,
        totals={
            "transactions": sum(day.transactions for day in days),
            "units": sum(day.units for day in days),
            "supply_amount": sum(day.supply_amount for day in days),
            "total_amount": sum(day.total_amount for day in days),
        },
        revenue_chart=bar_chart_svg(
            [(f"{day.day:%m-%d}", day.supply_amount) for day in days], title=_("일별 매출(공급가액)")
        ),
        units_chart=bar_chart_svg(
            [(f"{day.day:%m-%d}", day.units) for day in days],
            title=_("일별 판매수량"),
            format_value=lambda units: _("%(count)s개") % {"count": f"{units:,}"},
        ),
        emoticon_chart=bar_chart_svg(
            [(row.title, row.supply_amount) for row in emoticons[:20]],
            title=_("이모티콘별 매출(공급가액)"),
            label_every=1,
        ),
        aggregated_at=selectors.sales_aggregated_at(),
    )
    return render(request, "backoffice/sales.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _sales_csv(request: HttpRequest, first: Any, last: Any) -> StreamingHttpResponse:
    with transaction.atomic():
        operator_action_record(
            operator=request.user,  # type: ignore[arg-type]
            kind=OperatorAction.Kind.SALES_EXPORTED,
            target=request.user,  # type: ignore[arg-type]
            data={"start": first.isoformat(), "end": last.isoformat()},
        )

    def rows() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield "\ufeff"  # Excel opens UTF-8 Korean text correctly only with the BOM
        yield writer.writerow(
            ["일자", "이모티콘ID", "이모티콘명", "거래건수", "판매수량", "공급가액(원)", "합계(원, VAT 포함)"]
        )
        for row in selectors.sales_rows(first=first, last=last).iterator(chunk_size=2_000):
            yield writer.writerow(
                [
                    row.day.isoformat(),
                    row.emoticon_id,
                    row.emoticon.title,
                    row.transactions,
                    row.units,
                    row.supply_amount,
                    row.total_amount,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bizshop-sales-{first}-{last}.csv"'
    return response


@operator_required("backoffice.view_partner_orders")
def partner_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    partners = Partner.objects.order_by("name", "id")
    if query:
        partners = partners.filter(name__icontains=query) | partners.filter(business_registration_number=query)
    page = Paginator(partners, 50).get_page(request.GET.get("page"))
    context = _admin_context(request, _("파트너 주문내역"))
    context.update(page=page, query=query)
    return render(request, "backoffice/partner_list.html", context)


@operator_required("backoffice.view_partner_orders")
def partner_orders(request: HttpRequest, partner_id: int) -> HttpResponse:
    """Any partner's orders, for support and billing; each viewing is written to the audit log."""
    partner = get_object_or_404(Partner, pk=partner_id)
    operator: User = request.user  # type: ignore[assignment]
    with transaction.atomic():
        operator_action_record(
            operator=operator,
            kind=OperatorAction.Kind.PARTNER_ORDERS_VIEWED,
            target=partner,
            data={"page": request.GET.get("page", "1"), "status": request.GET.get("status", "")},
        )
    orders = Order.objects.filter(partner=partner).order_by("-id")
    status = request.GET.get("status", "")
    if status:
        orders = orders.filter(status=status)
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    context = _admin_context(request, _("%(partner)s 주문내역") % {"partner": partner.name})
    context.update(partner=partner, page=page, status=status, statuses=Order._meta.get_field("status").choices)
    return render(request, "backoffice/partner_orders.html", context)


__all__ = ["partner_list", "partner_orders", "sales_dashboard", "won"]
