"""One CJK font for every PDF yide prints, found once and embedded, never silently missing.

Why this module exists: reportlab's built-in CID font ``STSong-Light`` is *not* embedded, so a PDF
made with it shows Chinese only where the viewer happens to have a matching font, and empty boxes
elsewhere (pdf-notes.md). A TrueType font is embedded (as a subset), so the page looks the same on
every printer. We therefore look for a TrueType CJK font in this order:

1. ``YIDE_PDF_FONT`` — a ``.ttf`` or ``.ttc`` (first face) chosen by the operator; if it is set but
   unusable we stop with :class:`FontUnavailable` rather than guess;
2. Debian's WenQuanYi Micro Hei, WenQuanYi Zen Hei (``fonts-wqy-microhei`` / ``fonts-wqy-zenhei``),
   then Droid Sans Fallback;
3. none found: reportlab's CID ``STSong-Light`` with a :class:`CjkFontFallback` warning, because a
   PDF that depends on the viewer is better than no PDF, but nobody should get one unknowingly.

Noto CJK ``.ttc`` files hold PostScript (CFF) outlines, which reportlab refuses; they are not on the
list. The WenQuanYi fonts have no bold face, so documents use size, not weight, for emphasis.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import ClassVar

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from workflow.errors import DomainError, ErrorKind

FONT_ENV = "YIDE_PDF_FONT"
"""Environment variable naming a .ttf/.ttc file to use instead of the Debian fonts."""

FONT_NAME = "YideCJK"
"""The name documents use in styles; it stands for whichever font was registered."""

FALLBACK_CID_FONT = "STSong-Light"

DEFAULT_CANDIDATES: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"),
    Path("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
)
"""Debian/Ubuntu paths first (apt-get install fonts-wqy-microhei), then Fedora-style paths."""


class FontUnavailable(DomainError):
    """``YIDE_PDF_FONT`` names a file that cannot be used; printing would give boxes or nothing."""

    kind: ClassVar[ErrorKind] = ErrorKind.UNAVAILABLE
    code: ClassVar[str] = "pdf-font-unavailable"
    title: ClassVar[str] = "The configured PDF font cannot be used"


class CjkFontFallback(UserWarning):
    """No TrueType CJK font: PDFs use the non-embedded STSong-Light and depend on the viewer."""


class MissingGlyphs(UserWarning):
    """Text holds characters the embedded font cannot draw (they would print as empty boxes)."""


@dataclass(frozen=True, slots=True)
class RegisteredFont:
    """The font registered under :data:`FONT_NAME` and whether it travels inside the PDF."""

    name: str
    path: Path | None
    """The font file; ``None`` for the CID fallback."""
    embedded: bool
    characters: frozenset[int]
    """Code points the font has glyphs for; empty (unknown) for the CID fallback."""

    def missing(self, text: str) -> set[str]:
        """Characters of ``text`` this font cannot draw; always empty when coverage is unknown."""
        if not self.characters:
            return set()
        return {ch for ch in text if ord(ch) >= 0x80 and ord(ch) not in self.characters and not ch.isspace()}


def font_file(env: Mapping[str, str], candidates: Iterable[Path] = DEFAULT_CANDIDATES) -> Path | None:
    """The font file to use: the operator's choice, else the first candidate on disk, else ``None``."""
    chosen = env.get(FONT_ENV, "").strip()
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise FontUnavailable(f"{FONT_ENV}={chosen} is not a file", path=chosen)
        return path
    return next((path for path in candidates if path.is_file()), None)


def load_truetype(path: Path, name: str = FONT_NAME) -> TTFont:
    """Load a .ttf, or the first face of a .ttc; explain the refusal of CFF-outline fonts."""
    try:
        return TTFont(name, str(path), subfontIndex=0)
    except (TTFError, OSError) as error:
        raise FontUnavailable(
            f"cannot use {path} as a PDF font ({error}); use a TrueType-outline font such as "
            "WenQuanYi Micro Hei (apt-get install fonts-wqy-microhei)",
            path=str(path),
        ) from error


def register(path: Path | None, name: str = FONT_NAME) -> RegisteredFont:
    """Register ``path`` under ``name``, or the CID fallback (with a warning) when ``path`` is None."""
    if path is None:
        warnings.warn(
            f"no TrueType CJK font found (set {FONT_ENV} or apt-get install fonts-wqy-microhei); "
            f"PDFs use the non-embedded {FALLBACK_CID_FONT}, so Chinese shows only where the viewer "
            "has a matching font",
            CjkFontFallback,
            stacklevel=2,
        )
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
        return RegisteredFont(FALLBACK_CID_FONT, None, embedded=False, characters=frozenset())
    font = load_truetype(path, name)
    pdfmetrics.registerFont(font)
    return RegisteredFont(name, path, embedded=True, characters=frozenset(font.face.charToGlyph))


@cache
def cjk_font() -> RegisteredFont:
    """The process-wide CJK font, found and registered on first use (reading a .ttc takes ~0.2 s)."""
    return register(font_file(os.environ))


def warn_missing(font: RegisteredFont, texts: Iterable[str]) -> None:
    """Warn once per document about characters that would print as boxes (e.g. rare name characters)."""
    missing: set[str] = set()
    for text in texts:
        missing |= font.missing(text)
    if missing:
        warnings.warn(
            f"{font.path} has no glyph for {''.join(sorted(missing))}; these print as empty boxes",
            MissingGlyphs,
            stacklevel=3,
        )
