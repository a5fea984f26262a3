"""Error codes of webhooks."""

from django.utils.translation import gettext_lazy as _

from bizshop.core.errors import ErrorCode

INVALID_WEBHOOK_URL = ErrorCode(
    "invalid_webhook_url", 422, _("웹훅 URL은 http(s) 주소여야 하며 내부망 주소는 쓸 수 없습니다.")
)
INVALID_WEBHOOK_EVENTS = ErrorCode("invalid_webhook_events", 422, _("지원하지 않는 이벤트가 있습니다."))
WEBHOOK_NOT_FOUND = ErrorCode("not_found", 404, _("웹훅을 찾을 수 없습니다."))
WEBHOOK_PAYLOAD_PURGED = ErrorCode(
    "webhook_payload_purged", 410, _("보관 기간(30일)이 지나 내용이 삭제된 웹훅은 다시 보낼 수 없습니다.")
)
