"""Webhooks' answer to a partner's withdrawal (탈퇴): no event (a code registered later, say) is
sent to the withdrawn partner's systems again; endpoints are disabled, their log kept."""

from __future__ import annotations

from django.utils import timezone

from bizshop.partners.models import Partner
from bizshop.partners.withdrawal import WithdrawalAnswer
from bizshop.webhooks.models import WebhookEndpoint


def _purge(partner: Partner) -> dict[str, int]:
    disabled = WebhookEndpoint.objects.filter(partner=partner, disabled_at__isnull=True).update(
        disabled_at=timezone.now()
    )
    return {"disabled_webhook_endpoints": disabled}


WITHDRAWAL_ANSWER = WithdrawalAnswer(app="webhooks", order=20, purge=_purge)
