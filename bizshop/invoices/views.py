"""마이페이지 › 세금계산서: the partner's invoices (list, PDF) and the merge-request form (병합 발행 신청).

Partner members only (``partner_member_required``: a withdrawn partner's members cannot sign in
to an active partner, so its retained invoices are never shown to it). Another partner's
invoice is a 404, as in the API.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bizshop.core.errors import ApplicationError
from bizshop.invoices import selectors, services
from bizshop.invoices.forms import MergeRequestForm
from bizshop.invoices.months import run_day
from bizshop.invoices.pdf import invoice_pdf
from bizshop.partners.models import Partner
from bizshop.partners.portal import partner_member_required

INVOICE_PAGE_SIZE = 20


@partner_member_required
def invoice_list(request: HttpRequest, partner: Partner) -> HttpResponse:
    invoices = selectors.invoice_list_for_partner(partner=partner).order_by("-write_date", "-id")
    page = Paginator(invoices, INVOICE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "invoices/invoice_list.html", {"page": page})


@partner_member_required
def invoice_pdf_download(request: HttpRequest, partner: Partner, invoice_id: int) -> HttpResponse:
    try:
        invoice = selectors.invoice_get_for_partner(partner=partner, invoice_id=invoice_id)
    except ApplicationError as exc:
        raise Http404(str(exc.message)) from exc
    response = HttpResponse(invoice_pdf(invoice=invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="tax-invoice-{invoice.number}.pdf"'
    return response


@partner_member_required
def merge_request(request: HttpRequest, partner: Partner) -> HttpResponseBase:
    rows = selectors.mergeable_payments_for_partner(partner=partner)
    form = MergeRequestForm(request.POST or None, payment_ids=[row["payment"].pk for row in rows])
    if request.method == "POST" and form.is_valid():
        try:
            services.invoice_merge_request_create(
                partner=partner, payment_ids=form.cleaned_data["payment_ids"], user=request.user
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
                request,
                _("병합 발행 신청이 접수되었습니다. 다음 달 %(day)s일에 한 장의 세금계산서로 발행됩니다.")
                % {"day": run_day()},
            )
            return redirect("invoices:merge-request")
    return render(
        request,
        "invoices/merge_request.html",
        {
            "form": form,
            "rows": rows,
            "run_day": run_day(),
            "deadlines": sorted({(row["month"], row["deadline"]) for row in rows}),
            "requests": selectors.merge_request_list_for_partner(partner=partner)[:50],
        },
    )
