"""Query filters of the tax-invoice list (``GET /api/v1/invoices/?kind=amended&write_date_from=…``)."""

from __future__ import annotations

import django_filters

from bizshop.core.filters import FilterSet
from bizshop.invoices.models import InvoiceKind, TaxInvoice


class InvoiceFilter(FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=InvoiceKind.choices, help_text="normal, merged, amended")
    write_date_from = django_filters.DateFilter(
        field_name="write_date", lookup_expr="gte", help_text="written on or after this day"
    )
    write_date_to = django_filters.DateFilter(
        field_name="write_date", lookup_expr="lte", help_text="written on or before this day"
    )
    supply_month = django_filters.DateFilter(help_text="first day of the month supplied, e.g. 2026-03-01")

    class Meta:
        model = TaxInvoice
        fields = ["kind", "supply_month"]
