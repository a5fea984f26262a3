"""The operators' back office: audit of operator actions, sales dashboard, operator groups."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "bizshop.backoffice"
    label = "backoffice"
    verbose_name = _("운영")
