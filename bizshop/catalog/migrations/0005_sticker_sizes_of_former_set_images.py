"""Stickers that were set images before 0004 get their width, height and frame count read from their files."""

from typing import Any

from django.db import migrations


def read_sizes(apps: Any, schema_editor: Any) -> None:
    from PIL import Image

    Sticker = apps.get_model("catalog", "Sticker")
    for sticker in Sticker.objects.filter(width=0).iterator():
        try:
            with sticker.file.open("rb") as handle, Image.open(handle) as image:
                sticker.width, sticker.height = image.size
                sticker.frame_count = int(getattr(image, "n_frames", 1))
        except (OSError, ValueError):
            continue  # a missing or unreadable file: left for an operator to replace in the admin
        sticker.animated = sticker.frame_count > 1
        sticker.save(update_fields=["width", "height", "frame_count", "animated"])


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_stickers_content_hashed_images")]

    operations = [migrations.RunPython(read_sizes, migrations.RunPython.noop)]
