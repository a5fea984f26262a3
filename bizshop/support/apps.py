"""The customer center (고객센터): FAQ, notices and partners' 1:1 inquiries."""

from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "bizshop.support"
    label = "support"
    verbose_name = "고객센터"
