"""Error codes of partners."""

from django.utils.translation import gettext_lazy as _

from bizshop.core.errors import ErrorCode

INVALID_BRN = ErrorCode("invalid_business_registration_number", 422, _("사업자등록번호가 올바르지 않습니다."))
BRN_TAKEN = ErrorCode("business_registration_number_taken", 409, _("이미 가입된 사업자등록번호입니다."))
NOT_A_MEMBER = ErrorCode("not_a_partner_member", 404, _("파트너 멤버 계정을 찾을 수 없습니다."))
INVALID_PARTNER = ErrorCode("invalid_partner", 422, _("파트너 정보가 올바르지 않습니다."))
OWNER_REQUIRED = ErrorCode(
    "owner_required", 403, _("관리자(소유자) 권한이 필요합니다. 회사의 관리자에게 요청해 주세요.")
)
INVALID_PASSWORD = ErrorCode("invalid_password", 403, _("비밀번호가 일치하지 않습니다."))
WITHDRAWAL_BLOCKED = ErrorCode(
    "withdrawal_blocked", 409, _("처리 중인 주문이 있어 탈퇴할 수 없습니다. 아래 사유를 해결한 뒤 다시 시도해 주세요.")
)
TERMS_NOT_AGREED = ErrorCode("terms_not_agreed", 422, _("이용약관에 동의해 주세요."))
INVALID_SCOPE = ErrorCode("invalid_scope", 422, _("알 수 없는 API 키 권한 범위입니다."))
API_KEY_NOT_FOUND = ErrorCode("api_key_not_found", 404, _("API 키를 찾을 수 없습니다."))
MEMBER_NOT_FOUND = ErrorCode("member_not_found", 404, _("멤버를 찾을 수 없습니다."))
LAST_OWNER = ErrorCode("last_owner", 409, _("마지막 관리자는 삭제하거나 멤버로 바꿀 수 없습니다."))
INVITATION_INVALID = ErrorCode("invitation_invalid", 404, _("초대 링크가 유효하지 않거나 만료되었습니다."))
ALREADY_A_MEMBER = ErrorCode("already_a_member", 409, _("이미 파트너 멤버로 가입된 이메일입니다."))

# Withdrawal refusals as the portal explains them (details.reasons[].code of withdrawal_blocked).
WITHDRAWAL_BLOCKER_MESSAGES = {
    "pending_deposit": _("입금을 기다리는 주문(입금대기)이 있습니다. 입금을 마치시거나 주문을 취소해 주세요."),
    "unissued_codes": _(
        "결제했지만 아직 발급하지 않았거나 발급 중인 일련번호가 있습니다. 남은 수량을 모두 발급하거나 환불해 주세요."
    ),
    "refund_in_progress": _("환불 처리 중인 주문이 있습니다. 환불이 끝난 뒤 탈퇴할 수 있습니다."),
}
