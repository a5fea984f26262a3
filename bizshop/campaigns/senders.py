"""Sending one recipient's message: e-mail through Django's mail connection (EMAIL_URL), SMS
through the provider named by SMS_PROVIDER. Failures are sorted into permanent and transient."""

from __future__ import annotations

import base64
import contextlib
import functools
import re
import secrets
import smtplib
from email.header import Header
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.template.loader import render_to_string
from django.utils.module_loading import import_string

from bizshop.campaigns.contacts import mask_email, mask_phone
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
        connection = self._open()
        try:
            if isinstance(connection, SmtpBackend) and connection.connection is not None:
                # The message written out directly: the email package's generator took 2 ms of
                # the ~3 ms each message cost (bench/deliver.py); the headers that need encoding
                # (From, Subject) are encoded once per sender and subject.
                data = self._mime(to=to, subject=subject, message_id=message_id, text=text, html=html)
                connection.connection.sendmail(self._envelope_from, [to], data)
            else:  # another backend (tests' locmem outbox, the console)
                message = EmailMultiAlternatives(
                    subject=subject, body=text, to=[to], headers={"Message-ID": message_id}
                )
                message.attach_alternative(html, "text/html")
                connection.send_messages([message])
        except smtplib.SMTPRecipientsRefused as exc:
            code_, reply = next(iter(exc.recipients.values()), (0, b""))
            raise _by_code(code_, reply, to=to) from exc
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
            raise _by_code(exc.smtp_code, exc.smtp_error, to=to) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise TransientFailure(_scrubbed(f"SMTP: {exc}", to)) from exc
        return message_id

    @functools.cached_property
    def _from_header(self) -> str:
        name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
        return formataddr((name, address), charset="utf-8")

    @functools.cached_property
    def _envelope_from(self) -> str:
        return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]

    def _subject_header(self, subject: str) -> str:
        if self._subject != subject:
            self._subject, self._encoded_subject = subject, Header(subject, "utf-8").encode()
        return self._encoded_subject

    _subject = ""
    _encoded_subject = ""

    def _mime(self, *, to: str, subject: str, message_id: str, text: str, html: str) -> bytes:
        """multipart/alternative of a UTF-8 text and HTML part, both base64, CRLF line ends.

        ``to`` is an ASCII address checked by recipients.py (no CR or LF can reach a header)."""
        boundary = f"=_bizshop_{secrets.token_hex(12)}"
        lines = [
            f"From: {self._from_header}",
            f"To: {to}",
            f"Subject: {self._subject_header(subject)}",
            f"Date: {formatdate(localtime=True)}",
            f"Message-ID: {message_id}",
            "MIME-Version: 1.0",
            f'Content-Type: multipart/alternative; boundary="{boundary}"',
            "",
            f"--{boundary}",
            'Content-Type: text/plain; charset="utf-8"',
            "Content-Transfer-Encoding: base64",
            "",
            base64.encodebytes(text.encode()).decode("ascii").rstrip("\n").replace("\n", "\r\n"),
            f"--{boundary}",
            'Content-Type: text/html; charset="utf-8"',
            "Content-Transfer-Encoding: base64",
            "",
            base64.encodebytes(html.encode()).decode("ascii").rstrip("\n").replace("\n", "\r\n"),
            f"--{boundary}--",
            "",
        ]
        return "\r\n".join(lines).encode("ascii")


def _scrubbed(reason: str, contact: str) -> str:
    """A server's or provider's answer as kept in ``last_error``: the contact it may quote masked
    (no plaintext contact in the database), at most 300 characters."""
    if contact:
        masked = mask_email(contact) if "@" in contact else mask_phone(contact)
        reason = re.sub(re.escape(contact), masked, reason, flags=re.IGNORECASE)
    return reason[:300]


def _by_code(code: int, reply: bytes | str, *, to: str) -> Exception:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    reason = _scrubbed(f"SMTP {code} {text}", to)
    return PermanentFailure(reason) if 500 <= code < 600 else TransientFailure(reason)


@functools.cache
def _provider(path: str) -> SmsProvider:
    provider_class: type[SmsProvider] = import_string(path)
    return provider_class()


def sms_provider() -> SmsProvider:
    return _provider(settings.SMS_PROVIDER)


def sms_send(*, to: str, text: str, reference: str) -> str:
    try:
        return sms_provider().send(to=to, text=text, reference=reference).message_id
    except SmsPermanentError as exc:
        raise PermanentFailure(_scrubbed(str(exc), to)) from exc
    except SmsTransientError as exc:
        raise TransientFailure(_scrubbed(str(exc), to)) from exc
