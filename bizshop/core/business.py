"""Businesses on documents: the shop's own details (공급자, settings ``SHOP_*``) and the
사업자등록번호 display format, for quotes, statements, receipts and tax invoices alike."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


def format_brn(number: str) -> str:
    """10-digit 사업자등록번호 as printed: 123-45-67890 (anything else as it is)."""
    return f"{number[:3]}-{number[3:5]}-{number[5:]}" if len(number) == 10 and number.isdigit() else number


@dataclass(frozen=True)
class Business:
    """One side of a document: who sells or who buys."""

    name: str
    registration_number: str
    representative: str
    address: str
    phone: str = ""

    @property
    def formatted_registration_number(self) -> str:
        return format_brn(self.registration_number)


def shop_business() -> Business:
    """The shop as supplier; the settings' defaults are the embedded demo's."""
    return Business(
        name=settings.SHOP_NAME,
        registration_number=settings.SHOP_BRN,
        representative=settings.SHOP_REPRESENTATIVE,
        address=settings.SHOP_ADDRESS,
        phone=settings.SHOP_PHONE,
    )


@dataclass(frozen=True)
class ShopDetails(Business):
    """The shop as every page's footer and the policies name it (전자상거래법: 사업자 신원 정보)."""

    mail_order_number: str = ""  # 통신판매업 신고번호
    email: str = ""
    support_hours: str = ""  # 고객센터 운영시간
    privacy_officer: str = ""  # 개인정보 보호책임자


def shop_details() -> ShopDetails:
    shop = shop_business()
    return ShopDetails(
        name=shop.name,
        registration_number=shop.registration_number,
        representative=shop.representative,
        address=shop.address,
        phone=shop.phone,
        mail_order_number=settings.SHOP_MAIL_ORDER_NUMBER,
        email=settings.SHOP_EMAIL,
        support_hours=settings.SHOP_SUPPORT_HOURS,
        privacy_officer=settings.SHOP_PRIVACY_OFFICER,
    )
