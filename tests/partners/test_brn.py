"""사업자등록번호: 10 digits with a valid check digit, hyphens allowed on input."""

from __future__ import annotations

import pytest

from bizshop.core.errors import ApplicationError
from bizshop.partners.services import normalize_brn
from tests.factories import VALID_BRNS


def test_a_hyphenated_number_is_normalized_to_ten_digits() -> None:
    assert normalize_brn("120-81-47521") == "1208147521"


@pytest.mark.parametrize("number", VALID_BRNS)
def test_the_test_data_numbers_are_valid(number: str) -> None:
    assert normalize_brn(number) == number


@pytest.mark.parametrize("number", ["1208147522", "1208147520", "220-81-62510"])
def test_a_wrong_check_digit_is_invalid_business_registration_number(number: str) -> None:
    with pytest.raises(ApplicationError) as raised:
        normalize_brn(number)
    assert raised.value.code == "invalid_business_registration_number"


@pytest.mark.parametrize("number", ["", "120814752", "12081475211", "12O-81-47521", "000-81-47521"])
def test_a_wrong_shape_is_invalid_business_registration_number(number: str) -> None:
    with pytest.raises(ApplicationError) as raised:
        normalize_brn(number)
    assert raised.value.code == "invalid_business_registration_number"
