"""Sending a promotion's codes to its winners (코드 보내기): e-mail or SMS, per recipient."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "bizshop.campaigns"
    label = "campaigns"
    verbose_name = _("코드 보내기")
