"""Orders, payments through a gateway, refunds."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "bizshop.billing"
    label = "billing"
    verbose_name = _("주문/결제")

    def ready(self) -> None:
        from bizshop.billing.withdrawal import WITHDRAWAL_ANSWER
        from bizshop.partners.withdrawal import withdrawal_answer_register

        withdrawal_answer_register(WITHDRAWAL_ANSWER)
