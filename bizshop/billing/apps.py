"""Orders, payments through a gateway, refunds."""

from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "bizshop.billing"
    label = "billing"
    verbose_name = "주문/결제"
