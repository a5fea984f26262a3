"""Webhooks: signed event deliveries to partners' endpoints, retried with backoff, replayable."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "bizshop.webhooks"
    label = "webhooks"
    verbose_name = _("웹훅")
