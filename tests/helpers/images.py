"""Image files for upload tests, made with Pillow in memory: good ones and ones that break each rule."""

from __future__ import annotations

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png(
    name: str = "face.png", size: tuple[int, int] = (360, 360), color: tuple[int, int, int] = (250, 225, 0)
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def webp(name: str = "face.webp", side: int = 360, color: tuple[int, int, int] = (90, 180, 240)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (side, side), color).save(buffer, format="WEBP")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/webp")


def animated_gif(name: str = "hop.gif", *, frames: int = 4, side: int = 360, noise: bool = False) -> SimpleUploadedFile:
    """A GIF of ``frames`` frames; with ``noise`` each frame is random pixels, so the file is large."""
    rng = random.Random(frames)
    images = []
    for index in range(frames):
        if noise:
            images.append(Image.frombytes("L", (side, side), rng.randbytes(side * side)).convert("P"))
        else:
            frame = Image.new("RGB", (side, side), (250, 225, 0))
            frame.paste((30, 30, 30), (index * 8, 10, index * 8 + 20, 30))  # a square moving right: no two alike
            images.append(frame)
    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:], duration=80, loop=0)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/gif")


def noisy_png(name: str = "big.png", side: int = 1400) -> SimpleUploadedFile:
    """Random pixels do not compress: 1400² RGB is a PNG of about 5.9 MB."""
    data = random.Random(side).randbytes(side * side * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), data).save(buffer, format="PNG", compress_level=1)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def renamed_exe(name: str = "sticker.png") -> SimpleUploadedFile:
    """A Windows program's first bytes under an image's name and type."""
    return SimpleUploadedFile(
        name, b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"PE\x00\x00" * 64, content_type="image/png"
    )


def sticker_set(count: int = 8) -> list[SimpleUploadedFile]:
    """``count`` distinct good stickers: PNGs, one WebP and one animated GIF among them."""
    stickers: list[SimpleUploadedFile] = [png(f"s{i}.png", color=(i * 20 % 256, 120, 200)) for i in range(count)]
    if count >= 2:
        stickers[1] = webp("s1.webp")
        stickers[-1] = animated_gif("last.gif")
    return stickers
