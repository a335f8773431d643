"""DIP layouts offices really publish, written as files the way their spreadsheets save them.

The Perki 1/2021 list: seven columns and no title column ("Ringkasan Isi Informasi" is the
description), a two-row header whose "Bentuk Informasi yang Tersedia" spans Cetak / Rekam / Online
while the other headers span both rows, a row of column numbers, group rows I–IV, a DIK group
whose grounds are written in every form real lists use, and a signature block under the table.
"""
from __future__ import annotations

import csv
import io

import openpyxl

TOP = ["No", "Ringkasan Isi Informasi", "Pejabat atau Unit/Satuan Kerja yang Menguasai Informasi",
       "Penanggung Jawab Pembuatan atau Penerbitan Informasi", "Waktu dan Tempat Pembuatan Informasi",
       "Bentuk Informasi yang Tersedia", "", "", "Jangka Waktu Penyimpanan atau Retensi Arsip", "Keterangan"]
SUB = ["", "", "", "", "", "Cetak", "Rekam", "Online", "", ""]
LONG_SUMMARY = ("Laporan keuangan yang memuat laporan realisasi anggaran, neraca, laporan operasional, laporan "
                "perubahan ekuitas dan catatan atas laporan keuangan Komisi Pemilihan Umum Kabupaten Contoh untuk "
                "tahun anggaran 2025 yang telah diaudit")
# (group title, rows of the seven columns plus Keterangan): what an office's printed DIP holds.
GROUPS = [
    ("I. INFORMASI YANG WAJIB DISEDIAKAN DAN DIUMUMKAN SECARA BERKALA", [
        ["1", "Profil KPU Kabupaten Contoh. Memuat sejarah, visi, misi, tugas dan fungsi.", "Sekretariat",
         "Sekretaris", "Contoh, 2025", "√", "√", "√", "5 Tahun", ""],
        ["2", LONG_SUMMARY, "Subbagian Keuangan, Umum dan Logistik", "Sekretaris", "Contoh, 2026", "√", "", "√",
         "10 Tahun", ""],
        ["3", "Rencana Strategis KPU Kabupaten Contoh 2025-2029\nbeserta indikator kinerjanya", "Subbagian "
         "Perencanaan, Data dan Informasi", "Sekretaris", "Contoh, 2025", "", "√", "√", "5 Tahun", ""],
    ]),
    ("II. INFORMASI YANG WAJIB DIUMUMKAN SECARA SERTA MERTA", [
        ["1", "Informasi potensi bencana di lokasi TPS", "Subbagian Teknis", "Ketua KPU", "Contoh, 2026", "", "",
         "√", "1 Tahun", ""],
    ]),
    ("III. INFORMASI YANG WAJIB TERSEDIA SETIAP SAAT", [
        ["1", "Daftar Informasi Publik", "PPID", "PPID", "Contoh, 2026", "√", "√", "√", "Selama berlaku", ""],
        ["2", "Surat-surat perjanjian dengan pihak ketiga", "Subbagian Keuangan, Umum dan Logistik",
         "Sekretaris", "Contoh, 2025", "√", "√", "", "10 Tahun", ""],
    ]),
    ("IV. INFORMASI YANG DIKECUALIKAN", [
        ["1", "Data pribadi pemilih (NIK dan nomor KK)", "Subbagian Perencanaan, Data dan Informasi", "Sekretaris",
         "Contoh, 2025", "", "√", "", "Permanen", "Pasal 17 huruf h angka 1 UU 14/2008 jo. UU 27/2022"],
        ["2", "Rekam medis calon anggota badan ad hoc", "Subbagian SDM", "Sekretaris", "Contoh, 2025", "√", "", "",
         "Selama berlaku", "huruf h angka 2"],
        ["3", "Dokumen pengadaan yang masih dalam proses", "Subbagian Keuangan, Umum dan Logistik", "Sekretaris",
         "Contoh, 2026", "√", "√", "", "2 Tahun", "Pasal 17, huruf c"],
        ["4", "Hasil pemeriksaan internal yang belum selesai", "Sekretariat", "Sekretaris", "Contoh, 2026", "√", "",
         "", "5 (lima) tahun", "Pasal 17 huruf a angka 1 dan huruf b"],
        ["5", "Arsip yang dinyatakan tertutup", "Subbagian Keuangan, Umum dan Logistik", "Sekretaris", "Contoh, 2024",
         "√", "", "", "25 tahun", "UU 43/2009 Pasal 44"],
    ]),
]
SIGNATURE = [["", "", "", "", "", "", "", "Contoh, 10 Januari 2026", "", ""],
             ["", "", "", "", "", "", "", "PPID KPU Kabupaten Contoh", "", ""],
             ["", "", "", "", "", "", "", "Budi Santoso", "", ""],
             ["", "", "", "", "", "", "", "NIP. 19800101 200501 1 001", "", ""]]
EXPECTED_COUNTS = {"berkala": 3, "serta_merta": 1, "setiap_saat": 2, "dikecualikan": 5}


def perki_grid() -> list[list[str]]:
    title = [["DAFTAR INFORMASI PUBLIK"] + [""] * 9, ["KPU KABUPATEN CONTOH TAHUN 2026"] + [""] * 9, [""] * 10]
    numbers = [[str(n) if n <= 5 else "" for n in range(1, 11)]]
    numbers[0][5:9] = ["6", "7", "8", "9"]
    body = []
    for group, rows in GROUPS:
        body.append([group] + [""] * 9)
        body += rows
    return title + [TOP, SUB] + numbers + body + [[""] * 10] + SIGNATURE


def perki_csv(delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(perki_grid())
    return out.getvalue().encode("utf-8-sig")


def perki_xlsx() -> bytes:
    """The printed workbook: merged title, merged header cells over two rows, merged group rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    grid = perki_grid()
    for row in grid:
        sheet.append([c or None for c in row])
    header = 4  # 1-based row of TOP
    for col in (1, 2, 3, 4, 5, 9, 10):  # headers that span both header rows
        letter = openpyxl.utils.get_column_letter(col)
        sheet.merge_cells(f"{letter}{header}:{letter}{header + 1}")
    sheet.merge_cells(f"F{header}:H{header}")
    sheet.merge_cells("A1:J1")
    sheet.merge_cells("A2:J2")
    for number, row in enumerate(grid, 1):
        if row[0].startswith(("I.", "II.", "III.", "IV.")):
            sheet.merge_cells(f"A{number}:J{number}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def dik_table_csv() -> bytes:
    """A separate DIK as offices publish it: its own title and columns, no category column."""
    rows = [["DAFTAR INFORMASI YANG DIKECUALIKAN"], ["KPU KABUPATEN CONTOH"], [],
            ["No", "Informasi yang Dikecualikan", "Dasar Hukum Pengecualian", "Konsekuensi apabila Dibuka",
             "Konsekuensi apabila Ditutup", "Jangka Waktu Pengecualian"],
            ["1", "Data pribadi pemilih", "Pasal 17 huruf h angka 1 UU 14/2008; UU 27/2022",
             "Membuka data pribadi pemilih", "Kepentingan publik tidak terganggu", "Permanen"],
            ["2", "Dokumen pengadaan dalam proses", "Pasal 17 huruf b", "Persaingan usaha tidak sehat",
             "Transparansi setelah kontrak", "Permanen"]]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()
