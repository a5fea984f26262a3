"""Error codes of accounts."""

from django.utils.translation import gettext_lazy as _

from bizshop.core.errors import ErrorCode

INVALID_EMAIL = ErrorCode("invalid_email", 422, _("이메일 주소 형식이 올바르지 않습니다."))
WEAK_PASSWORD = ErrorCode("weak_password", 422, _("비밀번호가 정책에 맞지 않습니다."))
EMAIL_TAKEN = ErrorCode("email_taken", 409, _("이미 가입된 이메일입니다."))
TOO_MANY_LOGIN_ATTEMPTS = ErrorCode(
    "too_many_login_attempts",
    429,
    _("로그인 시도가 너무 많습니다. 잠시 후(약 %(minutes)s분 뒤) 다시 시도하거나 비밀번호를 재설정해 주세요."),
)
TOO_MANY_PASSWORD_RESETS = ErrorCode(
    "too_many_password_resets",
    429,
    _("비밀번호 재설정 요청이 너무 많습니다. 잠시 후(약 %(minutes)s분 뒤) 다시 시도해 주세요."),
)
# The code DRF gives a failed authentication, so clients meet one code whichever way they sign in.
INVALID_CREDENTIALS = ErrorCode("authentication_failed", 401, _("이메일 또는 비밀번호가 올바르지 않습니다."))
WRONG_CURRENT_PASSWORD = ErrorCode("wrong_current_password", 403, _("현재 비밀번호가 올바르지 않습니다."))
PASSWORD_UNCHANGED = ErrorCode(
    "password_unchanged", 422, _("새 비밀번호가 현재 비밀번호와 같습니다. 다른 비밀번호를 입력해 주세요.")
)
POLICIES_NOT_ACCEPTED = ErrorCode(
    "policies_not_accepted", 422, _("이용약관과 개인정보처리방침에 모두 동의해야 이용할 수 있습니다.")
)
