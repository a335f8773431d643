"""Domain records of SIDIP: information items, DIP versions, users, audit events.

Pure data: no storage, no UI. Dates are ``datetime.date``; instants are ISO-8601 UTC strings.
"""
from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

DEFAULT_OFFICE = "kpu-sarolangun"

ROLES: dict[str, str] = {
    "desk": "Desk Pelayanan",
    "ppid": "PPID",
    "atasan": "Atasan PPID",
    "admin": "Administrator",
    "pemantau": "Pemantau",  # at a parent office: reads the roll-up and each child office's dashboard
}

CATEGORIES: dict[str, str] = {
    "berkala": "Informasi yang Wajib Disediakan dan Diumumkan secara Berkala",
    "serta_merta": "Informasi yang Wajib Diumumkan secara Serta Merta",
    "setiap_saat": "Informasi yang Wajib Tersedia Setiap Saat",
    "dikecualikan": "Informasi yang Dikecualikan",
}
PUBLIC_CATEGORIES = ("berkala", "serta_merta", "setiap_saat")

ITEM_STATES: dict[str, str] = {
    "diminta": "Diminta PPID",
    "diajukan": "Diajukan",
    "dikembalikan": "Dikembalikan untuk diperbaiki",
    "diklasifikasi": "Diklasifikasi",
    "ditarik": "Ditarik",
}

VERSION_STATES: dict[str, str] = {
    "draf": "Draf",
    "ditetapkan": "Ditetapkan",
    "disetujui": "Disetujui, perintah unggah",
    "diunggah": "Diunggah",
    "diimpor": "Diimpor (historis)",  # established outside SIDIP; the base for the next update
}

PASAL17_LETTERS = tuple("abcdefghij")
PERMANENT_LETTERS = ("g", "h")  # DESIGN §3: secrets of a person / personal data do not expire

# The six content columns of the Perki 1/2021 DIP (nomor is assigned at penetapan).
DIP_FIELDS: dict[str, str] = {
    "ringkasan": "Ringkasan isi informasi",
    "pejabat_penguasa": "Pejabat atau unit/satuan kerja yang menguasai informasi",
    "penanggung_jawab": "Penanggung jawab pembuatan atau penerbitan informasi",
    "waktu_tempat": "Waktu dan tempat pembuatan informasi",
    "bentuk": "Bentuk informasi yang tersedia",
    "retensi": "Jangka waktu penyimpanan atau retensi arsip",
}

# Maximum lengths, the same on every register: well inside Sheets' 50,000 and Excel's 32,767.
TEXT_LIMITS: dict[str, int] = {
    "judul": 300,
    "ringkasan": 4000,
    "pejabat_penguasa": 300,
    "penanggung_jawab": 300,
    "waktu_tempat": 300,
    "bentuk": 300,
    "retensi": 300,
    "tautan": 2000,
    "lokasi_softcopy": 500,
    "lokasi_hardcopy": 500,
    "pasal17_angka": 100,
    "dasar_hukum_lain": 500,
    "dasar_pengecualian": 4000,
    "masa_pengecualian_teks": 300,
    "konsekuensi_dibuka": 4000,
    "konsekuensi_ditutup": 4000,
    "request_note": 2000,
    "return_reason": 2000,
    "catatan_ppid": 2000,
    "unit": 200,
    "nomor_keputusan": 200,
    "tempat_keputusan": 100,
    "penandatangan": 200,
    "note": 2000,
    "full_name": 200,
    "username": 50,
}

FIELD_LABELS: dict[str, str] = {
    "judul": "Judul informasi",
    **DIP_FIELDS,
    "kategori": "Kategori",
    "tahun": "Tahun",
    "tautan": "Tautan",
    "lokasi_softcopy": "Lokasi softcopy",
    "lokasi_hardcopy": "Lokasi hardcopy",
    "pasal17_huruf": "Dasar pengecualian (Pasal 17 huruf)",
    "pasal17_angka": "Angka/butir Pasal 17",
    "dasar_hukum_lain": "Undang-undang lain yang dirujuk (wajib untuk Pasal 17 huruf j)",
    "dasar_pengecualian": "Dasar pengecualian (sebagaimana tertulis)",
    "masa_pengecualian_teks": "Jangka waktu pengecualian (keterangan)",
    "kop": "Kop surat (gambar PNG/JPEG)",
    "konsekuensi_dibuka": "Konsekuensi apabila dibuka",
    "konsekuensi_ditutup": "Konsekuensi apabila ditutup",
    "masa_pengecualian": "Jangka waktu pengecualian",
    "info_created_on": "Tanggal informasi dibuat",
    "request_note": "Keterangan permintaan",
    "return_reason": "Alasan pengembalian",
    "unit": "Unit",
    "catatan_ppid": "Catatan PPID", "note": "Catatan", "status": "Status", "semester": "Semester",
    "nomor_keputusan": "Nomor keputusan", "tanggal_keputusan": "Tanggal keputusan",
    "tempat_keputusan": "Tempat keputusan", "penandatangan": "Penandatangan",
    "alasan_kelengkapan": "Alasan tetap menetapkan meski belum lengkap", "url": "Alamat publik",
    "berkas": "Berkas", "username": "Nama pengguna", "full_name": "Nama lengkap", "password": "Kata sandi",
    "roles": "Peran", "active": "Aktif", "units": "Unit", "unit_emails": "Surel unit",
    "timezone": "Zona waktu", "tanggal": "Tanggal", "kind": "Jenis hari",
    "code": "Kode kantor", "name": "Nama kantor", "parent": "Kantor induk", "level": "Tingkat kantor",
    "dik_induk": "Adopsi DIK kantor induk",
}


def new_id(prefix: str) -> str:
    """Stable string id (never a row number), sortable by creation time."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")
    return f"{prefix}-{stamp}-{uuid.uuid4().hex[:8]}"


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class Actor:
    """Who acts: a logged-in user, or a named system actor for the CLI and cron."""

    username: str
    roles: frozenset[str]
    unit: str = ""
    full_name: str = ""
    office_id: str = DEFAULT_OFFICE

    def has(self, role: str) -> bool:
        return role in self.roles

    @property
    def role_label(self) -> str:
        return ",".join(sorted(self.roles))


class Record:
    """Records are changed by copy, never in place: the register compares revisions."""

    def replace(self, **changes):
        return dataclasses.replace(self, **changes)


@dataclass
class Item(Record):
    id: str
    unit: str
    judul: str
    status: str = "diminta"
    office_id: str = DEFAULT_OFFICE
    ringkasan: str = ""
    pejabat_penguasa: str = ""
    penanggung_jawab: str = ""
    waktu_tempat: str = ""
    bentuk: str = ""
    retensi: str = ""
    kategori: str = ""
    tahun: int | None = None
    tautan: str = ""
    lokasi_softcopy: str = ""
    lokasi_hardcopy: str = ""
    pasal17_huruf: str = ""
    pasal17_angka: str = ""
    dasar_hukum_lain: str = ""
    dasar_pengecualian: str = ""       # the ground in full as the office wrote it (several letters, other laws)
    konsekuensi_dibuka: str = ""
    konsekuensi_ditutup: str = ""
    masa_pengecualian_tahun: int | None = None
    pengecualian_permanen: bool = False
    masa_pengecualian_teks: str = ""   # a period in words, e.g. "Selama masih berlaku"
    catatan_ppid: str = ""
    # The request and its clocks (SOP step 1: 5 working days).
    request_note: str = ""
    requested_by: str = ""
    requested_on: date | None = None
    info_created_on: date | None = None
    submitted_on: date | None = None
    submitted_by: str = ""
    clock_result: str = ""  # "" open / "tepat_waktu" / "terlambat" / "tanpa_tenggat"
    judged_due_on: date | None = None
    judged_calendar: str = ""
    return_reason: str = ""
    returned_on: date | None = None
    resubmitted_on: date | None = None
    classified_by: str = ""
    classified_on: date | None = None
    refreshed_on: date | None = None  # last "tandai sudah dimutakhirkan" (berkala: every 6 months)
    kewajiban: list[str] = field(default_factory=list)          # obligations this item is confirmed to meet
    kewajiban_ditolak: list[str] = field(default_factory=list)  # suggestions the PPID rejected
    created_at: str = field(default_factory=utc_now)
    created_by: str = ""
    updated_at: str = field(default_factory=utc_now)
    updated_by: str = ""
    revision: int = 0

    def missing_dip_fields(self) -> list[str]:
        """Labels of the DIP columns still empty (an item with any cannot enter a version).

        An exempt item also needs its ground, its consequence test and its period (UU 14/2008
        Pasal 17 and 20): a DIK row without them must never be established by a decree.
        """
        names = ["judul", *DIP_FIELDS]
        missing = [FIELD_LABELS[n] for n in names if not str(getattr(self, n) or "").strip()]
        if self.kategori == "dikecualikan":
            missing += exemption_gaps(vars(self))
        return missing


def exemption_gaps(fields: dict) -> list[str]:
    """What an exemption record lacks: ground, consequence test, public-interest weighing, period."""
    def given(name: str) -> bool:
        return bool(str(fields.get(name) or "").strip())
    gaps = [] if given("pasal17_huruf") or given("dasar_pengecualian") else [FIELD_LABELS["pasal17_huruf"]]
    gaps += [FIELD_LABELS[n] for n in ("konsekuensi_dibuka", "konsekuensi_ditutup") if not given(n)]
    if not (fields.get("pengecualian_permanen") or fields.get("masa_pengecualian_tahun")
            or given("masa_pengecualian_teks")):
        gaps.append(FIELD_LABELS["masa_pengecualian"])
    return gaps


@dataclass
class Decree:
    nomor: str
    tanggal: date
    tempat: str
    penandatangan: str
    jabatan: str = ""
    nip: str = ""


@dataclass
class Version(Record):
    id: str
    tahun: int
    semester: int | None = None
    status: str = "draf"
    office_id: str = DEFAULT_OFFICE
    base_version_id: str = ""
    decree: Decree | None = None
    history: list[dict] = field(default_factory=list)  # every decree, approval, send-back
    uploaded_at: str = ""
    uploaded_by: str = ""
    upload_url: str = ""
    upload_files: list[str] = field(default_factory=list)
    created_at: str = field(default_factory=utc_now)
    created_by: str = ""
    updated_at: str = field(default_factory=utc_now)
    updated_by: str = ""
    revision: int = 0
    # What the documents read from the settings, as they were when the version was established (office
    # name, legal bases, decree text, signer, letterhead file): later settings never rewrite a decree.
    frozen: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        sem = f" Semester {self.semester}" if self.semester else ""
        return f"DIP Tahun {self.tahun}{sem}"


@dataclass
class User(Record):
    username: str
    full_name: str
    roles: frozenset[str]
    password_hash: str
    unit: str = ""
    active: bool = True
    office_id: str = DEFAULT_OFFICE
    failed_logins: int = 0
    locked_until: str = ""
    token_epoch: int = 0  # bumped on logout/reset: invalidates every issued session token
    created_at: str = field(default_factory=utc_now)
    updated_at: str = field(default_factory=utc_now)
    updated_by: str = ""
    revision: int = 0

    def actor(self) -> Actor:
        return Actor(self.username, frozenset(self.roles), self.unit, self.full_name, self.office_id)


@dataclass
class Event:
    """One audit-log entry. ``prev_id`` and ``mac`` are set by the register when it is appended."""

    action: str
    actor: str
    role: str
    entity: str
    entity_id: str
    unit: str = ""
    before: dict | None = None
    after: dict | None = None
    note: str = ""
    id: str = field(default_factory=lambda: new_id("evt"))
    at: str = field(default_factory=utc_now)
    office_id: str = DEFAULT_OFFICE
    prev_id: str = ""
    mac: str = ""


ATTACHMENT_STATES: dict[str, str] = {"aktif": "Aktif", "diganti": "Diganti"}


@dataclass
class Attachment(Record):
    """One stored softcopy file of an item: what it is (by content), its hash, who gave it and when.

    The bytes live in a file store under ``storage_ref``; a replaced file is kept ("diganti") and its
    successor names it in ``replaces``. An item's current files are its attachments still "aktif".
    """

    id: str
    item_id: str
    office_id: str = DEFAULT_OFFICE
    filename: str = ""      # cleaned display name as uploaded, no folders
    media_type: str = ""    # detected from the content, never from the name
    size: int = 0
    sha256: str = ""
    storage_ref: str = ""   # key in the file store (local content key or Drive file id)
    uploaded_by: str = ""
    uploaded_at: str = field(default_factory=utc_now)
    replaces: str = ""      # id of the attachment this one replaced
    status: str = "aktif"
    revision: int = 0
    updated_at: str = field(default_factory=utc_now)
    updated_by: str = ""

    def frozen(self) -> dict:
        """What a DIP version keeps of the file: enough to find the very bytes again by their hash."""
        return {"id": self.id, "filename": self.filename, "media_type": self.media_type,
                "size": self.size, "sha256": self.sha256}


@dataclass(frozen=True)
class SnapshotRow:
    """One row of an established version: the item as it was decreed, with its nomor."""

    version_id: str
    item_id: str
    nomor: int
    kategori: str
    data: dict
