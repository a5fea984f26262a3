"""Partner companies, their members and API keys."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "bizshop.partners"
    label = "partners"
    verbose_name = _("파트너")

    def ready(self) -> None:
        from bizshop.audit.services import partner_of_actor_register
        from bizshop.partners.selectors import partner_of_member

        # The audit log sits below partners: it asks, through this, which partner a user acts for.
        partner_of_actor_register(partner_of_member)
