"""Tax invoices (세금계산서): monthly issuance, merged issuance, amendments, PDFs, NTS transmission."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicesConfig(AppConfig):
    name = "bizshop.invoices"
    label = "invoices"
    verbose_name = _("세금계산서")

    def ready(self) -> None:
        from bizshop.billing.hooks import on_payment_refunded
        from bizshop.invoices.amendments import invoice_amend_on_refund
        from bizshop.invoices.withdrawal import WITHDRAWAL_ANSWER
        from bizshop.partners.withdrawal import withdrawal_answer_register

        # A refund of an invoiced payment commits only with its amendment.
        on_payment_refunded(invoice_amend_on_refund)
        withdrawal_answer_register(WITHDRAWAL_ANSWER)
