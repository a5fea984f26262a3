"""Issuances (발급), serial codes stored encrypted with a blind index, and registrations (등록)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bizshop.billing.models import Order
from bizshop.catalog.models import Emoticon


class Issuance(models.Model):
    """A tranche of k codes of one order; its registration window (등록기간) starts when requested."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("대기")
        RUNNING = "running", _("발급중")
        COMPLETED = "completed", _("완료")
        FAILED = "failed", _("실패")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="issuances")
    quantity = models.PositiveIntegerField(_("발급수량"))
    issued_count = models.PositiveIntegerField(_("생성된 수량"), default=0)
    # Codes issued in place of a voided one (code_void_and_replace). They take over the unit of the
    # code they replace, so ``quantity``/``issued_count`` (units) stay; the tranche holds
    # issued_count + replaced_count code rows, which the campaign stats read instead of counting them.
    replaced_count = models.PositiveIntegerField(_("교체 발급 수량"), default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    registration_deadline = models.DateTimeField(_("등록기한"))
    created_at = models.DateTimeField(auto_now_add=True)
    # Moves with every committed chunk: an unfinished issuance that stops moving has lost its worker.
    progressed_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("발급")
        verbose_name_plural = _("발급")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(issued_count__lte=models.F("quantity")), name="codes_issuance_count_lte_quantity"
            ),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="codes_issuance_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"발급 #{self.pk} ({self.issued_count:,}/{self.quantity:,})"


class CodeStatus(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("code status", "발급")
    REGISTERED = "registered", _("등록완료")
    EXPIRED = "expired", _("등록기간 만료")
    VOIDED = "voided", _("사용중지")


class SerialCode(models.Model):
    """One unit bought. Never stored in plaintext: AES-GCM ciphertext plus an HMAC blind index."""

    # Denormalised from issuance.order for per-order listing and export (index below). No
    # database FK on it: a per-row FK check costs ~10 s per million codes written, and the
    # checked issuance FK vouches for it (the writer copies issuance.order_id under its lock).
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="codes", db_constraint=False, db_index=False
    )
    issuance = models.ForeignKey(Issuance, on_delete=models.CASCADE, related_name="codes")
    blind_index = models.BinaryField(max_length=32, unique=True)
    # The second index of a lookup-key rotation (rotation.py): the new key's HMAC, filled before
    # the switch, copied into ``blind_index`` after it. Its unique index is the rotation's to
    # make (after the fill, so that the fill rewrites no index) and is what lookups and new codes
    # rely on while ``blind_index`` is being moved over.
    blind_index_next = models.BinaryField(max_length=32, null=True, blank=True)
    ciphertext = models.BinaryField(max_length=64)
    # The fingerprint of the key (crypto.key_fingerprint); codes older than fingerprints carry its label.
    key_id = models.CharField(max_length=16)
    status = models.CharField(max_length=16, choices=CodeStatus.choices, default=CodeStatus.ISSUED)
    registered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("일련번호")
        verbose_name_plural = _("일련번호")
        indexes = [
            models.Index(fields=["order", "id"], name="codes_code_order_id"),
            # Registered counts per order read this small index, never the order's every code; with
            # the day and the tranche in it, registrations per day too (campaign stats), from the
            # index alone (an index-only scan) rather than a heap page per registered code.
            models.Index(
                fields=["order", "registered_at"],
                include=["issuance"],
                condition=models.Q(status="registered"),
                name="codes_code_registered_by_day",
            ),
            # Voided counts per order (campaign stats): as small as the voided codes are few.
            models.Index(fields=["order"], condition=models.Q(status="voided"), name="codes_code_voided_by_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="registered", registered_at__isnull=False) | ~models.Q(status="registered"),
                name="codes_code_registered_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"일련번호 #{self.pk} ({self.get_status_display()})"  # never the code itself


class Registration(models.Model):
    """An end user's emoticon: a code registered once, usable for its period from then."""

    code = models.OneToOneField(SerialCode, on_delete=models.PROTECT, related_name="registration")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations")
    emoticon = models.ForeignKey(Emoticon, on_delete=models.PROTECT, related_name="+")
    period_days = models.PositiveSmallIntegerField()
    registered_at = models.DateTimeField()
    usage_expires_at = models.DateTimeField()
    # Set by the periodic expiry task; what users see is computed from usage_expires_at, so
    # the page and the API agree even in the minutes before the task runs.
    usage_expired_marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "등록")
        verbose_name_plural = pgettext_lazy("model", "등록")
        indexes = [
            models.Index(fields=["user", "-registered_at"], name="codes_registration_user"),
            models.Index(
                fields=["usage_expires_at"],
                condition=models.Q(usage_expired_marked_at__isnull=True),
                name="codes_registration_to_expire",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.emoticon}"


class CodeExport(models.Model):
    """A file of every code of an order, built in the background for large orders."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    class Status(models.TextChoices):
        QUEUED = "queued", _("대기")
        RUNNING = "running", _("생성중")
        READY = "ready", _("다운로드 가능")
        FAILED = "failed", _("실패")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="code_exports")
    format = models.CharField(max_length=8, choices=Format.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    # The file: encrypted under ``key_id`` in CODE_EXPORT_DIR (export_store), never under a served path.
    stored_name = models.CharField(max_length=64, blank=True)
    key_id = models.CharField(max_length=16, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    row_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("일련번호 파일")
        verbose_name_plural = _("일련번호 파일")

    def __str__(self) -> str:
        return f"주문 #{self.order_id} {self.format} ({self.get_status_display()})"

    @property
    def download_name(self) -> str:
        return f"bizshop-order-{self.order_id}-codes-{self.pk}.{self.format}"


class CodeExportDownload(models.Model):
    """Each time an export file is handed out (내려받기 기록): kept after the file is deleted."""

    export = models.ForeignKey(CodeExport, on_delete=models.SET_NULL, null=True, related_name="downloads")
    export_number = models.PositiveBigIntegerField()  # the export's id, kept once it is deleted
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    api_key_id = models.PositiveBigIntegerField(null=True, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    downloaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("일련번호 파일 내려받기")
        verbose_name_plural = _("일련번호 파일 내려받기")

    def __str__(self) -> str:
        return f"파일 #{self.export_number} · {self.downloaded_at:%Y-%m-%d %H:%M}"


class KeyRotationProgress(models.Model):
    """Where a key rotation stopped (``rotate_code_keys``): the last code id done for that target key."""

    class Kind(models.TextChoices):
        ENCRYPTION = "encryption", "encryption"
        LOOKUP = "lookup", "lookup (fill)"
        LOOKUP_FINISH = "lookup_finish", "lookup (finish)"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    target_key_id = models.CharField(max_length=16)  # the fingerprint of the key rotated to
    last_code_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "target_key_id"], name="codes_key_rotation_one_per_target")
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.target_key_id}: {self.last_code_id}"
