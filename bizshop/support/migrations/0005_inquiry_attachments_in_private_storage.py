"""Inquiry files move out of MEDIA_ROOT (which a DEBUG route or a web server may serve) to SUPPORT_ATTACHMENT_DIR.

The stored names stay the same; only the directory changes. A file already moved, or missing, is left alone.
"""

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import migrations, models

import bizshop.support.models


def _move(apps: Any, source: Path, target: Path) -> None:
    for name in apps.get_model("support", "InquiryAttachment").objects.values_list("file", flat=True):
        old, new = source / name, target / name
        if old.is_file() and not new.exists():
            new.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(old, new)


def out_of_media(apps: Any, schema_editor: Any) -> None:
    _move(apps, Path(settings.MEDIA_ROOT), Path(settings.SUPPORT_ATTACHMENT_DIR))


def back_to_media(apps: Any, schema_editor: Any) -> None:
    _move(apps, Path(settings.SUPPORT_ATTACHMENT_DIR), Path(settings.MEDIA_ROOT))


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0004_inquiry_drop_question_and_answer_fields"),
    ]

    operations = [
        migrations.AlterField(
            model_name="inquiryattachment",
            name="file",
            field=models.FileField(
                max_length=200,
                storage=bizshop.support.models.AttachmentStorage(),
                upload_to=bizshop.support.models.attachment_path,
                verbose_name="파일",
            ),
        ),
        migrations.RunPython(out_of_media, back_to_media),
    ]
