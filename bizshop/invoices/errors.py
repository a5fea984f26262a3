"""Error codes of tax invoices and merge requests (API.md)."""

from django.utils.translation import gettext_lazy as _

from bizshop.core.errors import ErrorCode

INVOICE_NOT_FOUND = ErrorCode("not_found", 404, _("세금계산서를 찾을 수 없습니다."))
PAYMENT_NOT_FOUND = ErrorCode("not_found", 404, _("결제를 찾을 수 없습니다."))
TOO_FEW_PAYMENTS = ErrorCode("too_few_payments", 422, _("병합 발행은 서로 다른 결제 2건 이상을 선택해야 합니다."))
PAYMENT_NOT_APPROVED = ErrorCode(
    "payment_not_approved", 422, _("승인된 결제만 세금계산서를 발행할 수 있습니다(취소되었거나 입금 전인 결제).")
)
DIFFERENT_BUSINESS = ErrorCode(
    "different_business", 422, _("사업자등록번호가 같은 결제끼리만 병합 발행할 수 있습니다.")
)
DIFFERENT_MONTH = ErrorCode("different_month", 422, _("같은 달(공급월)의 결제끼리만 병합 발행할 수 있습니다."))
CODES_NOT_FULLY_ISSUED = ErrorCode(
    "codes_not_fully_issued", 422, _("일련번호가 모두 발급된 주문의 결제만 병합 발행할 수 있습니다.")
)
ALREADY_INVOICED = ErrorCode(
    "already_invoiced", 422, _("이미 세금계산서가 발행되었거나 병합 발행이 신청된 결제가 있습니다.")
)
REQUEST_WINDOW_CLOSED = ErrorCode(
    "request_window_closed", 422, _("해당 월의 세금계산서 발행이 시작되어 병합 발행을 신청할 수 없습니다.")
)
INVALID_MONTH = ErrorCode("invalid_month", 422, _("월은 YYYY-MM 형식이어야 합니다."))
PAYMENT_NOT_CANCELLED = ErrorCode(
    "invalid_state", 409, _("취소되지 않은 결제에는 수정세금계산서를 발행할 수 없습니다.")
)
