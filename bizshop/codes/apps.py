"""Serial codes: format, encryption at rest, issuance, registration by end users."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodesConfig(AppConfig):
    name = "bizshop.codes"
    label = "codes"
    verbose_name = _("일련번호")

    def ready(self) -> None:
        from bizshop.codes import checks  # noqa: F401  (registers the keyring check)
        from bizshop.codes.withdrawal import WITHDRAWAL_ANSWER
        from bizshop.partners.withdrawal import withdrawal_answer_register

        withdrawal_answer_register(WITHDRAWAL_ANSWER)
