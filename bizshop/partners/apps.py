"""Partner companies, their members and API keys."""

from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "bizshop.partners"
    label = "partners"
    verbose_name = "파트너"
