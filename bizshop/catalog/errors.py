"""Error codes of the catalog."""

from django.utils.translation import gettext_lazy as _

from bizshop.core.errors import ErrorCode

EMOTICON_NOT_FOUND = ErrorCode("emoticon_not_found", 404, _("이모티콘을 찾을 수 없습니다."))
EMOTICON_NOT_ON_SALE = ErrorCode("emoticon_not_on_sale", 422, _("판매 중인 이모티콘이 아닙니다."))
INVALID_PERIOD = ErrorCode("invalid_period", 422, _("사용기간은 30일 또는 60일만 선택할 수 있습니다."))
# Image rules (bizshop/catalog/images.py): one code per rule, so the admin says which one a file broke.
IMAGE_TYPE_NOT_ALLOWED = ErrorCode(
    "image_type_not_allowed",
    422,
    _("이미지 파일이 아니거나 지원하지 않는 형식입니다. PNG, WebP, GIF 이미지만 올릴 수 있습니다."),
)
REPRESENTATIVE_IMAGE_NOT_PNG = ErrorCode(
    "representative_image_not_png", 422, _("대표이미지는 움직이지 않는 PNG 파일만 올릴 수 있습니다.")
)
IMAGE_TOO_LARGE = ErrorCode("image_too_large", 422, _("파일이 너무 큽니다. 이미지 한 개는 2MB 이하여야 합니다."))
IMAGE_NOT_SQUARE = ErrorCode(
    "image_not_square", 422, _("정사각형 이미지만 올릴 수 있습니다(가로와 세로가 같아야 합니다).")
)
IMAGE_TOO_SMALL = ErrorCode("image_too_small", 422, _("이미지가 너무 작습니다. 가로·세로 360px 이상이어야 합니다."))
IMAGE_TOO_BIG_SIDES = ErrorCode(
    "image_too_big_sides", 422, _("이미지가 너무 큽니다. 가로·세로 2048px 이하여야 합니다.")
)
IMAGE_TOO_MANY_FRAMES = ErrorCode("image_too_many_frames", 422, _("움직이는 이미지는 24프레임 이하여야 합니다."))
STICKER_COUNT_OUT_OF_RANGE = ErrorCode(
    "sticker_count_out_of_range", 422, _("스티커 세트는 8개 이상 32개 이하로 구성해야 합니다.")
)
INVALID_PRICE = ErrorCode("invalid_price", 422, _("단가는 1원 이상의 정수여야 합니다."))
