"""Error codes of operator actions."""

from django.utils.translation import gettext_lazy as _

from bizshop.core.errors import ErrorCode

OPERATOR_PERMISSION_DENIED = ErrorCode("permission_denied", 403, _("이 작업을 할 권한이 없습니다."))
ISSUANCE_IN_PROGRESS = ErrorCode(
    "issuance_in_progress", 409, _("아직 발급 중인 발급분입니다. 발급이 끝난 뒤 사용중지할 수 있습니다.")
)
INVALID_DATE_RANGE = ErrorCode(
    "invalid_date_range", 422, _("조회 기간이 올바르지 않습니다. 시작일은 종료일보다 늦을 수 없고 최대 366일입니다.")
)
