"""seed_demo draws each demo emoticon its own representative image and sticker set, the same each run."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core.management import call_command
from PIL import Image

from bizshop.catalog import demo, images
from bizshop.catalog.models import Emoticon

if TYPE_CHECKING:
    from pytest_django import Settings


@pytest.fixture(autouse=True)
def _var_dir(settings: Settings, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path  # the demo logins file is written there


def seed() -> None:
    call_command("seed_demo", stdout=StringIO())


def test_every_demo_emoticon_gets_its_own_image_and_a_full_sticker_set(db: None) -> None:
    seed()

    emoticons = list(Emoticon.objects.all())
    assert len({e.representative_image.name for e in emoticons}) == len(emoticons)  # no two alike
    for emoticon in emoticons:
        with Image.open(emoticon.representative_image.path) as image:
            assert (image.format, image.size) == ("PNG", (360, 360))
        stickers = list(emoticon.stickers.all())
        assert images.STICKERS_MIN <= len(stickers) <= images.STICKERS_MAX
        assert any(s.animated for s in stickers) and not all(s.animated for s in stickers)
        assert all(s.thumbnail.name.endswith(".webp") for s in stickers)


def test_the_demo_images_are_drawn_the_same_on_every_installation(db: None, settings: Settings, tmp_path: Path) -> None:
    seed()
    first = sorted(Emoticon.objects.values_list("representative_image", flat=True))
    first_stickers = sorted(Emoticon.objects.values_list("stickers__file", flat=True))
    Emoticon.objects.all().delete()
    settings.MEDIA_ROOT = tmp_path / "elsewhere"

    seed()

    assert sorted(Emoticon.objects.values_list("representative_image", flat=True)) == first
    assert sorted(Emoticon.objects.values_list("stickers__file", flat=True)) == first_stickers


def test_a_second_seed_draws_nothing_again(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    seed()
    monkeypatch.setattr(demo, "sticker_bytes", lambda *args: pytest.fail("drawn again"))
    monkeypatch.setattr(demo, "representative_png", lambda *args: pytest.fail("drawn again"))

    seed()


def test_the_captions_are_drawn_in_the_noto_cjk_font_the_pdfs_use() -> None:
    assert "NotoSansCJK" in Path(demo.korean_font_path()).name
