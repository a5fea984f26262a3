"""Password policy: 8–32 characters, three of four character classes, no 3-run of a keyboard sequence."""

from __future__ import annotations

import pytest

from bizshop.accounts.passwords import ShopPasswordValidator, password_problems
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


ALLOWED_SPECIALS_MESSAGE = "특수문자는 ! @ # $ % ^ & * ( ) - + = { } [ ] 만 사용할 수 있습니다."


@pytest.mark.parametrize(
    ("password", "refused"),
    [
        ("Mx7.Rk2_w", ". _"),
        ("Mx7?Rk2~w", "? ~"),
        ("Mx7!Rk2w ", "(공백)"),
        ("Mx7!Rk2w한", "한"),
        ("Mx7!Rk2w\\", "\\"),
        ("Mx7!Rk2w<>", "< >"),
    ],
)
def test_a_character_outside_the_listed_specials_is_refused_naming_it_and_the_allowed_ones(
    password: str, refused: str
) -> None:
    # Issue 7 lists the special characters: ! @ # $ % ^ & * ( ) - + = { } [ ]
    assert password_problems(password) == [f"사용할 수 없는 문자가 있습니다: {refused}. {ALLOWED_SPECIALS_MESSAGE}"]


def test_each_refused_character_is_named_once_in_order_of_appearance() -> None:
    assert password_problems("Mx7~Rk2~w.")[0].startswith("사용할 수 없는 문자가 있습니다: ~ .")


@pytest.mark.parametrize("special", list("!@#$%^&*()-+={}[]"))
def test_every_listed_special_character_is_accepted(special: str) -> None:
    assert password_problems(f"Mx7{special}Rk2w") == []


def test_the_help_text_names_the_allowed_special_characters() -> None:
    assert "! @ # $ % ^ & * ( ) - + = { } [ ]" in ShopPasswordValidator().get_help_text()


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
