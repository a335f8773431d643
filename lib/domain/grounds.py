"""Reading an exemption's legal ground and period as offices write them (UU 14/2008 Pasal 17 and 20).

Real lists write the ground in many forms: "Pasal 17 huruf h angka 4", "huruf h angka 4",
"Pasal 17, huruf c", "Pasal 17 huruf b dan huruf h angka 1, 2", and other laws beside or instead
of Pasal 17 ("UU 43/2009 Pasal 44", "Undang-Undang Nomor 27 Tahun 2022"). The text as written is
always kept; the letters, angka and other laws are read from it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

KIP_LAW = ("14", "2008")  # UU 14/2008 itself is not "another law"
_LAW = re.compile(
    r"(?:(?P<pasal_before>pasal\s+\d+[a-z]?(?:\s+ayat\s*\(?\d+\)?)?(?:\s+huruf\s+[a-z])?\s+)?)"
    r"(?P<law>(?:undang[\s-]*undang|uu)(?:\s+republik\s+indonesia)?\s*(?:nomor|no\.?)?\s*"
    r"(?P<num>\d+)\s*(?:/|tahun)\s*(?P<year>\d{4}))"
    r"(?P<about>\s+tentang\s+[^;\n]*?(?=\s*(?:;|\n|$|,?\s+pasal\s|\s+dan\s+(?:uu|undang))))?"
    r"(?P<pasal_after>\s*,?\s*pasal\s+\d+[a-z]?(?:\s+ayat\s*\(?\d+\)?)?(?:\s+huruf\s+[a-z](?:\s+angka\s+\d+)?)?)?",
    re.IGNORECASE)
_TOKEN = re.compile(r"pasal|huruf|angka|ayat|butir|[a-z]+|\d+|[,;&/()]", re.IGNORECASE)
_SEPARATORS = {",", "dan", "&", "/", "serta", "(", ")", "atau", ";"}
_PERMANENT = re.compile(r"\b(permanen|selamanya|tidak\s+terbatas|tanpa\s+batas)", re.IGNORECASE)
_YEARS = re.compile(r"(\d+)\s*\(?[a-z ]*\)?\s*tahun", re.IGNORECASE)
_HINT = re.compile(r"\bhuruf\s+\(?[a-j]\b|\bpasal\s*17\b|\b(?:uu|undang[\s-]*undang)\b", re.IGNORECASE)


@dataclass
class Ground:
    text: str
    letters: list[tuple[str, list[str]]] = field(default_factory=list)  # (letter, [angka, ...])
    other_laws: list[str] = field(default_factory=list)

    @property
    def primary_letter(self) -> str:
        if self.letters:
            return self.letters[0][0]
        return "j" if self.other_laws else ""  # huruf j: information another law exempts

    @property
    def primary_angka(self) -> str:
        return ", ".join(self.letters[0][1]) if self.letters else ""

    @property
    def all_letters(self) -> list[str]:
        return [letter for letter, _ in self.letters]


def looks_like_ground(text: str) -> bool:
    return bool(_HINT.search(text or ""))


def parse_ground(text: str) -> Ground:
    """Letters, angka and other laws cited in ``text``; the text itself is kept whole."""
    ground = Ground(text.strip())
    rest = text
    for law in _LAW.finditer(text):
        if (law.group("num"), law.group("year")) == KIP_LAW:
            rest = rest.replace(law.group("law"), " ; ")  # "... angka 2 UU 14/2008": 14 is not an angka
            continue
        ground.other_laws.append(_tidy(law.group(0)))
        rest = rest.replace(law.group(0), " ; ")
    ground.letters = _letters(rest)
    return ground


def _tidy(text: str) -> str:
    return " ".join(text.replace(" ,", ",").split()).strip(" ,;")


def _letters(text: str) -> list[tuple[str, list[str]]]:
    """A small reader of 'pasal 17 huruf b dan huruf h angka 1, 2' and its variants."""
    found: list[tuple[str, list[str]]] = []
    mode, pasal = None, None
    for token in (t.lower() for t in _TOKEN.findall(text)):
        if token == "pasal":
            mode, pasal = "pasal", None
        elif mode == "pasal" and pasal is None and token.isdigit():
            pasal = token
            mode = "letters" if token == "17" else None
        elif token == "huruf" and pasal in (None, "17"):
            mode = "letters"
        elif token in ("angka", "butir") and found:
            mode = "numbers"
        elif token in _SEPARATORS or token in ("ayat", "uu", "kip"):
            continue
        elif mode == "letters" and len(token) == 1 and "a" <= token <= "j":
            if token not in [letter for letter, _ in found]:
                found.append((token, []))
        elif mode == "numbers" and token.isdigit():
            found[-1][1].append(token)
        elif mode == "numbers" and len(token) == 1 and "a" <= token <= "j":
            found.append((token, []))   # "angka 4 dan h": a letter after numbers starts a new one
            mode = "letters"
        else:
            mode = None
    return found


@dataclass(frozen=True)
class Period:
    years: int | None = None
    permanent: bool = False
    text: str = ""          # a period in words ("Selama masih berlaku"), kept as written

    @property
    def given(self) -> bool:
        return bool(self.years or self.permanent or self.text)


def parse_period(text: str) -> Period:
    """'5 tahun', '5 (lima) tahun' -> 5 years; 'Permanen' -> permanent; other words kept as text."""
    text = " ".join((text or "").split())
    if not text or text in ("-", "—"):
        return Period()
    if _PERMANENT.search(text):
        return Period(permanent=True)
    years = _YEARS.search(text)
    if years and 1 <= int(years.group(1)) <= 100:
        return Period(years=int(years.group(1)))
    return Period(text=text)
