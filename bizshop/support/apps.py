"""The customer center (고객센터): FAQ, notices and partners' 1:1 inquiries."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "bizshop.support"
    label = "support"
    verbose_name = _("고객센터")
