"""OpenAPI helpers: describe responses exactly as the API renders them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers


def list_envelope(name: str, item: serializers.BaseSerializer[Any]) -> serializers.Serializer[Any]:
    """``{"results": [item, …], "next": url | null}``: every list of the API (API.md)."""
    return inline_serializer(
        name,
        {"results": item.__class__(many=True), "next": serializers.URLField(allow_null=True)},
    )
