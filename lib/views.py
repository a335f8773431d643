"""Presenters: turn domain records into rows and texts for tables (no Streamlit here)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote, urlparse

from lib.domain.models import (
    CATEGORIES, FIELD_LABELS, ITEM_STATES, ROLES, VERSION_STATES, Event, SnapshotRow, Version,
)
from lib.domain.versions import VersionDiff, adoption_citation, dik_ground, exemption_period_text, pasal17_text
from lib.domain.workdays import DeadlineExplanation, format_date_id
from lib.services.items import ItemView

CLOCK_LABELS = {"tepat_waktu": "Tepat waktu", "terlambat": "Terlambat",
                "tanpa_tenggat": "Tanpa tenggat", "": "Berjalan"}


def fdate(d: date | None) -> str:
    return format_date_id(d) if d else "-"


def fstamp(iso: str, tz) -> str:
    if not iso:
        return "-"
    moment = datetime.fromisoformat(iso).astimezone(tz)
    return f"{format_date_id(moment.date())} {moment:%H:%M}"


def deadline_text(view: ItemView) -> str:
    live = view.correction or view.deadline
    if live is None:
        judged = view.item.judged_due_on
        return f"Batas {fdate(judged)}" if judged else "Tanpa tenggat"
    if view.overdue:
        return f"Terlambat {-view.days_left} hari kerja (batas {fdate(live.due)})"
    if view.days_left == 0:
        return f"Batas hari ini ({fdate(live.due)})"
    return f"Sisa {view.days_left} hari kerja (batas {fdate(live.due)})"


def item_rows(views: list[ItemView]) -> list[dict]:
    return [{"Judul": v.item.judul, "Unit": v.item.unit, "Status": ITEM_STATES.get(v.item.status, v.item.status),
             "Kategori": CATEGORIES.get(v.item.kategori, "-"), "Tenggat": deadline_text(v),
             "Penyerahan": CLOCK_LABELS.get(v.item.clock_result, "")}
            for v in views]


def explanation_lines(explained: DeadlineExplanation | None) -> list[str]:
    return explained.lines_id() if explained else ["Tidak ada tenggat untuk informasi ini."]


def item_label(view: ItemView) -> str:
    return f"{view.item.judul} — {view.item.unit} — {deadline_text(view)}"


def version_label(v: Version) -> str:
    return f"{v.label} — {VERSION_STATES.get(v.status, v.status)}"


def snapshot_rows(rows: list[SnapshotRow], protected: bool) -> list[dict]:
    out = []
    for r in rows:
        d = r.data
        row = {"Kategori": CATEGORIES.get(r.kategori, r.kategori), "No": r.nomor, "Judul": d.get("judul"),
               "Ringkasan": d.get("ringkasan", ""), "Penguasa": d.get("pejabat_penguasa", ""),
               "Penanggung jawab": d.get("penanggung_jawab", ""), "Waktu & tempat": d.get("waktu_tempat", ""),
               "Bentuk": d.get("bentuk", ""), "Retensi": d.get("retensi", "")}
        if r.kategori == "dikecualikan":
            # The DIK is published with its consequence test; where it is kept is not.
            row = {"Kategori": row["Kategori"], "No": r.nomor, "Judul": d.get("judul"),
                   "Dasar pengecualian": dik_ground(d), "Konsekuensi apabila dibuka": d.get("konsekuensi_dibuka"),
                   "Konsekuensi apabila ditutup": d.get("konsekuensi_ditutup"),
                   "Jangka waktu": exemption_period_text(d)}
        if protected:
            row |= {"Lokasi softcopy": d.get("lokasi_softcopy", ""), "Lokasi hardcopy": d.get("lokasi_hardcopy", "")}
        out.append(row)
    return out


def diff_rows(diff: VersionDiff) -> list[dict]:
    rows = [{"Perubahan": "Ditambahkan", "Judul": r.data.get("judul"), "Rincian": CATEGORIES.get(r.kategori, "")}
            for r in diff.added]
    rows += [{"Perubahan": "Diubah", "Judul": r.data.get("judul"),
              "Rincian": "; ".join(f"{c.label}: \"{c.before or ''}\" → \"{c.after or ''}\"" for c in ch)}
             for r, ch in diff.changed]
    rows += [{"Perubahan": "Dihapus", "Judul": r.data.get("judul"), "Rincian": CATEGORIES.get(r.kategori, "")}
             for r in diff.removed]
    return rows


def request_rows(views: list[ItemView]) -> list[dict]:
    """The desk's open requests with what the PPID wrote: the request note, or why it came back."""
    return [row | {"Catatan PPID": v.item.return_reason if v.item.status == "dikembalikan" else v.item.request_note}
            for row, v in zip(item_rows(views), views)]


def role_names(codes: str) -> str:
    return ", ".join(ROLES.get(c.strip(), c.strip()) for c in codes.split(",") if c.strip())


# Audit keys that are not item fields; history, snapshots and hashes are left to the CSV.
_EVENT_LABELS = {"decree": "Keputusan", "upload_url": "Alamat publik"}
_HIDDEN = {"history", "upload_files", "password_hash", "token_epoch", "created_at", "created_by", "id",
           "office_id", "failed_logins", "locked_until", "judged_calendar"}


def _value_text(key: str, value) -> str:
    if value in (None, "", [], {}):
        return "-"
    if key == "status":
        return ITEM_STATES.get(value) or VERSION_STATES.get(value, str(value))
    if isinstance(value, dict):
        value = value.get("nomor") or ", ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        value = ", ".join(map(str, value))
    text = str(value).replace("\n", " ")
    return text if len(text) <= 80 else text[:79] + "…"


def change_text(before: dict | None, after: dict | None) -> str:
    """"Judul: A → B; Status: Diajukan → Diklasifikasi" (a new record lists what it was given)."""
    parts = []
    for key, new in (after or {}).items():
        if key in _HIDDEN or (before is None and new in (None, "", [], {}, False, 0)):
            continue
        name = FIELD_LABELS.get(key) or _EVENT_LABELS.get(key) or key.replace("_", " ").capitalize()
        shown = _value_text(key, new)
        parts.append(f"{name}: {shown}" if before is None else f"{name}: {_value_text(key, before.get(key))} → {shown}")
    return "; ".join(parts)


def event_rows(events: list[Event], tz) -> list[dict]:
    return [{"Waktu": fstamp(e.at, tz), "Pengguna": e.actor, "Peran": role_names(e.role),
             "Aksi": e.action.replace("_", " "), "Kode": e.entity_id, "Unit": e.unit,
             "Perubahan": change_text(e.before, e.after), "Catatan": e.note} for e in events]


def sent_back_text(v: Version, tz) -> str | None:
    """For the PPID: a draft the Atasan PPID sent back, with the note."""
    last = v.history[-1] if v.history else {}
    if v.status != "draf" or last.get("aksi") != "dikembalikan":
        return None
    return (f"{v.label} dikembalikan Atasan PPID ({last.get('oleh')}, {fstamp(last.get('waktu', ''), tz)}) "
            f"dengan catatan: {last.get('catatan') or '-'}. Perbaiki, lalu tetapkan lagi di halaman Penetapan DIP.")


def establish_gap_text(v: Version) -> str | None:
    """For the Atasan PPID: the PPID established this DIP with obligations not covered, and why."""
    entry = next((h for h in reversed(v.history) if h.get("aksi") == "ditetapkan"), {})
    gaps = entry.get("kelengkapan", {}).get("belum_tercakup") or []
    if not gaps:
        return None
    shown = ", ".join(gaps[:10]) + (f" dan {len(gaps) - 10} lainnya" if len(gaps) > 10 else "")
    return (f"PPID menetapkan DIP ini dengan {len(gaps)} kewajiban informasi belum tercakup ({shown}). "
            f"Alasan PPID: {entry['kelengkapan'].get('alasan') or '-'}")


def history_lines(v: Version, tz) -> list[str]:
    lines = []
    for h in v.history:
        extra = h.get("decree", {}).get("nomor") or h.get("catatan") or h.get("url") or ""
        lines.append(f"{fstamp(h.get('waktu', ''), tz)} — {h.get('aksi')} oleh {h.get('oleh')}"
                     + (f": {extra}" if extra else ""))
    return lines


def override_rows(overrides) -> list[dict]:
    return [{"Tanggal": fdate(o.day), "Jenis": "Libur tambahan" if o.kind == "libur" else "Hari kerja",
             "Keterangan": o.name} for o in overrides]


def diff_frame(diff: VersionDiff):
    import pandas as pd
    return pd.DataFrame(diff_rows(diff), columns=["Perubahan", "Judul", "Rincian"])


def filter_public(rows: list[SnapshotRow], query: str, year: str) -> list[SnapshotRow]:
    """Search only what the public page shows: a row's data also holds where it is stored and internal
    notes, and a hit on those would tell a citizen what the page hides."""
    needle = query.strip().lower()
    return [r for r in rows if (not needle or needle in _shown_text(r))
            and (not year or str(r.data.get("tahun")) == year or r.kategori == "dikecualikan")]


def _shown_text(row: SnapshotRow) -> str:
    c = public_card(row)
    return "\n".join([c.title, c.summary, *c.details, *(label for label, _ in c.links)]).lower()


def unit_emails_text(stored: str) -> str:
    import json
    return "\n".join(f"{unit} = {address}" for unit, address in json.loads(stored or "{}").items())


def lines_text(stored: str) -> str:
    import json
    return "\n".join(json.loads(stored or "[]"))


def category_short(key: str) -> str:
    return {"berkala": "Berkala", "serta_merta": "Serta merta", "setiap_saat": "Setiap saat",
            "dikecualikan": "Dikecualikan"}.get(key, key)


def plan_rows(result) -> list[dict]:
    return [{"Baris": r.row, "Kategori": category_short(r.fields["kategori"]), "Judul": r.fields["judul"],
             "Belum lengkap": ", ".join(r.incomplete), "Peringatan": "; ".join(r.warnings)} for r in result.rows]


def rejected_rows(result) -> list[dict]:
    return [{"Baris": r.row, "Kolom": r.column, "Isi": r.value, "Alasan": r.reason, "Status": status}
            for status, group in (("ditolak", result.rejected), ("diabaikan", result.ignored)) for r in group]


# -- the public page (pages/dip.py) -----------------------------------------------------------------
def file_match_rows(files) -> list[dict]:
    """A ZIP import's files that go nowhere: named by a row but absent, or present but named by no row."""
    return ([{"Baris": str(row), "Berkas": name, "Keterangan": "disebut di daftar, tidak ada di ZIP"}
             for row, name in files.missing]
            + [{"Baris": "-", "Berkas": name, "Keterangan": "ada di ZIP, tidak disebut baris mana pun"}
               for name in files.unused])


NO_MATCH = "Tidak ada informasi yang cocok dengan pencarian."
_DOCUMENTS = {"dip": "Daftar Informasi Publik", "keputusan": "Keputusan PPID",
              "dik": "Daftar Informasi yang Dikecualikan"}
_FORMATS = {"pdf": "PDF", "html": "HTML", "xlsx": "Excel", "csv": "CSV", "json": "JSON"}
# Pixel widths: the seven Perki 1/2021 columns and the title fit a 1366 px laptop beside the sidebar.
PUBLIC_TABLE_WIDTHS = {"No": 40, "Judul": 150, "Ringkasan": 205, "Penguasa": 110, "Penanggung jawab": 110,
                       "Waktu & tempat": 95, "Bentuk": 95, "Retensi": 75,
                       "Dasar pengecualian": 160, "Konsekuensi apabila dibuka": 225,
                       "Konsekuensi apabila ditutup": 225, "Jangka waktu": 90}


@dataclass(frozen=True)
class PublicCard:
    """One published item as a card: every part is plain text (links are address and label)."""
    title: str
    summary: str
    details: list[str]
    links: list[tuple[str, str]]


def download_links(version: Version) -> list[tuple[str, str]]:
    """(label saying what the document is, address) for each published file, DIP first, PDF first."""
    base = version.upload_url.rsplit("/", 1)[0]
    found = [(name.partition(".")[0], name.partition(".")[2], name) for name in version.upload_files]
    known = [f for f in found if f[0] in _DOCUMENTS and f[1] in _FORMATS]
    known.sort(key=lambda f: (list(_DOCUMENTS).index(f[0]), list(_FORMATS).index(f[1])))
    return [(f"{_DOCUMENTS[doc]} ({_FORMATS[ext]})", f"{base}/{quote(name)}") for doc, ext, name in known]


def _link_label(url: str) -> str:
    """The host only, and only when it is a plain host name (button labels are read as Markdown)."""
    host = urlparse(url).netloc
    return f"Buka tautan ({host})" if re.fullmatch(r"[A-Za-z0-9.-]+(:[0-9]+)?", host) else "Buka tautan"


def public_card(row: SnapshotRow) -> PublicCard:
    d, title = row.data, f"{row.nomor}. {row.data.get('judul') or ''}"
    if row.kategori == "dikecualikan":
        details = [f"Dikecualikan · Jangka waktu pengecualian: {exemption_period_text(d)}",
                   f"Dasar pengecualian: {pasal17_text(d)}",
                   f"Konsekuensi apabila dibuka: {d.get('konsekuensi_dibuka') or '-'}",
                   f"Konsekuensi apabila ditutup: {d.get('konsekuensi_ditutup') or '-'}"]
        return PublicCard(title, "", details + list(filter(None, [adoption_citation(d)])), [])
    facts = [("Tahun", d.get("tahun")), ("Bentuk", d.get("bentuk")), ("Retensi", d.get("retensi"))]
    details = [f"{category_short(row.kategori)} · " + " · ".join(f"{k}: {v}" for k, v in facts if v),
               f"Unit: {d.get('pejabat_penguasa') or '-'}", f"Penanggung jawab: {d.get('penanggung_jawab') or '-'}",
               f"Waktu & tempat: {d.get('waktu_tempat') or '-'}"]
    urls = [u for u in str(d.get("tautan") or "").split("\n") if u.startswith(("http://", "https://"))]
    return PublicCard(title, str(d.get("ringkasan") or ""), details, [(_link_label(u), u) for u in urls])


def public_table_rows(rows: list[SnapshotRow]) -> list[dict]:
    """One category's table: the category is its heading, so the column goes."""
    return [{k: v for k, v in row.items() if k != "Kategori"} for row in snapshot_rows(rows, protected=False)]


def file_rows(files, tz) -> list[dict]:
    """An item's stored files as the forms list them."""
    from lib.domain.filetypes import BY_MEDIA_TYPE, human_size
    return [{"Nama berkas": a.filename, "Ukuran": human_size(a.size),
             "Jenis": BY_MEDIA_TYPE[a.media_type].label if a.media_type in BY_MEDIA_TYPE else a.media_type,
             "Diunggah oleh": a.uploaded_by, "Waktu": fstamp(a.uploaded_at, tz),
             "Status": "Berlaku" if a.status == "aktif" else "Diganti"} for a in files]
