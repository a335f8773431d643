"""Right-to-left text (Arabic, Hebrew …) put in the order and the letter forms a PDF line is drawn in.

reportlab draws the characters of a line from left to right exactly as given. Its own bidi support needs
``rlbidi``, which is not published on PyPI, so a line that holds right-to-left characters is prepared
here instead: Arabic letters become their joined presentation forms (arabic-reshaper; DejaVu Sans has
them all) and the line is reordered by the Unicode bidi algorithm (python-bidi), so right-to-left runs
read from the right while Latin words and numbers in them keep their order. The characters stay text: a
PDF reader extracts them (as presentation forms, in visual order). Lines without such characters are
returned untouched. A right-to-left text long enough to wrap reads its lines from the last one up,
because the line breaks are chosen after the reordering.
"""
from __future__ import annotations

import re

from arabic_reshaper import ArabicReshaper
from bidi import get_display

# Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic, Arabic supplements and presentation forms,
# and the right-to-left scripts of the supplementary planes.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]")
# Vowel marks are kept (shifted so they sit on their letter once reversed); the ALLAH ligature is off
# because DejaVu Sans has no glyph for it, lam-alef ligatures stay on (DejaVu has those).
_RESHAPER = ArabicReshaper(configuration={"delete_harakat": False, "shift_harakat_position": True,
                                          "ARABIC LIGATURE ALLAH": False})


def has_rtl(text: str) -> bool:
    return bool(_RTL.search(text))


def visual(text: str) -> str:
    """``text`` with every line that holds right-to-left characters shaped and in visual order."""
    return "\n".join(_line(line) if has_rtl(line) else line for line in str(text).split("\n"))


def _line(line: str) -> str:
    return get_display(_RESHAPER.reshape(line))
