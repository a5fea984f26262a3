"""Create (or bring back in line) the operator groups and their model permissions; safe to run again."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

CATALOG_MANAGER = "상품 관리자"
BILLING = "정산 담당자"
SUPPORT = "고객 지원"

# app_label.codename per group: exactly these, anything else the group held is taken away.
GROUP_PERMISSIONS: dict[str, list[str]] = {
    CATALOG_MANAGER: [
        *(f"catalog.{action}_emoticon" for action in ("add", "change", "delete", "view")),
        *(f"catalog.{action}_sticker" for action in ("add", "change", "delete", "view")),
        "catalog.view_emoticonprice",
        "catalog.view_emoticonpricehistory",
        "catalog.view_rankingentry",
        "catalog.view_salesdaily",
        "backoffice.view_sales_dashboard",
    ],
    BILLING: [
        "billing.view_order",
        "billing.change_order",
        "billing.view_payment",
        "billing.view_depositnotification",
        "billing.change_depositnotification",
        "backoffice.confirm_deposits",
        "invoices.view_taxinvoice",
        "invoices.view_taxinvoiceline",
        "invoices.view_invoicemergerequest",
        "invoices.view_invoicemonth",
        "backoffice.resend_invoice_emails",
        "billing.view_orderevent",
        "partners.view_partner",
        "partners.view_member",
        "catalog.view_emoticon",
        "catalog.view_salesdaily",
        "backoffice.view_sales_dashboard",
        "backoffice.view_partner_orders",
        "backoffice.view_operatoraction",
        "audit.view_auditevent",
    ],
    SUPPORT: [
        "partners.view_partner",
        "partners.view_member",
        "billing.view_order",
        "billing.view_orderevent",
        "catalog.view_emoticon",
        "codes.view_issuance",
        "codes.view_serialcode",
        "codes.view_registration",
        "backoffice.void_codes",
        "backoffice.view_partner_orders",
        "backoffice.view_operatoraction",
        "audit.view_auditevent",
        # 고객센터: FAQ and notices edited as is; inquiries only read and answered (audited).
        *(f"support.{action}_faq" for action in ("add", "change", "delete", "view")),
        *(f"support.{action}_notice" for action in ("add", "change", "delete", "view")),
        "support.view_inquiry",
        "support.answer_inquiry",
        "support.view_inquiryattachment",
    ],
}


def _permission(name: str) -> Permission:
    app_label, codename = name.split(".", 1)
    found = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    if found is None:
        raise CommandError(f"permission {name} does not exist: run migrate first")
    return found


class Command(BaseCommand):
    help = "운영자 그룹(상품 관리자, 정산 담당자, 고객 지원)과 권한을 만듭니다. 여러 번 실행해도 같습니다."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        for group_name, names in GROUP_PERMISSIONS.items():
            group, created = Group.objects.get_or_create(name=group_name)
            group.permissions.set([_permission(name) for name in names])
            verb = "created" if created else "updated"
            self.stdout.write(f"{group_name}: {verb}, {len(names)} permissions")
