"""manage.py seed_demo: idempotent demo catalog, partner, end user and 고객센터 FAQ; prints logins and a new API key."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from bizshop.accounts.models import User
from bizshop.accounts.passwords import password_problems
from bizshop.accounts.services import user_create
from bizshop.catalog.demo import demo_images_seed
from bizshop.catalog.models import Emoticon
from bizshop.catalog.services import emoticon_create, ranking_refresh
from bizshop.partners.models import Partner
from bizshop.partners.services import api_key_create, partner_create
from bizshop.support.demo import support_demo_seed

DEMO_CATALOG = [
    # title, creator, description, 30-day price, 60-day price
    ("춘식이의 하루", "카카오프렌즈", "고구마를 좋아하는 춘식이의 일상 이모티콘", 1_600, 2_500),
    ("라이언 오피스 라이프", "카카오프렌즈", "회사 생활에 딱 맞는 라이언", 1_800, 2_900),
    ("어피치 축하해", "카카오프렌즈", "축하와 감사를 전하는 어피치", 1_500, 2_400),
    ("제이지 여행가자", "카카오프렌즈", "떠나고 싶은 날의 제이지", 1_700, 2_700),
    ("무지와 콘 고마워요", "카카오프렌즈", "고객 감사 이벤트용 무지와 콘", 1_400, 2_200),
    ("튜브 화이팅", "카카오프렌즈", "응원이 필요한 순간의 튜브", 1_600, 2_600),
]
DEMO_PARTNER_BRN = "1208147521"
DEMO_PARTNER_EMAIL = "partner@demo.bizshop.kr"
DEMO_END_USER_EMAIL = "user@demo.bizshop.kr"


def demo_password() -> str:
    """Fresh per installation: demo secrets are never written into the repo. Only letters, digits,
    `-` and `_`, so the printed password can be pasted into a shell as it is (a `!` is history
    expansion in interactive bash)."""
    while True:
        candidate = f"Demo-{secrets.token_urlsafe(9)}-7"
        if not password_problems(candidate):
            return candidate


def remember_logins(lines: list[str]) -> Path:
    """Keep first-run logins beside the local database (var/ is never committed), readable by the owner only."""
    path = Path(settings.VAR_DIR) / "demo-logins.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


class Command(BaseCommand):
    help = "Create the demo catalog, a demo partner, a demo end user and the customer center FAQ (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            for title, creator, description, price_30, price_60 in DEMO_CATALOG:
                if not Emoticon.objects.filter(title=title).exists():
                    emoticon_create(
                        title=title, creator=creator, description=description, prices={30: price_30, 60: price_60}
                    )
            # Each demo emoticon's own drawn images (bizshop/catalog/demo.py), made once.
            demo_images_seed(emoticons=[Emoticon.objects.get(title=row[0]) for row in DEMO_CATALOG])
            partner_password = end_user_password = None
            if not Partner.objects.filter(business_registration_number=DEMO_PARTNER_BRN).exists():
                partner_password = demo_password()
                partner_create(
                    name="(주)데모상사",
                    business_registration_number=DEMO_PARTNER_BRN,
                    representative="김데모",
                    address="서울특별시 중구 세종대로 110",
                    invoice_email="tax@demo.bizshop.kr",
                    owner_email=DEMO_PARTNER_EMAIL,
                    owner_password=partner_password,
                )
            if not User.objects.filter(email=DEMO_END_USER_EMAIL).exists():
                end_user_password = demo_password()
                user_create(email=DEMO_END_USER_EMAIL, password=end_user_password, name="이용자")
            support_demo_seed()
            owner = User.objects.get(email=DEMO_PARTNER_EMAIL)
            api_key = api_key_create(user=owner, name="demo")
        ranking_refresh()
        logins = []
        if partner_password:
            logins.append(f"partner login:  {DEMO_PARTNER_EMAIL} / {partner_password}")
        if end_user_password:
            logins.append(f"end-user login: {DEMO_END_USER_EMAIL} / {end_user_password}")
        self.stdout.write(self.style.SUCCESS("데모 데이터 준비 완료 / demo data ready"))
        if logins:
            remember_logins(logins)
        path = Path(settings.VAR_DIR) / "demo-logins.txt"
        if path.exists():
            self.stdout.write(path.read_text().rstrip())
        else:
            self.stdout.write("demo logins were printed when this database was first seeded")
        self.stdout.write(f"API key:        {api_key.raw_key}")
