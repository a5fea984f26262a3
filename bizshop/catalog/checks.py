"""System check: the code exports' directory and the emoticon images' (MEDIA_ROOT) stay apart.

Images are served to anyone (a view in production, Django's static route under DEBUG); an export
file holds a partner's codes. Neither directory may contain the other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register("bizshop")
def code_exports_outside_media(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    media = Path(settings.MEDIA_ROOT).resolve()
    exports = Path(settings.CODE_EXPORT_DIR).resolve()
    if exports == media or media in exports.parents or exports in media.parents:
        return [
            Error(
                f"CODE_EXPORT_DIR ({exports}) and MEDIA_ROOT ({media}) overlap: served images and code exports "
                "must live in separate directories",
                id="catalog.E001",
            )
        ]
    return []
