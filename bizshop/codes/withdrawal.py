"""Codes' answer to a partner's withdrawal (탈퇴): a tranche still being created blocks it; the
partner's code files (exports) go, rows and files. The codes themselves stay registrable."""

from __future__ import annotations

from bizshop.billing.models import Order
from bizshop.codes.selectors import order_ids_with_issuance_in_progress
from bizshop.codes.services import code_exports_delete_for_orders
from bizshop.partners.models import Partner
from bizshop.partners.withdrawal import WithdrawalAnswer, id_batches


def _blockers(partner: Partner) -> dict[str, list[int]]:
    return {"unissued_codes": order_ids_with_issuance_in_progress(partner_id=partner.pk)}


def _purge(partner: Partner) -> dict[str, int]:
    order_ids = list(Order.objects.filter(partner=partner).order_by("pk").values_list("pk", flat=True))
    deleted = sum(code_exports_delete_for_orders(order_ids=ids) for ids in id_batches(order_ids))
    return {"deleted_code_exports": deleted}


WITHDRAWAL_ANSWER = WithdrawalAnswer(app="codes", order=10, blockers=_blockers, purge=_purge)
