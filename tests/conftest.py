"""Shared fixtures: partners with API clients, an end user, orders in each state."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
import redis
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from bizshop.accounts.models import User
from bizshop.billing import services as billing
from bizshop.billing.models import Order, OrderEvent, Payment
from bizshop.catalog.models import Emoticon
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import Issuance, Registration, SerialCode
from bizshop.codes.services import issuance_run, issuance_start
from bizshop.partners.models import Member, Partner
from bizshop.partners.services import api_key_create
from tests.factories import EmoticonFactory, MemberFactory, UserFactory
from tests.helpers.api import ApiClient
from tests.helpers.db import TableRows
from tests.helpers.sessions import signed_in

if TYPE_CHECKING:
    from pytest_django import Settings


@pytest.fixture(autouse=True)
def _fresh_redis(settings: Settings) -> None:
    """Each test starts with empty counters (registration throttle) in the test Redis database."""
    from bizshop.codes import throttle

    throttle._store.cache_clear()
    if settings.REDIS_URL:
        redis.Redis.from_url(settings.REDIS_URL).flushdb()


@pytest.fixture(autouse=True)
def _export_files_in_tmp(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Code export files go to a directory of the test run's, not the checkout's var/exports."""
    settings.CODE_EXPORT_DIR = tmp_path_factory.mktemp("code-exports")
    settings.PDF_CACHE_DIR = tmp_path_factory.mktemp("pdf-cache")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploaded and seeded emoticon images go to a directory of the test's, not the checkout's var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    settings.SUPPORT_ATTACHMENT_DIR = tmp_path_factory.mktemp("support-attachments")


@pytest.fixture(autouse=True)
def _tasks_in_process(settings: Settings) -> None:
    # Unit and API tests run Celery tasks in-process; tests/flows start a real worker.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from bizshop.celery import app

    app.conf.task_always_eager = True


@pytest.fixture
def broker(settings: Settings) -> Iterator[None]:
    """Tasks go to Redis for a real worker process (tests.worker.start_worker), not run in-process."""
    from bizshop.celery import app

    if not settings.REDIS_URL:
        pytest.fail("the worker tests need REDIS_URL (run them through `make test`)")
    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # no stale messages from earlier runs
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Settings) -> None:
    # Most tests create users; PBKDF2's production cost (~0.3 s each) would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _korean_after_each_test() -> Iterator[None]:
    # A request in English leaves English active in this thread (as Django's own LocaleMiddleware
    # does); tests that call validators or services directly must not inherit it.
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def make_partner_api(db: None) -> Callable[[], ApiClient]:
    def make() -> ApiClient:
        member = MemberFactory()
        issued = api_key_create(user=member.user, name="test")
        return ApiClient(member.partner, issued.raw_key)

    return make


@pytest.fixture
def api(make_partner_api: Callable[[], ApiClient]) -> ApiClient:
    return make_partner_api()


@pytest.fixture
def other_api(make_partner_api: Callable[[], ApiClient]) -> ApiClient:
    return make_partner_api()


@pytest.fixture
def emoticon(db: None) -> Emoticon:
    return EmoticonFactory(prices={30: 1_600, 60: 2_500})


@pytest.fixture
def end_user(db: None) -> User:
    return UserFactory()


@pytest.fixture
def end_user_client(end_user: User) -> Client:
    return signed_in(end_user)


# --- partner members signed in to the portal: the one way tests get such a client ----------------


@pytest.fixture
def member(db: None) -> Member:
    """A partner's owner (a partner of its own)."""
    return MemberFactory()


@pytest.fixture
def member_client(member: Member) -> Client:
    """A test client signed in as ``member``."""
    return signed_in(member)


@pytest.fixture
def other_member_client(db: None) -> Client:
    """A test client signed in as a member of another partner."""
    return signed_in(MemberFactory())


@pytest.fixture
def api_member_client(api: ApiClient) -> Client:
    """A test client signed in as the owner of ``api``'s partner."""
    return signed_in(api.partner)


# --- operators: staff users in the groups setup_operator_groups creates ---------------------------


@pytest.fixture
def make_operator(db: None) -> Callable[..., User]:
    """``make_operator(*group_names)``: a staff user in those operator groups."""
    call_command("setup_operator_groups", verbosity=0, stdout=io.StringIO())

    def make(*group_names: str) -> User:
        user = UserFactory(is_staff=True)
        user.groups.set(Group.objects.filter(name__in=group_names))
        return user

    return make


@pytest.fixture
def operator_client() -> Callable[[User], Client]:
    """Sign a user (an operator) in: ``operator_client(make_operator(...))``."""
    return signed_in


@pytest.fixture
def make_order(emoticon: Emoticon) -> Callable[..., Order]:
    def make(partner: Partner, *, quantity: int = 100, period_days: int = 30, paid: bool = False) -> Order:
        order = billing.order_create(
            partner=partner, emoticon_id=emoticon.pk, period_days=period_days, quantity=quantity
        )
        if paid:
            order = billing.order_pay_by_card(order_id=order.pk, partner=partner, card_token="tok_sandbox_approve")
        return order

    return make


@pytest.fixture
def paid_order(api: ApiClient, make_order: Callable[..., Order]) -> Order:
    return make_order(api.partner, paid=True)


@pytest.fixture
def issue_codes(db: None) -> Callable[..., list[str]]:
    """Issue a tranche of a paid order to completion; returns its codes decrypted (canonical form)."""

    def issue(order: Order, *, quantity: int | None = None) -> list[str]:
        issuance = issuance_start(order_id=order.pk, partner=order.partner, quantity=quantity)
        issuance_run(issuance_id=issuance.pk)  # a no-op where on_commit already ran the task
        keyring = get_keyring()
        rows = SerialCode.objects.filter(issuance=issuance).order_by("pk")
        return [keyring.decrypt(row.key_id, row.ciphertext) for row in rows]

    return issue


ORDER_TABLES = (Order, Payment, Issuance, SerialCode, Registration, OrderEvent)


@pytest.fixture
def db_rows(db: None) -> Callable[[], TableRows]:
    """Every row of the order, payment, issuance, code, registration and event tables: a refused
    request must leave them all exactly as they were."""

    def snapshot() -> TableRows:
        return {model.__name__: list(model.objects.order_by("pk").values()) for model in ORDER_TABLES}

    return snapshot
