"""The keyring: AES-GCM keys by id (the last encrypts), an HMAC key for the blind index."""

from __future__ import annotations

import base64
import hashlib
import secrets

import pytest
from cryptography.exceptions import InvalidTag
from django.core.exceptions import ImproperlyConfigured

from bizshop.codes import format as code_format
from bizshop.codes.crypto import parse_keyring

K1, K2, LOOKUP = (base64.b64encode(secrets.token_bytes(32)).decode() for _ in range(3))


def test_a_code_encrypted_under_k1_still_decrypts_after_k2_is_added() -> None:
    code = code_format.generate()
    key_id, blob = parse_keyring(f"k1:{K1}", LOOKUP).encrypt(code)

    rotated = parse_keyring(f"k1:{K1},k2:{K2}", LOOKUP)

    assert rotated.decrypt(key_id, blob) == code


def test_codes_stored_under_a_labelled_key_id_still_decrypt() -> None:
    # Before key ids were fingerprints, codes were stored under the label of "k1:<key>".
    code = code_format.generate()
    keyring = parse_keyring(f"k1:{K1}", LOOKUP)
    _, blob = keyring.encrypt(code)

    assert keyring.decrypt("k1", blob) == code


def test_two_different_keys_never_share_an_id_whatever_their_label() -> None:
    first = parse_keyring(f"k1:{K1}", LOOKUP)
    second = parse_keyring(f"k1:{K2}", LOOKUP)

    assert first.current_key_id != second.current_key_id
    assert parse_keyring(K1, LOOKUP).current_key_id == first.current_key_id  # the id is the key's own
    key_id, blob = first.encrypt(code_format.generate())
    with pytest.raises(KeyError):  # not InvalidTag: the id names a key the second ring does not hold
        second.decrypt(key_id, blob)


def test_a_key_id_is_a_fingerprint_of_the_key() -> None:
    key_id = parse_keyring(K1, LOOKUP).current_key_id

    expected = hashlib.sha256(b"bizshop:code-key-id:v1:" + base64.b64decode(K1)).hexdigest()[:16]
    assert key_id == expected


def test_one_label_for_two_keys_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured):
        parse_keyring(f"k1:{K1},k1:{K2}", LOOKUP)


def test_new_codes_are_encrypted_under_the_last_key() -> None:
    rotated = parse_keyring(f"k1:{K1},k2:{K2}", LOOKUP)

    key_id, blob = rotated.encrypt(code_format.generate())

    assert key_id == parse_keyring(K2, LOOKUP).current_key_id
    with pytest.raises(KeyError):
        parse_keyring(f"k1:{K1}", LOOKUP).decrypt(key_id, blob)


def test_a_ciphertext_does_not_decrypt_under_another_key() -> None:
    _, blob = parse_keyring(f"k1:{K1}", LOOKUP).encrypt(code_format.generate())

    with pytest.raises(InvalidTag):
        parse_keyring(f"k1:{K2}", LOOKUP).decrypt("k1", blob)  # a label reused for another key


def test_a_tampered_ciphertext_does_not_decrypt() -> None:
    keyring = parse_keyring(f"k1:{K1}", LOOKUP)
    _, blob = keyring.encrypt(code_format.generate())
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])

    with pytest.raises(InvalidTag):
        keyring.decrypt("k1", tampered)


def test_the_same_code_encrypts_differently_each_time() -> None:
    keyring = parse_keyring(f"k1:{K1}", LOOKUP)
    code = code_format.generate()

    assert keyring.encrypt(code)[1] != keyring.encrypt(code)[1]


def test_the_blind_index_survives_adding_a_key() -> None:
    code = code_format.generate()

    assert parse_keyring(f"k1:{K1}", LOOKUP).blind_index(code) == parse_keyring(f"k1:{K1},k2:{K2}", LOOKUP).blind_index(
        code
    )


def test_the_blind_index_tells_codes_apart_and_hides_them() -> None:
    keyring = parse_keyring(f"k1:{K1}", LOOKUP)
    first, second = code_format.generate(), code_format.generate()

    assert keyring.blind_index(first) != keyring.blind_index(second)
    assert len(keyring.blind_index(first)) == 32
    assert first.encode() not in keyring.blind_index(first)


@pytest.mark.parametrize(
    "keys",
    ["", "k1", f"k1:{base64.b64encode(b'short').decode()}", "k1:not base64!", f"toolongid:{K1}", f":{K1}"],
)
def test_a_malformed_keyring_is_refused(keys: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        parse_keyring(keys, LOOKUP)


def test_a_lookup_key_of_the_wrong_size_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured):
        parse_keyring(f"k1:{K1}", base64.b64encode(b"short").decode())
