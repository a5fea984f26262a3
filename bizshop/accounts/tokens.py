"""The one-time link of the e-mail verification (이메일 인증) mail, made like a password reset's."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """Django's signed, timed token (PASSWORD_RESET_TIMEOUT), bound to the account and its address.

    Opening it again changes nothing and is not an error: mail scanners open links before people do."""

    key_salt = "bizshop.accounts.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        return f"{user.pk}{user.email}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()
