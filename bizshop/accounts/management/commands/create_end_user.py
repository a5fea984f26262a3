"""manage.py create_end_user --email E --password P"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bizshop.accounts.services import user_create
from bizshop.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Create an end-user account (someone who registers codes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = user_create(email=options["email"], password=options["password"], name=options["name"])
        except ApplicationError as exc:
            raise CommandError(f"{exc.code}: {exc.message} {exc.details or ''}".strip()) from exc
        self.stdout.write(str(user.pk))
