"""User accounts: one e-mail-login user model for partner members, end users and operators."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "bizshop.accounts"
    label = "accounts"
    verbose_name = _("계정")
