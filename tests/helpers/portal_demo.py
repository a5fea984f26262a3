"""A portal with something on every page: the seed_demo catalog and 고객센터, a partner with orders in
each state, issued and registered codes, invoices, keys, webhooks, inquiries, and an operator.

The browser layout tests visit every page with it; building it goes through the same services the
pages use (what the factories cannot reach, e.g. an answered inquiry, too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from bizshop.accounts.models import User
from bizshop.billing import services as billing
from bizshop.billing.models import Order
from bizshop.catalog.demo import demo_images_seed
from bizshop.catalog.models import Emoticon
from bizshop.catalog.services import emoticon_create, ranking_refresh
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import SerialCode
from bizshop.codes.services import code_register, issuance_run, issuance_start
from bizshop.demo.management.commands.seed_demo import DEMO_CATALOG
from bizshop.invoices.services import invoice_month_run
from bizshop.partners.models import Member
from bizshop.partners.services import api_key_create, member_invite
from bizshop.support.demo import support_demo_seed
from bizshop.support.models import Inquiry, Notice, Topic
from bizshop.support.services import inquiry_answer, inquiry_create
from bizshop.webhooks.models import WebhookDelivery, WebhookEvent
from bizshop.webhooks.services import endpoint_create
from tests.factories import MemberFactory, UserFactory


@dataclass
class PortalDemo:
    owner: User
    member: User
    end_user: User
    operator: User
    emoticon: Emoticon
    orders: dict[str, Order] = field(default_factory=dict)
    spare_code: str = ""  # issued, not registered: the end user registers it on the page
    invitation_token: str = ""
    removable_member: Member | None = None
    notice: Notice | None = None
    inquiry: Inquiry | None = None


def portal_demo_build() -> PortalDemo:
    emoticons = [
        emoticon_create(title=title, creator=creator, description=text, prices={30: price_30, 60: price_60})
        for title, creator, text, price_30, price_60 in DEMO_CATALOG
    ]
    demo_images_seed(emoticons=emoticons)
    support_demo_seed()
    emoticon = emoticons[0]

    owner_membership = MemberFactory.create(partner__name="(주)데모상사 서울본사 마케팅팀", role=Member.Role.OWNER)
    partner = owner_membership.partner
    member = MemberFactory.create(
        partner=partner, role=Member.Role.MEMBER, user__email="buyer.long-name@demo.bizshop.kr"
    )
    removable = MemberFactory.create(partner=partner, role=Member.Role.MEMBER)
    end_user = UserFactory.create(email="user@demo.bizshop.kr")
    operator = UserFactory.create(email="operator@bizshop.kr", is_staff=True, is_superuser=True)

    def order(quantity: int = 100, period_days: int = 30) -> Order:
        return billing.order_create(
            partner=partner, emoticon_id=emoticon.pk, period_days=period_days, quantity=quantity
        )

    demo = PortalDemo(
        owner=owner_membership.user, member=member.user, end_user=end_user, operator=operator, emoticon=emoticon
    )
    demo.orders["pending"] = order()
    waiting = order(quantity=300)
    demo.orders["awaiting_deposit"] = billing.order_open_virtual_account(order_id=waiting.pk, partner=partner)
    paid = order(quantity=1_000, period_days=60)
    demo.orders["paid"] = billing.order_pay_by_card(order_id=paid.pk, partner=partner, card_token="tok_sandbox_approve")
    issued = order(quantity=120)
    billing.order_pay_by_card(order_id=issued.pk, partner=partner, card_token="tok_sandbox_approve")
    issuance = issuance_start(order_id=issued.pk, partner=partner)
    issuance_run(issuance_id=issuance.pk)
    keyring = get_keyring()
    codes = [
        keyring.decrypt(row.key_id, row.ciphertext)
        for row in SerialCode.objects.filter(issuance=issuance).order_by("pk")
    ]
    code_register(user=end_user, raw_code=codes[0])
    demo.spare_code = codes[1]
    demo.orders["issued"] = Order.objects.get(pk=issued.pk)
    invoice_month_run(month=date.today().replace(day=1), deliver=False)
    # One more paid order after the run: the merge page has a payment to offer.
    extra = order(quantity=200)
    billing.order_pay_by_card(order_id=extra.pk, partner=partner, card_token="tok_sandbox_approve")
    ranking_refresh()

    api_key_create(user=demo.owner, name="주문 시스템 연동 (운영 서버)", scopes=None)
    receiver = "http://127.0.0.1:8443/bizshop/webhooks/events/orders-and-issuances/v1"
    endpoint = endpoint_create(
        partner=partner,
        url=receiver,
        events=list(WebhookEvent.values),
    ).endpoint
    # A failed delivery as the worker leaves it (no request leaves this machine in a test).
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=WebhookEvent.ORDER_PAID,
        status=WebhookDelivery.Status.FAILED,
        attempts=3,
        retry_until=timezone.now(),
        last_status_code=503,
        last_response_ms=1_204,
        last_error="HTTP 503 Service Unavailable: upstream connect error or disconnect/reset before headers",
    )
    sent = member_invite(partner=partner, user=demo.owner, email="newcomer@demo.bizshop.kr")
    demo.invitation_token = sent.raw_token
    demo.removable_member = removable

    demo.notice = Notice.objects.order_by("-published_at").first()
    demo.inquiry = inquiry_create(
        partner=partner,
        user=member.user,
        category=Topic.PAYMENT,
        title="세금계산서 발행일을 바꿀 수 있나요?",
        body="매달 말일에 받고 싶습니다.\n가능한지 알려 주세요.",
    )
    inquiry_answer(inquiry_id=demo.inquiry.pk, operator=operator, answer="네, 병합 발행을 신청하시면 됩니다.")
    return demo
