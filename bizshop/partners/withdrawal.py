"""What a withdrawal (탈퇴) asks of each app, and the answers the apps register.

``partners`` owns the partner, its members, keys and invitations and nothing else: every other
app answers for its own rows with a ``WithdrawalAnswer`` registered in its ``AppConfig.ready``,
so this module imports none of them.

- ``lock``: take the row locks that stop the app's own transitions while the withdrawal is
  decided (billing locks the partner's orders: every payment, issuance and refund locks its
  order first).
- ``blockers``: ``{reason code: [order ids]}`` that refuse the withdrawal now.
- ``orders``: the orders named by blockers, for the page that explains the refusal.
- ``purge``: delete what the partner's purchase history holds of the app's rows, keep what the
  law needs (tax records, 5 years) and what end users need (codes already handed out); returns
  counts for the audit log. Purges run by ``order``, lowest first: an app whose rows point at
  another's (exports at orders) goes before it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bizshop.partners.models import Partner

# Ids per statement in a purge: PostgreSQL's server-side binding takes at most 65,535 parameters.
ID_BATCH = 10_000
# The reasons a withdrawal is refused, in the order they are shown (API.md).
WITHDRAWAL_BLOCKER_CODES = ("pending_deposit", "unissued_codes", "refund_in_progress")


@dataclass(frozen=True)
class WithdrawalAnswer:
    app: str
    order: int = 50
    lock: Callable[[Partner], None] | None = None
    blockers: Callable[[Partner], dict[str, list[int]]] | None = None
    purge: Callable[[Partner], dict[str, int]] | None = None
    # The app whose rows the blockers' order ids are: {id: order} for the refusal page.
    orders: Callable[[Partner, set[int]], dict[int, Any]] | None = None


_answers: dict[str, WithdrawalAnswer] = {}


def withdrawal_answer_register(answer: WithdrawalAnswer) -> None:
    """Register (or replace) an app's answer; called from ``AppConfig.ready``."""
    _answers[answer.app] = answer


def withdrawal_answers() -> list[WithdrawalAnswer]:
    return sorted(_answers.values(), key=lambda answer: (answer.order, answer.app))


def withdrawal_lock(partner: Partner) -> None:
    for answer in withdrawal_answers():
        if answer.lock is not None:
            answer.lock(partner)


def withdrawal_blockers(partner: Partner) -> list[dict[str, Any]]:
    """``[{"code", "order_ids"}]`` from every app, one entry per code, empty when none blocks."""
    found: dict[str, set[int]] = {}
    for answer in withdrawal_answers():
        if answer.blockers is None:
            continue
        for code, order_ids in answer.blockers(partner).items():
            if code not in WITHDRAWAL_BLOCKER_CODES:
                raise ValueError(f"{answer.app}: unknown withdrawal blocker {code!r}")
            found.setdefault(code, set()).update(order_ids)
    return [{"code": code, "order_ids": sorted(found[code])} for code in WITHDRAWAL_BLOCKER_CODES if found.get(code)]


def withdrawal_purge(partner: Partner) -> dict[str, int]:
    """Every app's purge, in order, inside the caller's transaction; the counts they report."""
    counts: dict[str, int] = {}
    for answer in withdrawal_answers():
        if answer.purge is not None:
            counts.update(answer.purge(partner))
    return counts


def withdrawal_orders(partner: Partner, order_ids: set[int]) -> dict[int, Any]:
    """The orders a refusal names, from the app that owns them (billing)."""
    found: dict[int, Any] = {}
    for answer in withdrawal_answers():
        if answer.orders is not None and order_ids:
            found.update(answer.orders(partner, order_ids))
    return found


def id_batches(ids: list[int]) -> Iterator[list[int]]:
    """``ids`` in slices a purge's statements can bind (``ID_BATCH`` each)."""
    for start in range(0, len(ids), ID_BATCH):
        yield ids[start : start + ID_BATCH]
