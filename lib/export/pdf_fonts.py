"""The fonts every SIDIP PDF is set in, embedded so that any script prints and the file can be archived.

DejaVu Sans (Debian ``fonts-dejavu-core``) covers Latin with its extensions, Greek, Cyrillic, Arabic,
Hebrew and many symbols. Characters it lacks (Chinese, Japanese, Korean …) are set in Droid Sans
Fallback (``fonts-droid-fallback``) where that is installed. Without DejaVu the PDFs still render, in
the PDF standard Helvetica (Latin-1 only), and a warning says which package to install.
"""
from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

log = logging.getLogger(__name__)

# Debian/Ubuntu, Fedora, Arch and macOS (Homebrew casks) keep fonts here; SIDIP_FONT_DIR comes first.
_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
         "/usr/share/fonts/dejavu-sans-fonts", "/usr/share/fonts/truetype/droid", "/usr/share/fonts/google-droid",
         "/Library/Fonts", str(Path.home() / "Library/Fonts"))
_FACES = {"SidipSans": "DejaVuSans.ttf", "SidipSans-Bold": "DejaVuSans-Bold.ttf"}
_FALLBACK = ("SidipFallback", "DroidSansFallbackFull.ttf")
MISSING = ("Font Unicode DejaVu Sans tidak ditemukan; PDF dicetak dengan Helvetica sehingga huruf di luar "
           "Latin-1 tampil sebagai kotak. Pasang paket fonts-dejavu-core (apt-get install fonts-dejavu-core) "
           "atau setel SIDIP_FONT_DIR ke folder berisi DejaVuSans.ttf dan DejaVuSans-Bold.ttf.")


def _find(filename: str, dirs=None) -> str | None:
    extra = os.environ.get("SIDIP_FONT_DIR", "")
    for folder in ([extra] if extra else []) + list(dirs or _DIRS):
        path = Path(folder) / filename
        if path.is_file():
            return str(path)
    return None


@lru_cache(maxsize=None)
def fonts() -> tuple[str, str]:
    """(regular, bold) font names, registered with reportlab on first use."""
    paths = {name: _find(file) for name, file in _FACES.items()}
    if not all(paths.values()):
        log.warning(MISSING)
        return "Helvetica", "Helvetica-Bold"
    for name, path in paths.items():
        pdfmetrics.registerFont(TTFont(name, path))
    regular, bold = _FACES
    for italic in (0, 1):  # <b> and <i> in a paragraph find the registered faces (no italic face: upright)
        addMapping(regular, 0, italic, regular)
        addMapping(regular, 1, italic, bold)
    return regular, bold


@lru_cache(maxsize=None)
def fallback() -> tuple[str, frozenset[int]] | None:
    """(font name, the characters it has) for what the main font lacks, or None."""
    path = _find(_FALLBACK[1])
    if path is None or fonts()[0] == "Helvetica":
        return None
    font = TTFont(_FALLBACK[0], path)
    pdfmetrics.registerFont(font)
    return _FALLBACK[0], frozenset(font.face.charToGlyph)


@lru_cache(maxsize=None)
def covered() -> frozenset[int]:
    """The characters the main font has a glyph for (empty with Helvetica: nothing is swapped then)."""
    regular = fonts()[0]
    if regular == "Helvetica":
        return frozenset()
    return frozenset(pdfmetrics.getFont(regular).face.charToGlyph)
