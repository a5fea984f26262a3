"""Per-API-key request throttling (DRF's throttle, counted in the shared cache, i.e. Redis)."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle


class ApiKeyRateThrottle(SimpleRateThrottle):
    """Each partner API key gets its own budget (``api_key`` rate); other requests are not counted here."""

    scope = "api_key"

    def get_rate(self) -> str | None:
        # Read at request time (not class definition), so a settings change takes effect.
        from rest_framework.settings import api_settings

        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return None if rate is None else str(rate)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        api_key_id = getattr(request.auth, "pk", None)
        if api_key_id is None or not hasattr(request.auth, "key_hash"):
            return None
        return self.cache_format % {"scope": self.scope, "ident": api_key_id}
