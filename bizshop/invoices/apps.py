"""Tax invoices (세금계산서): monthly issuance, merged issuance, amendments, PDFs, NTS transmission."""

from django.apps import AppConfig


class InvoicesConfig(AppConfig):
    name = "bizshop.invoices"
    label = "invoices"
    verbose_name = "세금계산서"
