"""Migration catalog 0005: former set images (now stickers) get their sizes read from their files."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from PIL import Image


@pytest.fixture(autouse=True)
def _latest_schema_afterwards(transactional_db: None) -> Iterator[None]:
    """Migrating back unapplies every migration that depends on the target, in any app; put them all
    back, or the tests after this one (transactional ones run last) meet a schema of the past."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_former_set_images_get_their_sizes(transactional_db: None) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("catalog", "0004_stickers_content_hashed_images")])
    apps: Any = executor.loader.project_state([("catalog", "0004_stickers_content_hashed_images")]).apps
    emoticon = apps.get_model("catalog", "Emoticon").objects.create(title="예전 세트")
    buffer = io.BytesIO()
    Image.new("RGB", (400, 400), (1, 2, 3)).save(buffer, format="PNG")
    sticker = apps.get_model("catalog", "Sticker")(emoticon=emoticon, position=0)
    sticker.file.save("old.png", ContentFile(buffer.getvalue()), save=True)

    executor = MigrationExecutor(connection)
    executor.migrate([("catalog", "0005_sticker_sizes_of_former_set_images")])

    from bizshop.catalog.models import Sticker

    migrated = Sticker.objects.get(pk=sticker.pk)
    assert (migrated.width, migrated.height, migrated.frame_count, migrated.animated) == (400, 400, 1, False)
