"""The shipped known-answer vectors match the code, and WebCrypto (via Node) reproduces them."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.vectors.generate_ballot_vectors import PATH, RULES, render
from workflow.selection.ballot import BallotIn, CampaignFacts, CredentialStatus, StaffVoterFacts, check_ballot
from workflow.selection.common import b64u_decode
from workflow.selection.credentials import CredentialTypo, normalise_credential, public_key_for
from workflow.signing import ED25519


def test_vector_file_is_up_to_date() -> None:
    assert PATH.read_text(encoding="utf-8") == render(), "run python -m tests.vectors.generate_ballot_vectors"


def test_vectors_verify_with_the_library() -> None:
    vectors = json.loads(PATH.read_text(encoding="utf-8"))
    for v in vectors["credentials"]:
        assert b64u_decode(v["public_key_b64u"]) == public_key_for(v["typed_as"], v["campaign"])
    for t in vectors["typos"]:
        with pytest.raises(CredentialTypo):
            normalise_credential(t["input"])
    facts = CampaignFacts.build(
        campaign=vectors["staff_ballots"][0]["campaign"],
        rules=RULES,
        candidates=[f"c{i:02d}" for i in range(1, 21)],
        voting_open=True,
        opens_at=datetime(2025, 7, 1, tzinfo=UTC),
        closes_at=datetime(2025, 7, 8, tzinfo=UTC),
    )
    for v in vectors["staff_ballots"]:
        payload = b64u_decode(v["payload_b64u"])
        assert payload.decode() == v["payload_json"]
        pub = b64u_decode(json.loads(payload)["credential"])
        assert ED25519.verify(pub, b64u_decode(v["signature_b64u"]), payload)
        ballot = BallotIn(payload=v["payload_b64u"], signature=v["signature_b64u"])
        if v["choices"]:
            accepted = check_ballot(
                ballot,
                campaign=facts,
                voter=StaffVoterFacts(CredentialStatus(1)),
                now=datetime(2025, 7, 2, tzinfo=UTC),
            )
            assert accepted.tracking_code == v["tracking_code"]
            assert accepted.record.decode() == v["signed_ballot_json"]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_webcrypto_reproduces_the_vectors() -> None:
    script = Path(__file__).with_name("check_vectors.mjs")
    run = subprocess.run(
        ["node", str(script), str(PATH)], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "match" in run.stdout


def test_the_documented_worked_example_matches_the_vectors() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "selection-rules.md").read_text(encoding="utf-8")
    vectors = json.loads(PATH.read_text(encoding="utf-8"))
    ballot, credential = vectors["staff_ballots"][0], vectors["credentials"][0]
    for value in (
        credential["seed_hex"],
        credential["public_key_b64u"],
        credential["key_id"],
        credential["fingerprint"],
        ballot["rules_hash"],
        ballot["payload_json"],
        ballot["payload_json"].encode()[:64].hex(),
        ballot["signature_b64u"],
        ballot["tracking_code"],
    ):
        assert value in doc
