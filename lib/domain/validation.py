"""Cleaning and checking what people type, with Indonesian messages per field."""
from __future__ import annotations

import re
from datetime import date

from lib.domain.models import (
    CATEGORIES, DIP_FIELDS, FIELD_LABELS, PASAL17_LETTERS, TEXT_LIMITS,
)
from lib.errors import ValidationError

_URL = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)
# Never stored: C0/C1 controls (but tab and line ends), lone surrogates, Unicode noncharacters (U+FFFE,
# U+FFFF … which make an XLSX no program can open) and bidirectional overrides (U+202E can make
# "fdp.exe" read as "exe.pdf" on a public page).
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"  # overrides, embeddings, isolates (marks stay: they reorder nothing)
_PLANE_ENDS = "".join(chr(plane * 0x10000 + end) for plane in range(1, 17) for end in (0xFFFE, 0xFFFF))
_CONTROL = re.compile(f"[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff{BIDI_CONTROLS}{_PLANE_ENDS}]")
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")  # Word's Shift+Enter is a vertical tab


def label(name: str) -> str:
    return FIELD_LABELS.get(name, name)


def clean_text(value) -> str:
    """The one cleaning of all text entering the register (forms and import alike): line breaks
    normalised, controls, noncharacters and bidi overrides dropped, ends stripped. Markup and
    formulas stay plain text."""
    if value is None:
        return ""
    return _CONTROL.sub("", _BREAKS.sub("\n", str(value))).strip()


def thousands(n: int) -> str:
    """Indonesian digit grouping: 100.000"""
    return f"{n:,}".replace(",", ".")


def check_length(name: str, text: str, errors: dict[str, str]) -> None:
    limit = TEXT_LIMITS.get(name)
    if limit and len(text) > limit:
        errors[name] = (f"{label(name)} terlalu panjang: {thousands(len(text))} karakter, "
                        f"paling banyak {thousands(limit)}.")


# No public information of the Republic predates the proclamation: an earlier date is a typing error.
INFO_DATE_FLOOR = date(1945, 8, 17)


def parse_date(value, name: str, errors: dict[str, str], *, today: date | None = None,
               earliest: date | None = None, latest: date | None = None) -> date | None:
    """Accept a date or an ISO ``YYYY-MM-DD`` string; empty means no date.

    With ``today`` (the office's, passed in) a date after it is refused; ``earliest`` and ``latest``
    bound it further. An out-of-range date gets a message naming the field, never a crash later."""
    if value in (None, ""):
        return None
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value).strip())
    except ValueError:
        errors[name] = (f"{label(name)} tidak valid: \"{str(value)[:40]}\". "
                        "Gunakan format TTTT-BB-HH, contoh 2026-03-17.")
        return None
    problem = _out_of_range(day, today, earliest, latest)
    if problem:
        errors[name] = f"{label(name)} {problem}"
        return None
    return day


def _out_of_range(day: date, today: date | None, earliest: date | None, latest: date | None) -> str:
    from lib.domain.workdays import format_date_id
    if today is not None and day > today:
        return f"tidak boleh setelah hari ini ({format_date_id(today)}): {format_date_id(day)}."
    if latest is not None and day > latest:
        return f"paling lambat {format_date_id(latest)}, bukan {format_date_id(day)}."
    if earliest is not None and day < earliest:
        return f"paling awal {format_date_id(earliest)}, bukan {format_date_id(day)}."
    return ""


def parse_year(value, errors: dict[str, str]) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(str(value).strip())
    except ValueError:
        errors["tahun"] = "Tahun harus berupa angka, contoh 2026."
        return None
    if not 1945 <= year <= 2100:
        errors["tahun"] = "Tahun harus antara 1945 dan 2100."
    return year


def clean_texts(data: dict, names, errors: dict[str, str]) -> dict:
    cleaned = {}
    for name in names:
        if name in data:
            cleaned[name] = clean_text(data[name])
            check_length(name, cleaned[name], errors)
    return cleaned


def require(cleaned: dict, names, errors: dict[str, str]) -> None:
    for name in names:
        if not cleaned.get(name) and name not in errors:
            errors[name] = f"{label(name)} wajib diisi."


def check_links(text: str, errors: dict[str, str]) -> None:
    bad = [line for line in text.split("\n") if line.strip() and not _URL.match(line.strip())]
    if bad:
        errors["tautan"] = (f"Tautan harus diawali http:// atau https:// (satu tautan per baris): "
                            f"\"{bad[0][:60]}\".")


CONTENT_FIELDS = ("judul", *DIP_FIELDS, "tautan")


def clean_submission(data: dict, today: date | None = None) -> dict:
    """What the desk hands to the PPID: the title and the six DIP columns are required. The date the
    information came into being cannot lie after ``today`` (the office's) nor before 1945."""
    errors: dict[str, str] = {}
    cleaned = clean_texts(data, CONTENT_FIELDS, errors)
    require(cleaned, ("judul", *DIP_FIELDS), errors)
    check_links(cleaned.get("tautan", ""), errors)
    cleaned["tahun"] = parse_year(data.get("tahun"), errors)
    if "info_created_on" in data:
        cleaned["info_created_on"] = parse_date(data["info_created_on"], "info_created_on", errors,
                                                today=today, earliest=INFO_DATE_FLOOR)
    if data.get("kategori"):
        cleaned["kategori"] = check_category(data["kategori"], errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def check_category(value, errors: dict[str, str]) -> str:
    key = clean_text(value).lower().replace(" ", "_")
    if key not in CATEGORIES:
        errors["kategori"] = (f"Kategori \"{clean_text(value)[:40]}\" tidak dikenal. Pilih salah satu: "
                              + ", ".join(CATEGORIES) + ".")
    return key


EXEMPTION_TEXTS = ("pasal17_angka", "dasar_hukum_lain", "dasar_pengecualian", "konsekuensi_dibuka",
                   "konsekuensi_ditutup", "masa_pengecualian_teks")


def clean_classification(data: dict) -> dict:
    """What the PPID records at step 2: category, softcopy and hardcopy, the exemption record."""
    errors: dict[str, str] = {}
    cleaned = clean_texts(data, (*CONTENT_FIELDS, "lokasi_softcopy", "lokasi_hardcopy",
                                 "catatan_ppid", *EXEMPTION_TEXTS), errors)
    require(cleaned, ("judul", *DIP_FIELDS, "lokasi_softcopy", "lokasi_hardcopy"), errors)
    check_links(cleaned.get("tautan", ""), errors)
    cleaned["tahun"] = parse_year(data.get("tahun"), errors)
    cleaned["kategori"] = check_category(data.get("kategori") or "", errors)
    if cleaned["kategori"] == "dikecualikan":
        cleaned.update(clean_exemption(data, cleaned, errors))
    else:
        cleaned.update(no_exemption())
    if errors:
        raise ValidationError(errors)
    return cleaned


def no_exemption() -> dict:
    return {"pasal17_huruf": "", "pasal17_angka": "", "dasar_hukum_lain": "", "dasar_pengecualian": "",
            "konsekuensi_dibuka": "", "konsekuensi_ditutup": "",
            "masa_pengecualian_tahun": None, "pengecualian_permanen": False, "masa_pengecualian_teks": ""}


# UU 14/2008 Pasal 20: an exemption under Pasal 17 huruf a-f is never permanent; under g-j it may be.
MAY_BE_PERMANENT = PASAL17_LETTERS[6:]


def clean_exemption(data: dict, cleaned: dict, errors: dict[str, str]) -> dict:
    """UU 14/2008 Pasal 17 ground plus the consequence test and the public-interest weighing."""
    letter = clean_text(data.get("pasal17_huruf")).lower()
    if letter not in PASAL17_LETTERS:
        errors["pasal17_huruf"] = "Pilih dasar pengecualian: Pasal 17 huruf a sampai j."
    if letter == "j" and not cleaned.get("dasar_hukum_lain"):
        errors["dasar_hukum_lain"] = "Untuk Pasal 17 huruf j, sebutkan undang-undang yang mengecualikan."
    require(cleaned, ("konsekuensi_dibuka", "konsekuensi_ditutup"), errors)
    if cleaned.get("masa_pengecualian_teks") and not data.get("pengecualian_permanen") \
            and not _typed_years(data.get("masa_pengecualian_tahun")):
        years, permanent = None, False  # a period in words ("Selama masih berlaku") is kept as written
    else:
        years, permanent = exemption_period(letter, data.get("masa_pengecualian_tahun"),
                                            bool(data.get("pengecualian_permanen")), errors)
    return {"pasal17_huruf": letter, "masa_pengecualian_tahun": years, "pengecualian_permanen": permanent}


def exemption_period(letter: str, typed_years, ticked: bool, errors: dict[str, str]) -> tuple[int | None, bool]:
    """What the officer entered is kept: a typed period is never turned into "permanen".

    Under g-j an exemption with neither a period nor the box ticked is permanent (the default
    Pasal 20 allows there); a period and "permanen" together are refused, not guessed between."""
    typed = _typed_years(typed_years)
    if ticked and letter in PASAL17_LETTERS[:6]:
        errors["masa_pengecualian"] = (f"Pengecualian berdasarkan Pasal 17 huruf {letter} tidak dapat permanen "
                                       "(UU 14/2008 Pasal 20). Isi jangka waktunya dalam tahun.")
        return None, False
    if ticked and typed:
        errors["masa_pengecualian"] = (f"Anda mengisi jangka waktu {typed} tahun dan menandai permanen. "
                                       "Pilih salah satu: kosongkan jangka waktu, atau hapus tanda permanen.")
        return None, False
    if ticked or (not typed and letter in MAY_BE_PERMANENT):
        return None, True
    return exemption_years(typed_years, errors), False


def _typed_years(value) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 0


def exemption_years(value, errors: dict[str, str]) -> int | None:
    years = _typed_years(value)
    if not 1 <= years <= 100:
        errors["masa_pengecualian"] = ("Isi jangka waktu pengecualian dalam tahun (1–100) "
                                       "atau tandai sebagai permanen (hanya Pasal 17 huruf g sampai j).")
        return None
    return years


def clean_reason(value, name: str = "return_reason") -> str:
    errors: dict[str, str] = {}
    text = clean_text(value)
    check_length(name, text, errors)
    if not text:
        errors[name] = f"{label(name)} wajib diisi."
    if errors:
        raise ValidationError(errors)
    return text
