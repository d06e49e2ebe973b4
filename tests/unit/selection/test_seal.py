from datetime import date

import pytest

from tests.unit.selection.factories import CAMPAIGN, make_rules
from workflow.selection.ballot import Channel
from workflow.selection.common import canonical_json
from workflow.selection.revote import CastBallot, Disposition, resolve
from workflow.selection.rules import rules_hash
from workflow.selection.seal import SealMismatch, build_seal, seal_bytes, seal_hash, verify_seal

RULES = make_rules()
DAY = date(2025, 7, 2)
BALLOTS = [
    CastBallot("c3" + "0" * 62, Channel.STAFF, "alice", 2, DAY, 1),
    CastBallot("a1" + "0" * 62, Channel.STAFF, "alice", 2, DAY, 2),
    CastBallot("b2" + "0" * 62, Channel.PUBLIC, "phone1", 1, DAY, 3),
    CastBallot("d4" + "0" * 62, Channel.PUBLIC, "phone1", 1, DAY, 4),
]


def sealed() -> tuple[bytes, bytes]:
    manifest = build_seal(CAMPAIGN, rules_hash(RULES), resolve(BALLOTS, RULES))
    return seal_bytes(manifest), seal_hash(manifest)


def verify(data: bytes, digest: bytes, **kwargs: object) -> None:
    args: dict[str, object] = {"campaign": CAMPAIGN, "rules": RULES, "ballots": BALLOTS} | kwargs
    verify_seal(data, expected_hash=digest, **args)  # type: ignore[arg-type]


def test_manifest_is_sorted_with_totals_and_verifies() -> None:
    data, digest = sealed()
    manifest = build_seal(CAMPAIGN, rules_hash(RULES), resolve(BALLOTS, RULES))
    assert [e.tracking_code[:2] for e in manifest.entries] == ["a1", "b2", "c3", "d4"]
    assert manifest.counted() == {"a1" + "0" * 62, "b2" + "0" * 62}
    totals = {(t.channel, t.disposition): (t.ballots, t.weight) for t in manifest.totals}
    assert totals == {
        (Channel.STAFF, Disposition.COUNTED): (1, 2),
        (Channel.STAFF, Disposition.SUPERSEDED): (1, 2),
        (Channel.PUBLIC, Disposition.COUNTED): (1, 1),
        (Channel.PUBLIC, Disposition.OVER_LIMIT): (1, 1),
    }
    assert (
        verify_seal(data, expected_hash=digest, campaign=CAMPAIGN, rules=RULES, ballots=BALLOTS) == manifest
    )


def test_every_single_byte_change_is_caught() -> None:
    data, digest = sealed()
    for i in range(0, len(data), 7):
        tampered = data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :]
        with pytest.raises(SealMismatch):
            verify(tampered, digest)


def _resealed(mutate: object) -> tuple[bytes, bytes]:
    import json

    from workflow.signing import sha256

    data, _ = sealed()
    obj = json.loads(data)
    mutate(obj)  # type: ignore[operator]
    out = canonical_json(obj)
    return out, sha256(out)


@pytest.mark.parametrize(
    ("mutate", "check"),
    [
        (lambda o: o.update(domain="yide/seal/v0"), "domain"),
        (lambda o: o.update(campaign="other"), "campaign"),
        (lambda o: o.update(rules="0" * 64), "rules"),
        (lambda o: o["entries"].reverse(), "order"),
        (lambda o: o["entries"][0].update(disposition="superseded"), "entries"),
        (lambda o: o["entries"].pop(), "entries"),
        (lambda o: o["totals"][0].update(ballots=99), "totals"),
        (lambda o: o.update(entries=7), "decode"),
    ],
)
def test_consistent_but_wrong_manifests_name_the_failed_check(mutate: object, check: str) -> None:
    data, digest = _resealed(mutate)
    with pytest.raises(SealMismatch) as raised:
        verify(data, digest)
    assert raised.value.check == check


def test_hash_and_canonical_checks() -> None:
    data, digest = sealed()
    with pytest.raises(SealMismatch) as raised:
        verify(data, bytes(32))
    assert raised.value.check == "hash"
    with pytest.raises(SealMismatch) as raised:
        verify(data.replace(b",", b", ", 1), digest)
    assert raised.value.check == "canonical"


def test_disqualification_changes_the_seal() -> None:
    data, digest = sealed()
    with pytest.raises(SealMismatch) as raised:
        verify(data, digest, disqualified=frozenset({"b2" + "0" * 62}))
    assert raised.value.check == "entries"
