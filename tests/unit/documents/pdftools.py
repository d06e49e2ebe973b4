"""Look at PDFs without eyes: poppler-utils (pdffonts, pdftotext, pdftoppm) and zbar-tools (zbarimg).

The tools are required, not optional: a missing tool fails the test with the package to install,
because a skipped font test is exactly how black squares reach a printer.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from html import unescape
from pathlib import Path
from typing import NamedTuple

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
_PACKAGES = {
    "pdffonts": "poppler-utils",
    "pdftotext": "poppler-utils",
    "pdftoppm": "poppler-utils",
    "pdfinfo": "poppler-utils",
    "zbarimg": "zbar-tools",
}


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: apt-get install {_PACKAGES[name]}"
    return path


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


_WORD = re.compile(
    r'<word xMin="(?P<x0>[\d.]+)" yMin="(?P<y0>[\d.]+)" xMax="(?P<x1>[\d.]+)" yMax="(?P<y1>[\d.]+)">'
    r"(?P<text>[^<]*)</word>"
)


class Word(NamedTuple):
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


class Pdf:
    """A PDF written to a temporary file so the command-line tools can read it."""

    def __init__(self, data: bytes) -> None:
        assert data.startswith(b"%PDF-"), "not a PDF"
        assert data.rstrip().endswith(b"%%EOF"), "truncated PDF"
        self.dir = Path(tempfile.mkdtemp(prefix="yide-pdf-"))
        self.path = self.dir / "doc.pdf"
        self.path.write_bytes(data)

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Pdf:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def pages(self) -> int:
        info = _run(_tool("pdfinfo"), str(self.path))
        line = next(line for line in info.splitlines() if line.startswith("Pages:"))
        return int(line.split()[1])

    def fonts(self) -> list[tuple[str, bool]]:
        """(font name, embedded) for every font pdffonts lists."""
        out = _run(_tool("pdffonts"), str(self.path)).splitlines()[2:]
        result = []
        for line in out:
            cols = line.split()
            # name type [type…] encoding emb sub uni object-id gen: emb is the 5th from the end.
            result.append((cols[0], cols[-5] == "yes"))
        return result

    def text(self, page: int | None = None, *, layout: bool = False) -> str:
        args = [_tool("pdftotext"), "-enc", "UTF-8", *(["-layout"] if layout else [])]
        if page is not None:
            args += ["-f", str(page), "-l", str(page)]
        return _run(*args, str(self.path), "-")

    def flat_text(self, page: int | None = None) -> str:
        """Text with every space and line break removed, so wrapped strings can be searched whole."""
        return "".join(self.text(page).split())

    def table_rows(self) -> list[list[str]]:
        """Each line of the ``-layout`` text split into words: a table row becomes its cells in order."""
        return [line.split() for line in self.text(layout=True).splitlines() if line.strip()]

    def words(self) -> list[Word]:
        """Every word pdftotext finds, with its box in points (origin top left)."""
        html = _run(_tool("pdftotext"), "-enc", "UTF-8", "-bbox", str(self.path), "-")
        return [
            Word(float(m["x0"]), float(m["y0"]), float(m["x1"]), float(m["y1"]), unescape(m["text"]))
            for m in _WORD.finditer(html)
        ]

    def overflowing(self, left: float, right: float) -> list[Word]:
        """Words reaching outside [left, right] (points): text a wrapping bug pushed off the column."""
        return [w for w in self.words() if w.x0 < left - 0.5 or w.x1 > right + 0.5]

    def render(self, page: int, dpi: int, out: Path) -> Path:
        """Render one page to ``out`` (a .png path)."""
        stem = out.with_suffix("")
        _run(
            _tool("pdftoppm"),
            "-r",
            str(dpi),
            "-png",
            "-singlefile",
            "-f",
            str(page),
            "-l",
            str(page),
            str(self.path),
            str(stem),
        )
        return stem.with_suffix(".png")

    def qr_codes(self, page: int, dpi: int = 150) -> list[str]:
        """Every QR code zbarimg decodes from a ``dpi`` render of ``page``, in zbar's (not reading) order."""
        png = self.render(page, dpi, self.dir / f"page-{page}.png")
        return decode_png(png)

    def artifact(self, name: str, page: int = 1, dpi: int = 80) -> Path:
        """Save a render under tests/artifacts/ (git-ignored) for a person to look at."""
        ARTIFACTS.mkdir(exist_ok=True)
        return self.render(page, dpi, ARTIFACTS / f"{name}.png")


def decode_png(png: Path) -> list[str]:
    done = subprocess.run(
        [_tool("zbarimg"), "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in {0, 4}, done.stderr  # 4: no symbol found
    return [line for line in done.stdout.splitlines() if line]


def cjk_fonts(pdf: Pdf) -> list[tuple[str, bool]]:
    """The fonts that can carry Chinese: everything except the ASCII base-14 fonts."""
    return [
        (name, emb) for name, emb in pdf.fonts() if not name.startswith(("Courier", "Helvetica", "Times"))
    ]
