"""A new partner's whole journey in the portal, in a real browser, with a real Celery worker issuing the codes.

Sign up → order 1,000 units of a 60-day emoticon → pay by virtual account → the sandbox deposit
arrives → issue 400 codes and watch the progress bar (fed by the worker process) finish →
download the CSV and the usage guide → refund refused → withdrawal refused, with the reasons.
Every page is checked at phone width for horizontal overflow.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone
from pypdf import PdfReader

from bizshop.billing.models import Order, OrderStatus
from bizshop.celery import app as celery_app
from bizshop.codes import format as code_format
from bizshop.codes.models import Issuance
from bizshop.partners.models import Partner
from tests.factories import VALID_BRNS, EmoticonFactory
from tests.helpers.browser import fits_phone_width
from tests.worker import start_worker, stop

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

    from bizshop.catalog.models import Emoticon

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TITLE = "춘식이의 여름휴가"
PASSWORD = "Bz!shop-Pw7x"
CSV_HEADER = ["일련번호", "이모티콘", "사용기간(일)", "등록기한", "등록페이지", "상태", "안내문구"]
CODE_SHAPE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$")


@pytest.fixture
def emoticon(db: None) -> Emoticon:
    return EmoticonFactory(title=TITLE, prices={30: 1_100, 60: 1_600})


@pytest.fixture
def worker_later(broker: None) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Starts the worker when the test says so, to show that nothing was issued before it ran."""
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        # Small chunks: the tranche is committed (and its progress reported) in four steps.
        started.append(start_worker(chunk_size=100))
        return started[-1]

    yield start
    for process in started:
        stop(process)


def on_screen(page: Page, selector: str) -> None:
    """Scroll so that the element starts at the top of the phone's screen."""
    page.locator(selector).evaluate("element => element.scrollIntoView({block: 'start'})")


def amounts_shown(page: Page) -> dict[str, str]:
    form = page.locator("#order-form")
    return {name: form.locator(f'[data-amount="{name}"]').inner_text() for name in ("unit", "supply", "vat", "total")}


def download(page: Page, link: Any) -> bytes:
    with page.expect_download() as started:
        link.click()
    return Path(started.value.path()).read_bytes()


def test_a_new_partner_buys_and_issues_codes_and_is_told_why_it_cannot_refund_or_leave(
    page: Page,
    live_server: LiveServer,
    emoticon: Emoticon,
    worker_later: Callable[[], subprocess.Popen[bytes]],
    shoot: Callable[..., Path],
) -> None:
    base = live_server.url

    # 1. Sign-up, reached from the login page.
    page.goto(f"{base}/accounts/login/")
    fits_phone_width(page)
    page.get_by_role("link", name="파트너(기업) 회원 가입").click()
    page.wait_for_url(f"{base}/partners/signup/")
    fits_phone_width(page)
    brn = VALID_BRNS[1]
    page.get_by_label("사업자등록번호").fill(f"{brn[:3]}-{brn[3:5]}-{brn[5:]}")
    page.get_by_label("회사명").fill("(주)여름상사")
    page.get_by_label("대표자").fill("김여름")
    page.get_by_label("사업장 주소").fill("서울특별시 중구 세종대로 110")
    page.get_by_label("세금계산서 수신 이메일").fill("tax@summer.example.kr")
    page.get_by_label("담당자명").fill("박담당")
    page.get_by_label("담당자 연락처").fill("010-1234-5678")
    page.get_by_label("로그인 이메일").fill("owner@summer.example.kr")
    page.get_by_label("비밀번호", exact=True).fill(PASSWORD)
    page.get_by_label("비밀번호 확인").fill(PASSWORD)
    page.get_by_label("이용약관에 동의합니다 (필수)").check()
    page.get_by_label("개인정보 수집·이용(개인정보처리방침)에 동의합니다 (필수)").check()
    shoot("1-signup")
    page.get_by_role("button", name="가입하기").click()
    page.wait_for_url(f"{base}/partners/")
    assert "파트너 가입이 완료되었습니다" in page.get_by_role("status").inner_text()
    fits_phone_width(page)
    partner = Partner.objects.get(business_registration_number=brn)
    assert partner.name == "(주)여름상사"

    # 2. The order: the amounts follow the quantity as it is typed.
    page.get_by_role("button", name="메뉴").click()  # on a phone the header's links fold behind it
    page.get_by_role("link", name="홈").click()
    page.wait_for_url(f"{base}/")
    fits_phone_width(page)
    page.get_by_role("link", name=TITLE).first.click()
    page.wait_for_url(f"{base}/emoticons/{emoticon.pk}/")
    fits_phone_width(page)
    page.get_by_label("60일").check()
    quantity = page.get_by_label("수량")
    quantity.fill("")
    assert amounts_shown(page)["total"] == "-"
    quantity.press_sequentially("10")
    assert amounts_shown(page) == {"unit": "1,600원", "supply": "16,000원", "vat": "1,600원", "total": "17,600원"}
    quantity.press_sequentially("00")
    assert amounts_shown(page) == {
        "unit": "1,600원",
        "supply": "1,600,000원",
        "vat": "160,000원",
        "total": "1,760,000원",
    }
    shoot("2-order")
    on_screen(page, "#rules-title")
    shoot("2-order-screen", full_page=False)
    page.get_by_role("button", name="주문하기").click()
    page.wait_for_url(re.compile(rf"{base}/mypage/orders/\d+/$"))
    order = Order.objects.get(partner=partner)
    assert (order.quantity, order.period_days, order.total_amount) == (1_000, 60, 1_760_000)
    summary = page.locator("#summary-title + dl").inner_text()
    assert "1,600원" in summary and "1,600,000원" in summary and "160,000원" in summary and "1,760,000원" in summary
    fits_phone_width(page)

    # 3. Pay by virtual account: account number, amount and due date are shown.
    page.get_by_role("button", name="가상계좌 결제").click()
    account = page.locator("#virtual-account")
    account.wait_for()
    shown = account.inner_text()
    order.refresh_from_db()
    payment = order.payments.get()
    assert order.status == OrderStatus.AWAITING_DEPOSIT
    assert payment.account_number and payment.account_number in shown
    assert "1,760,000원" in shown
    assert payment.due_at is not None and timezone.localtime(payment.due_at).strftime("%Y-%m-%d %H:%M") in shown
    assert page.locator("#order-status").inner_text() == "입금대기"
    shoot("3-virtual-account")
    fits_phone_width(page)

    # 4. The sandbox sends the PG's signed deposit notification.
    page.get_by_role("button", name="샌드박스 입금").click()
    page.get_by_text("입금이 확인되어 결제가 완료되었습니다.").wait_for()
    assert page.locator("#order-status").inner_text() == "결제완료"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    shoot("4-paid")

    # 5. Issue 400: nothing happens until the worker runs; then the bar fills on the open page.
    page.get_by_label("발급할 수량").fill("400")
    page.get_by_role("button", name="입력한 수량만 발급").click()
    page.get_by_text("일련번호 400개 발급을 요청했습니다.").wait_for()
    progress = page.get_by_role("progressbar", name="발급 진행률")
    assert progress.get_attribute("value") == "0" and progress.get_attribute("max") == "400"
    assert Issuance.objects.get(order=order).issued_count == 0  # not issued in the web process
    page.evaluate("() => { window.sameDocument = true; }")
    shoot("5-issuing")
    worker = worker_later()
    page.wait_for_function(
        """() => {
            const row = document.querySelector("#issuances tbody tr");
            return window.sameDocument === true && row.querySelector("progress").value === 400
                && row.innerText.includes("400/400") && row.innerText.includes("완료");
        }""",
        timeout=60_000,
    )
    assert worker.poll() is None
    # Once done the page reloads with the codes and the hand-over downloads.
    page.get_by_role("heading", name="일련번호 전달").wait_for(timeout=15_000)
    assert page.evaluate("() => window.sameDocument") is None
    assert page.get_by_role("progressbar", name="발급 진행률").get_attribute("value") == "400"
    assert "400 / 1,000" in page.locator("#summary-title + dl").inner_text()
    fits_phone_width(page)
    shoot("5-issued")
    on_screen(page, "#issuances")
    shoot("5-issued-screen", full_page=False)

    # 6. The CSV (BOM, header, 400 well-formed codes) and the usage guide.
    content = download(page, page.get_by_role("link", name="CSV 내려받기"))
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == CSV_HEADER
    codes = [row[0] for row in rows[1:]]
    assert len(codes) == 400 and len(set(codes)) == 400
    for code in codes:
        assert CODE_SHAPE.match(code), code
        assert code_format.display(code_format.normalize(code)) == code  # the check symbol holds
    assert all(row[1] == TITLE and row[2] == "60" and row[4].endswith(f"/register/#code={row[0]}") for row in rows[1:])
    assert all(row[0] in row[6] for row in rows[1:])  # the ready-to-send message carries its code

    guide = download(page, page.get_by_role("link", name="사용방법 안내 가이드(PDF)"))
    assert guide.startswith(b"%PDF")
    text = "".join(pdf_page.extract_text() for pdf_page in PdfReader(io.BytesIO(guide)).pages)
    assert TITLE in text
    assert "사용방법" in text and "등록" in text and "60일" in text

    # 7. No refund once codes are issued, and the page says why.
    assert page.get_by_role("button", name="환불").count() == 0
    assert "일련번호가 이미 발급된 주문은 취소/환불할 수 없습니다." in page.locator("#refund-refusal").inner_text()
    shoot("7-refund-refused")

    # 8. Withdrawal is refused: 600 units are still to be issued.
    page.get_by_role("button", name="메뉴").click()
    page.get_by_role("link", name="파트너정보").click()
    page.get_by_role("link", name="탈퇴").click()
    page.wait_for_url(f"{base}/partners/withdrawal/")
    blockers = page.locator("#withdrawal-blockers")
    text = blockers.inner_text()
    assert "지금은 탈퇴할 수 없습니다" in text
    assert "아직 발급하지 않았거나" in text
    assert f"주문 #{order.pk}" in text and "미발급 600개 남음 (구매 1,000개)" in text
    fits_phone_width(page)
    shoot("8-withdrawal-refused")
    assert Partner.objects.get(pk=partner.pk).status == Partner.Status.ACTIVE
    assert not celery_app.conf.task_always_eager
