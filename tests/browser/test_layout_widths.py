"""Every portal page, as each kind of person sees it, at 360, 390, 768 and 1280 px in Chromium.

Nothing may be wider than the screen (outside a labelled scrolling region), no text may be cut off,
and axe-core may find nothing serious or critical (at 390 and 1280 px). Pages with a refused form
are visited with the form refused. A page's failures are all collected, then reported together.
Screenshots of the main pages at 390 and 1280 px are saved as test-artifacts/screenshots/portal-<page>-<width>.png
(the ones in docs/screenshots/ are copies of them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers.browser import ARTIFACTS
from tests.helpers.layout import axe_findings, layout_problems
from tests.helpers.portal_demo import PortalDemo, portal_demo_build
from tests.helpers.sessions import sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (360, 390, 768, 1280)
AXE_WIDTHS = (390, 1280)
SHOT_MAX_HEIGHT = 2_400
REFUSED = ".error-summary, .field-error"  # what a refused form shows


@dataclass(frozen=True)
class Visit:
    name: str
    path: str
    then: Callable[[Any], None] | None = None  # e.g. submit the form to see it refused
    shot: bool = False  # saved as portal-<name>-<width>.png
    shows: str = ""  # a selector that must be visible once there (the refusal, the success)


def submit(button: str) -> Callable[[Any], None]:
    def act(page: Page) -> None:
        page.get_by_role("button", name=button, exact=True).click()
        page.wait_for_load_state()

    return act


def fill_and_submit(fields: dict[str, str], button: str) -> Callable[[Any], None]:
    def act(page: Page) -> None:
        for label, value in fields.items():
            page.get_by_label(label, exact=True).fill(value)
        submit(button)(page)

    return act


def add_webhook_endpoint(page: Page) -> None:
    page.get_by_label("수신 URL").fill("http://127.0.0.1:8443/bizshop/webhooks/events/invoices-and-refunds/v2")
    page.get_by_label("세금계산서 발행").check()
    submit("등록")(page)
    assert page.locator("#new-webhook-secret").is_visible()


def add_api_key(page: Page) -> None:
    fill_and_submit({"키 이름": "정산 배치"}, "API 키 만들기")(page)
    assert page.locator("#new-api-key").is_visible()


@pytest.fixture
def demo(db: None) -> PortalDemo:
    return portal_demo_build()


@pytest.fixture
def visit_all(browser: Browser, live_server: LiveServer) -> Iterator[Callable[..., None]]:
    contexts: list[Any] = []

    def run(visits: list[Visit], *, user: Any = None) -> None:
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR")
        contexts.append(context)
        if user is not None:
            sign_in(context, user, live_server.url)
        page = context.new_page()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        failures: list[str] = []
        for visit in visits:
            page.set_viewport_size({"width": 390, "height": 844})
            page.goto(live_server.url + visit.path)
            if visit.then:
                visit.then(page)
            if visit.shows:
                assert page.locator(visit.shows).first.is_visible(), f"{visit.name}: {visit.shows} is not shown"
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
                found = layout_problems(page)
                if width in AXE_WIDTHS:
                    found += [f"axe: {finding}" for finding in axe_findings(page)]
                    if visit.shot:
                        page.evaluate("() => window.scrollTo(0, 0)")
                        # The whole page, up to a tall phone's few screens (a list of 50 codes goes on).
                        height = min(page.evaluate("() => document.documentElement.scrollHeight"), SHOT_MAX_HEIGHT)
                        page.screenshot(
                            path=str(ARTIFACTS / f"portal-{visit.name}-{width}.png"),
                            full_page=True,
                            clip={"x": 0, "y": 0, "width": width, "height": height},
                        )
                failures += [f"{visit.name} ({visit.path}) at {width}px: {problem}" for problem in found]
        assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)

    yield run
    for context in contexts:
        context.close()


def test_the_public_pages_fit_every_width_and_pass_axe(demo: PortalDemo, visit_all: Callable[..., None]) -> None:
    emoticon = demo.emoticon.pk
    assert demo.notice is not None
    visit_all(
        [
            Visit("home", "/", shot=True),
            Visit("home-search", "/?q=춘식"),
            Visit("emoticon", f"/emoticons/{emoticon}/", shot=True),
            Visit("login", "/accounts/login/", shot=True),
            Visit(
                "login-refused",
                "/accounts/login/",
                fill_and_submit({"이메일": "nobody@example.kr", "비밀번호": "wrong-password"}, "로그인"),
                shows=REFUSED,
            ),
            Visit("signup", "/accounts/signup/"),
            Visit("signup-refused", "/accounts/signup/", submit("가입하기"), shows=REFUSED),
            Visit("password-reset", "/accounts/password-reset/"),
            Visit("password-reset-done", "/accounts/password-reset/done/"),
            Visit("password-reset-bad-link", "/accounts/password-reset/MQ/bad-token/"),
            Visit("password-reset-complete", "/accounts/password-reset/complete/"),
            Visit("verify-email-bad-link", "/accounts/verify-email/MQ/bad-token/"),
            Visit("partner-signup", "/partners/signup/"),
            Visit("partner-signup-refused", "/partners/signup/", submit("가입하기"), shows=REFUSED),
            Visit("invitation", f"/partners/invitations/accept/{demo.invitation_token}/"),
            Visit("invitation-bad-link", "/partners/invitations/accept/not-a-token/"),
            Visit("register-visitor", "/register/", shot=True),
            Visit("support", "/support/", shot=True),
            Visit("faq-search", "/support/?q=환불", shot=True),
            Visit("faq-search-nothing", "/support/?q=없는말쓰기"),
            Visit("notices", "/support/notices/"),
            Visit("notice", f"/support/notices/{demo.notice.pk}/"),
            Visit("terms", "/terms/", shot=True),
            Visit("privacy", "/privacy/"),
        ]
    )


def test_the_end_user_pages_fit_every_width_and_pass_axe(demo: PortalDemo, visit_all: Callable[..., None]) -> None:
    visit_all(
        [
            Visit("register", "/register/"),
            Visit(
                "register-refused",
                "/register/",
                fill_and_submit({"일련번호": "AAAAA-BBBBB"}, "등록하기"),
                shows=REFUSED,
            ),
            Visit(
                "registered",
                "/register/",
                fill_and_submit({"일련번호": demo.spare_code}, "등록하기"),
                shot=True,
                shows="[data-registered]",
            ),
            Visit("my-emoticons", "/me/emoticons/", shot=True),
            Visit("home-end-user", "/"),
            Visit("password-change", "/accounts/password/"),
            Visit("password-change-refused", "/accounts/password/", submit("비밀번호 변경"), shows=REFUSED),
            Visit("password-prompt", "/accounts/password/expired/"),
            Visit("consent", "/accounts/consent/"),
        ],
        user=demo.end_user,
    )


def test_the_partner_member_pages_fit_every_width_and_pass_axe(
    demo: PortalDemo, visit_all: Callable[..., None]
) -> None:
    orders = demo.orders
    assert demo.inquiry is not None
    visit_all(
        [
            Visit("orders", "/mypage/orders/", shot=True),
            Visit("orders-filtered", "/mypage/orders/?q=춘식&ordered_from=2026-01-01&ordered_to=2026-12-31"),
            Visit(
                "orders-filter-refused", "/mypage/orders/?ordered_from=2026-12-31&ordered_to=2026-01-01", shows=REFUSED
            ),
            Visit("order-pending", f"/mypage/orders/{orders['pending'].pk}/"),
            Visit("order-awaiting-deposit", f"/mypage/orders/{orders['awaiting_deposit'].pk}/"),
            Visit("order-paid", f"/mypage/orders/{orders['paid'].pk}/"),
            Visit("order-issued", f"/mypage/orders/{orders['issued'].pk}/", shot=True),
            Visit("delivery-new", f"/mypage/orders/{orders['issued'].pk}/deliveries/new/", shot=True),
            Visit("emoticon-order-form", f"/emoticons/{demo.emoticon.pk}/"),
            Visit(
                "order-refused",
                f"/emoticons/{demo.emoticon.pk}/",
                fill_and_submit({"수량": "7"}, "주문하기"),
                shows=REFUSED,
            ),
            Visit("invoices", "/mypage/invoices/", shot=True),
            Visit("invoice-merge", "/mypage/invoices/merge/"),
            Visit("partner-info-member", "/partners/"),
            Visit("members-forbidden", "/partners/members/"),
            Visit("inquiries", "/support/inquiries/"),
            Visit("inquiry", f"/support/inquiries/{demo.inquiry.pk}/"),
            Visit("inquiry-new", "/support/inquiries/new/"),
            Visit("inquiry-refused", "/support/inquiries/new/", submit("문의 등록"), shows=REFUSED),
        ],
        user=demo.member,
    )


def test_the_partner_owner_pages_fit_every_width_and_pass_axe(demo: PortalDemo, visit_all: Callable[..., None]) -> None:
    assert demo.removable_member is not None
    visit_all(
        [
            Visit("partner-info", "/partners/", shot=True),
            Visit(
                "partner-info-refused",
                "/partners/",
                fill_and_submit({"대표자": ""}, "저장"),
                shows=REFUSED,
            ),
            Visit("members", "/partners/members/", shot=True),
            Visit(
                "members-refused",
                "/partners/members/",
                fill_and_submit({"초대할 이메일": "not-an-email"}, "초대 메일 보내기"),
                shows=REFUSED,
            ),
            Visit("member-remove", f"/partners/members/{demo.removable_member.pk}/remove/"),
            Visit("api-keys", "/partners/keys/", shot=True),
            Visit("api-key-created", "/partners/keys/", add_api_key),
            Visit("webhooks", "/partners/webhooks/"),
            Visit("webhooks-refused", "/partners/webhooks/", submit("등록"), shows=REFUSED),
            Visit("webhook-created", "/partners/webhooks/", add_webhook_endpoint),
            Visit("webhook-deliveries", "/partners/webhooks/deliveries/", shot=True),
            Visit("withdrawal", "/partners/withdrawal/"),
        ],
        user=demo.owner,
    )


def test_the_backoffice_pages_fit_every_width_and_pass_axe(demo: PortalDemo, visit_all: Callable[..., None]) -> None:
    partner = demo.orders["paid"].partner_id
    visit_all(
        [
            Visit("home-operator", "/"),  # the portal's header with the backoffice link
            Visit("backoffice-sales", "/backoffice/sales/"),
            Visit("backoffice-partners", "/backoffice/partners/"),
            Visit("backoffice-partner-orders", f"/backoffice/partners/{partner}/orders/"),
        ],
        user=demo.operator,
    )


def test_the_checks_see_what_is_too_wide_cut_off_or_inaccessible(page: Page) -> None:
    """The checks themselves: each fault is named; the same content in a labelled scrolling region is not."""
    page.set_content(
        """<!doctype html><html lang="ko"><head><title>t</title></head><body><main>
        <div id="wide" style="width: 600px">넓은 상자</div>
        <p id="cut" style="width: 80px; overflow: hidden;
           white-space: nowrap">잘리는 아주 긴 문장입니다 정말로</p>
        <p id="dots" style="width: 80px; overflow: hidden;
           text-overflow: ellipsis; white-space: nowrap">말줄임표로 끝나는 긴 문장</p>
        <div role="region" aria-label="표" tabindex="0" style="overflow-x: auto">
          <div style="width: 900px">스크롤</div></div>
        <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
        </main></body></html>"""
    )
    problems = "\n".join(layout_problems(page))
    assert "div#wide" in problems and "p#cut" in problems and "p#dots" in problems
    assert "스크롤" not in problems
    assert any(finding.startswith("image-alt (critical)") for finding in axe_findings(page))
