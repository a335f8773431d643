"""Text as every export writes it: no bidirectional override or embedding controls.

Input is cleaned of them (lib.domain.validation.clean_text), but versions established before that
cleaning may still hold them, and U+202E can make "fdp.exe" read as "exe.pdf" on a public page."""
from __future__ import annotations

import dataclasses
import re

from lib.domain.validation import BIDI_CONTROLS

_BIDI_CONTROLS = re.compile(f"[{BIDI_CONTROLS}]")  # the same set input cleaning drops


def without_bidi_controls(text: str) -> str:
    return _BIDI_CONTROLS.sub("", text)


def neutralised(value):
    """``value`` (text, or a document with its rows, decree and settings) with every text cleaned."""
    if isinstance(value, str):
        return without_bidi_controls(value)
    if isinstance(value, dict):
        return {k: neutralised(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(neutralised(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: neutralised(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    return value
