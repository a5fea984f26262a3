"""Error codes of orders, payments and refunds (API.md)."""

from django.utils.translation import gettext_lazy as _

from bizshop.core.errors import ErrorCode

ORDER_NOT_FOUND = ErrorCode("not_found", 404, _("주문을 찾을 수 없습니다."))
QUANTITY_OUT_OF_RANGE = ErrorCode("quantity_out_of_range", 422, _("구매 수량이 허용 범위를 벗어났습니다."))
INVALID_STATE = ErrorCode("invalid_state", 409, _("현재 주문 상태에서는 할 수 없는 요청입니다."))
PAYMENT_DECLINED = ErrorCode("payment_declined", 402, _("카드 결제가 거절되었습니다. 다른 카드로 다시 시도해 주세요."))
INVALID_PAYMENT_METHOD = ErrorCode("invalid_payment_method", 422, _("결제 수단은 card 또는 virtual_account 입니다."))
CODES_ALREADY_ISSUED = ErrorCode(
    "codes_already_issued", 409, _("일련번호가 이미 발급된 주문은 취소/환불할 수 없습니다.")
)
QUANTITY_EXCEEDS_REMAINING = ErrorCode("quantity_exceeds_remaining", 422, _("발급 요청 수량이 남은 수량을 초과합니다."))
INVALID_NOTIFICATION = ErrorCode("invalid_notification", 400, _("입금 통지를 확인할 수 없습니다."))
SANDBOX_ONLY = ErrorCode("sandbox_only", 404, _("샌드박스 결제 환경에서만 사용할 수 있습니다."))
DEPOSIT_NOT_FOUND = ErrorCode("not_found", 404, _("입금 통지를 찾을 수 없습니다."))
DEPOSIT_REFUND_NOT_REQUIRED = ErrorCode(
    "deposit_refund_not_required", 409, _("환불이 필요한 입금이 아니거나 이미 환불 처리되었습니다.")
)
REFUND_FAILED = ErrorCode(
    "refund_failed", 502, _("카드사(PG)에서 결제 취소를 처리하지 못했습니다. 잠시 후 다시 시도해 주세요.")
)
INVALID_REFUND_ACCOUNT = ErrorCode(
    "invalid_refund_account", 422, _("환불받을 계좌 정보를 확인해 주세요 (은행, 계좌번호, 예금주).")
)
MEMO_TOO_LONG = ErrorCode("memo_too_long", 422, _("메모는 200자까지 쓸 수 있습니다."))
INVALID_DATE_RANGE = ErrorCode("invalid_date_range", 422, _("시작일이 종료일보다 늦습니다. 기간을 확인해 주세요."))
PAYMENT_AMOUNT_MISMATCH = ErrorCode(
    "payment_amount_mismatch",
    402,
    _("결제 금액이 주문 금액과 달라 결제를 취소했습니다. 주문 화면에서 다시 결제해 주세요."),
)
PAYMENT_PENDING = ErrorCode(
    "payment_pending",
    409,
    _(
        "결제 확인이 늦어지고 있습니다. 확인되는 대로 주문에 반영되며 두 번 결제되지 않습니다. "
        "잠시 후 주문 상태를 확인해 주세요."
    ),
)
PG_UNAVAILABLE = ErrorCode("pg_unavailable", 503, _("결제대행사(PG)가 응답하지 않습니다. 잠시 후 다시 시도해 주세요."))
VIRTUAL_ACCOUNT_FAILED = ErrorCode(
    "virtual_account_failed", 502, _("가상계좌를 발급하지 못했습니다. 잠시 후 다시 시도해 주세요.")
)
