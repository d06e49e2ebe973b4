"""Replaying a year's log catches every move the declared processes do not allow."""

from __future__ import annotations

from typing import Any

from workflow.ethics.replay import replay


def moves(*entries: tuple[str, dict[str, Any]]) -> list[tuple[int, str, dict[str, Any]]]:
    return [(i, kind, payload) for i, (kind, payload) in enumerate(entries)]


OPEN = ("ethics:file:opened", {"file": 1, "to": "open"})


def step(action: str, source: str, dest: str, **extra: Any) -> tuple[str, dict[str, Any]]:
    return ("ethics:cycle:x", {"file": 1, "action": action, "from": source, "to": dest, **extra})


def test_a_legal_walk_replays() -> None:
    result = replay(
        moves(
            OPEN,
            step("submit_self_evaluation", "open", "self_evaluated"),
            step("evaluate_department", "self_evaluated", "department_evaluated"),
            ("ethics:record:submitted", {"record": 7, "to": "submitted"}),
            (
                "ethics:record:approved",
                {"record": 7, "action": "approve", "from": "submitted", "to": "approved"},
            ),
        )
    )
    assert result.ok and result.files == {1: "department_evaluated"} and result.records == {7: "approved"}
    assert result.transitions == 3


def test_skipping_a_step_is_caught() -> None:
    result = replay(moves(OPEN, step("evaluate_unit", "open", "unit_evaluated")))
    assert not result.ok and "does not lead" in result.problems[0]


def test_a_state_that_does_not_follow_is_caught() -> None:
    result = replay(
        moves(
            OPEN,
            step("submit_self_evaluation", "open", "self_evaluated"),
            step("submit_self_evaluation", "open", "self_evaluated"),
        )
    )
    assert any("moves from 'open' but is 'self_evaluated'" in p for p in result.problems)


def test_unknown_and_doubly_opened_files_and_dropped_openings() -> None:
    result = replay(
        moves(
            OPEN,
            OPEN,
            ("ethics:cycle:x", {"file": 2, "action": "archive", "from": "final", "to": "archived"}),
        )
    )
    assert any("opened twice" in p for p in result.problems)
    assert any("file 2 acts before it was opened" in p for p in result.problems)
    assert any("without an id" in p for p in replay(moves(("ethics:file:opened", {}))).problems)


def test_a_vetoed_file_confirmed_above_poor_is_caught() -> None:
    walk = [
        OPEN,
        step("submit_self_evaluation", "open", "self_evaluated"),
        step("evaluate_department", "self_evaluated", "department_evaluated"),
    ]
    confirm = {"action": "evaluate_unit", "from": "department_evaluated", "to": "unit_evaluated"}
    bad = ("ethics:cycle:unit-evaluated", {"file": 1, **confirm, "vetoed": True, "grade": "good"})
    assert any("vetoed but confirmed good" in p for p in replay(moves(*walk, bad)).problems)
    fine = ("ethics:cycle:unit-evaluated", bad[1] | {"grade": "poor"})
    assert replay(moves(*walk, fine)).ok


def test_the_verifier_plug_in_reports_the_entry_at_fault() -> None:
    from workflow.ethics.audit import F1
    from workflow.ledger.checks import BundleInfo, checks_for
    from workflow.ledger.entry import Entry
    from workflow.ledger.scopes import Visibility

    info = BundleInfo(
        origin="x/ethics-2025-unit-1",
        scope="ethics-2025-unit-1",
        kind="ethics",
        visibility=Visibility.INTERNAL,
        tree_size=3,
    )
    assert F1 in checks_for(info)
    assert F1 not in checks_for(
        BundleInfo(origin="x/org", scope="org", kind="org", visibility=Visibility.INTERNAL, tree_size=1)
    )
    check = F1.factory(info)

    def entry(index: int, kind: str, payload: dict[str, Any]) -> Entry:
        return Entry("ethics-2025-unit-1", index, kind, "operator", "2025-01-02T01:00:00.000Z", payload)

    assert list(check.feed(entry(1, *OPEN))) == []
    failures = list(check.feed(entry(2, *step("archive", "open", "archived"))))
    assert [f.index for f in failures] == [2] and "does not lead" in failures[0].message
    assert list(check.finish()) == []
