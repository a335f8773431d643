"""The application context every service receives: register, office, keys, clock, settings."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from datetime import date, datetime, timezone
from typing import Callable
from zoneinfo import ZoneInfo

from lib.domain.audit import EventSigner
from lib.domain.models import DEFAULT_OFFICE, Actor, Event
from lib.domain.offices import ALL as ALL_OFFICES
from lib.domain.offices import MOVED_OUT_KEY
from lib.domain.workdays import WorkCalendar
from lib.domain.workflow import ClockSettings
from lib.errors import PermissionDenied
from lib.store.filestore import FileStore
from lib.store.port import Register

DEFAULT_SETTINGS: dict[str, str] = {
    "office_name": "KPU Kabupaten Sarolangun",
    "office_address": "Sarolangun, Jambi",
    "office_place": "Sarolangun",
    "units": json.dumps(["Sekretariat", "Subbagian Teknis Penyelenggaraan Pemilu dan Hubungan Partisipasi Masyarakat",
                         "Subbagian Perencanaan, Data dan Informasi",
                         "Subbagian Hukum dan Sumber Daya Manusia",
                         "Subbagian Keuangan, Umum dan Logistik"]),
    "ppid_name": "", "ppid_position": "PPID KPU Kabupaten Sarolangun", "ppid_nip": "",
    "atasan_name": "", "atasan_position": "Sekretaris KPU Kabupaten Sarolangun", "atasan_nip": "",
    "sla_days": "5",
    "correction_days": "5",
    "count_from_next_day": "1",
    "timezone": "Asia/Jakarta",
    "session_idle_minutes": "30",
    "website_url": "",
    "update_cycle_months": "12",   # how often the DIP itself is updated (pemutakhiran)
    "berkala_refresh_months": "6",  # UU 14/2008 Pasal 9(4)
    "due_soon_days": "2",
    "exemption_warning_months": "3",
    "ppid_email": "", "atasan_email": "",
    "unit_emails": "{}",            # JSON: unit name -> e-mail address for reminders
    "publish_nip": "0",             # public outputs omit NIP unless this is "1" (UU 27/2022)
    "dik_induk": "0",               # "1": the DIK adopts the parent office's exemptions (lib/services/parent_dik.py)
    "legal_bases": json.dumps([
        "Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik",
        "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik",
        "Peraturan Pemerintah Nomor 61 Tahun 2010 tentang Pelaksanaan Undang-Undang Nomor 14 Tahun 2008 "
        "tentang Keterbukaan Informasi Publik",
        "Peraturan Komisi Informasi Nomor 1 Tahun 2021 tentang Standar Layanan Informasi Publik",
        # PKPU 22/2023 replaced PKPU 1/2015 (whose title was "… di Lingkungan Komisi Pemilihan Umum").
        "Peraturan Komisi Pemilihan Umum Nomor 22 Tahun 2023 tentang Pengelolaan dan Pelayanan Informasi "
        "Publik di Komisi Pemilihan Umum, Komisi Pemilihan Umum Provinsi, dan Komisi Pemilihan Umum "
        "Kabupaten/Kota sebagaimana telah beberapa kali diubah terakhir dengan Peraturan Komisi Pemilihan "
        "Umum Nomor 4 Tahun 2025 tentang Perubahan Kedua atas Peraturan Komisi Pemilihan Umum Nomor 22 "
        "Tahun 2023 tentang Pengelolaan dan Pelayanan Informasi Publik di Komisi Pemilihan Umum, Komisi "
        "Pemilihan Umum Provinsi, dan Komisi Pemilihan Umum Kabupaten/Kota",
    ], ensure_ascii=False),
    # The decree appointing this office's PPID, cited last under Mengingat; empty = not cited.
    "ppid_appointment_decree": "",
    "batas_berkas_mb": "20",  # largest softcopy accepted, in MB (.streamlit/config.toml maxUploadSize matches)
    "letterhead": "",  # "kop-surat.png sha256:…" in the data folder; empty = no letterhead
    "decree_template": (
        "Menimbang: bahwa untuk melaksanakan ketentuan Pasal 9, Pasal 10, Pasal 11, dan Pasal 17 "
        "Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik, {jabatan} wajib "
        "menyediakan Daftar Informasi Publik yang memuat informasi yang wajib disediakan dan diumumkan "
        "secara berkala, informasi yang wajib diumumkan secara serta merta, informasi yang wajib tersedia "
        "setiap saat, dan informasi yang dikecualikan;\n"
        "{uji_konsekuensi}\n"
        "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam {pertimbangan}, perlu menetapkan "
        "Keputusan {jabatan} tentang Penetapan Daftar Informasi Publik {kantor} {periode};\n"
        "MEMUTUSKAN\n"
        "Menetapkan: KEPUTUSAN {jabatan_kapital} TENTANG PENETAPAN DAFTAR INFORMASI PUBLIK {kantor_kapital} "
        "{periode_kapital}.\n"
        "KESATU: Menetapkan Daftar Informasi Publik {kantor} {periode} sebagaimana tercantum dalam "
        "Lampiran I yang merupakan bagian tidak terpisahkan dari Keputusan ini.\n"
        "KEDUA: Menetapkan Daftar Informasi yang Dikecualikan {kantor} {periode} sebagaimana tercantum "
        "dalam Lampiran II yang merupakan bagian tidak terpisahkan dari Keputusan ini.\n"
        "KETIGA: Daftar Informasi Publik sebagaimana dimaksud dalam Diktum KESATU diumumkan melalui laman "
        "PPID {kantor} dan dimutakhirkan secara berkala.\n"
        "KEEMPAT: Keputusan ini mulai berlaku pada tanggal ditetapkan."),
}

# The CLI and cron act for whichever office they are run for (``--kantor``): their office is "*".
OFFICES_DIR = "kantor"  # in a deployment of many offices, each other office publishes to <publish folder>/kantor/<code>
SYSTEM_ACTOR = Actor("sistem", frozenset({"admin", "ppid", "atasan", "desk"}), full_name="Sistem (CLI/cron)",
                     office_id=ALL_OFFICES)


@dataclass
class AppContext:
    register: Register
    signer: EventSigner
    secret_key: bytes
    office_id: str = DEFAULT_OFFICE
    now: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))
    publish_dir: str = "static/dip"
    data_dir: str = "data"  # local files: setup code, attachments (whatever the register's kind)
    key_source: str = ""    # where the secret key came from (doctor says it)
    files: FileStore | None = None  # the bytes of stored softcopies (built in lib/bootstrap.py)
    _frame: tuple | None = field(default=None, repr=False, compare=False)  # (revision, items frame)
    # Set on a read-only view of a child office for a pemantau of an office above it: that office's code.
    monitor_from: str = ""
    home_office: str = ""  # the deployment's own office (a view's publish folder is its own beneath it)
    _views: dict = field(default_factory=dict, repr=False, compare=False)

    def for_office(self, office_id: str, monitor_from: str = "") -> "AppContext":
        """This deployment seen as one office: services act for it and, on a database that enforces it, the
        register shows only its rows. ``monitor_from`` (the pemantau's own office) makes the view read-only:
        the register refuses every write. Views are kept, so each office's per-revision memo survives."""
        from dataclasses import replace
        if office_id == self.office_id and monitor_from == self.monitor_from:
            return self
        key = (office_id, monitor_from)
        view = self._views.get(key)
        if view is None:
            write = frozenset() if monitor_from else frozenset({office_id})
            home = self.home_office or self.office_id
            root = self.publish_dir if home == self.office_id else str(Path(self.publish_dir).parents[1])
            view = replace(self, office_id=office_id, monitor_from=monitor_from, _frame=None, _views={},
                           home_office=home, publish_dir=root if office_id == home else f"{root}/{OFFICES_DIR}/{office_id}",
                           register=self.register.scoped(frozenset({office_id}), write))
            self._views[key] = view
        return view

    def file_store(self) -> FileStore:
        """The store of softcopy bytes; by default a private folder under the data folder."""
        if self.files is None:
            from lib.store.filestore import LocalFileStore
            self.files = LocalFileStore(f"{self.data_dir}/berkas")
        return self.files

    def item_frame(self, columns: tuple[str, ...]):
        """The office's items as a DataFrame of raw strings (the dashboard's and Kelengkapan's fast path),
        read once per register revision and shared by both (a 100,000-item table costs seconds to read);
        each caller gets its own copy of the columns it asks for."""
        from lib.domain.metrics import ITEM_COLUMNS
        wanted = (*ITEM_COLUMNS, "kewajiban")
        revision = self.register.revision(self.office_id) if set(columns) <= set(wanted) else ""
        if not revision:  # a register that cannot name its state (or other columns): read as asked
            return self.register.item_frame(self.office_id, columns)
        held = self._frame
        if held is None or held[0] != revision:
            held = (revision, self.register.item_frame(self.office_id, wanted))
            self._frame = held
        return held[1][list(columns)].copy()

    def settings(self) -> dict[str, str]:
        return {**DEFAULT_SETTINGS, **self.register.settings(self.office_id)}

    def moved_out(self) -> str:
        """The date (ISO) this office moved out of the deployment ("" while it is here): from then its
        register is closed to its own users (the system actor, the deployment's operator, still acts)."""
        return self.register.settings(self.office_id).get(MOVED_OUT_KEY, "")

    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings()["timezone"])

    def today(self) -> date:
        """'Today' in the office's time zone, not the server's."""
        return self.now().astimezone(self.tz()).date()

    def today_for(self, settings: dict[str, str]) -> date:
        """'Today' for an office whose settings were read already (a roll-up reads hundreds at once)."""
        return self.now().astimezone(ZoneInfo(settings["timezone"])).date()

    def calendar(self) -> WorkCalendar:
        return WorkCalendar(self.register.holiday_overrides(self.office_id))

    def clock(self) -> ClockSettings:
        return clock_of(self.settings())

    def public_base_url(self) -> str:
        """Where published files are reachable: the website setting, Streamlit's static route, or the folder."""
        if self.settings()["website_url"]:
            return self.settings()["website_url"]
        app_static = Path(__file__).resolve().parents[2] / "static" / "dip"
        folder = Path(self.publish_dir).resolve()
        if folder == app_static or folder.parent == app_static / OFFICES_DIR:  # each office of many: its own folder
            return "/app/static/dip" + ("" if folder == app_static else f"/{OFFICES_DIR}/{folder.name}")
        return folder.as_uri()

    def units(self) -> list[str]:
        return json.loads(self.settings()["units"])

    def event(self, actor: Actor, action: str, entity: str, entity_id: str, **kw) -> Event:
        """Every write's audit event: only the office's own users (or the system) write, never a monitor."""
        if self.monitor_from:
            raise PermissionDenied("Pemantau hanya dapat melihat; tidak ada yang diubah.")
        if actor.office_id not in (self.office_id, ALL_OFFICES):
            raise PermissionDenied("Anda hanya dapat mengubah data kantor Anda sendiri.")
        if actor.office_id != ALL_OFFICES and self.moved_out():
            raise PermissionDenied(moved_out_message(self.moved_out()))
        return Event(action=action, actor=actor.username, role=actor.role_label, entity=entity,
                     entity_id=entity_id, office_id=self.office_id, **kw)


def moved_out_message(on: str) -> str:
    from lib.domain.workdays import format_date_id
    return (f"Kantor ini telah pindah keluar dari SIDIP ini pada {format_date_id(date.fromisoformat(on))}: "
            "datanya di sini hanya arsip. Lanjutkan di SIDIP tempat kantor ini sekarang.")


def clock_of(settings: dict[str, str]) -> ClockSettings:
    """The SLA clock an office's settings (with their defaults) describe."""
    return ClockSettings(int(settings["sla_days"]), int(settings["correction_days"]),
                         settings["count_from_next_day"] == "1")


def require_role(ctx: AppContext, actor: Actor | None, *roles: str) -> Actor:
    """Services check permission again: a hidden page is never the only guard. The actor must also belong
    to the office the context acts for; a pemantau reads a child office only through a read-only view made
    for its own office (``AppContext.for_office(child, monitor_from=...)``)."""
    from lib.domain.models import ROLES
    if actor is None:
        raise PermissionDenied("Silakan masuk terlebih dahulu.")
    if not actor.roles & set(roles):
        names = " atau ".join(ROLES[r] for r in roles)
        raise PermissionDenied(f"Fitur ini hanya untuk {names}.")
    check_office(ctx, actor)
    return actor


def check_office(ctx: AppContext, actor: Actor) -> None:
    """A user acts only in the office the user belongs to; a monitor view only reads."""
    if actor.office_id == ALL_OFFICES:
        return
    if ctx.monitor_from:
        if actor.office_id != ctx.monitor_from or "pemantau" not in actor.roles:
            raise PermissionDenied("Data kantor ini hanya dapat dilihat pemantau kantor induknya.")
        return
    if actor.office_id != ctx.office_id:
        raise PermissionDenied("Anda hanya dapat membuka data kantor Anda sendiri.")


def at_revision(record, revision: int, what: str):
    """The record as the form saw it, or the stale-write message naming who changed it since."""
    from lib.errors import stale_error
    if record.revision != revision:
        raise stale_error(what, record.updated_by, record.updated_at)
    return record


def changes(before, after, skip=("updated_at", "updated_by", "revision")) -> tuple[dict, dict]:
    """The fields that differ, as (before, after) dicts for the audit event."""
    old = asdict(before) if before is not None else {}
    new = asdict(after)
    keys = [k for k in new if k not in skip and old.get(k) != new.get(k)]
    return ({k: old.get(k) for k in keys} if before is not None else None, {k: new[k] for k in keys})
