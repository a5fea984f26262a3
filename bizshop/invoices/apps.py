"""Tax invoices (세금계산서): monthly issuance, merged issuance, amendments, PDFs, NTS transmission."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicesConfig(AppConfig):
    name = "bizshop.invoices"
    label = "invoices"
    verbose_name = _("세금계산서")
