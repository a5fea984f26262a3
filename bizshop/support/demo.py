"""Demo content of the customer center for seed_demo: a few FAQ entries per category and a notice."""

from __future__ import annotations

from django.db import transaction

from bizshop.support.models import Faq, Notice, Topic

DEMO_FAQ: list[tuple[Topic, str, str]] = [
    (
        Topic.SERVICE,
        "이모티콘 비즈샵은 어떤 서비스인가요?",
        "기업 고객이 이모티콘을 대량으로 구매해 경품, 프로모션, 고객 감사 이벤트에 활용할 수 있도록 "
        "구매 수량만큼 일련번호를 발급해 드리는 서비스입니다.",
    ),
    (
        Topic.SERVICE,
        "발급한 일련번호는 고객에게 어떻게 전달하나요?",
        "구매내역의 주문 상세에서 일련번호를 CSV·엑셀 파일로 내려받거나 API로 받아, 회사의 SMS·이메일·앱 알림 등으로 "
        "전달해 주세요. 사용방법 안내 가이드(PDF)를 함께 보내 주시면 고객이 쉽게 등록할 수 있습니다.",
    ),
    (
        Topic.SERVICE,
        "고객은 일련번호를 어디에서 등록하나요?",
        "고객은 '일련번호 등록' 페이지에서 로그인한 뒤 일련번호를 입력합니다. 등록한 순간부터 구매하신 사용기간 동안 "
        "이모티콘을 사용할 수 있으며, 등록기간이 지난 일련번호는 등록할 수 없습니다.",
    ),
    (
        Topic.PRODUCT,
        "사용기간은 어떻게 되나요?",
        "사용기간은 30일과 60일 두 가지이며, 사용기간에 따라 단가가 다릅니다. 가격은 VAT 별도입니다.",
    ),
    (
        Topic.PRODUCT,
        "최소 구매수량이 있나요?",
        "이모티콘마다 최소 구매수량이 있으며 기본은 100개입니다. 한 번에 최대 1,000,000개까지 주문할 수 있습니다.",
    ),
    (
        Topic.PRODUCT,
        "대표이미지를 홍보물에 사용해도 되나요?",
        "대표이미지는 경품 소개 목적으로만, 변형 없이 사용할 수 있습니다. 인쇄물에는 사용할 수 없습니다.",
    ),
    (
        Topic.PAYMENT,
        "어떤 결제수단을 사용할 수 있나요?",
        "신용카드와 가상계좌(무통장입금)를 사용할 수 있습니다. 가상계좌는 입금기한 안에 입금해 주셔야 하며, "
        "기한이 지나면 주문이 만료됩니다.",
    ),
    (
        Topic.PAYMENT,
        "결제를 취소하거나 환불받을 수 있나요?",
        "결제 후 일련번호를 한 개라도 발급하기 전까지는 언제든 환불할 수 있습니다. "
        "일련번호를 발급한 주문은 환불할 수 없습니다.",
    ),
    (
        Topic.PAYMENT,
        "세금계산서는 언제 발행되나요?",
        "결제 건마다 결제한 다음 달 10일까지 발행되어 세금계산서 수신 이메일로 보내 드립니다. 같은 달, 같은 사업자의 "
        "결제는 요청하시면 한 장으로 병합 발행해 드립니다.",
    ),
    (
        Topic.ACCOUNT,
        "파트너 가입에는 무엇이 필요한가요?",
        "사업자등록번호, 회사명, 대표자, 사업장 주소와 세금계산서를 받을 이메일이 필요합니다.",
    ),
    (
        Topic.ACCOUNT,
        "동료를 멤버로 추가할 수 있나요?",
        "관리자 권한을 가진 멤버가 '파트너정보 › 멤버 관리'에서 이메일로 초대할 수 있습니다.",
    ),
    (
        Topic.ACCOUNT,
        "탈퇴는 어떻게 하나요?",
        "'파트너정보 › 탈퇴'에서 신청합니다. 입금대기 주문, 발급하지 않은 일련번호, 진행 중인 환불이 있으면 탈퇴할 수 "
        "없습니다. 탈퇴하면 구매내역은 삭제되며, 이미 고객에게 전달한 일련번호는 계속 등록할 수 있습니다.",
    ),
]

DEMO_NOTICE = (
    "이모티콘 비즈샵 고객센터를 열었습니다",
    "자주 묻는 질문과 공지사항을 고객센터에서 확인하실 수 있습니다.\n"
    "찾는 답이 없으면 파트너 회원으로 로그인한 뒤 1:1 문의를 남겨 주세요. 답변이 등록되면 이메일로 알려 드립니다.",
)


@transaction.atomic
def support_demo_seed() -> None:
    """Idempotent: an entry already there (same category and question, or same notice title) is left as is."""
    for position, (category, question, answer) in enumerate(DEMO_FAQ):
        Faq.objects.get_or_create(category=category, question=question, defaults={"answer": answer, "order": position})
    title, body = DEMO_NOTICE
    Notice.objects.get_or_create(title=title, defaults={"body": body, "pinned": True})
