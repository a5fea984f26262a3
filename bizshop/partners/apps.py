"""Partner companies, their members and API keys."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "bizshop.partners"
    label = "partners"
    verbose_name = _("파트너")
