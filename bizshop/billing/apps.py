"""Orders, payments through a gateway, refunds."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "bizshop.billing"
    label = "billing"
    verbose_name = _("주문/결제")
