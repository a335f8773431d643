"""Realistic demo data across every state, for trying SIDIP out (python -m lib.cli demo)."""
from __future__ import annotations

import dataclasses
import secrets
from datetime import timedelta

from lib.errors import SidipError
from lib.services import admin, attachments, auth, items, publishing, versions
from lib.services.context import AppContext

UNITS = ("Sekretariat", "Subbagian Perencanaan, Data dan Informasi")
DEMO_USERS = (
    ("admin.demo", "Admin Demo", ["admin"], ""),
    ("ppid.demo", "Rina Marlina (PPID)", ["ppid"], ""),
    ("atasan.demo", "Aswal (Atasan PPID)", ["atasan"], ""),
    ("desk.sekretariat", "Budi Santoso", ["desk"], UNITS[0]),
    ("desk.datin", "Sari Wulandari", ["desk"], UNITS[1]),
)


def _at(ctx: AppContext, days_ago: int) -> AppContext:
    moment = ctx.now() - timedelta(days=days_ago)
    return dataclasses.replace(ctx, now=lambda: moment)


def _submission(judul: str, unit: str, tahun: int) -> dict:
    return {"judul": judul, "ringkasan": f"{judul} KPU Kabupaten Sarolangun tahun {tahun}.",
            "pejabat_penguasa": unit, "penanggung_jawab": "Sekretaris KPU Kabupaten Sarolangun",
            "waktu_tempat": f"Sarolangun, {tahun}", "bentuk": "Softcopy dan hardcopy",
            "retensi": "5 tahun", "tahun": tahun, "tautan": "https://kab-sarolangun.kpu.go.id/ppid"}


def _classification(item, kategori: str, **extra) -> dict:
    data = {k: getattr(item, k) for k in ("judul", "ringkasan", "pejabat_penguasa",
                                          "penanggung_jawab", "waktu_tempat", "bentuk",
                                          "retensi", "tahun", "tautan")}
    return {**data, "kategori": kategori, "lokasi_softcopy": "Drive PPID/DIP/" + item.judul[:30],
            "lokasi_hardcopy": "Lemari arsip PPID, rak 2", **extra}


def fill_demo(ctx: AppContext) -> list[str]:
    if ctx.register.list_items(ctx.office_id):
        raise SidipError("Register sudah berisi data; data contoh hanya untuk register kosong.")
    lines = ["Pengguna contoh (simpan kata sandinya, hanya ditampilkan sekali):"]
    people = {}
    for username, name, roles, unit in DEMO_USERS:
        password = "demo-" + secrets.token_urlsafe(9)
        existing = ctx.register.get_user(username)
        user = existing or auth.add_user(ctx, _founder(), username, name, password, roles, unit)
        people[username] = user.actor()
        lines.append(f"  {username:18} {'(sudah ada)' if existing else password:22} {', '.join(roles)}")
    admin.update_settings(ctx, _founder(), {"ppid_name": "Rina Marlina"})
    _history(ctx, people)
    _current(ctx, people)
    lines.append("Data contoh dibuat: permintaan terlambat, informasi dikembalikan, "
                 "informasi dikecualikan, dan satu versi DIP yang sudah diunggah.")
    return lines


def _founder():
    from lib.services.context import SYSTEM_ACTOR
    return SYSTEM_ACTOR


# Voters' NIK and KK: personal secrets (Pasal 17 huruf h; the KK shows the family, angka 1) read with the
# laws that protect them. Huruf h angka 2 is health records, and does not apply.
VOTER_DATA_EXEMPTION = {
    "pasal17_huruf": "h", "pasal17_angka": "1",
    "dasar_hukum_lain": "Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi dan Undang-Undang "
                        "Nomor 24 Tahun 2013 tentang Perubahan atas Undang-Undang Nomor 23 Tahun 2006 tentang "
                        "Administrasi Kependudukan",
    "konsekuensi_dibuka": "NIK dan nomor KK pemilik data dapat dipakai orang lain untuk memalsukan identitas "
                          "atau mengakses layanan atas namanya, dan susunan keluarganya terbuka untuk umum.",
    "konsekuensi_ditutup": "Hak pemilih atas pelindungan data pribadi terjaga; rekapitulasi daftar pemilih "
                           "tetap terbuka untuk diawasi publik.",
}


def _decree_day(ctx: AppContext):
    return _at(ctx, 34).today()


def _history(ctx: AppContext, p: dict) -> None:
    """The established round: requests answered on time and late, classified, decreed, uploaded.

    Its year is the year of its decree, so that the number, the date and the year agree."""
    ppid, desk, datin = p["ppid.demo"], p["desk.sekretariat"], p["desk.datin"]
    tahun = _decree_day(ctx).year
    plan = [("Rencana Strategis KPU Kabupaten Sarolangun", desk, 2, "berkala"),
            ("Laporan Keuangan Tahunan", desk, 14, "berkala"),  # answered late
            ("Daftar Pemilih Tetap Pemilihan 2024 (rekapitulasi)", datin, 3, "setiap_saat"),
            ("Data pribadi pemilih (NIK dan KK)", datin, 4, "dikecualikan")]
    for judul, officer, answer_after, kategori in plan:
        req = items.open_request(_at(ctx, 60), ppid, officer.unit, judul, "Untuk DIP tahunan")
        sub = items.submit(_at(ctx, 60 - answer_after), officer, req.id,
                           _submission(judul, officer.unit, tahun), req.revision)
        _attach_softcopy(_at(ctx, 60 - answer_after), officer, sub)
        extra = VOTER_DATA_EXEMPTION if kategori == "dikecualikan" else {}
        items.classify(_at(ctx, 40), ppid, sub.id, _classification(sub, kategori, **extra), sub.revision)
    _publish(ctx, p, tahun)


def _publish(ctx: AppContext, p: dict, tahun: int) -> None:
    ppid, atasan = p["ppid.demo"], p["atasan.demo"]
    v = versions.create_version(_at(ctx, 35), ppid, tahun)
    decree = {"nomor_keputusan": f"01/PPID/KPU-SRL/{tahun}", "tanggal_keputusan": _decree_day(ctx),
              "tempat_keputusan": "Sarolangun", "penandatangan": "Rina Marlina",
              "alasan_kelengkapan": "Data contoh: DIP awal, kelengkapan dilengkapi bertahap."}
    v = versions.establish(_at(ctx, 34), ppid, v.id, decree, v.revision)
    v = versions.approve(_at(ctx, 33), atasan, v.id, "Segera unggah ke website PPID.", v.revision)
    # The demo links point at the real website, which a machine without internet cannot reach.
    publishing.upload(_at(ctx, 32), ppid, v.id, v.revision, dead_links_ok=True)


def _current(ctx: AppContext, p: dict) -> None:
    """This year's round in progress: open, overdue, returned, waiting, unprompted."""
    ppid, desk, datin = p["ppid.demo"], p["desk.sekretariat"], p["desk.datin"]
    tahun = ctx.today().year
    items.open_request(ctx, ppid, desk.unit, "Laporan Kinerja Instansi Pemerintah (LKjIP)")
    items.open_request(_at(ctx, 15), ppid, datin.unit, "Daftar Calon Tetap Anggota DPRD")  # overdue
    ret = items.open_request(_at(ctx, 10), ppid, desk.unit, "Standar Operasional Prosedur PPID")
    ret = items.submit(_at(ctx, 8), desk, ret.id, _submission(ret.judul, desk.unit, tahun), ret.revision)
    items.return_item(_at(ctx, 7), ppid, ret.id, "Lampirkan SOP yang sudah ditandatangani "
                      "dan perbaiki retensi arsip.", ret.revision)
    wait = items.open_request(_at(ctx, 6), ppid, datin.unit, "Hasil Rekapitulasi Perolehan Suara")
    items.submit(_at(ctx, 3), datin, wait.id, _submission(wait.judul, datin.unit, tahun), wait.revision)
    unprompted = _submission("Agenda Kegiatan Pimpinan", desk.unit, tahun)
    items.submit_new(_at(ctx, 1), desk, {**unprompted, "info_created_on": _at(ctx, 4).today()})
    held = attachments.current_by_item(ctx)
    for item in ctx.register.list_items(ctx.office_id):
        if item.id not in held:
            _attach_softcopy(ctx, ppid, item)


def _attach_softcopy(ctx: AppContext, actor, item) -> None:
    """Every demo item gets its softcopy, the exempt one too (kept by the PPID, never published)."""
    name = "".join(c if c.isalnum() else "-" for c in item.judul.lower()).strip("-")[:60] + ".pdf"
    attachments.attach(ctx, actor, item.id, name, softcopy_pdf(item.judul, item.unit))


def softcopy_pdf(judul: str, unit: str) -> bytes:
    """A one-page stand-in for the document itself, the same bytes for the same title."""
    import io
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=1)
    page.setTitle(judul)
    page.setFont("Helvetica-Bold", 14)
    page.drawString(56, 780, judul[:80])
    page.setFont("Helvetica", 10)
    page.drawString(56, 760, f"{unit[:90]} - softcopy contoh SIDIP")
    page.save()
    return out.getvalue()
