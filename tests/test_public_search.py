"""The public page's search finds only what the page shows, never where a document is kept."""
from lib import views
from lib.domain.models import SnapshotRow
from lib.domain.versions import dik_public

DIP = SnapshotRow("v1", "i1", 1, "berkala", {
    "judul": "Laporan Keuangan 2025", "ringkasan": "Realisasi anggaran", "pejabat_penguasa": "Sekretariat",
    "penanggung_jawab": "Sekretaris", "waktu_tempat": "Sarolangun, 2026", "bentuk": "Softcopy", "retensi": "5 tahun",
    "tahun": 2026, "tautan": "https://jdih.kpu.go.id/laporan.pdf", "lokasi_softcopy": "Drive/PPID/Keuangan",
    "lokasi_hardcopy": "Lemari Arsip B rak 3", "catatan_ppid": "Periksa ulang lampiran"})
DIK = SnapshotRow("v1", "i2", 1, "dikecualikan", dik_public(SnapshotRow("v1", "i2", 1, "dikecualikan", {
    "judul": "Data Pribadi Pemilih", "pasal17_huruf": "h", "konsekuensi_dibuka": "Privasi terlanggar",
    "konsekuensi_ditutup": "Tidak ada", "pengecualian_permanen": True, "lokasi_hardcopy": "Brankas ruang PPID"})))


def test_searching_a_storage_location_or_an_internal_note_finds_nothing():
    for hidden in ("Lemari Arsip", "rak 3", "Drive/PPID", "Brankas", "Periksa ulang"):
        assert views.filter_public([DIP, DIK], hidden, "") == [], hidden


def test_searching_shown_text_still_finds_the_row():
    for shown in ("keuangan 2025", "realisasi", "sekretaris", "5 tahun", "jdih.kpu.go.id", "privasi"):
        assert views.filter_public([DIP, DIK], shown, "") != [], shown
    assert views.filter_public([DIP, DIK], "pemilih", "") == [DIK]
    assert views.filter_public([DIP, DIK], "", "2026") == [DIP, DIK]
