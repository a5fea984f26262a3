"""Operators void a code or a whole tranche (사용중지); end users then get code_voided. Each void is audited."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from django.db import connection
from django.test import Client

from bizshop.backoffice.management.commands.setup_operator_groups import CATALOG_MANAGER, SUPPORT
from bizshop.backoffice.models import OperatorAction
from bizshop.billing.models import Order
from bizshop.codes import format as code_format
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import CodeStatus, Issuance, SerialCode
from bizshop.codes.services import code_register, code_void, issuance_void
from bizshop.core.errors import ApplicationError
from tests.factories import UserFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from bizshop.accounts.models import User

REGISTRATIONS = "/api/v1/registrations/"


def register(client: Client, code: str) -> Response:
    return client.post(REGISTRATIONS, {"code": code}, content_type="application/json")


def row_of(code: str) -> SerialCode:
    return SerialCode.objects.get(blind_index=get_keyring().blind_index(code_format.normalize(code)))


@pytest.fixture
def support(make_operator: Callable[..., User]) -> User:
    return make_operator(SUPPORT)


def test_a_voided_code_is_refused_at_registration_with_code_voided(
    support: User, paid_order: Order, issue_codes: Callable[..., list[str]], end_user_client: Client
) -> None:
    code = issue_codes(paid_order, quantity=2)[0]

    code_void(code_id=row_of(code).pk, operator=support)
    response = register(end_user_client, code)

    assert response.status_code == 410
    assert response.json()["error"]["code"] == "code_voided"


def test_voiding_a_tranche_voids_its_unregistered_codes_and_keeps_registered_ones(
    support: User, paid_order: Order, issue_codes: Callable[..., list[str]], end_user_client: Client
) -> None:
    registered, *unregistered = issue_codes(paid_order, quantity=3)
    [other_tranche_code] = issue_codes(paid_order, quantity=1)
    assert register(end_user_client, registered).status_code == 201
    issuance = row_of(registered).issuance

    voided = issuance_void(issuance_id=issuance.pk, operator=support)

    assert voided == 2
    assert row_of(registered).status == CodeStatus.REGISTERED
    assert [register(end_user_client, code).json()["error"]["code"] for code in unregistered] == ["code_voided"] * 2
    assert register(end_user_client, other_tranche_code).status_code == 201


def test_a_void_is_audited_with_operator_object_and_details(
    support: User, paid_order: Order, issue_codes: Callable[..., list[str]]
) -> None:
    code = row_of(issue_codes(paid_order, quantity=1)[0])

    code_void(code_id=code.pk, operator=support)

    [action] = OperatorAction.objects.all()
    assert (action.operator, action.kind, action.target_type, action.target_id) == (
        support,
        "code_voided",
        "codes.serialcode",
        str(code.pk),
    )
    assert action.data == {
        "order_id": paid_order.pk,
        "issuance_id": code.issuance_id,
        "partner_id": paid_order.partner_id,
    }


def test_a_registered_code_cannot_be_voided(
    support: User, paid_order: Order, issue_codes: Callable[..., list[str]], end_user_client: Client
) -> None:
    code = issue_codes(paid_order, quantity=1)[0]
    register(end_user_client, code)

    with pytest.raises(ApplicationError) as refused:
        code_void(code_id=row_of(code).pk, operator=support)

    assert refused.value.code == "code_already_registered"
    assert row_of(code).status == CodeStatus.REGISTERED
    assert not OperatorAction.objects.exists()


def test_an_operator_without_the_void_permission_is_refused(
    make_operator: Callable[..., User], paid_order: Order, issue_codes: Callable[..., list[str]]
) -> None:
    code = row_of(issue_codes(paid_order, quantity=1)[0])

    with pytest.raises(ApplicationError) as refused:
        code_void(code_id=code.pk, operator=make_operator(CATALOG_MANAGER))

    assert refused.value.code == "permission_denied"
    assert row_of_pk(code.pk).status == CodeStatus.ISSUED


def row_of_pk(pk: int) -> SerialCode:
    return SerialCode.objects.get(pk=pk)


def test_a_tranche_still_being_issued_cannot_be_voided(
    support: User, paid_order: Order, issue_codes: Callable[..., list[str]]
) -> None:
    issue_codes(paid_order, quantity=2)
    issuance = Issuance.objects.get()
    Issuance.objects.filter(pk=issuance.pk).update(status=Issuance.Status.RUNNING)

    with pytest.raises(ApplicationError) as refused:
        issuance_void(issuance_id=issuance.pk, operator=support)

    assert refused.value.code == "issuance_in_progress"
    assert not SerialCode.objects.filter(status=CodeStatus.VOIDED).exists()


def test_the_admin_action_voids_a_tranche(
    support: User, operator_client: Callable[[User], Client], paid_order: Order, issue_codes: Callable[..., list[str]]
) -> None:
    issue_codes(paid_order, quantity=2)
    issuance = Issuance.objects.get()

    response = operator_client(support).post(
        "/admin/codes/issuance/", {"action": "void_tranche", "_selected_action": [issuance.pk]}
    )

    assert response.status_code == 302
    assert set(SerialCode.objects.values_list("status", flat=True)) == {CodeStatus.VOIDED}
    assert OperatorAction.objects.get().kind == "issuance_voided"


def test_the_admin_finds_a_code_by_its_text(
    support: User, operator_client: Callable[[User], Client], paid_order: Order, issue_codes: Callable[..., list[str]]
) -> None:
    wanted, _other = issue_codes(paid_order, quantity=2)

    response = operator_client(support).get("/admin/codes/serialcode/", {"q": code_format.display(wanted).lower()})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [row_of(wanted)]


def race_void_and_registration(*, code: str, code_id: int, operator: User, end_user: User) -> dict[str, str]:
    """Void and register one code at the same instant from two threads; each side's outcome."""
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def attempt(name: str, action: Callable[[], object]) -> None:
        barrier.wait()
        try:
            action()
            outcomes[name] = "ok"
        except ApplicationError as exc:
            outcomes[name] = exc.code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=("void", lambda: code_void(code_id=code_id, operator=operator))),
        threading.Thread(target=attempt, args=("register", lambda: code_register(user=end_user, raw_code=code))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_a_void_racing_a_registration_leaves_exactly_one_winner(
    make_operator: Callable[..., User], paid_order: Order, issue_codes: Callable[..., list[str]]
) -> None:
    support = make_operator(SUPPORT)
    end_user = UserFactory()
    for code in issue_codes(paid_order, quantity=5):
        code_id = row_of(code).pk

        outcomes = race_void_and_registration(code=code, code_id=code_id, operator=support, end_user=end_user)

        assert sorted(outcomes.values()) in (["code_already_registered", "ok"], ["code_voided", "ok"])
        final = row_of_pk(code_id).status
        assert final == (CodeStatus.VOIDED if outcomes["void"] == "ok" else CodeStatus.REGISTERED)
        assert OperatorAction.objects.filter(target_id=str(code_id)).count() == (1 if outcomes["void"] == "ok" else 0)
