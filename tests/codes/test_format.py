"""The serial code format of API.md: 19 random symbols + Luhn mod 32 check symbol."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bizshop.codes import format as code_format
from bizshop.core.errors import ApplicationError


def test_generated_codes_have_twenty_symbols_of_the_crockford_alphabet() -> None:
    code = code_format.generate()
    assert len(code) == 20
    assert set(code) <= set(code_format.ALPHABET)
    assert not set(code) & set("ILOU")


def test_generated_codes_pass_their_own_check_symbol() -> None:
    for _ in range(1000):
        code = code_format.generate()
        assert code_format.normalize(code) == code


def test_generated_codes_are_unique_in_a_large_sample() -> None:
    sample = {code_format.generate() for _ in range(100_000)}
    assert len(sample) == 100_000


def test_check_symbol_matches_a_hand_computed_luhn_mod_32() -> None:
    # payload "0000000000000000001": the rightmost symbol (1) is doubled → 2; check = (32 - 2) % 32 = 30 → "Y"
    assert code_format.check_symbol("0000000000000000001") == "Y"
    # "000000000000000000Z": Z=31 doubled = 62 = 1·32 + 30 → digit sum 31; check = 1 → "1"
    assert code_format.check_symbol("000000000000000000Z") == "1"


def test_input_is_case_insensitive_and_ignores_spaces_and_hyphens() -> None:
    code = code_format.generate()
    typed = " " + code_format.display(code).lower().replace("-", " - ") + " "
    assert code_format.normalize(typed) == code


def test_o_reads_as_zero_and_i_l_read_as_one() -> None:
    payload = "0101010101010101010"
    code = payload + code_format.check_symbol(payload)
    typed = code.replace("0", "o").replace("1", "I", 3).replace("1", "l")
    assert code_format.normalize(typed) == code


@pytest.mark.parametrize("typed", ["", "ABC", "U" * 20, "0" * 21, "!" * 20, "가" * 20])
def test_malformed_input_is_invalid_code_format(typed: str) -> None:
    with pytest.raises(ApplicationError) as raised:
        code_format.normalize(typed)
    assert raised.value.code == "invalid_code_format"


@given(st.integers(min_value=0, max_value=19), st.sampled_from(code_format.ALPHABET))
def test_any_single_symbol_typo_is_caught_by_the_check_symbol(position: int, replacement: str) -> None:
    code = "7Q3K9M2XH4T8B1N6RZ0P"
    code = code[:19] + code_format.check_symbol(code[:19])
    typo = code[:position] + replacement + code[position + 1 :]
    if typo == code:
        return
    with pytest.raises(ApplicationError) as raised:
        code_format.normalize(typo)
    assert raised.value.code == "invalid_check_character"


def test_adjacent_transpositions_are_caught_by_the_check_symbol() -> None:
    code = code_format.generate()
    for i in range(19):
        swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
        # Luhn mod N misses exactly one transposition: the symbols worth 0 and N-1 ("0Z" ↔ "Z0").
        if swapped == code or {code[i], code[i + 1]} == {"0", "Z"}:
            continue
        with pytest.raises(ApplicationError):
            code_format.normalize(swapped)


def test_batch_generation_gives_valid_distinct_codes() -> None:
    codes = code_format.generate_batch(5_000)
    assert len(set(codes)) == 5_000
    for code in codes:
        assert len(code) == 20
        assert code_format.normalize(code) == code


def test_the_fast_check_symbol_agrees_with_the_reference_one() -> None:
    for code in code_format.generate_batch(2_000):
        payload = code[:19]
        assert code_format.check_symbol_fast(payload.encode()) == code_format.check_symbol(payload)
