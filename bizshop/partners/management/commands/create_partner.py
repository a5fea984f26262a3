"""manage.py create_partner --name N --brn NNNNNNNNNN --email E --password P"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bizshop.core.errors import ApplicationError
from bizshop.partners.services import partner_create


class Command(BaseCommand):
    help = "Create a partner company with its owner member; prints the partner id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--brn", required=True, help="사업자등록번호, 10 digits (hyphens allowed)")
        parser.add_argument("--email", required=True, help="the owner's login")
        parser.add_argument("--password", required=True)
        parser.add_argument("--representative", default="", help="대표자 (defaults to the company name)")
        parser.add_argument("--invoice-email", default="", help="defaults to --email")
        parser.add_argument("--address", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            partner = partner_create(
                name=options["name"],
                business_registration_number=options["brn"],
                representative=options["representative"] or options["name"],
                invoice_email=options["invoice_email"] or options["email"],
                owner_email=options["email"],
                owner_password=options["password"],
                address=options["address"],
            )
        except ApplicationError as exc:
            raise CommandError(f"{exc.code}: {exc.message} {exc.details or ''}".strip()) from exc
        self.stdout.write(str(partner.pk))
