"""English translation: the language switch, the API's Accept-Language, and a complete, compiled catalog.

The portal and the API are Korean by default; the language switch (set_language, a cookie) or an
``Accept-Language: en`` header turns them English. ``make messages`` rebuilds the catalog.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from gettext import GNUTranslations
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

if TYPE_CHECKING:
    from bizshop.catalog.models import Emoticon
    from tests.helpers.api import ApiClient

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"
HANGUL = re.compile(r"[가-힣]")


@dataclass
class PoEntry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def parse_po(text: str) -> list[PoEntry]:
    """The entries of a .po file (enough of the format for makemessages' output)."""
    entries: list[PoEntry] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        fields: dict[str, str] = {}
        flags: set[str] = set()
        obsolete = False
        key = None
        for raw in block.splitlines():
            line = raw.strip()
            if line.startswith("#~"):
                obsolete = True
                line = line[2:].strip()
            elif line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
                continue
            elif line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$', line)
            if match:
                key = match.group(1)
                fields[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        if "msgid" not in fields:
            continue
        msgstr = {int(k[7:-1]): v for k, v in fields.items() if k.startswith("msgstr[")}
        if "msgstr" in fields:
            msgstr[0] = fields["msgstr"]
        entries.append(
            PoEntry(
                msgid=fields["msgid"],
                msgctxt=fields.get("msgctxt"),
                msgid_plural=fields.get("msgid_plural"),
                msgstr=msgstr,
                flags=flags,
                obsolete=obsolete,
            )
        )
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[PoEntry]:
    return parse_po(PO_FILE.read_text(encoding="utf-8"))


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\([a-z_]+\)s|%%|\{[a-z_]*\}", text))


# --- the catalog ---------------------------------------------------------------------------


def test_every_entry_is_translated_and_none_is_fuzzy(po_entries: list[PoEntry]) -> None:
    header = next(e for e in po_entries if e.msgid == "")
    messages = [e for e in po_entries if e.msgid and not e.obsolete]

    assert "fuzzy" not in header.flags
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]
    assert len(messages) > 500
    assert [e.msgid for e in messages if "fuzzy" in e.flags] == []
    untranslated = [e.msgid for e in messages if not all(e.msgstr.get(i) for i in ((0, 1) if e.msgid_plural else (0,)))]
    assert untranslated == []
    still_korean = [e.msgid for e in messages if any(HANGUL.search(s) for s in e.msgstr.values())]
    assert still_korean == []


def test_translations_keep_their_placeholders(po_entries: list[PoEntry]) -> None:
    for entry in po_entries:
        if not entry.msgid or entry.obsolete:
            continue
        for index, translated in entry.msgstr.items():
            source = entry.msgid_plural if entry.msgid_plural and index else entry.msgid
            assert placeholders(translated) == placeholders(source), entry.msgid


def test_the_compiled_catalog_matches_the_po_file(po_entries: list[PoEntry]) -> None:
    """The .mo is compiled from the current .po: same messages, same translations."""
    with MO_FILE.open("rb") as handle:
        compiled = GNUTranslations(handle)

    expected = 0
    for entry in po_entries:
        if not entry.msgid or entry.obsolete:
            continue
        expected += 2 if entry.msgid_plural else 1
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr[0], entry.msgid
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 2) == entry.msgstr[1], entry.msgid
        elif entry.msgctxt is not None:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr[0], entry.msgid
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr[0], entry.msgid
    catalog: dict[Any, str] = compiled._catalog  # type: ignore[attr-defined]
    assert len([key for key in catalog if key != ""]) == expected  # nothing compiled that the .po lost


# --- the portal ----------------------------------------------------------------------------


def test_the_portal_is_korean_by_default(member_client: Client) -> None:
    page = member_client.get(reverse("catalog:home")).content.decode()

    assert '<html lang="ko">' in page
    assert "구매내역" in page
    assert "Purchase history" not in page


def test_the_language_switch_turns_the_portal_english(member_client: Client) -> None:
    response = member_client.post(reverse("set_language"), {"language": "en", "next": reverse("catalog:home")})
    assert response.status_code == 302

    home = member_client.get(reverse("catalog:home")).content.decode()
    assert '<html lang="en">' in home
    # A partner member's menu: buying and the company, not the end users' pages.
    for text in ("Purchase history", "Tax invoices", "Partner info"):
        assert text in home
    assert "구매내역" not in home

    info = member_client.get(reverse("partners:info")).content.decode()
    for text in ("Partner info", "Members", "API keys", "Withdrawal", "Business registration number"):
        assert text in info
    assert "파트너정보" not in info

    orders = member_client.get(reverse("billing:order-list")).content.decode()
    assert "Purchase history" in orders
    assert "You have no orders yet." in orders


def test_an_english_browser_still_gets_the_korean_portal_until_it_switches(member_client: Client) -> None:
    english_browser = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}

    first_visit = member_client.get(reverse("catalog:home"), **english_browser).content.decode()
    assert '<html lang="ko">' in first_visit

    member_client.post(reverse("set_language"), {"language": "en"}, **english_browser)
    assert '<html lang="en">' in member_client.get(reverse("catalog:home"), **english_browser).content.decode()


def test_switching_back_to_korean(member_client: Client) -> None:
    member_client.post(reverse("set_language"), {"language": "en"})
    member_client.post(reverse("set_language"), {"language": "ko"})

    assert "구매내역" in member_client.get(reverse("catalog:home")).content.decode()


@pytest.mark.parametrize("cookie", ["fr", "de", "xx"])
def test_a_language_cookie_the_shop_does_not_offer_gets_the_korean_portal(member_client: Client, cookie: str) -> None:
    member_client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie

    response = member_client.get(reverse("catalog:home"))

    assert response.headers["Content-Language"] == "ko"
    assert '<html lang="ko">' in response.content.decode()


def test_a_regional_english_cookie_gets_the_english_portal(member_client: Client) -> None:
    member_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en-us"

    response = member_client.get(reverse("catalog:home"))

    assert response.headers["Content-Language"] == "en"
    assert "Purchase history" in response.content.decode()


# --- the API -------------------------------------------------------------------------------


def test_api_errors_are_korean_by_default_and_english_on_request(db: None) -> None:
    client = Client(HTTP_AUTHORIZATION="Bearer not-a-real-key")

    korean = client.get("/api/v1/orders/").json()["error"]
    english = client.get("/api/v1/orders/", HTTP_ACCEPT_LANGUAGE="en").json()["error"]

    assert korean["code"] == english["code"] == "authentication_failed"  # codes never change
    assert korean["message"] == "유효하지 않거나 폐기된 API 키입니다."
    assert english["message"] == "The API key is invalid or has been revoked."


def test_an_application_error_follows_accept_language(api: ApiClient, emoticon: Emoticon) -> None:
    body = {"emoticon_id": emoticon.pk, "period_days": 45, "quantity": 100}

    korean = api.post("/api/v1/orders/", body).json()["error"]
    english = api.post("/api/v1/orders/", body, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").json()["error"]

    assert korean["code"] == english["code"] == "invalid_period"
    assert HANGUL.search(korean["message"])
    assert english["message"] == "The usage period must be 30 or 60 days."
