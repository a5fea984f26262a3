"""What assistive technology is told by the portal's pages: a refused form's summary, fields tied to their
errors, the menus each kind of person gets, the current page in sub-menus, labelled regions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse

from bizshop.billing.models import Order
from bizshop.catalog.models import Emoticon
from bizshop.partners.models import Member
from tests.helpers.html import Element, parse

CSS = Path(__file__).resolve().parents[2] / "static" / "bizshop" / "bizshop.css"


def links_of(nav: Element) -> list[str]:
    return [element.text() for element in nav.find_all(lambda e: e.tag in ("a", "button"))]


def main_menu(response: Any) -> Element:
    return parse(response.content).find(lambda e: e.tag == "nav" and e.attrs.get("aria-label") == "주 메뉴")


def test_a_refused_signup_shows_a_summary_that_takes_focus_and_names_each_field(db: None) -> None:
    page = parse(Client().post(reverse("accounts:signup"), {"email": ""}).content)

    summary = page.by_id("error-summary")
    assert summary.attrs.get("tabindex") == "-1" and "autofocus" in summary.attrs
    entries = {link.attrs["href"]: link.text() for link in summary.find_all(lambda e: e.tag == "a")}
    assert entries["#id_email"].startswith("이메일: ")
    assert entries["#id_password1"].startswith("비밀번호: ")


def test_a_refused_field_is_invalid_and_described_by_an_error_that_names_it(db: None) -> None:
    page = parse(Client().post(reverse("accounts:signup"), {"email": ""}).content)

    email = page.find(lambda e: e.tag == "input" and e.attrs.get("name") == "email")
    assert email.attrs.get("aria-invalid") == "true"
    assert "id_email_error" in email.attrs["aria-describedby"].split()
    error = page.by_id("id_email_error")
    assert error.text().startswith("이메일: ") and len(error.text()) > len("이메일: ")
    password = page.find(lambda e: e.tag == "input" and e.attrs.get("name") == "password1")
    assert "id_password1_error" in password.attrs["aria-describedby"].split()


def test_a_page_whose_form_was_refused_says_so_first_in_its_title(db: None) -> None:
    refused = parse(Client().post(reverse("accounts:signup"), {"email": "x"}).content)
    fresh = parse(Client().get(reverse("accounts:signup")).content)

    assert refused.find(lambda e: e.tag == "title").text().startswith("오류: ")
    assert not fresh.find(lambda e: e.tag == "title").text().startswith("오류")


def test_a_refused_order_keeps_its_summary_in_the_order_form(member_client: Client, emoticon: Emoticon) -> None:
    response = member_client.post(
        reverse("billing:order-create"), {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": 7}
    )
    page = parse(response.content)

    form = page.by_id("order-form")
    summary = form.by_id("error-summary")
    assert "autofocus" in summary.attrs
    assert any(link.attrs["href"] == "#id_quantity" for link in summary.find_all(lambda e: e.tag == "a"))
    quantity = form.by_id("id_quantity")
    assert quantity.attrs.get("aria-invalid") == "true"
    assert "quantity-error" in quantity.attrs["aria-describedby"].split()
    assert page.by_id("quantity-error").text().startswith("수량: ")
    assert page.find(lambda e: e.tag == "title").text().startswith("오류: ")


def test_the_api_key_scopes_are_a_fieldset_named_by_its_legend(member_client: Client) -> None:
    page = parse(member_client.get(reverse("partners:api-keys")).content)

    fieldset = page.find(
        lambda e: (
            e.tag == "fieldset" and bool(e.find_all(lambda i: i.tag == "input" and i.attrs.get("name") == "scopes"))
        )
    )
    assert fieldset.find(lambda e: e.tag == "legend").text() == "권한 범위"
    assert "id_scopes_helptext" in fieldset.attrs["aria-describedby"]


def test_the_partner_menu_marks_the_page_shown_as_current(member_client: Client, member: Member) -> None:
    for url, current in ((reverse("partners:members"), "멤버 관리"), (reverse("partners:api-keys"), "API 키")):
        page = parse(member_client.get(url).content)
        nav = page.find(lambda e: e.tag == "nav" and e.attrs.get("aria-label") == "파트너 메뉴")
        marked = nav.find_all(lambda e: e.attrs.get("aria-current") == "page")
        assert [link.text() for link in marked] == [current]


def test_a_registration_is_announced_as_a_status(
    end_user_client: Client, paid_order: Order, issue_codes: Callable[..., list[str]]
) -> None:
    code = issue_codes(paid_order, quantity=1)[0]

    response = end_user_client.post(reverse("codes:register"), {"code": code}, follow=True)

    registered = parse(response.content).find(lambda e: "data-registered" in e.attrs)
    assert registered.attrs.get("role") == "status"
    assert "등록이 완료되었습니다" in registered.text()


def test_an_order_table_is_a_focusable_labelled_region_whose_cells_carry_their_column(
    member_client: Client, member: Member, emoticon: Emoticon
) -> None:
    from bizshop.billing import services as billing

    billing.order_create(partner=member.partner, emoticon_id=emoticon.pk, period_days=30, quantity=100)
    page = parse(member_client.get(reverse("billing:order-list")).content)

    region = page.find(lambda e: "table-wrap" in e.attrs.get("class", "").split())
    assert (region.attrs.get("role"), region.attrs.get("tabindex"), region.attrs.get("aria-label")) == (
        "region",
        "0",
        "주문 목록",
    )
    headers = [th.text() for th in region.find_all(lambda e: e.tag == "th")]
    cells = [td.attrs.get("data-label") for td in region.find_all(lambda e: e.tag == "td")]
    assert cells == headers
    assert all(time.attrs.get("datetime") for time in region.find_all(lambda e: e.tag == "time"))


def test_visitors_end_users_and_partner_members_each_get_their_own_menu(
    end_user_client: Client, member_client: Client
) -> None:
    assert links_of(main_menu(Client().get("/"))) == ["홈", "일련번호 등록", "고객센터", "로그인"]
    assert links_of(main_menu(end_user_client.get("/"))) == [
        "홈",
        "일련번호 등록",
        "내 이모티콘",
        "고객센터",
        "로그아웃",
    ]
    assert links_of(main_menu(member_client.get("/"))) == [
        "홈",
        "구매내역",
        "세금계산서",
        "파트너정보",
        "고객센터",
        "로그아웃",
    ]


def test_the_menu_button_controls_the_menu_and_the_language_switch_is_one_button(db: None) -> None:
    page = parse(Client().get("/").content)

    button = page.find(lambda e: "data-menu-button" in e.attrs)
    assert button.attrs["aria-controls"] == "site-menu" and button.attrs["aria-expanded"] == "false"
    assert button.attrs["href"] == "#site-menu"  # opens the menu by :target where no script runs
    menu = page.by_id("site-menu")
    switch = menu.find(lambda e: e.tag == "form" and e.attrs.get("action") == reverse("set_language"))
    buttons = switch.find_all(lambda e: e.tag == "button")
    assert [(b.attrs.get("name"), b.attrs.get("value"), b.text()) for b in buttons] == [("language", "en", "English")]
    assert not switch.find_all(lambda e: e.tag == "select")


def test_the_font_stack_names_noto_sans_cjk_kr_first() -> None:
    font = next(line for line in CSS.read_text().splitlines() if line.strip().startswith("--font:"))

    assert font.split(":", 1)[1].strip().startswith('"Noto Sans CJK KR"')


def test_the_favicon_is_an_svg_with_a_png_fallback(db: None) -> None:
    head = parse(Client().get("/").content).find(lambda e: e.tag == "head")

    icons = {
        link.attrs.get("type"): link.attrs["href"] for link in head.find_all(lambda e: e.attrs.get("rel") == "icon")
    }
    assert icons["image/svg+xml"].endswith("favicon.svg") and icons["image/png"].endswith(".png")
