"""Known-answer vectors for credentials, ballots and tracking codes.

Run ``python -m tests.vectors.generate_ballot_vectors`` from the repository root to rewrite
``ballot_vectors.json``; ``test_ballot_vectors.py`` fails whenever the code and the file disagree,
and ``check_vectors.mjs`` re-derives everything with WebCrypto (Node), as a browser would.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tests.unit.selection.factories import counter_bytes
from workflow.selection.ballot import (
    CampaignFacts,
    PublicBallotIn,
    PublicVoterFacts,
    check_public_ballot,
    make_staff_ballot,
    phone_hash,
    public_ballot_record,
)
from workflow.selection.common import b64u_decode, b64u_encode
from workflow.selection.credentials import (
    derive_seed,
    derive_signer,
    fingerprint,
    generate_credential,
    key_id,
    normalise_credential,
)
from workflow.selection.rules import (
    CampaignRules,
    Channels,
    ChannelWeights,
    PublicChannel,
    encode_rules,
    rules_hash,
)
from workflow.selection.tally import seed_order
from workflow.signing import sha256

PATH = Path(__file__).with_name("ballot_vectors.json")
CAMPAIGNS = ("zmys-2025-longgang", "9b2f4c1e-2f0a-4e4b-9a57-2d6c0f1b7a10")
CHOICES = (("c03",), ("c01", "c07", "c12"), ())
RULES = CampaignRules(
    channels=Channels(public=PublicChannel(enabled=True), weights=ChannelWeights(staff=60, public=40))
)


def build() -> dict[str, Any]:
    draw = counter_bytes("yide ballot vectors v1")
    rules = RULES
    digest = rules_hash(rules)
    credentials, ballots = [], []
    for i in range(3):
        printed = generate_credential(draw)
        for campaign in CAMPAIGNS:
            signer = derive_signer(printed, campaign)
            credentials.append(
                {
                    "credential": printed,
                    "typed_as": printed.lower().replace("-", " ") if i == 1 else printed,
                    "normalised": normalise_credential(printed),
                    "campaign": campaign,
                    "seed_hex": derive_seed(printed, campaign).hex(),
                    "public_key_b64u": b64u_encode(signer.public_key),
                    "key_id": key_id(signer.public_key),
                    "fingerprint": fingerprint(signer.public_key),
                }
            )
        signer = derive_signer(printed, CAMPAIGNS[0])
        nonce = draw(16)
        ballot = make_staff_ballot(
            signer, campaign=CAMPAIGNS[0], rules_digest=digest, choices=CHOICES[i], nonce=nonce
        )
        payload = b64u_decode(ballot.payload)
        signed = json.dumps(
            {"payload": json.loads(payload), "signature": ballot.signature},
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()
        ballots.append(
            {
                "credential": printed,
                "campaign": CAMPAIGNS[0],
                "rules_hash": digest.hex(),
                "choices": sorted(CHOICES[i]),
                "nonce_b64u": b64u_encode(nonce),
                "payload_json": payload.decode(),
                "payload_b64u": ballot.payload,
                "signature_b64u": ballot.signature,
                "signed_ballot_json": signed.decode(),
                "tracking_code": sha256(signed).hex(),
            }
        )
    return {
        "about": "yide known-answer vectors; see docs/selection-rules.md. Regenerate with "
        "`python -m tests.vectors.generate_ballot_vectors`.",
        "kdf": {
            "algorithm": "HKDF-SHA256",
            "ikm": "UTF-8 of the normalised 25-character credential",
            "salt": "yide/credential/v1",
            "info": "UTF-8 'yide/ed25519-seed/v1', one 0x00 byte, UTF-8 campaign uid",
            "length": 32,
        },
        "rules": {"canonical_json": encode_rules(rules).decode(), "sha256_hex": digest.hex()},
        "credentials": credentials,
        "typos": _typos(credentials[0]["credential"]),
        "staff_ballots": ballots,
        "public_ballots": _public(draw),
        "tie_break": [
            {"seed": seed, "candidate": c, "order_hex": seed_order(seed, c)}
            for seed in ("2025-08-19", "十大最美医生")
            for c in ("c01", "c02")
        ],
    }


def _typos(printed: str) -> list[dict[str, str]]:
    compact = printed.replace("-", "")
    swap = (
        compact[1] + compact[0] + compact[2:]
        if compact[0] != compact[1]
        else compact[2] + compact[1] + compact[0] + compact[3:]
    )
    wrong = "1" if compact[5] != "1" else "2"
    return [
        {"input": compact[:5] + wrong + compact[6:], "why": "one character changed"},
        {"input": swap, "why": "two characters swapped"},
        {"input": compact[:-1], "why": "too short"},
        {"input": compact[:-1] + "U", "why": "U is not in the alphabet"},
    ]


def _public(draw: Any) -> list[dict[str, Any]]:
    salt = bytes(range(32))
    rules = RULES
    facts = CampaignFacts.build(
        campaign=CAMPAIGNS[0],
        rules=rules,
        candidates=["c01", "c02", "c03"],
        voting_open=True,
        opens_at=datetime(2025, 7, 1, tzinfo=UTC),
        closes_at=datetime(2025, 7, 8, tzinfo=UTC),
    )
    rows = []
    for raw, choices in (("138 0013 8000", ("c02",)), ("+86 139-1234-5678", ("c01", "c03"))):
        nonce = draw(16)
        hashed = phone_hash(raw, campaign=CAMPAIGNS[0], salt=salt)
        accepted = check_public_ballot(
            PublicBallotIn(choices=choices),
            campaign=facts,
            voter=PublicVoterFacts(hashed, 0, 0),
            now=datetime(2025, 7, 1, 17, 30, tzinfo=UTC),
            nonce=nonce,
        )
        record = public_ballot_record(
            campaign=facts, choices=choices, phone=hashed, day=date(2025, 7, 2), nonce=nonce
        )
        assert record == accepted.record
        rows.append(
            {
                "phone_as_typed": raw,
                "phone_normalised": "+86" + "".join(ch for ch in raw if ch.isdigit())[-11:],
                "campaign": CAMPAIGNS[0],
                "salt_hex": salt.hex(),
                "phone_hash": hashed,
                "accepted_at": "2025-07-01T17:30:00Z",
                "record_json": record.decode(),
                "tracking_code": accepted.tracking_code,
            }
        )
    return rows


def render() -> str:
    return json.dumps(build(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    PATH.write_text(render(), encoding="utf-8")
    print(f"wrote {PATH}")
