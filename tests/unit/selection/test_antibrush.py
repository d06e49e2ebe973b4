from datetime import UTC, datetime, timedelta

from workflow.selection.antibrush import FindingKind, PublicObservation, Thresholds, detect

T0 = datetime(2025, 7, 2, 2, 0, tzinfo=UTC)
LOW = Thresholds(burst_count=5, burst_seconds=60, phones_per_ip=4, phones_per_device=3)


def obs(
    i: int,
    seconds: float,
    *,
    choice: str = "c01",
    phone: str | None = None,
    ip: str = "ip0",
    device: str | None = None,
) -> PublicObservation:
    return PublicObservation(
        tracking_code=f"t{i:04d}",
        at=T0 + timedelta(seconds=seconds),
        choices=(choice,),
        phone_hash=phone or f"phone{i}",
        ip_hash=ip,
        device_hash=device,
    )


def test_quiet_voting_has_no_findings() -> None:
    rows = [obs(i, i * 600, ip=f"ip{i}") for i in range(50)]
    assert detect(rows, LOW) == ()


def test_a_burst_for_one_candidate_is_one_finding_with_its_ballots() -> None:
    quiet = [obs(i, i * 600 + 300, ip=f"ip{i}") for i in range(10)]
    burst = [obs(100 + i, 3000 + i * 5, ip=f"b{i}") for i in range(8)]
    later = [obs(200 + i, 90_000 + i * 5, ip=f"l{i}") for i in range(6)]
    findings = detect(quiet + burst + later, LOW)
    bursts = [f for f in findings if f.kind is FindingKind.BURST]
    assert [f.ballots for f in bursts] == [8, 6]
    assert bursts[0].tracking_codes == tuple(o.tracking_code for o in burst)
    assert bursts[0].subject == "c01"
    assert bursts[0].first_at == burst[0].at
    assert bursts[0].summary_zh
    assert bursts[0].summary_en


def test_burst_threshold_is_exact() -> None:
    just_under = [obs(i, i * 10, ip=f"x{i}") for i in range(4)]
    assert detect(just_under, LOW) == ()
    spread = [obs(i, i * 16, ip=f"x{i}") for i in range(5)]  # 5 ballots over 64 s
    assert detect(spread, LOW) == ()


def test_many_phones_from_one_ip_in_one_day() -> None:
    rows = [obs(i, i * 3600, ip="shared", choice=f"c0{i % 3 + 1}") for i in range(5)]
    (finding,) = detect(rows, LOW)
    assert finding.kind is FindingKind.SHARED_IP
    assert finding.phones == 5
    assert finding.subject == "shared@2025-07-02"


def test_same_ip_across_days_is_counted_per_day() -> None:
    rows = [obs(i, i * 86_400, ip="shared", choice=f"c0{i + 1}") for i in range(5)]
    assert detect(rows, LOW) == ()


def test_one_device_behind_many_phones() -> None:
    rows = [obs(i, i * 3600, ip=f"ip{i}", device="dev", choice=f"c0{i + 1}") for i in range(3)]
    (finding,) = detect(rows, LOW)
    assert finding.kind is FindingKind.SHARED_DEVICE
    assert finding.phones == 3


def test_report_is_deterministic_whatever_the_input_order() -> None:
    rows = [obs(i, i * 3, ip="one", device="dev") for i in range(10)]
    assert detect(rows, LOW) == detect(list(reversed(rows)), LOW)
    assert {f.kind for f in detect(rows, LOW)} == set(FindingKind)
