import hashlib
import hmac
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.unit.selection.factories import counter_bytes
from workflow.errors import InvalidInput
from workflow.selection.common import b64u_encode
from workflow.selection.credentials import (
    ALPHABET,
    CredentialTypo,
    PublicCredential,
    VoterEntry,
    check_public_list,
    derive_seed,
    fingerprint,
    format_credential,
    generate_census,
    generate_credential,
    key_id,
    normalise_credential,
    public_key_for,
    public_list_hash,
)

PRINTED = re.compile(r"^([0-9A-HJKMNP-TV-Z]{5}-){4}[0-9A-HJKMNP-TV-Z]{5}$")


def rfc5869(ikm: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    """An independent HKDF-SHA256, straight from RFC 5869, to cross-check the library call."""
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    okm, block = b"", b""
    for counter in range(1, -(-length // 32) + 1):
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        okm += block
    return okm[:length]


def test_generated_credentials_have_the_printed_shape_and_validate() -> None:
    draw = counter_bytes("shape")
    for _ in range(200):
        printed = generate_credential(draw)
        assert PRINTED.fullmatch(printed)
        assert normalise_credential(printed) == printed.replace("-", "")


def test_normalisation_is_forgiving_about_case_separators_and_lookalikes() -> None:
    printed = generate_credential(counter_bytes("forgiving"))
    compact = printed.replace("-", "")
    assert normalise_credential(printed.lower()) == compact
    assert normalise_credential(" ".join(printed.split("-"))) == compact
    lookalike = compact.replace("0", "O").replace("1", "l")
    assert normalise_credential(lookalike) == compact


def test_every_single_substitution_and_adjacent_swap_is_caught() -> None:
    draw = counter_bytes("typos")
    for _ in range(5):
        compact = normalise_credential(generate_credential(draw))
        for i, original in enumerate(compact):
            for replacement in ALPHABET:
                if replacement != original:
                    with pytest.raises(CredentialTypo):
                        normalise_credential(compact[:i] + replacement + compact[i + 1 :])
        for i in range(len(compact) - 1):
            if compact[i] != compact[i + 1]:
                swapped = compact[:i] + compact[i + 1] + compact[i] + compact[i + 2 :]
                with pytest.raises(CredentialTypo):
                    normalise_credential(swapped)


@pytest.mark.parametrize("text", ["", "ABCDE", "U" * 25, "*" * 25, "0" * 26])
def test_malformed_credentials(text: str) -> None:
    with pytest.raises(CredentialTypo):
        normalise_credential(text)


def test_derivation_matches_an_independent_hkdf_and_ed25519() -> None:
    credential = generate_credential(counter_bytes("kdf"))
    campaign = "zmys-2025"
    info = b"yide/ed25519-seed/v1\x00" + campaign.encode()
    seed = rfc5869(normalise_credential(credential).encode(), b"yide/credential/v1", info, 32)
    assert derive_seed(credential, campaign) == seed
    expected = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    assert public_key_for(credential.lower(), campaign) == expected


def test_one_credential_gives_unrelated_keys_in_two_campaigns() -> None:
    credential = generate_credential(counter_bytes("two"))
    assert public_key_for(credential, "campaign-a") != public_key_for(credential, "campaign-b")


def test_bad_campaign_uid_is_refused() -> None:
    with pytest.raises(InvalidInput):
        derive_seed(generate_credential(counter_bytes("uid")), "has space")


def test_key_id_and_fingerprint_format() -> None:
    pub = bytes(range(32))
    assert re.fullmatch(r"[0-9a-f]{16}", key_id(pub))
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){3}[0-9A-HJKMNP-TV-Z]{4}", fingerprint(pub))
    assert key_id(pub) != key_id(bytes(32))


def test_census_private_rows_and_public_list() -> None:
    voters = [VoterEntry(f"staff-{i:03d}", weight=1 + i % 3) for i in range(50)]
    census = generate_census("zmys-2025", voters, max_weight=3, random_bytes=counter_bytes("census"))
    assert [r.voter_ref for r in census.private_rows] == [v.voter_ref for v in voters]
    keys = [p.public_key for p in census.public]
    assert keys == sorted(keys)
    assert len(set(keys)) == 50
    for row in census.private_rows:
        pub = public_key_for(row.credential, "zmys-2025")
        assert PublicCredential(public_key=b64u_encode(pub), weight=row.weight) in census.public
        assert row.key_id == key_id(pub)
        assert row.fingerprint == fingerprint(pub)
    assert sorted(p.weight for p in census.public) == sorted(v.weight for v in voters)
    assert len(public_list_hash("zmys-2025", census.public)) == 32


def test_census_refuses_duplicates_and_heavy_voters() -> None:
    with pytest.raises(InvalidInput):
        generate_census("c", [VoterEntry("a"), VoterEntry("a")])
    with pytest.raises(InvalidInput):
        generate_census("c", [VoterEntry("a", weight=2)], max_weight=1)


def test_public_list_checks() -> None:
    a, b = PublicCredential("A" * 43), PublicCredential("B" * 43)
    check_public_list([a, b], max_weight=1)
    with pytest.raises(InvalidInput):
        check_public_list([b, a], max_weight=1)
    with pytest.raises(InvalidInput):
        check_public_list([a, a], max_weight=1)


def test_format_credential_groups() -> None:
    assert format_credential("0123456789ABCDEFGHJKMNPQR") == "01234-56789-ABCDE-FGHJK-MNPQR"
