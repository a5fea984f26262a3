"""seed_demo fills the customer center: FAQ entries in every category and a notice, once."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core.management import call_command
from django.db.models import Count

from bizshop.support.models import Faq, Notice, Topic

if TYPE_CHECKING:
    from pytest_django import Settings

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_faq_in_every_category_and_a_notice_and_nothing_more_when_run_again(
    settings: Settings, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path  # the demo logins file is written there
    call_command("seed_demo", stdout=StringIO())
    first = (Faq.objects.count(), Notice.objects.count())

    call_command("seed_demo", stdout=StringIO())

    per_category = dict(Faq.objects.values_list("category").annotate(n=Count("id")))
    assert set(per_category) == set(Topic.values) and min(per_category.values()) >= 2
    assert Notice.objects.count() == 1
    assert (Faq.objects.count(), Notice.objects.count()) == first
