import base64

import pytest
from django.core.exceptions import FieldError
from django.db import connection

from parcours.core.crypto import DecryptionError, KeyRing, normalise
from parcours.core.keyconfig import KeyMaterial
from parcours.core.refs import ALPHABET, is_valid_reference, new_reference
from parcours.people.models import Person


def ring(*keys, blind=b"b" * 32):
    return KeyRing(KeyMaterial(field_keys=tuple(keys), blind_index_key=blind))


K1 = ("k1", b"1" * 32)
K2 = ("k2", b"2" * 32)


def test_round_trip_and_key_id_prefix():
    sealed = ring(K1).encrypt(b"Salma", b"t.c")
    assert sealed.startswith("v1.k1.")
    assert b"Salma" not in sealed.encode()
    assert ring(K1).decrypt(sealed, b"t.c") == b"Salma"


def test_same_value_encrypts_differently_each_time():
    assert ring(K1).encrypt(b"x", b"a") != ring(K1).encrypt(b"x", b"a")


def test_value_is_bound_to_its_column():
    sealed = ring(K1).encrypt(b"Salma", b"people_person.family_name")
    with pytest.raises(DecryptionError):
        ring(K1).decrypt(sealed, b"people_person.given_names")


def test_wrong_key_never_returns_ciphertext():
    sealed = ring(K1).encrypt(b"Salma", b"a")
    with pytest.raises(DecryptionError, match="wrong key"):
        ring(("k1", b"9" * 32)).decrypt(sealed, b"a")


def test_unknown_key_id_is_named():
    sealed = ring(K1).encrypt(b"Salma", b"a")
    with pytest.raises(DecryptionError, match="'k1' is not in PARCOURS_FIELD_KEYS"):
        ring(K2).decrypt(sealed, b"a")


def test_tampered_value_fails():
    sealed = ring(K1).encrypt(b"Salma", b"a")
    head, payload = sealed.rsplit(".", 1)
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    raw[-1] ^= 1
    tampered = head + "." + base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    with pytest.raises(DecryptionError):
        ring(K1).decrypt(tampered, b"a")


def test_rotation_ring_decrypts_old_values_and_encrypts_with_new_key():
    old = ring(K1).encrypt(b"x", b"a")
    both = ring(K2, K1)
    assert both.decrypt(old, b"a") == b"x"
    assert both.encrypt(b"x", b"a").startswith("v1.k2.")


def test_blind_index_is_keyed_and_normalised():
    assert ring(K1).blind_index("Élodie  N'Diaye", "n") == ring(K1).blind_index(
        "elodie ndiaye", "n"
    )
    assert ring(K1).blind_index("x", "n") != ring(K1, blind=b"c" * 32).blind_index("x", "n")
    assert ring(K1).blind_index("x", "name") != ring(K1).blind_index("x", "phone")


def test_normalisation():
    assert normalise("  Ôsas   BLESSING ") == "osas blessing"


@pytest.mark.django_db
def test_empty_string_is_stored_encrypted_not_null():
    person = Person.objects.create(family_name="", given_names="Joy")
    with connection.cursor() as cursor:
        cursor.execute("SELECT family_name FROM people_person WHERE id = %s", [person.pk])
        raw = cursor.fetchone()[0]
    assert raw is not None and raw.startswith("v1.")
    person.refresh_from_db()
    assert person.family_name == ""


@pytest.mark.django_db
def test_encrypted_columns_hold_no_plaintext():
    person = Person.objects.create(family_name="Benhaddou", given_names="Salma", aliases=["Sal"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT family_name, given_names, aliases FROM people_person WHERE id = %s", [person.pk]
        )
        row = cursor.fetchone()
    assert all(value.startswith("v1.") for value in row)
    assert not any("Salma" in value or "Benhaddou" in value for value in row)


@pytest.mark.django_db
def test_filtering_on_an_encrypted_column_is_refused():
    with pytest.raises(FieldError, match="blind index"):
        list(Person.objects.filter(family_name="Benhaddou"))


def test_references_carry_a_check_character():
    ref = new_reference("P")
    assert is_valid_reference("P", ref)
    assert not is_valid_reference("C", ref)
    assert not is_valid_reference("P", "P-<script>")
    positions = [i for i, char in enumerate(ref) if char != "-" and i > 0]
    for i in positions:  # every single mistyped character is caught
        for other in ALPHABET:
            if other != ref[i]:
                typo = ref[:i] + other + ref[i + 1 :]
                assert not is_valid_reference("P", typo), typo
