"""Error codes of the customer center."""

from django.utils.translation import gettext_lazy as _

from bizshop.core.errors import ErrorCode

INQUIRY_NOT_FOUND = ErrorCode("inquiry_not_found", 404, _("문의를 찾을 수 없습니다."))
ATTACHMENT_NOT_FOUND = ErrorCode("attachment_not_found", 404, _("첨부파일을 찾을 수 없습니다."))
NOTICE_NOT_FOUND = ErrorCode("notice_not_found", 404, _("공지사항을 찾을 수 없습니다."))
INVALID_INQUIRY = ErrorCode("invalid_inquiry", 422, _("문의 유형, 제목과 내용을 모두 입력해 주세요."))
TOO_MANY_ATTACHMENTS = ErrorCode("too_many_attachments", 422, _("첨부파일은 %(max)s개까지 올릴 수 있습니다."))
ATTACHMENT_TOO_LARGE = ErrorCode(
    "attachment_too_large", 422, _("%(name)s: 파일이 너무 큽니다. 한 파일에 %(max_mb)sMB까지 올릴 수 있습니다.")
)
ATTACHMENT_TYPE_NOT_ALLOWED = ErrorCode(
    "attachment_type_not_allowed",
    422,
    _("%(name)s: 올릴 수 없는 파일 형식입니다. PNG, JPG, GIF, PDF, TXT, CSV, XLSX 파일만 첨부할 수 있습니다."),
)
ATTACHMENT_CONTENT_MISMATCH = ErrorCode(
    "attachment_content_mismatch",
    422,
    _("%(name)s: 파일 내용이 확장자(%(extension)s)와 맞지 않거나 손상된 파일입니다."),
)
ANSWER_REQUIRED = ErrorCode("answer_required", 422, _("답변 내용을 입력해 주세요."))
INQUIRY_ALREADY_ANSWERED = ErrorCode(
    "inquiry_already_answered",
    409,
    _("다른 운영자가 먼저 답변을 등록했습니다. 새로고침해서 등록된 답변을 확인해 주세요."),
)
INVALID_MESSAGE = ErrorCode("invalid_message", 422, _("내용을 5,000자 이내로 입력해 주세요."))
INQUIRY_CLOSED = ErrorCode(
    "inquiry_closed", 409, _("종료된 문의입니다. 더 문의하실 내용이 있으면 새 문의를 남겨 주세요.")
)
INQUIRY_THREAD_CHANGED = ErrorCode(
    "inquiry_thread_changed",
    409,
    _("답변을 쓰는 사이 파트너가 추가 문의를 남겼습니다. 새로고침해서 확인한 뒤 다시 답변해 주세요."),
)
