"""FAQ search on the customer center page, against the demo's real Korean entries on PostgreSQL."""

from __future__ import annotations

import pytest
from django.test import Client

from bizshop.support.demo import support_demo_seed
from bizshop.support.models import Faq
from bizshop.support.selectors import faq_search

REFUND = "결제를 취소하거나 환불받을 수 있나요?"
TAX_INVOICE = "세금계산서는 언제 발행되나요?"
WITHDRAWAL = "탈퇴는 어떻게 하나요?"


@pytest.fixture
def faq(db: None) -> None:
    support_demo_seed()


def questions(query: str) -> list[str]:
    return [entry.question for entry in faq_search(query=query)]


def test_a_korean_word_finds_entries_where_it_carries_an_ending_the_question_hit_first(faq: None) -> None:
    # "환불받을" in the question, "진행 중인 환불이" in the withdrawal answer: no whole word "환불" anywhere.
    found = questions("환불")

    assert found[0] == REFUND
    assert WITHDRAWAL in found


def test_a_word_typed_with_its_ending_still_finds_the_entry(faq: None) -> None:
    assert questions("환불하려면 어떻게 하나요")[0] == REFUND


def test_several_words_must_all_occur(faq: None) -> None:
    assert questions("세금계산서 병합") == [TAX_INVOICE]


def test_the_search_ignores_case(faq: None) -> None:
    assert questions("pdf") == questions("PDF") == ["발급한 일련번호는 고객에게 어떻게 전달하나요?"]


def test_full_text_syntax_in_the_query_is_only_text(faq: None, client: Client) -> None:
    for query in ["환불 & | ! :* '", "'", "\\", "(환불", "환불:*B"]:
        assert client.get("/support/", {"q": query}).status_code == 200


def test_an_unpublished_entry_is_never_found(faq: None) -> None:
    Faq.objects.filter(question=REFUND).update(is_published=False)

    assert REFUND not in questions("환불")


def test_the_page_shows_hits_marked_with_their_category(faq: None, client: Client) -> None:
    page = client.get("/support/", {"q": "환불"}).content.decode()

    assert "&#x27;환불&#x27; 검색 결과" in page or "'환불' 검색 결과" in page
    assert '<span class="faq-category">결제/취소/환불</span> 결제를 취소하거나 <mark>환불</mark>받을 수 있나요?' in page
    assert "진행 중인 <mark>환불</mark>이 있으면" in page


def test_no_result_says_so_and_offers_the_inquiry(faq: None, client: Client) -> None:
    page = client.get("/support/", {"q": "블록체인"}).content.decode()

    assert "에 맞는 질문을 찾지 못했습니다" in page
    assert 'href="/support/inquiries/new/"' in page


def test_the_query_is_escaped_in_the_page(faq: None, client: Client) -> None:
    page = client.get("/support/", {"q": "<script>환불</script>"}).content.decode()

    assert "<script>환불" not in page
    assert "&lt;script&gt;" in page
