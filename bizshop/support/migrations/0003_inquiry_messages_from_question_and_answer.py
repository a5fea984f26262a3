"""Each existing inquiry's question and, if answered, its answer become the first two messages of its thread.

The question's files go with the first message. Old answers count as read by the member (they were
e-mailed and nothing marked them before), and a waiting inquiry stays unread for the operators.
"""

from typing import Any

from django.db import migrations


def messages_from_question_and_answer(apps: Any, schema_editor: Any) -> None:
    Inquiry = apps.get_model("support", "Inquiry")
    InquiryMessage = apps.get_model("support", "InquiryMessage")
    InquiryAttachment = apps.get_model("support", "InquiryAttachment")
    for inquiry in Inquiry.objects.order_by("id").iterator():
        question = InquiryMessage.objects.create(
            inquiry=inquiry,
            author_id=inquiry.created_by_id,
            by_staff=False,
            body=inquiry.body or "-",
            created_at=inquiry.created_at,
        )
        InquiryAttachment.objects.filter(inquiry=inquiry).update(message=question)
        last_message_at = inquiry.created_at
        if inquiry.status == "answered":
            answered_at = inquiry.answered_at or inquiry.created_at
            InquiryMessage.objects.create(
                inquiry=inquiry,
                author_id=inquiry.answered_by_id,
                by_staff=True,
                body=inquiry.answer or "-",
                created_at=answered_at,
            )
            last_message_at = answered_at
        Inquiry.objects.filter(pk=inquiry.pk).update(
            last_message_at=last_message_at,
            unread_by_member=False,
            unread_by_staff=inquiry.status == "waiting",
        )


def question_and_answer_from_messages(apps: Any, schema_editor: Any) -> None:
    Inquiry = apps.get_model("support", "Inquiry")
    for inquiry in Inquiry.objects.order_by("id").iterator():
        thread = list(inquiry.messages.order_by("created_at", "id"))
        question = next((message for message in thread if not message.by_staff), None)
        answer = next((message for message in thread if message.by_staff), None)
        Inquiry.objects.filter(pk=inquiry.pk).update(
            body=question.body if question else "-",
            answer=answer.body if answer else "",
            answered_by_id=answer.author_id if answer else None,
            answered_at=answer.created_at if answer else None,
            status="answered" if answer else "waiting",
            closed_at=None,
        )
    apps.get_model("support", "InquiryMessage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("support", "0002_inquiry_thread")]

    operations = [migrations.RunPython(messages_from_question_and_answer, question_and_answer_from_messages)]
