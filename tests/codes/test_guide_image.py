"""The usage-guide PDF shows the emoticon's real representative image, not a placeholder."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfReader

from bizshop.billing.models import Order
from bizshop.catalog.services import emoticon_representative_image_set
from tests.helpers.api import ApiClient
from tests.helpers.images import png


def test_the_guide_pdf_carries_the_representative_image(api: ApiClient, paid_order: Order) -> None:
    emoticon_representative_image_set(
        emoticon_id=paid_order.emoticon_id, upload=png("rep.png", size=(400, 400), color=(10, 200, 30))
    )

    response = api.get(f"/api/v1/orders/{paid_order.pk}/guide.pdf")

    assert response.status_code == 200
    [embedded] = [image for page in PdfReader(io.BytesIO(response.content)).pages for image in page.images]
    with Image.open(io.BytesIO(embedded.data)) as shown:
        assert shown.size == (400, 400)
        assert shown.convert("RGB").getpixel((200, 200)) == (10, 200, 30)
