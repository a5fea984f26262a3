"""User accounts: one e-mail-login user model for partner members, end users and operators."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bizshop.accounts"
    label = "accounts"
    verbose_name = "계정"
