"""The order page's card step with PAYMENT_GATEWAY=portone, in real headless Chromium: PortOne's browser
SDK comes from our own static files, and the page pays through PortOne.requestPayment then posts the
paymentId — all without reaching PortOne (its CDN core is stood in for, its API is a local server)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from bizshop.billing import services as billing
from bizshop.billing.models import Order, OrderStatus
from tests.factories import PASSWORD, EmoticonFactory, MemberFactory
from tests.helpers.portone_server import SECRET, STORE_ID, WEBHOOK_SECRET, FakePortOne, portone_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VENDORED = "/static/vendor/portone/browser-sdk-0.1.11.js"
PORTONE_CORE = "https://cdn.portone.io/v2/browser-sdk.js"
# Stands in for PortOne's checkout core: records the request and answers once the test says the
# partner finished in the card company's window.
CORE_STUB = """
window.PortOne = {
  requestPayment(request) {
    window.__portoneRequest = request;
    return new Promise((resolve) => {
      window.__portoneApprove = () =>
        resolve({ paymentId: request.paymentId, txId: "tx-test", transactionType: "PAYMENT" });
    });
  },
};
"""


@pytest.fixture
def portone(settings: Any) -> Iterator[FakePortOne]:
    with portone_server() as fake:
        settings.PAYMENT_GATEWAY = "bizshop.billing.gateways.portone.PortOneGateway"
        settings.PORTONE_API_BASE_URL = fake.url
        settings.PORTONE_API_SECRET = SECRET
        settings.PORTONE_STORE_ID = STORE_ID
        settings.PORTONE_CHANNEL_KEY = "channel-key-test-card"
        settings.PORTONE_VIRTUAL_ACCOUNT_CHANNEL_KEY = "channel-key-test-va"
        settings.PORTONE_WEBHOOK_SECRET = WEBHOOK_SECRET
        yield fake


def open_order_page(page: Any, base: str) -> tuple[Order, list[str]]:
    """Sign a partner member in and open a new order's page; returns the order and every URL that
    the browser tried to reach outside our server (each refused)."""
    outside: list[str] = []

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith(base):
            route.continue_()
        elif url == PORTONE_CORE:
            route.fulfill(status=200, content_type="text/javascript", body=CORE_STUB)
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", route)
    member = MemberFactory()
    order = billing.order_create(
        partner=member.partner,
        emoticon_id=EmoticonFactory(prices={30: 1_100, 60: 1_600}).pk,
        period_days=30,
        quantity=100,
    )
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("이메일").fill(member.user.email)
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(re.compile(rf"^{base}/(?!accounts/login)"))
    page.goto(f"{base}/mypage/orders/{order.pk}/")
    return order, outside


def test_the_order_page_loads_portone_browser_sdk_from_our_static_files(
    live_server: Any, page: Any, portone: FakePortOne
) -> None:
    loaded: list[tuple[str, int]] = []
    page.on("response", lambda response: loaded.append((response.url, response.status)))

    _order, outside = open_order_page(page, live_server.url)
    page.wait_for_function("() => window.PortOne && typeof window.PortOne.requestPayment === 'function'")

    assert (f"{live_server.url}{VENDORED}", 200) in loaded
    assert outside == []
    assert not [url for url, _ in loaded if "portone.io" in url]  # nothing from PortOne until the partner pays
    assert page.get_by_role("button", name="카드 결제").is_visible()
    assert page.get_by_label("카드 토큰").count() == 0  # the sandbox's test-card field is gone


def test_paying_by_card_goes_through_portone_and_the_server_confirms_the_payment(
    live_server: Any, page: Any, portone: FakePortOne
) -> None:
    order, outside = open_order_page(page, live_server.url)

    page.get_by_role("button", name="카드 결제").click()
    page.wait_for_function("() => window.__portoneRequest !== undefined")
    request = page.evaluate("() => window.__portoneRequest")
    assert request["storeId"] == STORE_ID and request["channelKey"] == "channel-key-test-card"
    assert (request["totalAmount"], request["currency"], request["payMethod"]) == (
        order.total_amount,
        "CURRENCY_KRW",
        "CARD",
    )
    assert request["paymentId"].startswith(f"bizshop-{order.pk}-")
    portone.add_paid(request["paymentId"], total=request["totalAmount"])  # the partner paid in PortOne's window
    page.evaluate("() => window.__portoneApprove()")

    page.wait_for_selector("#order-status:has-text('결제완료')")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.payments.get().gateway_transaction_id == request["paymentId"]
    assert len(portone.calls("GET", request["paymentId"])) == 1
    assert outside == []
