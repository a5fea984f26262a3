"""Webhooks: signed event deliveries to partners' endpoints, retried with backoff, replayable."""

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "bizshop.webhooks"
    label = "webhooks"
    verbose_name = "웹훅"
