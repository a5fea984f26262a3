"""Emoticons, their prices per usage period, and the TOP10 ranking."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "bizshop.catalog"
    label = "catalog"
    verbose_name = _("상품")

    def ready(self) -> None:
        from bizshop.catalog import checks  # noqa: F401  (registers the media/export directories check)
