"""The demo's emoticon images, drawn with Pillow: a character per emoticon, an expression and a caption per sticker.

Deterministic (no randomness, the same drawing calls each run), made on first run by seed_demo
and stored through the same services and rules as an operator's upload; no image file of unknown
origin is committed.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from bizshop.catalog import services
from bizshop.catalog.models import Emoticon

SIDE = 360
# Where Debian's fonts-noto-cjk (scripts/system-deps.sh) puts its Bold collection; fc-match otherwise.
FONT_CANDIDATES = [
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc"),
    Path("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc"),
]
KOREAN_FACE_INDEX = 1  # in the Noto Sans CJK collections: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK


@dataclass(frozen=True)
class Character:
    body: str
    cheek: str
    ears: str  # "round", "pointy", "antenna", "leaf", "none", "bunny"


# One character per demo emoticon (seed_demo's DEMO_CATALOG, in order); later ones reuse them by index.
CHARACTERS = [
    Character(body="#f2a65a", cheek="#ef6f6c", ears="pointy"),  # 춘식이: an orange cat
    Character(body="#d9a441", cheek="#b86b1e", ears="round"),  # 라이언: a maned bear
    Character(body="#f7a1b5", cheek="#ef5d84", ears="leaf"),  # 어피치: a peach
    Character(body="#8fc96b", cheek="#5c9e3f", ears="antenna"),  # 제이지: an alien
    Character(body="#f4f1e8", cheek="#f6a5a5", ears="bunny"),  # 무지: a rabbit
    Character(body="#9ed4f0", cheek="#5aa9d6", ears="none"),  # 튜브: a duck
]
# (expression, caption): 12 stickers a set; the first and the sixth are animated (a small hop).
EXPRESSIONS = [
    ("wave", "안녕!"),
    ("happy", "고마워요"),
    ("love", "사랑해"),
    ("laugh", "ㅋㅋㅋ"),
    ("cry", "슬퍼요"),
    ("cheer", "화이팅!"),
    ("angry", "흥!"),
    ("surprised", "헉!"),
    ("sleepy", "졸려…"),
    ("ok", "좋아요"),
    ("sorry", "미안해"),
    ("party", "축하해!"),
]
ANIMATED = {0, 5}


@cache
def korean_font_path() -> str:
    for candidate in FONT_CANDIDATES:
        if candidate.exists():
            return str(candidate)
    fc_match = shutil.which("fc-match")
    if fc_match:
        found = subprocess.run(  # noqa: S603 - fixed arguments
            [fc_match, "-f", "%{file}", "Noto Sans CJK KR:bold"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found:
            return found
    raise RuntimeError("Noto Sans CJK is not installed: run scripts/system-deps.sh (fonts-noto-cjk)")


def _font(size: int) -> ImageFont.FreeTypeFont:
    path = korean_font_path()
    return ImageFont.truetype(path, size, index=KOREAN_FACE_INDEX if path.endswith(".ttc") else 0)


def _draw_character(draw: ImageDraw.ImageDraw, character: Character, expression: str, *, lift: int = 0) -> None:
    cx, cy, r = SIDE // 2, 150 - lift, 105
    outline = "#3b2f2f"
    ears = character.ears
    if ears in ("pointy",):
        for side in (-1, 1):
            draw.polygon(
                [(cx + side * 85, cy - 40), (cx + side * 95, cy - 125), (cx + side * 30, cy - 90)],
                fill=character.body,
                outline=outline,
                width=5,
            )
    elif ears == "round":
        for side in (-1, 1):
            draw.ellipse(
                [cx + side * 80 - 32, cy - 110, cx + side * 80 + 32, cy - 46],
                fill=character.body,
                outline=outline,
                width=5,
            )
    elif ears == "bunny":
        for side in (-1, 1):
            draw.ellipse(
                [cx + side * 45 - 22, cy - 145, cx + side * 45 + 22, cy - 60],
                fill=character.body,
                outline=outline,
                width=5,
            )
    elif ears == "antenna":
        draw.line([cx, cy - r, cx + 20, cy - r - 45], fill=outline, width=5)
        draw.ellipse([cx + 8, cy - r - 60, cx + 34, cy - r - 34], fill=character.cheek, outline=outline, width=4)
    elif ears == "leaf":
        draw.ellipse([cx - 10, cy - r - 40, cx + 60, cy - r + 5], fill="#7cc36a", outline=outline, width=5)
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=character.body, outline=outline, width=6)
    if ears == "none":  # a duck's beak
        draw.ellipse([cx - 30, cy + 18, cx + 30, cy + 48], fill="#f7b733", outline=outline, width=4)
    for side in (-1, 1):
        draw.ellipse([cx + side * 62 - 18, cy + 12, cx + side * 62 + 18, cy + 36], fill=character.cheek)
    _draw_face(draw, cx, cy, expression, outline)


def _draw_face(draw: ImageDraw.ImageDraw, cx: int, cy: int, expression: str, ink: str) -> None:
    eyes_y, mouth_y = cy - 15, cy + 35
    if expression in ("happy", "laugh", "party", "cheer", "wave", "ok"):
        for side in (-1, 1):  # ^ ^
            draw.arc([cx + side * 38 - 16, eyes_y - 14, cx + side * 38 + 16, eyes_y + 14], 200, 340, fill=ink, width=6)
    elif expression == "love":
        for side in (-1, 1):
            x = cx + side * 38
            draw.polygon(
                [
                    (x - 16, eyes_y - 6),
                    (x, eyes_y + 14),
                    (x + 16, eyes_y - 6),
                    (x + 8, eyes_y - 14),
                    (x, eyes_y - 8),
                    (x - 8, eyes_y - 14),
                ],
                fill="#e8374f",
            )
    elif expression == "sleepy":
        for side in (-1, 1):
            draw.line([cx + side * 38 - 14, eyes_y, cx + side * 38 + 14, eyes_y], fill=ink, width=6)
    elif expression == "angry":
        for side in (-1, 1):
            draw.line([cx + side * 22, eyes_y - 10, cx + side * 54, eyes_y - 24], fill=ink, width=6)
            draw.ellipse([cx + side * 38 - 7, eyes_y - 4, cx + side * 38 + 7, eyes_y + 10], fill=ink)
    elif expression == "surprised":
        for side in (-1, 1):
            draw.ellipse([cx + side * 38 - 13, eyes_y - 13, cx + side * 38 + 13, eyes_y + 13], outline=ink, width=5)
    else:  # cry, sorry
        for side in (-1, 1):
            draw.ellipse([cx + side * 38 - 8, eyes_y - 8, cx + side * 38 + 8, eyes_y + 8], fill=ink)
    if expression in ("cry", "sorry"):
        for side in (-1, 1):
            draw.ellipse([cx + side * 42 - 6, eyes_y + 14, cx + side * 42 + 6, eyes_y + 40], fill="#4aa3df")
        draw.arc([cx - 22, mouth_y, cx + 22, mouth_y + 26], 200, 340, fill=ink, width=5)
    elif expression in ("laugh", "party", "cheer"):
        draw.chord([cx - 28, mouth_y - 14, cx + 28, mouth_y + 26], 0, 180, fill="#c0392b", outline=ink, width=4)
    elif expression == "surprised":
        draw.ellipse([cx - 12, mouth_y - 8, cx + 12, mouth_y + 20], fill=ink)
    elif expression == "angry":
        draw.line([cx - 20, mouth_y + 8, cx + 20, mouth_y + 8], fill=ink, width=5)
    elif expression == "sleepy":
        draw.ellipse([cx - 8, mouth_y, cx + 8, mouth_y + 12], outline=ink, width=4)
        draw.text((cx + 70, cy - 110), "Z z", fill="#5b6cc4", font=_font(34))
    else:
        draw.arc([cx - 24, mouth_y - 16, cx + 24, mouth_y + 12], 20, 160, fill=ink, width=5)
    if expression == "party":
        for i, color in enumerate(["#e8374f", "#f7b733", "#4aa3df", "#5c9e3f"]):
            draw.rectangle([40 + i * 85, 30 + (i % 2) * 20, 52 + i * 85, 42 + (i % 2) * 20], fill=color)
    if expression == "love":
        draw.text((cx + 80, cy - 120), "♥", fill="#e8374f", font=_font(44))


def _caption(draw: ImageDraw.ImageDraw, text: str) -> None:
    font = _font(46)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x, y = (SIDE - (right - left)) // 2 - left, 300 - (bottom - top) // 2 - top
    draw.text((x, y), text, font=font, fill="#222222", stroke_width=6, stroke_fill="#ffffff")


def sticker_frame(character: Character, expression: str, caption: str, *, lift: int = 0) -> Image.Image:
    image = Image.new("RGBA", (SIDE, SIDE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    _draw_character(draw, character, expression, lift=lift)
    _caption(draw, caption)
    return image


def sticker_bytes(character: Character, index: int) -> tuple[bytes, str]:
    """One sticker as (file bytes, file name): a PNG, or an animated WebP for the ANIMATED ones."""
    expression, caption = EXPRESSIONS[index]
    if index not in ANIMATED:
        buffer = io.BytesIO()
        sticker_frame(character, expression, caption).save(buffer, format="PNG")
        return buffer.getvalue(), f"sticker-{index + 1:02d}.png"
    frames = [sticker_frame(character, expression, caption, lift=lift) for lift in (0, 10, 18, 10)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="WEBP", save_all=True, append_images=frames[1:], duration=120, loop=0, quality=90)
    return buffer.getvalue(), f"sticker-{index + 1:02d}.webp"


def representative_png(character: Character, title: str) -> bytes:
    """The representative image: the character waving on a soft round badge, the set's title below."""
    image = Image.new("RGBA", (SIDE, SIDE), (255, 251, 209, 255))
    draw = ImageDraw.Draw(image)
    _draw_character(draw, character, "happy", lift=-10)
    font = _font(34 if len(title) <= 8 else 26)
    left, top, right, bottom = draw.textbbox((0, 0), title, font=font)
    draw.text(((SIDE - (right - left)) // 2 - left, 318 - (bottom - top) // 2 - top), title, font=font, fill="#3b2f2f")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def demo_images_seed(*, emoticons: list[Emoticon]) -> int:
    """Give each emoticon without images its drawn representative image and sticker set; returns how many got them."""
    seeded = 0
    for index, emoticon in enumerate(emoticons):
        character = CHARACTERS[index % len(CHARACTERS)]
        if not emoticon.representative_image:
            data = representative_png(character, emoticon.title)
            upload = SimpleUploadedFile("representative.png", data, content_type="image/png")
            services.emoticon_representative_image_set(emoticon_id=emoticon.pk, upload=upload)
            seeded += 1
        if not emoticon.stickers.exists():
            add = []
            for sticker_index in range(len(EXPRESSIONS)):
                data, name = sticker_bytes(character, sticker_index)
                add.append((SimpleUploadedFile(name, data), sticker_index))
            services.sticker_set_change(emoticon_id=emoticon.pk, add=add)
    return seeded
