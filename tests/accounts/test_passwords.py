"""Password policy: 8–32 characters, three of four character classes, no 3-run of a keyboard sequence."""

from __future__ import annotations

import pytest

from bizshop.accounts.passwords import password_problems
from tests.factories import PASSWORD


@pytest.mark.parametrize("password", [PASSWORD, "Pw9xTz4kQm", "Mx7!Rk2#", "Mx7!Rk2#" * 4])
def test_a_strong_password_has_no_problems(password: str) -> None:
    assert password_problems(password) == []


@pytest.mark.parametrize("password", ["Mx7!Rk2", "Mx7!Rk2#" * 4 + "W"])
def test_a_password_outside_8_to_32_characters_is_refused(password: str) -> None:
    assert password_problems(password) == ["비밀번호는 8자 이상 32자 이하여야 합니다."]


@pytest.mark.parametrize("password", ["mxtrkwvzp", "mx7rk2wzp", "MX7RK2WZP", "mx!rk#wz%"])
def test_a_password_of_fewer_than_three_classes_is_refused(password: str) -> None:
    assert len(password_problems(password)) == 1
    assert "3종류" in password_problems(password)[0]


@pytest.mark.parametrize("password", ["mx7!rk2w", "mx7(rk2}w", "MX7=RK2[W", "mx7-rk2+w"])
def test_the_listed_special_characters_count_as_a_class(password: str) -> None:
    assert password_problems(password) == []


@pytest.mark.parametrize("password", ["mx7.rk2_w", "mx7?rk2~w"])
def test_other_punctuation_is_not_one_of_the_listed_special_characters(password: str) -> None:
    # Issue 7 lists the special characters: ! @ # $ % ^ & * ( ) - + = { } [ ]
    assert any("3종류" in problem for problem in password_problems(password))


@pytest.mark.parametrize(
    ("password", "run"),
    [
        ("Mx7!abcZ", "abc"),
        ("Mx!123Zw", "123"),
        ("Mx7!qweZ", "qwe"),
        ("Mx7!CBAz", "CBA"),
        ("Mx7!z987", "987"),
        ("Mx7!asdZ", "asd"),
        ("Mx7k!@#Z", "!@#"),
    ],
)
def test_a_run_of_three_sequential_keyboard_characters_is_refused(password: str, run: str) -> None:
    problems = password_problems(password)

    assert len(problems) == 1
    assert problems[0].endswith(f": {run}")


def test_two_sequential_characters_are_allowed() -> None:
    assert password_problems("Mx7!abZ9") == []
