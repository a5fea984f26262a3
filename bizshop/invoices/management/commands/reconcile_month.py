"""manage.py reconcile_month --month YYYY-MM: payments − refunds = Σ invoices, per business number (API.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bizshop.core.errors import ApplicationError
from bizshop.invoices.months import parse_month
from bizshop.invoices.reconciliation import reconcile_month, reconciliation_report


class Command(BaseCommand):
    help = "월별 대사: 그 달의 결제 − 환불이 세금계산서(일반·병합·수정) 합계와 같은지 사업자등록번호별로 확인합니다."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="YYYY-MM")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = parse_month(options["month"])
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        result = reconcile_month(month=month)
        for line in reconciliation_report(result):
            self.stdout.write(line)
        if not result.ok:
            raise SystemExit(1)
