"""manage.py create_api_key --email E [--name K] [--scopes a,b]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bizshop.accounts.models import User
from bizshop.core.errors import ApplicationError
from bizshop.partners.services import API_KEY_SCOPES, api_key_create


class Command(BaseCommand):
    help = "Print a new API key for the partner of the member with this e-mail (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="default")
        parser.add_argument(
            "--scopes",
            default="",
            help=f"comma-separated, of {', '.join(API_KEY_SCOPES)}; all scopes when left out",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(f"no user with e-mail {options['email']}")
        scopes = [scope.strip() for scope in options["scopes"].split(",") if scope.strip()]
        try:
            issued = api_key_create(user=user, name=options["name"], scopes=scopes)
        except ApplicationError as exc:
            raise CommandError(f"{exc.code}: {exc.message} {exc.details}") from exc
        self.stdout.write(issued.raw_key)
