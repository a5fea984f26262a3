"""Error codes of deliveries (API.md, Deliveries)."""

from django.utils.translation import gettext_lazy as _

from bizshop.core.errors import ErrorCode

INVALID_RECIPIENTS = ErrorCode(
    "invalid_recipients", 422, _("받는 사람 목록에 잘못된 행이 있습니다. 표시된 행을 고친 뒤 다시 올려 주세요.")
)
TOO_MANY_RECIPIENTS = ErrorCode("too_many_recipients", 422, _("한 번에 100,000명까지 보낼 수 있습니다."))
NOT_ENOUGH_CODES = ErrorCode(
    "not_enough_codes", 422, _("보낼 수 있는 일련번호가 부족합니다. 일련번호를 더 발급한 뒤 다시 시도해 주세요.")
)
UNKNOWN_PLACEHOLDER = ErrorCode(
    "unknown_placeholder",
    422,
    _(
        "문구에 알 수 없는 치환어가 있습니다. "
        "{name} {title} {code} {period_days} {deadline} {registration_url} 만 쓸 수 있습니다."
    ),
)
INVALID_TEMPLATE = ErrorCode(
    "invalid_template", 422, _("문구의 중괄호가 맞지 않습니다. 중괄호를 글자로 쓰려면 {{ }} 처럼 두 번 써 주세요.")
)
DELIVERY_NOT_FOUND = ErrorCode("not_found", 404, _("코드 보내기 내역을 찾을 수 없습니다."))
RECIPIENT_NOT_FOUND = ErrorCode("not_found", 404, _("받는 사람을 찾을 수 없습니다."))
RECIPIENT_BUSY = ErrorCode("recipient_busy", 409, _("이미 보내는 중입니다. 잠시 후 상태를 확인해 주세요."))
CONTACTS_ERASED = ErrorCode(
    "contacts_erased", 410, _("보관 기간이 지나 연락처가 삭제되었습니다. 다시 보낼 수 없습니다.")
)
UNSUPPORTED_FILE = ErrorCode(
    "unsupported_file", 422, _("CSV 또는 엑셀(XLSX) 파일을 올려 주세요. 첫 행은 이름, 이메일, 휴대폰 머리글입니다.")
)
