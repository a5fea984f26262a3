"""factory_boy factories and small helpers shared by the tests."""

from __future__ import annotations

from typing import cast

import factory
from django.contrib.auth.hashers import make_password

from bizshop.accounts.models import PolicyAcceptance, User
from bizshop.accounts.policies import policies_in_force
from bizshop.catalog.models import Emoticon, EmoticonPrice
from bizshop.partners.models import Member, Partner

PASSWORD = "Pw!x7Tz9kQ"
# Valid 사업자등록번호: the check digit passes (bizshop.partners.services.normalize_brn).
VALID_BRNS = ["1208147521", "4322064698", "7670711875", "6491359927", "6970883140"]


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.kr")
    password = factory.LazyFunction(lambda: make_password(PASSWORD))

    @factory.post_generation
    def accepted_policies(self, create: bool, accepted: bool | None, **kwargs: object) -> None:
        """Users have agreed to the policies in force, as at sign-up; ``accepted_policies=False``
        makes one who has not (asked for consent at sign-in)."""
        if create and accepted is not False:
            for policy in policies_in_force():
                # post_generation runs on the created model instance, not on the factory
                PolicyAcceptance.objects.create(user=cast(User, self), document=policy.document, version=policy.version)


class PartnerFactory(factory.django.DjangoModelFactory[Partner]):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"(주)파트너{n}")
    business_registration_number = factory.Iterator(VALID_BRNS)
    representative = "홍길동"
    address = "서울특별시 강남구 테헤란로 1"
    invoice_email = factory.Sequence(lambda n: f"tax{n}@example.kr")


class MemberFactory(factory.django.DjangoModelFactory[Member]):
    class Meta:
        model = Member

    user = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerFactory)
    role = Member.Role.OWNER


class EmoticonFactory(factory.django.DjangoModelFactory[Emoticon]):
    class Meta:
        model = Emoticon
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"이모티콘 {n}")
    creator = "작가"
    min_quantity = 100
    max_quantity = 1_000_000

    @factory.post_generation
    def prices(self, create: bool, extracted: dict[int, int] | None, **kwargs: object) -> None:
        if not create:
            return
        for period, price in (extracted or {30: 1_600, 60: 2_500}).items():
            EmoticonPrice.objects.create(emoticon=cast(Emoticon, self), period_days=period, unit_price=price)


# Where a virtual-account refund is sent (KB국민은행; not a real account).
REFUND_ACCOUNT = {"bank": "004", "account_number": "123-456-789012", "holder": "홍길동"}
