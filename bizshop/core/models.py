"""Shared data: idempotency records of API POSTs."""

from __future__ import annotations

from django.db import models


class IdempotencyRecord(models.Model):
    """The first response to a POST with an ``Idempotency-Key``, replayed for the same key."""

    scope = models.CharField(max_length=64)  # who sent it: "partner:<id>" or "user:<id>"
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="core_idempotency_scope_key_unique")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
