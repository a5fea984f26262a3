"""Webhooks: signed event deliveries to partners' endpoints, retried with backoff, replayable."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "bizshop.webhooks"
    label = "webhooks"
    verbose_name = _("웹훅")

    def ready(self) -> None:
        from bizshop.partners.withdrawal import withdrawal_answer_register
        from bizshop.webhooks import checks  # noqa: F401  (registers the keyring check)
        from bizshop.webhooks.withdrawal import WITHDRAWAL_ANSWER

        withdrawal_answer_register(WITHDRAWAL_ANSWER)
