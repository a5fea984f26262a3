"""Sending a promotion's codes to its winners (코드 보내기): e-mail or SMS, per recipient."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "bizshop.campaigns"
    label = "campaigns"
    verbose_name = _("코드 보내기")

    def ready(self) -> None:
        from bizshop.codes.selectors import order_stats_counts_register
        from bizshop.codes.services import code_replaced_hook_register

        code_replaced_hook_register(recipient_follows_replacement)
        order_stats_counts_register(delivery_counts)


def recipient_follows_replacement(old_code_id: int, new_code_id: int) -> None:
    """A misdirected code voided and replaced: its recipient (if any) now holds the new code."""
    from bizshop.campaigns.services import recipient_move_to_code

    recipient_move_to_code(old_code_id=old_code_id, new_code_id=new_code_id)


def delivery_counts(order_id: int) -> dict[str, int]:
    """Assigned, sent and failed codes of the order for GET /orders/{id}/stats/."""
    from bizshop.campaigns.selectors import delivery_counts_for_order

    counts = delivery_counts_for_order(order_id=order_id)
    return {"assigned": counts["assigned"], "sent": counts["sent"], "delivery_failed": counts["failed"]}
