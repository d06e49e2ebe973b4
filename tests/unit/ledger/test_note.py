"""Signed notes, checkpoints and cosignatures against published examples.

Known answers (data copied with attribution):

* golang/mod ``sumdb/note/note_test.go`` (BSD-3-Clause, The Go Authors), commit
  fe2ec04f7c3c3aa6fad97631aafcff6e49e2d1db: the PeterNeumann / EnochRoot keys, the exact signed
  note produced by ``TestSign`` and the ``TestOpen`` cases.
* golang/mod ``sumdb/tlog/note_test.go`` ``TestFormatTree``: a tree head body.
* C2SP/C2SP ``signed-note.md``, ``tlog-checkpoint.md`` and ``tlog-cosignature.md`` (CC BY 4.0),
  commit 5ba5ee830903e91240fc6f9f3a7a9293d49e69c9: the example vkey and note, the quasimodo note,
  the behind-the-sofa checkpoint and its witness cosignature with ``time 1679315147``.
* transparency-dev/formats ``note/note_cosigv1_test.go`` and ``log/checkpoint_test.go``
  (Apache-2.0), commit 0b850f1a7b4a5b70deeacac6535e4b8023809d21: a cosigner vkey, cosignature
  timestamps, bad vkeys and bad checkpoints.
"""

from __future__ import annotations

import base64
import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflow.errors import DomainError, InvalidInput
from workflow.ledger.merkle import leaf_hash
from workflow.ledger.note import (
    MAX_SIGNATURES,
    Checkpoint,
    InvalidNoteSignature,
    InvalidVerifierKey,
    MalformedCheckpoint,
    MalformedNote,
    NoteSignature,
    SignatureType,
    UnexpectedOrigin,
    UnverifiedNote,
    VerifierKey,
    add_signatures,
    cosign,
    cosignature_message,
    cosignature_timestamp,
    key_id,
    open_checkpoint,
    open_note,
    open_note_report,
    parse_note,
    sign_note,
    verify_cosignature,
)
from workflow.signing import Ed25519Signer

# --- golang/mod sumdb/note/note_test.go --------------------------------------------------------------

PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
PETER_SIG = (
    "— PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_SIG = (
    "— EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
)

# --- C2SP ------------------------------------------------------------------------------------------------

C2SP_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
C2SP_NOTE = (
    "This is an example message.\n"
    "\n"
    "— example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)
QUASIMODO_NOTE = (
    "Ognuno sta solo sul cuor della terra\n"
    "trafitto da un raggio di sole:\n"
    "\n"
    "ed è subito sera.\n"
    "\n"
    "— quasimodo.example/salvatore "
    "NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n"
)
SOFA_CHECKPOINT = (
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "— example.com/behind-the-sofa "
    "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "— witness.example.com/w1 "
    "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
)

# --- transparency-dev/formats ------------------------------------------------------------------------------

REMORA_COSIGNER_VKEY = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"
SIGSTORE_KEY_MATERIAL = (
    "AjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNhtmPtrWm3U1eQXBogSMdGvXwBcK5AW5i0hrZLOC96l+"
    "smGNM7nwZ4QvFK/4sueRoVj//QP22Ni4Qt9DPfkWLc="
)


def peter_signer() -> Ed25519Signer:
    """Go's signer key is ``PRIVATE+KEY+name+id+base64(0x01 ‖ seed)``."""
    raw = base64.b64decode(PETER_SKEY.split("+", 4)[4])
    assert raw[0] == 1
    return Ed25519Signer.from_seed(raw[1:])


def keys(*vkeys: str) -> dict[str, VerifierKey]:
    parsed = [VerifierKey.parse(v) for v in vkeys]
    return {k.name: k for k in parsed}


# --- keys -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("vkey", [PETER_VKEY, ENOCH_VKEY, C2SP_VKEY, REMORA_COSIGNER_VKEY])
def test_published_vkeys_parse_and_reencode(vkey: str) -> None:
    key = VerifierKey.parse(vkey)
    assert key.encode() == vkey
    assert key.key_id.hex() == vkey.split("+")[1]


def test_vkey_with_plus_in_base64_and_cosigner_type() -> None:
    assert VerifierKey.parse("TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6").sig_type == 1
    assert VerifierKey.parse(REMORA_COSIGNER_VKEY).sig_type is SignatureType.COSIGNATURE_V1


def test_key_id_is_truncated_sha256_of_name_type_and_key() -> None:
    key = VerifierKey.parse(PETER_VKEY)
    assert key_id("PeterNeumann", 0x01, key.public_key).hex() == "c74f20a3"
    assert VerifierKey.cosigner(key.name, key.public_key).key_id != key.key_id


def test_signer_seed_matches_published_public_key() -> None:
    assert peter_signer().public_key == VerifierKey.parse(PETER_VKEY).public_key


def test_every_mangling_of_a_vkey_is_rejected() -> None:
    """As golang/mod TestNewVerifier: every proper substring and every one-character bump fails."""
    for i in range(len(PETER_VKEY) + 1):
        for j in range(i + 1, len(PETER_VKEY) + 1):
            if (i, j) != (0, len(PETER_VKEY)):
                with pytest.raises(InvalidVerifierKey):
                    VerifierKey.parse(PETER_VKEY[i:j])
    for i in range(len(PETER_VKEY)):
        bumped = PETER_VKEY[:i] + chr(ord(PETER_VKEY[i]) + 1) + PETER_VKEY[i + 1 :]
        with pytest.raises(InvalidVerifierKey):
            VerifierKey.parse(bumped)


BAD_VKEYS = [
    # golang/mod TestNewVerifier: wrong key length and unknown algorithm, each with a matching key id
    "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
    "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    # transparency-dev/formats TestCoSigV1NewVerifier error cases
    "bananas.sigstore.dev+12344556",
    "rekor.sigstore.dev+12345678+THIS_IS_NOT_BASE64!",
    "rekor.sigstore.dev+12345678+AwEB",
    "rekor.sigstore.dev+NOT_A_NUMBER+" + SIGSTORE_KEY_MATERIAL,
    "rekor.sigstore.dev+00000000+" + SIGSTORE_KEY_MATERIAL,
    # ours: uppercase hex, bad names, empty parts
    "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    "PeterNeumann+c74f20a3+",
    "",
]


@pytest.mark.parametrize("vkey", BAD_VKEYS)
def test_bad_vkeys_are_rejected(vkey: str) -> None:
    with pytest.raises(InvalidVerifierKey):
        VerifierKey.parse(vkey)


def test_key_constructor_validates() -> None:
    with pytest.raises(InvalidVerifierKey):
        VerifierKey("a+b", SignatureType.ED25519, bytes(32))
    with pytest.raises(InvalidVerifierKey):
        VerifierKey("ok", SignatureType.ED25519, bytes(31))
    with pytest.raises(InvalidVerifierKey):
        VerifierKey("ok", 0x02, bytes(32))  # type: ignore[arg-type]


# --- notes ------------------------------------------------------------------------------------------------


def test_sign_note_reproduces_go_sumdb_output() -> None:
    assert sign_note(TEXT.encode(), peter_signer(), "PeterNeumann") == TEXT + "\n" + PETER_SIG


def test_c2sp_example_note_verifies() -> None:
    assert open_note(C2SP_NOTE, keys(C2SP_VKEY)) == (b"This is an example message.\n", ["example.com/foo"])


def test_note_text_may_contain_blank_lines() -> None:
    parsed = parse_note(QUASIMODO_NOTE)
    assert parsed.body.decode().endswith("\n\ned è subito sera.\n")
    assert [s.name for s in parsed.signatures] == ["quasimodo.example/salvatore"]
    with pytest.raises(UnverifiedNote) as caught:
        open_note(QUASIMODO_NOTE, {})
    assert caught.value.extra["unknown"] == [parsed.signatures[0].key_ref]


def test_last_blank_line_separates_text_from_signatures() -> None:
    """A signature line above the last blank line is text, so it is not a signature at all."""
    note = TEXT + "\n" + PETER_SIG + "\n" + ENOCH_SIG
    assert parse_note(note).body == (TEXT + "\n" + PETER_SIG).encode()
    with pytest.raises(UnverifiedNote):
        open_note(note, keys(PETER_VKEY))


def test_open_reports_unknown_signers() -> None:
    opened = open_note_report(TEXT + "\n" + PETER_SIG + ENOCH_SIG, keys(PETER_VKEY))
    assert opened.body == TEXT.encode()
    assert opened.verified_names == ["PeterNeumann"]
    assert [s.key_ref for s in opened.unknown] == ["EnochRoot+af0cfe78"]


def test_open_with_both_keys() -> None:
    body, names = open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, keys(PETER_VKEY, ENOCH_VKEY))
    assert body == TEXT.encode()
    assert names == ["PeterNeumann", "EnochRoot"]


def test_open_without_trusted_keys_is_rejected() -> None:
    with pytest.raises(UnverifiedNote) as caught:
        open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, {})
    assert caught.value.extra["unknown"] == ["PeterNeumann+c74f20a3", "EnochRoot+af0cfe78"]


def test_same_name_other_key_id_is_unknown_not_invalid() -> None:
    other = VerifierKey.ed25519("PeterNeumann", Ed25519Signer.from_seed(bytes(32)).public_key)
    with pytest.raises(UnverifiedNote):
        open_note(TEXT + "\n" + PETER_SIG, {other.name: other})


def test_bad_signature_of_trusted_key_rejects_note() -> None:
    broken = PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(InvalidNoteSignature) as caught:
        open_note(TEXT + "\n" + broken, keys(PETER_VKEY))
    assert caught.value.extra["key"] == "PeterNeumann+c74f20a3"


def test_bad_signature_on_changed_text() -> None:
    with pytest.raises(InvalidNoteSignature):
        open_note(TEXT.replace("problem", "pr0blem") + "\n" + PETER_SIG, keys(PETER_VKEY))


def test_duplicates_are_checked_once_and_unknown_deduplicated() -> None:
    """golang/mod TestOpen "Duplicated verified and unverified signatures"."""
    enoch_abcd = ENOCH_SIG[:60] + "ABCD" + ENOCH_SIG[60:]
    note = TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG + ENOCH_SIG + enoch_abcd
    opened = open_note_report(note, keys(PETER_VKEY))
    assert opened.verified_names == ["PeterNeumann"]
    assert [s.line() for s in opened.unknown] == [ENOCH_SIG, enoch_abcd]


def test_signature_limit() -> None:
    assert open_note(TEXT + "\n" + PETER_SIG * MAX_SIGNATURES, keys(PETER_VKEY))[1] == ["PeterNeumann"]
    with pytest.raises(MalformedNote):
        open_note(TEXT + "\n" + PETER_SIG * (MAX_SIGNATURES + 1), keys(PETER_VKEY))
    with pytest.raises(MalformedNote):
        open_note(TEXT + "\n" + PETER_SIG * (MAX_SIGNATURES + 1), {})


MALFORMED_NOTES = [
    # golang/mod TestOpen "Invalid encoded message syntax"
    ("text only", TEXT),
    ("no signature after blank line", TEXT + "\n"),
    ("last line without newline", TEXT + "\n" + PETER_SIG[:-1]),
    ("leading control character", "\x01" + TEXT + "\n" + PETER_SIG),
    ("invalid UTF-8", b"\xff" + (TEXT + "\n" + PETER_SIG).encode()),
    ("space in key name", TEXT + "\n— Bad Name " + PETER_SIG.split(" ")[2]),
    ("line after signatures", TEXT + "\n" + PETER_SIG + "Unexpected line.\n"),
    # ours
    ("empty", ""),
    ("only newlines", "\n\n"),
    ("hyphen instead of em dash", TEXT + "\n" + PETER_SIG.replace("—", "-", 1)),
    ("no space after dash", TEXT + "\n" + PETER_SIG.replace("— ", "—", 1)),
    ("two spaces after name", TEXT + "\n" + PETER_SIG.replace("Neumann ", "Neumann  ", 1)),
    ("plus in key name", TEXT + "\n" + PETER_SIG.replace("PeterNeumann", "Peter+Neumann")),
    ("ideographic space in key name", TEXT + "\n" + PETER_SIG.replace("PeterNeumann", "Peter\u3000Neumann")),
    ("empty key name", TEXT + "\n" + PETER_SIG.replace("PeterNeumann", "")),
    ("empty signature", TEXT + "\n— PeterNeumann \n"),
    ("signature without key id payload", TEXT + "\n— PeterNeumann x08gow==\n"),
    ("base64 without padding", TEXT + "\n— PeterNeumann x08go/Y\n"),
    ("non-canonical base64", TEXT + "\n— PeterNeumann x08go/Z=\n"),
    ("url-safe base64", TEXT + "\n" + PETER_SIG.replace("/", "_")),
    ("signature lines without blank line", PETER_SIG + ENOCH_SIG),
    ("carriage return", TEXT.replace("\n", "\r\n", 1) + "\n" + PETER_SIG),
    ("tab in text", "a\tb\n\n" + PETER_SIG),
    ("NUL at end", TEXT + "\n" + PETER_SIG + "\x00"),
    ("lone surrogate", "a\ud800\n\n" + PETER_SIG),
    ("not text at all", None),
    ("a number", 42),
]


@pytest.mark.parametrize(("case", "text"), MALFORMED_NOTES, ids=[c for c, _ in MALFORMED_NOTES])
def test_malformed_notes_are_rejected(case: str, text: object) -> None:
    with pytest.raises(MalformedNote):
        parse_note(text)  # type: ignore[arg-type]
    with pytest.raises(MalformedNote):
        open_note(text, keys(PETER_VKEY))  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(alphabet=st.sampled_from(["—", " ", "\n", "a", "+", "=", "/", "x", "\x00", "\u3000", "é"])),
        st.binary(),
        st.text(),
    ).map(lambda junk: junk if isinstance(junk, bytes) else junk + "\n\n" + PETER_SIG[: len(junk) % 90])
)
def test_parsing_junk_raises_only_domain_errors(junk: str | bytes) -> None:
    for parse in (parse_note, Checkpoint.parse, lambda t: open_note(t, keys(PETER_VKEY))):
        with contextlib.suppress(DomainError):
            parse(junk)


def test_sign_note_rejects_bad_input() -> None:
    signer = peter_signer()
    with pytest.raises(MalformedNote):
        sign_note(b"abc", signer, "PeterNeumann")
    with pytest.raises(MalformedNote):
        sign_note(b"a\x01b\n", signer, "PeterNeumann")
    with pytest.raises(InvalidVerifierKey):
        sign_note(TEXT.encode(), signer, "bad name")


class NotEd25519:
    algorithm = "sm2"
    public_key = bytes(32)

    def sign(self, message: bytes) -> bytes:
        return bytes(64)


def test_signing_needs_ed25519() -> None:
    with pytest.raises(InvalidInput):
        sign_note(TEXT.encode(), NotEd25519(), "x")
    with pytest.raises(InvalidInput):
        cosign(Checkpoint("o", 0, bytes(32)), NotEd25519(), "w", 1)


def test_add_signatures_appends_and_replaces() -> None:
    base = TEXT + "\n" + PETER_SIG
    enoch = parse_note(TEXT + "\n" + ENOCH_SIG).signatures[0]
    both = add_signatures(base, [enoch])
    assert both == TEXT + "\n" + PETER_SIG + ENOCH_SIG
    assert add_signatures(both, [enoch]) == both
    with pytest.raises(MalformedNote):
        NoteSignature("bad name", b"\x00" * 4, b"\x00")
    with pytest.raises(MalformedNote):
        NoteSignature("name", b"\x00" * 5, b"\x00")
    with pytest.raises(MalformedNote):
        add_signatures(TEXT + "\n" + PETER_SIG * MAX_SIGNATURES, [enoch])


# --- checkpoints --------------------------------------------------------------------------------------


def test_checkpoint_body_matches_go_sumdb_tree() -> None:
    """golang/mod sumdb/tlog TestFormatTree; its hash is RecordHash("hello world"), our leaf hash."""
    golden = b"go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n"
    checkpoint = Checkpoint("go.sum database tree", 123456789012, leaf_hash(b"hello world"))
    assert checkpoint.body() == golden
    assert Checkpoint.parse(golden) == checkpoint


def test_c2sp_checkpoint_example() -> None:
    parsed = parse_note(SOFA_CHECKPOINT)
    checkpoint = Checkpoint.parse(parsed.body)
    assert checkpoint.origin == "example.com/behind-the-sofa"
    assert checkpoint.size == 20852163
    assert base64.b64encode(checkpoint.root_hash) == b"CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
    assert checkpoint.extensions == ()
    assert checkpoint.body() == parsed.body
    log_sig, witness_sig = parsed.signatures
    assert log_sig.name == "example.com/behind-the-sofa"
    assert witness_sig.name == "witness.example.com/w1"
    assert cosignature_timestamp(witness_sig) == 1679315147  # the spec's "time 1679315147"


def test_cosignature_timestamps_from_transparency_dev() -> None:
    good = (
        "ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+"
        "8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA=="
    )
    plain = "eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb/W/4xkNQY="
    note = f"a\n\n— w {good}\n— w {plain}\n"
    cosig, ed25519 = parse_note(note).signatures
    assert cosignature_timestamp(cosig) == 1727964367
    with pytest.raises(MalformedNote):
        cosignature_timestamp(ed25519)


def test_checkpoint_extensions_round_trip() -> None:
    checkpoint = Checkpoint("yide.example/c/1", 7, bytes(range(32)), ("ext one", "ext two"))
    assert Checkpoint.parse(checkpoint.body()) == checkpoint
    assert checkpoint.body().decode().splitlines()[3:] == ["ext one", "ext two"]


BAD_CHECKPOINTS = [
    # transparency-dev/formats log/checkpoint_test.go invalid cases
    "Head\n9944\n",
    "\n9944\ndGhlIHZpZXcgZnJvbSB0aGUgdHJlZSB0b3BzIGlzIGdyZWF0IQ==\n",
    "Log\n123\nYmFuYW5hcw==",
    "Log\nbananas\ndGhlIHZpZXcgZnJvbSB0aGUgdHJlZSB0b3BzIGlzIGdyZWF0IQ==\n",
    "Log\n-34\ndGhlIHZpZXcgZnJvbSB0aGUgdHJlZSB0b3BzIGlzIGdyZWF0IQ==\n",
    "Log\n3438945738945739845734895735\ndGhlIHZpZXcgZnJvbSB0aGUgdHJlZSB0b3BzIGlzIGdyZWF0IQ==\n",
    "Log\n123\nThisIsn'tBase64\n",
    # stricter than that package: roots are 32 bytes, extension lines are non-empty (C2SP MUST)
    "Log\n123\nYmFuYW5hcw==\n",
    "Log\n9944\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n\n\n",
    # ours
    "Log\n0123\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    "Log\n+123\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    "Log\n1_000\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    "Log\n١٢٣\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    "Log\n 123\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    "Log\n18446744073709551616\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    "Log\n1" + "0" * 5000 + "\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    "Log\n123\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n",
    "Log\n123\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next\n\n",
    "Log\r\n123\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    b"Log\xff\n123\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
]


@pytest.mark.parametrize("text", BAD_CHECKPOINTS)
def test_bad_checkpoints_are_rejected(text: str | bytes) -> None:
    with pytest.raises(MalformedCheckpoint):
        Checkpoint.parse(text)


def test_checkpoint_constructor_validates() -> None:
    with pytest.raises(MalformedCheckpoint):
        Checkpoint("", 1, bytes(32))
    with pytest.raises(MalformedCheckpoint):
        Checkpoint("o", -1, bytes(32))
    with pytest.raises(MalformedCheckpoint):
        Checkpoint("o", 1, bytes(31))
    with pytest.raises(MalformedCheckpoint):
        Checkpoint("o", 1, bytes(32), ("two\nlines",))
    with pytest.raises(MalformedCheckpoint):
        Checkpoint("o", True, bytes(32))  # type: ignore[arg-type]


# --- cosignatures and checkpoint policy ---------------------------------------------------------------

LOG = Ed25519Signer.from_seed(bytes([1]) * 32)
WITNESS_A = Ed25519Signer.from_seed(bytes([2]) * 32)
WITNESS_B = Ed25519Signer.from_seed(bytes([3]) * 32)
ORIGIN = "yide.example/campaign/42"
LOG_KEY = VerifierKey.ed25519(ORIGIN, LOG.public_key)
KEY_A = VerifierKey.cosigner("jijian.example/w1", WITNESS_A.public_key)
KEY_B = VerifierKey.cosigner("audit.example/w2", WITNESS_B.public_key)
CHECKPOINT = Checkpoint(ORIGIN, 8, leaf_hash(b"root stand-in"))


def witnessed() -> str:
    signed = sign_note(CHECKPOINT.body(), LOG, ORIGIN)
    cosignatures = [
        cosign(CHECKPOINT, WITNESS_A, KEY_A.name, 1_700_000_000),
        cosign(CHECKPOINT, WITNESS_B, KEY_B.name, 7),
    ]
    return add_signatures(signed, cosignatures)


def test_cosignature_round_trip() -> None:
    sig = cosign(CHECKPOINT, WITNESS_A, KEY_A.name, 1_700_000_000)
    assert sig.key_id == KEY_A.key_id
    assert cosignature_timestamp(sig) == 1_700_000_000
    assert verify_cosignature(CHECKPOINT, sig, KEY_A)
    assert not verify_cosignature(CHECKPOINT, sig, KEY_B)
    assert not verify_cosignature(Checkpoint(ORIGIN, 9, CHECKPOINT.root_hash), sig, KEY_A)
    plain = VerifierKey.ed25519(KEY_A.name, KEY_A.public_key)
    assert not verify_cosignature(CHECKPOINT, sig, plain)
    message = cosignature_message(CHECKPOINT.body(), 1_700_000_000)
    assert message.startswith(b"cosignature/v1\ntime 1700000000\nyide.example/campaign/42\n8\n")


def test_cosignature_covers_timestamp_and_extensions() -> None:
    sig = cosign(CHECKPOINT, WITNESS_A, KEY_A.name, 5)
    shifted = NoteSignature(sig.name, sig.key_id, (6).to_bytes(8, "big") + sig.signature[8:])
    assert not verify_cosignature(CHECKPOINT, shifted, KEY_A)
    extended = Checkpoint(ORIGIN, 8, CHECKPOINT.root_hash, ("extra",))
    assert not verify_cosignature(extended, sig, KEY_A)


@pytest.mark.parametrize("timestamp", [-1, 2**63, True])
def test_cosign_rejects_bad_timestamps(timestamp: int) -> None:
    with pytest.raises(InvalidInput):
        cosign(CHECKPOINT, WITNESS_A, KEY_A.name, timestamp)


def test_open_checkpoint_reports_witnesses() -> None:
    verified = open_checkpoint(witnessed(), origin=ORIGIN, log_key=LOG_KEY, witnesses=[KEY_A, KEY_B])
    assert verified.checkpoint == CHECKPOINT
    assert dict(verified.cosigned_at) == {KEY_A.name: 1_700_000_000, KEY_B.name: 7}
    assert verified.cosigned_by([KEY_A.name, KEY_B.name], 2)
    assert not verified.cosigned_by([KEY_A.name, "other"], 2)


def test_open_checkpoint_ignores_untrusted_witness() -> None:
    verified = open_checkpoint(witnessed(), origin=ORIGIN, log_key=LOG_KEY, witnesses=[KEY_A])
    assert dict(verified.cosigned_at) == {KEY_A.name: 1_700_000_000}
    assert [s.name for s in verified.unknown] == [KEY_B.name]


def test_open_checkpoint_requires_the_log_signature() -> None:
    only_witness = add_signatures(
        CHECKPOINT.body().decode() + "\n" + cosign(CHECKPOINT, WITNESS_A, KEY_A.name, 1).line(), []
    )
    with pytest.raises(UnverifiedNote):
        open_checkpoint(only_witness, origin=ORIGIN, log_key=LOG_KEY, witnesses=[KEY_A])


def test_open_checkpoint_rejects_other_origin() -> None:
    with pytest.raises(UnexpectedOrigin):
        open_checkpoint(witnessed(), origin="yide.example/campaign/43", log_key=LOG_KEY)


def test_open_checkpoint_rejects_forged_cosignature() -> None:
    forged = cosign(CHECKPOINT, WITNESS_B, KEY_A.name, 1)  # B's key under A's name and id? id differs
    assert forged.key_id != KEY_A.key_id
    lying = NoteSignature(KEY_A.name, KEY_A.key_id, forged.signature)
    text = add_signatures(sign_note(CHECKPOINT.body(), LOG, ORIGIN), [lying])
    with pytest.raises(InvalidNoteSignature):
        open_checkpoint(text, origin=ORIGIN, log_key=LOG_KEY, witnesses=[KEY_A])


def test_open_checkpoint_rejects_bad_key_configuration() -> None:
    with pytest.raises(InvalidInput):
        open_checkpoint(witnessed(), origin=ORIGIN, log_key=KEY_A)
    with pytest.raises(InvalidInput):
        open_checkpoint(witnessed(), origin=ORIGIN, log_key=LOG_KEY, witnesses=[LOG_KEY])


def test_open_note_rejects_mismatched_verifier_map() -> None:
    with pytest.raises(InvalidInput):
        open_note(TEXT + "\n" + PETER_SIG, {"someone-else": VerifierKey.parse(PETER_VKEY)})


def test_cosigner_keys_verify_inside_open_note() -> None:
    body, names = open_note(witnessed(), {KEY_B.name: KEY_B})
    assert body == CHECKPOINT.body()
    assert names == [KEY_B.name]
