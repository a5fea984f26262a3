"""The sticker set in the end user's hands: 내 이모티콘's grid and the API, through URLs signed for the user."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from html import unescape
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bizshop.accounts.services import api_token_issue
from bizshop.billing.models import Order
from bizshop.catalog.models import Emoticon, Sticker
from bizshop.catalog.services import emoticon_representative_image_set, sticker_set_change
from bizshop.codes import stickers
from bizshop.codes.models import Registration
from bizshop.codes.services import code_register
from tests.factories import PASSWORD, EmoticonFactory, UserFactory
from tests.helpers import images
from tests.helpers.sessions import signed_in

if TYPE_CHECKING:
    from pytest_django import DjangoAssertNumQueries

    from bizshop.accounts.models import User

STICKERS = 8


@pytest.fixture
def emoticon(db: None) -> Emoticon:
    """The order's emoticon, with its representative image and a set of 8 stickers (one WebP, one GIF)."""
    emoticon = EmoticonFactory(prices={30: 1_600, 60: 2_500})
    emoticon_representative_image_set(emoticon_id=emoticon.pk, upload=images.png("face.png"))
    sticker_set_change(emoticon_id=emoticon.pk, add=[(upload, None) for upload in images.sticker_set(STICKERS)])
    return emoticon


@pytest.fixture
def registration(end_user: User, paid_order: Order, issue_codes: Callable[..., list[str]]) -> Registration:
    return code_register(user=end_user, raw_code=issue_codes(paid_order, quantity=1)[0])


def page_sticker_urls(client: Client) -> list[str]:
    html = client.get("/me/emoticons/").content.decode()
    return [unescape(url) for url in re.findall(r'(?:src|href)="(/me/emoticons/\d+/stickers/[^"]+)"', html)]


def api_stickers(client: Client) -> list[dict[str, Any]]:
    response = client.get("/api/v1/me/emoticons/")
    assert response.status_code == 200
    stickers_of_first: list[dict[str, Any]] = response.json()["results"][0]["stickers"]
    return stickers_of_first


def error_code(response: Any) -> str:
    code: str = response.json()["error"]["code"]
    return code


def test_the_page_shows_the_set_as_a_grid_whose_every_image_opens_for_its_owner(
    registration: Registration, end_user_client: Client
) -> None:
    urls = page_sticker_urls(end_user_client)
    stored = {sticker.file.read() for sticker in Sticker.objects.filter(emoticon=registration.emoticon)}

    images_seen = [url for url in urls if "/image?" in url and "download=1" not in url]
    thumbs_seen = [url for url in urls if "/thumb?" in url]
    served = [end_user_client.get(url) for url in images_seen]

    assert len(images_seen) == len(thumbs_seen) == STICKERS
    assert all(response.status_code == 200 for response in served)
    assert {b"".join(response.streaming_content) for response in served} == stored
    thumb = end_user_client.get(thumbs_seen[0])
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/webp"
    assert served[0]["Cache-Control"].startswith("private, max-age=")


def test_a_sticker_downloads_as_a_file_named_for_the_set(registration: Registration, end_user_client: Client) -> None:
    download = next(url for url in page_sticker_urls(end_user_client) if "download=1" in url)

    response = end_user_client.get(download)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in response["Content-Disposition"]


def test_the_api_lists_the_image_and_the_stickers_with_their_sizes(
    registration: Registration, end_user_client: Client
) -> None:
    item = end_user_client.get("/api/v1/me/emoticons/").json()["results"][0]

    assert item["image_url"].startswith("http://testserver/media/emoticons/representative/")
    assert len(item["stickers"]) == STICKERS
    assert set(item["stickers"][0]) == {"url", "thumbnail_url", "width", "height", "animated"}
    assert [s["animated"] for s in item["stickers"]].count(True) == 1  # the set's one GIF
    assert all(s["width"] == s["height"] == 360 for s in item["stickers"])
    assert Client().get(item["image_url"]).status_code == 200  # the representative image is public


def test_an_app_opens_the_api_urls_with_its_bearer_token(registration: Registration, end_user: User) -> None:
    token = api_token_issue(email=end_user.email, password=PASSWORD, client_ip="10.0.0.1").raw_token
    app = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    url = api_stickers(app)[0]["url"]

    assert app.get(url).status_code == 200


def test_another_user_or_a_visitor_holding_the_link_is_refused(
    registration: Registration, end_user_client: Client
) -> None:
    url = api_stickers(end_user_client)[0]["url"]
    someone_else = signed_in(UserFactory())

    for client in (someone_else, Client()):
        response = client.get(url)
        assert response.status_code == 403
        assert error_code(response) == "sticker_link_invalid"


def test_a_tampered_link_is_refused(registration: Registration, end_user_client: Client) -> None:
    url = api_stickers(end_user_client)[0]["url"]
    path, query = url.split("?")
    params = parse_qs(query)
    other_sticker = Sticker.objects.filter(emoticon=registration.emoticon).order_by("-id").first()
    assert other_sticker is not None
    later = int(params["expires"][0]) + 86_400
    other_path = re.sub(r"/stickers/\d+/", f"/stickers/{other_sticker.pk}/", path)
    flipped = params["signature"][0][:-1] + ("0" if params["signature"][0][-1] != "0" else "1")

    tampered = [
        f"{path}?expires={params['expires'][0]}&signature={flipped}",
        f"{path}?expires={later}&signature={params['signature'][0]}",
        f"{other_path}?{query}",
        f"{path.replace('/image', '/original')}?{query}",
        f"{path}?expires={params['expires'][0]}",
        path,
    ]

    assert end_user_client.get(f"{path.replace('/image', '/thumb')}?{query}").status_code == 200  # the owner's own
    for link in tampered:
        response = end_user_client.get(link)
        assert response.status_code == 403, link
        assert error_code(response) == "sticker_link_invalid"


def test_a_link_stops_working_within_two_windows(registration: Registration, end_user_client: Client) -> None:
    url = api_stickers(end_user_client)[0]["url"]
    expires = int(parse_qs(urlsplit(url).query)["expires"][0])
    window = settings.STICKER_URL_SECONDS
    now = timezone.now().timestamp()

    assert window < expires - now <= 2 * window
    with time_machine.travel(expires + 1, tick=False):
        response = end_user_client.get(url)
        fresh = api_stickers(end_user_client)[0]["url"]
        fresh_response = end_user_client.get(fresh)

    assert response.status_code == 403 and error_code(response) == "sticker_link_expired"
    assert fresh_response.status_code == 200  # the page and the API sign anew


def test_the_same_page_within_a_window_names_the_same_urls_so_the_browser_caches_them(
    registration: Registration, end_user_client: Client
) -> None:
    assert page_sticker_urls(end_user_client) == page_sticker_urls(end_user_client)


def test_a_set_past_its_usage_period_is_locked_and_its_images_refused(
    registration: Registration, end_user_client: Client
) -> None:
    url = api_stickers(end_user_client)[0]["url"]

    with time_machine.travel(registration.usage_expires_at + timedelta(seconds=1), tick=False):
        # The URL's own expiry has not come yet only if the period ends inside its window; so check the
        # period on the stored row as well as through time: both must lock the set.
        page = end_user_client.get("/me/emoticons/").content.decode()
        listed = api_stickers(end_user_client)
    Registration.objects.filter(pk=registration.pk).update(usage_expires_at=timezone.now() - timedelta(seconds=1))
    refused = end_user_client.get(url)

    assert "사용기간 만료" in page and "/stickers/" not in page
    assert listed == []
    assert refused.status_code == 403 and error_code(refused) == "usage_period_expired"


def test_a_signed_link_to_a_sticker_of_another_set_is_not_found(
    registration: Registration, end_user: User, end_user_client: Client
) -> None:
    stranger = EmoticonFactory()
    sticker_set_change(emoticon_id=stranger.pk, add=[(upload, None) for upload in images.sticker_set(STICKERS)])
    foreign = Sticker.objects.filter(emoticon=stranger).first()
    assert foreign is not None
    expires = stickers.signature_expiry(timezone.now().timestamp())

    link = stickers.sticker_url(
        user_id=end_user.pk, registration_id=registration.pk, sticker_id=foreign.pk, variant="image", expires=expires
    )

    assert end_user_client.get(link).status_code == 404


def test_the_public_image_route_never_serves_a_full_sticker(registration: Registration) -> None:
    sticker = Sticker.objects.filter(emoticon=registration.emoticon).first()
    assert sticker is not None

    assert Client().get(f"/media/{sticker.file.name}").status_code == 404


def test_the_list_of_twenty_sets_costs_a_fixed_number_of_queries(
    end_user: User,
    end_user_client: Client,
    paid_order: Order,
    issue_codes: Callable[..., list[str]],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    for code in issue_codes(paid_order, quantity=20):
        code_register(user=end_user, raw_code=code)

    with django_assert_max_num_queries(8):
        assert len(page_sticker_urls(end_user_client)) > 0
    with django_assert_max_num_queries(8):
        assert len(end_user_client.get("/api/v1/me/emoticons/").json()["results"]) == 20


def test_a_signed_path_is_the_one_the_url_pattern_routes(registration: Registration) -> None:
    link = stickers.sticker_url(user_id=1, registration_id=registration.pk, sticker_id=7, variant="thumb", expires=9)

    assert link.split("?")[0] == reverse(
        "codes:my-sticker", kwargs={"registration_id": registration.pk, "sticker_id": 7, "variant": "thumb"}
    )


def test_the_schema_documents_the_sticker_list_and_the_refusal_of_an_unverified_user(db: None) -> None:
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/json").json()

    registration = schema["paths"]["/api/v1/registrations/"]["post"]["responses"]
    sticker = schema["components"]["schemas"]["MySticker"]["properties"]
    assert "email_not_verified" in registration["403"]["description"]
    assert {"url", "thumbnail_url", "width", "height", "animated"} <= set(sticker)


def test_the_newest_set_is_opened_and_each_other_set_opens_by_its_link(
    end_user: User, end_user_client: Client, paid_order: Order, issue_codes: Callable[..., list[str]]
) -> None:
    older, newer = (code_register(user=end_user, raw_code=code) for code in issue_codes(paid_order, quantity=2))

    first = end_user_client.get("/me/emoticons/").content.decode()
    link = re.search(rf'href="(\?open={older.pk}#set-{older.pk})"', first)
    assert link is not None
    other = end_user_client.get(f"/me/emoticons/{unescape(link.group(1))}").content.decode()

    assert f"/me/emoticons/{newer.pk}/stickers/" in first and f"/me/emoticons/{older.pk}/stickers/" not in first
    assert f"/me/emoticons/{older.pk}/stickers/" in other and f"/me/emoticons/{newer.pk}/stickers/" not in other
