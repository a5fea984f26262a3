"""manage.py create_api_key --email E [--name K]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bizshop.accounts.models import User
from bizshop.core.errors import ApplicationError
from bizshop.partners.services import api_key_create


class Command(BaseCommand):
    help = "Print a new API key for the partner of the member with this e-mail (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(f"no user with e-mail {options['email']}")
        try:
            issued = api_key_create(user=user, name=options["name"])
        except ApplicationError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(issued.raw_key)
