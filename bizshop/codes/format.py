"""Serial code (일련번호) format: 19 random Crockford base32 symbols (95 bits) + 1 Luhn mod 32
check symbol, shown as XXXXX-XXXXX-XXXXX-XXXXX (docs/api.md, "Serial code format").

Two of the random symbols (``BUCKET_POSITIONS``) are the code's bucket: drawn once per batch of
codes written together instead of once per code, so that a batch's blind indexes share their
first bytes and land side by side in the unique B-tree (``crypto.Keyring.blind_index``). Each
code still has 85 bits of its own, and the batch's 10 bits are as random."""

from __future__ import annotations

import base64
import secrets

from bizshop.codes import errors

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
N = len(ALPHABET)
RANDOM_SYMBOLS = 19
CODE_LENGTH = RANDOM_SYMBOLS + 1
# Where a code's bucket symbols sit: inside the display groups, so a batch's codes do not all
# start alike.
BUCKET_POSITIONS = (3, 11)
_INDEX = {symbol: i for i, symbol in enumerate(ALPHABET)}
# RFC 4648 base32 output mapped symbol for symbol onto Crockford's alphabet (same 5-bit values).
_FROM_RFC4648 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", ALPHABET)
_FROM_RFC4648_BYTES = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", ALPHABET.encode())
# Crockford's decoding rule: O reads as 0, I and L as 1; separators are ignored.
_INPUT_MAP = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None, "\t": None, "\u00a0": None})
# Doubling table of Luhn mod N: the digit sum (in base N) of 2·i.
_DOUBLED = [(2 * i) // N + (2 * i) % N for i in range(N)]
# Byte-translation tables from a symbol to its value and to its doubled value, so that the
# check symbol of a batch of codes is computed with C-level sums (see check_symbol_fast).
_VALUE_BYTES = bytes.maketrans(ALPHABET.encode(), bytes(range(N)))
_DOUBLED_BYTES = bytes.maketrans(ALPHABET.encode(), bytes(_DOUBLED))


def check_symbol(payload: str) -> str:
    """Luhn mod N check symbol over ``payload`` (symbols of ALPHABET)."""
    total = 0
    double = True  # the rightmost payload symbol is doubled, as the check symbol will follow it
    for symbol in reversed(payload):
        value = _INDEX[symbol]
        total += _DOUBLED[value] if double else value
        double = not double
    return ALPHABET[(N - total % N) % N]


def check_symbol_fast(payload: bytes) -> str:
    """``check_symbol`` for an ASCII payload of 19 symbols, without a Python-level loop."""
    # Counting from the right, odd positions (the last symbol first) are doubled.
    doubled = sum(payload.translate(_DOUBLED_BYTES)[-1::-2])
    plain = sum(payload.translate(_VALUE_BYTES)[-2::-2])
    return ALPHABET[(N - (doubled + plain) % N) % N]


def bucket_draw() -> str:
    """A new bucket: two random symbols, 10 bits."""
    return secrets.choice(ALPHABET) + secrets.choice(ALPHABET)


def bucket_of(code: bytes) -> bytes:
    """The bucket symbols of a canonical code."""
    first, second = BUCKET_POSITIONS
    return code[first : first + 1] + code[second : second + 1]


def generate_batch(count: int, *, bucket: str | None = None) -> list[str]:
    """``count`` new canonical codes, drawing all their randomness from ``secrets`` at once.

    With ``bucket`` (``bucket_draw``) every code carries it at ``BUCKET_POSITIONS``; without, each
    code's bucket is as random as the rest of it.
    """
    # 15 random bytes encode to exactly 24 base32 symbols; each code takes the first 19 (95 bits).
    symbols = base64.b32encode(secrets.token_bytes(15 * count)).translate(_FROM_RFC4648_BYTES)
    codes = []
    first, second = BUCKET_POSITIONS
    marks = bucket.encode() if bucket else b""
    for start in range(0, 24 * count, 24):
        payload = symbols[start : start + RANDOM_SYMBOLS]
        if marks:
            payload = payload[:first] + marks[:1] + payload[first + 1 : second] + marks[1:] + payload[second + 1 :]
        codes.append((payload + check_symbol_fast(payload).encode()).decode())
    return codes


def generate() -> str:
    """A new canonical code: 95 bits from ``secrets`` plus its check symbol."""
    # 12 random bytes give 96 bits; the first 19 base32 symbols carry exactly the first 95.
    payload = base64.b32encode(secrets.token_bytes(12)).decode()[:RANDOM_SYMBOLS].translate(_FROM_RFC4648)
    return payload + check_symbol(payload)


def normalize(raw: str) -> str:
    """Canonical form of what a person typed, or the error that says what is wrong with it.

    Raises ``invalid_code_format`` for a wrong length or a symbol outside the alphabet and
    ``invalid_check_character`` for a typo the check symbol catches, before any lookup.
    """
    if not isinstance(raw, str):
        raise errors.INVALID_CODE_FORMAT()
    code = raw.strip().upper().translate(_INPUT_MAP)
    if len(code) != CODE_LENGTH or any(symbol not in _INDEX for symbol in code):
        raise errors.INVALID_CODE_FORMAT()
    if check_symbol(code[:RANDOM_SYMBOLS]) != code[RANDOM_SYMBOLS]:
        raise errors.INVALID_CHECK_CHARACTER()
    return code


def display(code: str) -> str:
    """XXXXX-XXXXX-XXXXX-XXXXX."""
    # Spelled out rather than a join over a range: exports call this a million times.
    return f"{code[0:5]}-{code[5:10]}-{code[10:15]}-{code[15:20]}"
