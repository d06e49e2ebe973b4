"""How fast yide prints: 医德考评表 forms and voter credential sheets, in documents per second.

Why: a unit prints every staff member's form at year end, and a credential authority prints a sheet
for every voter of a campaign; both run inside a web request or a CLI command, so the numbers say
whether that request must become a background job. Input building (credentials need an HKDF and an
Ed25519 key each) is done before timing; the CJK font is registered once before timing too (about
0.2 s per process), as in a long-running server.

    /work/venv/bin/python benchmarks/documents.py                 # 200 forms, 1,000 voters, 3 repeats
    /work/venv/bin/python benchmarks/documents.py --forms 50 --voters 200 --repeat 1

Record results in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.unit.documents import samples
from workflow.documents.credential_sheet import SheetLayout, credential_sheets_csv, credential_sheets_pdf
from workflow.documents.ethics_form import ethics_form_pdf, ethics_forms_pdf
from workflow.documents.excel import EthicsGradeRow, unit_grades_xlsx
from workflow.documents.fonts import cjk_font
from workflow.documents.notice import notice_pdf


def timed(run: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """Best and median wall time over ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def report(name: str, count: int, unit: str, best: float, median: float, size: int | None = None) -> None:
    extra = f", {size / 1e6:.1f} MB" if size is not None else ""
    print(
        f"{name:<44} {count:>6} {unit}: best {best:6.2f} s ({count / best:7.1f}/s), "
        f"median {median:6.2f} s ({count / median:7.1f}/s){extra}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=200)
    parser.add_argument("--voters", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the Excel unit export")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    font = cjk_font()
    print(f"python {platform.python_version()} on {platform.machine()}, font {font.path}")
    forms = [samples.ethics_form(i, veto=i % 50 == 0) for i in range(args.forms)]
    voters = samples.voters(args.voters)
    campaign = samples.campaign()
    row = EthicsGradeRow(
        staff_number="E00000", name="欧阳明远", department="心血管内科", title="主治医师",
        total=Decimal("97.5"), deductions=Decimal(5), bonus=Decimal(2), grade="良好", state="已归档",
    )  # fmt: skip
    grade_rows = [replace(row, staff_number=f"E{i:05d}") for i in range(args.rows)]
    ethics_form_pdf(forms[0])  # warm caches (styles, glyph widths)

    best, median, _ = timed(lambda: [ethics_form_pdf(f) for f in forms], args.repeat)
    report("医德考评表, one PDF per person", len(forms), "forms", best, median)
    best, median, pdf = timed(lambda: ethics_forms_pdf(forms), args.repeat)
    report("医德考评表, one batch PDF", len(forms), "forms", best, median, len(pdf))  # type: ignore[arg-type]
    for layout in SheetLayout:
        best, median, pdf = timed(
            lambda layout=layout: credential_sheets_pdf(campaign, voters, layout), args.repeat
        )
        report(f"credential sheets, layout={layout.value}", len(voters), "voters", best, median, len(pdf))  # type: ignore[arg-type]
    best, median, _ = timed(lambda: credential_sheets_csv(campaign, voters), args.repeat)
    report("credential sheets, CSV", len(voters), "voters", best, median)
    best, median, _ = timed(lambda: notice_pdf(samples.notice(rows=20)), args.repeat)
    report("公示 notice PDF (20 rows)", 1, "notice", best, median)
    best, median, data = timed(lambda: unit_grades_xlsx("某某市第一人民医院", 2025, grade_rows), args.repeat)
    report("unit grades .xlsx", len(grade_rows), "rows", best, median, len(data))  # type: ignore[arg-type]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
