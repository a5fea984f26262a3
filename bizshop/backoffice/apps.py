"""The operators' back office: audit of operator actions, sales dashboard, operator groups."""

from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "bizshop.backoffice"
    label = "backoffice"
    verbose_name = "운영"
