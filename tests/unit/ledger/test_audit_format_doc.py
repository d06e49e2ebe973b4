"""The worked example in docs/audit-format.md is exactly what the code produces."""

from __future__ import annotations

from tests.unit.ledger.audit_format_example import DOC, generated_part, render, replace_generated


def test_document_example_matches_the_code() -> None:
    document = DOC.read_text(encoding="utf-8")
    assert generated_part(document) == render(), (
        "docs/audit-format.md is stale: run python -m tests.unit.ledger.audit_format_example --write"
    )


def test_replacing_the_block_is_idempotent() -> None:
    document = DOC.read_text(encoding="utf-8")
    assert replace_generated(document, render()) == document
