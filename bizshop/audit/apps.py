"""The audit log (감사 로그): security-relevant actions of members and users."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "bizshop.audit"
    label = "audit"
    verbose_name = _("감사 로그")
