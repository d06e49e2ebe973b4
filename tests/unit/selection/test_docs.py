"""The lifecycle diagrams in docs/selection-rules.md are drawn from the machines' own tables.

Regenerate with ``python -m tests.unit.selection.test_docs``.
"""

from __future__ import annotations

import re
from pathlib import Path

from workflow.selection.machine import mermaid, process_kinds

DOC = Path(__file__).parents[3] / "docs" / "selection-rules.md"


def _block(kind: str) -> str:
    return f"<!-- mermaid:{kind} -->\n```mermaid\n{mermaid(kind).strip()}\n```\n<!-- /mermaid:{kind} -->"


def rendered(text: str) -> str:
    for kind in process_kinds():
        pattern = re.compile(rf"<!-- mermaid:{kind} -->.*?<!-- /mermaid:{kind} -->", re.DOTALL)
        text = pattern.sub(lambda _: _block(kind), text)  # noqa: B023 - used immediately
    return text


def test_diagrams_in_the_doc_are_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    for kind in process_kinds():
        assert f"<!-- mermaid:{kind} -->" in text
    assert rendered(text) == text, "run python -m tests.unit.selection.test_docs"


if __name__ == "__main__":
    DOC.write_text(rendered(DOC.read_text(encoding="utf-8")), encoding="utf-8")
