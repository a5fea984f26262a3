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
