"""Error codes of the catalog."""

from django.utils.translation import gettext_lazy as _

from bizshop.core.errors import ErrorCode

EMOTICON_NOT_FOUND = ErrorCode("emoticon_not_found", 404, _("이모티콘을 찾을 수 없습니다."))
EMOTICON_NOT_ON_SALE = ErrorCode("emoticon_not_on_sale", 422, _("판매 중인 이모티콘이 아닙니다."))
INVALID_PERIOD = ErrorCode("invalid_period", 422, _("사용기간은 30일 또는 60일만 선택할 수 있습니다."))
INVALID_IMAGE = ErrorCode(
    "invalid_image",
    422,
    _("이미지 파일이 아니거나 지원하지 않는 형식입니다. PNG, JPEG, GIF, WEBP(최대 5MB)만 올릴 수 있습니다."),
)
INVALID_PRICE = ErrorCode("invalid_price", 422, _("단가는 1원 이상의 정수여야 합니다."))
