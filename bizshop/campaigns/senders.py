"""Sending one recipient's message: e-mail through Django's mail connection (EMAIL_URL), SMS
through the provider named by SMS_PROVIDER. Failures are sorted into permanent and transient."""

from __future__ import annotations

import contextlib
import smtplib
from email.utils import make_msgid
from functools import cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils.module_loading import import_string

from bizshop.campaigns.sms.base import SmsPermanentError, SmsProvider, SmsTransientError


class PermanentFailure(Exception):
    """This recipient will never get it (SMTP 5xx for the address, a refused number)."""


class TransientFailure(Exception):
    """Worth another try later (SMTP 4xx, a dropped connection, a provider timeout)."""


class EmailSender:
    """One SMTP connection for a batch, reopened after the server drops it."""

    def __init__(self) -> None:
        self._connection: BaseEmailBackend | None = None

    def __enter__(self) -> EmailSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._connection.close()
            self._connection = None

    def _open(self) -> BaseEmailBackend:
        if self._connection is None:
            connection = get_connection(fail_silently=False)
            try:
                connection.open()
            except (smtplib.SMTPException, OSError) as exc:
                raise TransientFailure(f"SMTP 연결 실패: {exc}"[:300]) from exc
            self._connection = connection
        return self._connection

    def send(self, *, to: str, subject: str, text: str, title: str, code: str, url: str) -> str:
        """The Message-ID of the message sent, or PermanentFailure / TransientFailure."""
        message_id = make_msgid(domain=settings.EMAIL_MESSAGE_ID_DOMAIN)
        html = render_to_string(
            "campaigns/email.html", {"text": text, "title": title, "code": code, "url": url, "subject": subject}
        )
        message = EmailMultiAlternatives(subject=subject, body=text, to=[to], headers={"Message-ID": message_id})
        message.attach_alternative(html, "text/html")
        connection = self._open()
        try:
            connection.send_messages([message])
        except smtplib.SMTPRecipientsRefused as exc:
            code_, reply = next(iter(exc.recipients.values()), (0, b""))
            raise _by_code(code_, reply) from exc
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
            raise _by_code(exc.smtp_code, exc.smtp_error) from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            self.close()
            raise TransientFailure(f"SMTP: {exc}"[:300]) from exc
        return message_id


def _by_code(code: int, reply: bytes | str) -> Exception:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    reason = f"SMTP {code} {text}"[:300]
    return PermanentFailure(reason) if 500 <= code < 600 else TransientFailure(reason)


@cache
def _provider(path: str) -> SmsProvider:
    provider: SmsProvider = import_string(path)()
    return provider


def sms_provider() -> SmsProvider:
    return _provider(settings.SMS_PROVIDER)


def sms_send(*, to: str, text: str, reference: str) -> str:
    try:
        return sms_provider().send(to=to, text=text, reference=reference).message_id
    except SmsPermanentError as exc:
        raise PermanentFailure(str(exc)[:300]) from exc
    except SmsTransientError as exc:
        raise TransientFailure(str(exc)[:300]) from exc
