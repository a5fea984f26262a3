"""Error codes of serial codes and registration (API.md)."""

from django.utils.translation import gettext_lazy as _

from bizshop.core.errors import ErrorCode

INVALID_CODE_FORMAT = ErrorCode(
    "invalid_code_format", 422, _("일련번호 형식이 올바르지 않습니다. 20자리 영문·숫자를 확인해 주세요.")
)
INVALID_CHECK_CHARACTER = ErrorCode(
    "invalid_check_character", 422, _("일련번호가 올바르지 않습니다. 잘못 입력한 글자가 없는지 확인해 주세요.")
)
CODE_NOT_FOUND = ErrorCode("code_not_found", 404, _("존재하지 않는 일련번호입니다."))
CODE_ALREADY_REGISTERED = ErrorCode("code_already_registered", 409, _("이미 등록된 일련번호입니다."))
REGISTRATION_PERIOD_OVER = ErrorCode("registration_period_over", 410, _("일련번호 등록기간이 지났습니다."))
CODE_VOIDED = ErrorCode("code_voided", 410, _("사용할 수 없도록 처리된 일련번호입니다."))
EMAIL_NOT_VERIFIED = ErrorCode(
    "email_not_verified", 403, _("이메일 인증 후 등록할 수 있습니다. 메일로 받은 인증 링크를 눌러 주세요.")
)
TOO_MANY_ATTEMPTS = ErrorCode(
    "too_many_attempts", 429, _("일련번호 입력 시도가 너무 많습니다. 잠시 후 다시 시도해 주세요.")
)
UNSUPPORTED_EXPORT_FORMAT = ErrorCode(
    "unsupported_export_format", 422, _("지원하지 않는 형식입니다. json, csv, xlsx 중에서 선택해 주세요.")
)
ISSUANCE_NOT_FOUND = ErrorCode("not_found", 404, _("발급 내역을 찾을 수 없습니다."))
EXPORT_NOT_FOUND = ErrorCode("not_found", 404, _("파일을 찾을 수 없습니다."))
EXPORT_NOT_READY = ErrorCode("export_not_ready", 409, _("파일을 만드는 중입니다. 잠시 후 다시 시도해 주세요."))
# The end user's sticker images (signed URLs, stickers.py).
STICKER_LINK_INVALID = ErrorCode(
    "sticker_link_invalid", 403, _("이 이미지 주소는 로그인한 본인만 열 수 있습니다. 내 이모티콘에서 다시 열어 주세요.")
)
STICKER_LINK_EXPIRED = ErrorCode(
    "sticker_link_expired", 403, _("이미지 주소의 유효 시간이 지났습니다. 내 이모티콘에서 다시 열어 주세요.")
)
USAGE_PERIOD_EXPIRED = ErrorCode("usage_period_expired", 403, _("사용기간이 만료된 이모티콘입니다."))
STICKER_NOT_FOUND = ErrorCode("not_found", 404, _("스티커를 찾을 수 없습니다."))
