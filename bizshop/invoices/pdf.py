"""The tax invoice (세금계산서) as a PDF (WeasyPrint, Noto Sans CJK KR), rendered from its own stored copy."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from bizshop.core.pdf import html_to_pdf
from bizshop.invoices.models import InvoiceKind, TaxInvoice


def invoice_html(*, invoice: TaxInvoice) -> str:
    # A legal document: always in Korean, whatever language the portal is shown in.
    with translation.override("ko"):
        return render_to_string(
            "invoices/tax_invoice.html",
            {
                "invoice": invoice,
                "lines": list(invoice.lines.order_by("position")),
                "title": "수정세금계산서" if invoice.kind == InvoiceKind.AMENDED else "전자세금계산서",
            },
        )


def invoice_pdf(*, invoice: TaxInvoice) -> bytes:
    # An issued invoice never changes; whatever is shown of it (its state) is in the HTML, so the file
    # kept for the same HTML is the same document.
    return html_to_pdf(invoice_html(invoice=invoice), immutable=True)
