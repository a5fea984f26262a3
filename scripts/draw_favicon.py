"""Draws the PNG fallbacks of static/bizshop/favicon.svg (the same shapes) with Pillow: python scripts/draw_favicon.py."""
from PIL import Image, ImageDraw
def draw(size, path):
    k = size * 8 / 64
    img = Image.new("RGBA", (size * 8, size * 8), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([0, 0, 64 * k - 1, 64 * k - 1], radius=14 * k, fill="#fee500")
    d.ellipse([(32 - 22) * k, (33 - 22) * k, (32 + 22) * k, (33 + 22) * k], fill="#3c1e1e")
    for cx in (24, 40):
        d.ellipse([(cx - 3.5) * k, (28 - 3.5) * k, (cx + 3.5) * k, (28 + 3.5) * k], fill="#fee500")
    d.arc([21 * k, 27 * k, 43 * k, 44 * k], start=20, end=160, fill="#fee500", width=int(4 * k))
    img.resize((size, size), Image.LANCZOS).save(path, optimize=True)
draw(32, "static/bizshop/favicon-32.png")
draw(180, "static/bizshop/apple-touch-icon.png")
