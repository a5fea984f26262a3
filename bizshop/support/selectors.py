"""Customer center reads: what the public sees (published FAQ, its search, notices) and a partner's own inquiries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone

from bizshop.partners.models import Partner
from bizshop.support import errors
from bizshop.support.models import Faq, Inquiry, InquiryAttachment, InquiryMessage, Notice, Topic


@dataclass(frozen=True)
class FaqGroup:
    category: Topic
    entries: list[Faq]


def faq_groups(*, category: str | None = None) -> list[FaqGroup]:
    """Published FAQ entries by category, in the categories' fixed order; empty categories left out."""
    entries = Faq.objects.filter(is_published=True).order_by("order", "id")
    if category:
        entries = entries.filter(category=category)
    by_category: dict[str, list[Faq]] = {}
    for entry in entries:
        by_category.setdefault(entry.category, []).append(entry)
    return [FaqGroup(topic, by_category[topic.value]) for topic in Topic if topic.value in by_category]


FAQ_SEARCH_LIMIT = 30


# Words of how a question is asked, not of what it is about: "환불하려면 어떻게 하나요" is about 환불.
QUESTION_WORDS = frozenset(
    [
        "어떻게",
        "어떤",
        "어디",
        "어디서",
        "어디에서",
        "언제",
        "무엇",
        "무엇인가요",
        "뭐",
        "왜",
        "누가",
        "하나요",
        "되나요",
        "있나요",
        "없나요",
        "인가요",
        "할",
        "수",
        "있",
        "있어요",
        "있을까요",
        "방법",
        "방법은",
        "알려주세요",
        "궁금합니다",
        "궁금해요",
        "하려면",
        "하고",
        "싶어요",
        "싶습니다",
        "좀",
    ]
)


def _search_terms(query: str) -> list[str]:
    terms = [term for term in query.split() if term][:10]
    topical = [term for term in terms if term.rstrip("?.!") not in QUESTION_WORDS]
    return topical or terms


def faq_search(*, query: str) -> list[Faq]:
    """Published FAQ entries matching ``query``, best first.

    Korean has no stemmer in PostgreSQL, and a word carries its particles and endings with it
    ("환불하려면", "환불받을"), so a whole-word match alone misses most searches. On PostgreSQL an
    entry matches when the 'simple' full-text query (each word also as a prefix) matches, or when
    every word occurs somewhere in the question or the answer (ILIKE, any part of a word); the
    full-text rank orders them, a hit in the question first. Elsewhere (the demo's SQLite) only the
    second, case-insensitive, rule applies. The FAQ is a few dozen rows: no index is needed.
    """
    terms = _search_terms(query)
    if not terms:
        return []
    every_term_somewhere = Q()
    for term in terms:
        every_term_somewhere &= Q(question__icontains=term) | Q(answer__icontains=term)
    question_hits = sum(
        (Case(When(question__icontains=term, then=Value(1.0)), default=Value(0.0)) for term in terms),
        start=Value(0.0),
    )
    entries = Faq.objects.filter(is_published=True)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("question", weight="A", config="simple") + SearchVector(
            "answer", weight="B", config="simple"
        )
        # Each run of letters and digits as a prefix ("환불" finds "환불받을"), quoted: never tsquery syntax.
        lexemes = [token for term in terms for token in re.findall(r"\w+", term)]
        if lexemes:
            prefix_query = " & ".join(f"'{lexeme}':*" for lexeme in lexemes)
            full_text = SearchQuery(prefix_query, config="simple", search_type="raw")
            entries = entries.annotate(search=vector, rank=SearchRank(vector, full_text) + question_hits).filter(
                Q(search=full_text) | every_term_somewhere
            )
        else:
            entries = entries.annotate(rank=question_hits).filter(every_term_somewhere)
    else:
        entries = entries.annotate(rank=question_hits).filter(every_term_somewhere)
    found: list[Faq] = list(entries.order_by("-rank", "order", "id")[:FAQ_SEARCH_LIMIT])
    return found or _faq_search_by_stems(terms)


def _stem(term: str) -> str:
    """A Hangul word cut to its first two syllables, where most Korean nouns end (환불하려면 → 환불)."""
    if len(term) > 2 and all("\uac00" <= char <= "\ud7a3" for char in term[:2]):
        return term[:2]
    return term


def _faq_search_by_stems(terms: list[str]) -> list[Faq]:
    """When no entry has every word: entries with any word's stem, the most stems (in the question) first.

    This is what finds "환불" for a question typed as a sentence ("환불하려면 어떻게 하나요").
    """
    stems = sorted({_stem(term) for term in terms if len(_stem(term)) >= 2})
    if not stems:
        return []
    any_stem = Q()
    score: Any = Value(0)
    for stem in stems:
        any_stem |= Q(question__icontains=stem) | Q(answer__icontains=stem)
        score = (
            score
            + Case(When(question__icontains=stem, then=Value(2)), default=Value(0))
            + Case(When(answer__icontains=stem, then=Value(1)), default=Value(0))
        )
    entries = Faq.objects.filter(is_published=True).filter(any_stem).annotate(score=score)
    return list(entries.order_by("-score", "order", "id")[:FAQ_SEARCH_LIMIT])


def notice_list_published() -> QuerySet[Notice]:
    """Notices whose time has come, pinned ones first, then the newest."""
    return Notice.objects.filter(published_at__lte=timezone.now()).order_by("-pinned", "-published_at", "-id")


def notice_get_published(*, notice_id: int) -> Notice:
    notice = notice_list_published().filter(pk=notice_id).first()
    if notice is None:
        raise errors.NOTICE_NOT_FOUND(notice_id=notice_id)
    return notice


def inquiry_thread(*, inquiry: Inquiry) -> QuerySet[InquiryMessage]:
    """The inquiry's messages, oldest first, each with its files."""
    return inquiry.messages.select_related("author").prefetch_related("attachments").order_by("created_at", "id")


def inquiry_list_for_partner(*, partner: Partner) -> QuerySet[Inquiry]:
    return Inquiry.objects.filter(partner=partner).select_related("created_by").order_by("-created_at", "-id")


def inquiry_get_for_partner(*, partner: Partner, inquiry_id: int) -> Inquiry:
    """The partner's own inquiry; another partner's is ``inquiry_not_found``, exactly like a missing one."""
    inquiry = inquiry_list_for_partner(partner=partner).filter(pk=inquiry_id).first()
    if inquiry is None:
        raise errors.INQUIRY_NOT_FOUND(inquiry_id=inquiry_id)
    return inquiry


def attachment_get_for_partner(*, partner: Partner, inquiry_id: int, attachment_id: int) -> InquiryAttachment:
    attachment = InquiryAttachment.objects.filter(
        pk=attachment_id, inquiry_id=inquiry_id, inquiry__partner=partner
    ).first()
    if attachment is None:
        raise errors.ATTACHMENT_NOT_FOUND(inquiry_id=inquiry_id, attachment_id=attachment_id)
    return attachment
