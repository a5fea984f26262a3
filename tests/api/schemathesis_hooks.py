"""Schemathesis hooks of the suite's run (tests/api/test_schemathesis.py; SCHEMATHESIS_HOOKS).

``positive_data_acceptance`` fails any schema-valid request answered 402 or 422. A few refusals
depend on what no schema can describe: the shop's data and state, an algorithm, a signature.
Those, and only those, are accepted here, each by its error code, never by status: a refusal
for the request's form (``invalid_request``, ``invalid_period``, ``malformed_json``, …) still
fails the run, because then the schema said something was valid that is not.
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData

# error code → what it depends on that the schema cannot say
REFUSALS_FOR_STATE = {
    "emoticon_not_on_sale": "which emoticons exist and are on sale",
    "quantity_out_of_range": "the emoticon's own minimum and maximum quantity",
    "quantity_exceeds_remaining": "how many units of the order are left to issue",
    "payment_declined": "the PG's answer to the card",
    "invalid_check_character": "the code's check symbol (Luhn mod 32), beyond what a pattern says",
    "idempotency_key_reused": "what was sent before with the same Idempotency-Key",
    "invalid_notification": "the PG's signature over the deposit notification",
    "invalid_webhook_url": "where the URL's host name resolves (never into the shop's own network)",
    "invalid_recipients": "whether each e-mail address and mobile number is a real one, and repeats across rows",
    "not_enough_codes": "how many free codes the order has",
    "unknown_placeholder": "which {…} placeholders a free text uses",
    "invalid_template": "whether the braces of a free text pair up",
    "recipient_busy": "whether the recipient is being sent right now",
    "contacts_erased": "whether the contacts were erased after their keeping period",
}


def error_code(response: Any) -> str | None:
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error.get("code") if isinstance(error, dict) else None


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    """Keep every failure but a valid request refused for the shop's state (see above)."""
    return not (isinstance(failure, RejectedPositiveData) and error_code(response) in REFUSALS_FOR_STATE)
