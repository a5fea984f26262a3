"""manage.py issue_tax_invoices [--month YYYY-MM]: the monthly tax-invoice run, now (API.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bizshop.core.errors import ApplicationError
from bizshop.invoices import services
from bizshop.invoices.months import parse_month, previous_month


class Command(BaseCommand):
    help = "세금계산서 월 발행: 그 달의 승인된 결제마다 한 장, 병합 신청은 한 장으로 (기본: 지난달)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: the previous month in Asia/Seoul)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = parse_month(options["month"]) if options["month"] else previous_month()
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        issued = services.invoice_month_run(month=month)
        self.stdout.write(f"{month:%Y-%m}: {issued} tax invoices issued")
