"""The fonts every SIDIP PDF is set in, embedded so that any script prints and the file can be archived.

DejaVu Sans (Debian ``fonts-dejavu-core``) covers Latin with its extensions, Greek, Cyrillic, Arabic,
Hebrew and many symbols. A character it lacks is set in the first fallback font that has it, of those
installed: Droid Sans Fallback (``fonts-droid-fallback``: Chinese, Japanese), NanumGothic
(``fonts-nanum``: Korean Hangul) and Symbola (``fonts-symbola``: emoji and symbols, in outline). Only
TrueType outline fonts can be embedded by reportlab, so colour emoji fonts and CFF/OTF fonts are not
used. A missing fallback font leaves its characters as boxes, nothing more. Without DejaVu the PDFs still
render, in the PDF standard Helvetica (Latin-1 only), and a warning says which package to install.
"""
from __future__ import annotations

import logging
import os
import re
from functools import lru_cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFError, TTFont

log = logging.getLogger(__name__)

# Debian/Ubuntu, Fedora, Arch and macOS (Homebrew casks) keep fonts here; SIDIP_FONT_DIR comes first.
_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
         "/usr/share/fonts/dejavu-sans-fonts", "/usr/share/fonts/truetype/droid", "/usr/share/fonts/google-droid",
         "/usr/share/fonts/truetype/nanum", "/usr/share/fonts/naver-nanum", "/usr/share/fonts/truetype/ancient-scripts",
         "/usr/share/fonts/gdouros-symbola",
         "/Library/Fonts", str(Path.home() / "Library/Fonts"))
_FACES = {"SidipSans": "DejaVuSans.ttf", "SidipSans-Bold": "DejaVuSans-Bold.ttf"}
# Tried in this order for each character the main font lacks: (font name, the files it may be in).
FALLBACKS = (("SidipFallback", ("DroidSansFallbackFull.ttf",)), ("SidipHangul", ("NanumGothic.ttf",)),
             ("SidipSymbols", ("Symbola_hint.ttf", "Symbola.ttf")))
MISSING = ("Font Unicode DejaVu Sans tidak ditemukan; PDF dicetak dengan Helvetica sehingga huruf di luar "
           "Latin-1 tampil sebagai kotak. Pasang paket fonts-dejavu-core (apt-get install fonts-dejavu-core) "
           "atau setel SIDIP_FONT_DIR ke folder berisi DejaVuSans.ttf dan DejaVuSans-Bold.ttf.")


_BEYOND_BMP = re.compile(r"^(<[0-9A-F]{2}>) <([0-9A-F]{5,6})>$", re.M)


def _utf16(match: re.Match) -> str:
    return f"{match[1]} <{chr(int(match[2], 16)).encode('utf-16-be').hex().upper()}>"


def _to_unicode_cmap(fontname, subset, _made_by=ttfonts.makeToUnicodeCMap) -> str:
    """reportlab's ToUnicode map, with characters beyond U+FFFF (emoji) written as the UTF-16 pair the PDF
    format asks for: reportlab writes them as five hex digits, which readers reject, so text extraction
    lost every character of that font subset."""
    return _BEYOND_BMP.sub(_utf16, _made_by(fontname, subset))


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


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
def fallbacks() -> tuple[tuple[str, frozenset[int]], ...]:
    """(font name, the characters it has) of each fallback font installed, in the order they are tried;
    none with Helvetica."""
    if fonts()[0] == "Helvetica":
        return ()
    found = []
    for name, files in FALLBACKS:
        path = next(filter(None, map(_find, files)), None)
        has = _register(name, path) if path is not None else None
        if has:
            found.append((name, has))
    return tuple(found)


def _register(name: str, path: str) -> frozenset[int] | None:
    try:
        font = TTFont(name, path)
    except (TTFError, OSError) as error:  # a broken or unembeddable file: its characters print as boxes
        log.warning("Huruf cadangan %s tidak dapat dipakai: %s", path, error)
        return None
    pdfmetrics.registerFont(font)
    for bold in (0, 1):  # one face only: <b> and <i> around such characters keep it
        for italic in (0, 1):
            addMapping(name, bold, italic, name)
    return frozenset(font.face.charToGlyph)


def fallback_for(char: str) -> str | None:
    """The name of the first fallback font that has ``char``, or None."""
    code = ord(char)
    return next((name for name, has in fallbacks() if code in has), None)


@lru_cache(maxsize=None)
def covered() -> frozenset[int]:
    """The characters the main font has a glyph for (empty with Helvetica: nothing is swapped then)."""
    regular = fonts()[0]
    if regular == "Helvetica":
        return frozenset()
    return frozenset(pdfmetrics.getFont(regular).face.charToGlyph)
