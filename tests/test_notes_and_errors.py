"""Notes reach the next person; errors are seen and name fields in Indonesian; Riwayat reads as words."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from conftest import UNIT_A, submission
from lib import ui, views
from lib.domain.models import FIELD_LABELS, TEXT_LIMITS
from lib.services import completeness, items, versions
from test_pages import app, column, fill, open_page, press, values  # noqa: F401  (app is a fixture)

LIB = Path(__file__).resolve().parent.parent / "lib"
DECREE = {"nomor_keputusan": "01/PPID/III/2026", "tanggal_keputusan": date(2026, 3, 17),
          "tempat_keputusan": "Sarolangun", "penandatangan": "Ketua PPID"}


def expander(at, label: str):
    return next(e for e in at.expander if e.label == label)


def classified(ctx, people, judul="Laporan Keuangan 2025"):
    item = items.submit_new(ctx, people["desk"], submission(judul))
    data = {**submission(judul), "kategori": "berkala", "lokasi_softcopy": "Drive", "lokasi_hardcopy": "Rak 2"}
    return items.classify(ctx, people["ppid"], item.id, data, item.revision)


def established(ctx, people, reason="Menunggu SK dari KPU RI"):
    classified(ctx, people)
    v = versions.create_version(ctx, people["ppid"], 2026)
    return versions.establish(ctx, people["ppid"], v.id, {**DECREE, "alasan_kelengkapan": reason}, v.revision)


# -- errors are seen ----------------------------------------------------------------------------------
def test_an_empty_request_title_opens_the_collapsed_request_form_with_its_message(app, people):
    at = open_page(app, "permintaan", "ppid")
    assert expander(at, "Buka permintaan informasi ke unit").proto.expanded is False
    at = press(at, "Buka permintaan")
    assert expander(at, "Buka permintaan informasi ke unit").proto.expanded is True
    assert values(at.error) == ["Periksa kembali isian berikut: Judul informasi wajib diisi."]
    assert ":red[Judul informasi wajib diisi.]" in values(at.caption)


def test_returning_without_a_reason_opens_the_return_form_with_its_message(app, people):
    items.submit_new(app, people["desk"], submission())
    at = press(open_page(app, "klasifikasi", "ppid"), "Kembalikan")
    assert expander(at, "Kembalikan ke unit untuk diperbaiki").proto.expanded is True
    assert expander(at, "Tarik dari daftar").proto.expanded is False
    assert values(at.error) == ["Periksa kembali isian berikut: Alasan pengembalian wajib diisi."]


def test_sending_a_dip_back_without_a_note_names_the_field_in_indonesian(app, people):
    established(app, people)
    at = press(open_page(app, "persetujuan", "atasan"), "Kembalikan ke PPID")
    assert values(at.error) == ["Periksa kembali isian berikut: Catatan wajib diisi."]
    assert ":red[Catatan wajib diisi.]" in values(at.caption)


_KEY_PATTERNS = [r'errors\["(\w+)"\]', r'errors\.setdefault\("(\w+)"', r'ValidationError\(\{"(\w+)"',
                 r'clean_reason\([^)]*?"(\w+)"\)', r'parse_date\([^)]*?"(\w+)"', r'check_length\("(\w+)"']


def validated_keys() -> set[str]:
    """Every field name a ValidationError can carry, read from the code under lib/."""
    found = set(TEXT_LIMITS)
    for path in LIB.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for pattern in _KEY_PATTERNS:
            found |= set(re.findall(pattern, source))
        for names in re.findall(r"(?:require|clean_texts)\(\w+, \(([^)]*)\)", source):
            found |= set(re.findall(r'"(\w+)"', names))
    return found


def test_every_field_a_validation_error_can_name_has_an_indonesian_label():
    keys = validated_keys()
    assert {"nomor_keputusan", "tanggal_keputusan", "note", "alasan_kelengkapan", "return_reason",
            "masa_pengecualian", "username"} <= keys
    assert sorted(k for k in keys if k not in FIELD_LABELS) == []


# -- notes travel -------------------------------------------------------------------------------------
def test_the_desk_reads_the_ppid_request_note_on_permintaan_and_beranda(app, people):
    items.open_request(app, people["ppid"], UNIT_A, "SK Tim Seleksi", "Sertakan lampiran SK")
    at = open_page(app, "permintaan", "desk")
    at = at.selectbox(key="serah:pilih").select_index(1).run()
    assert "Keterangan dari PPID: Sertakan lampiran SK" in values(at.info)
    home = open_page(app, "beranda", "desk")
    assert (column(home, "Judul"), column(home, "Catatan PPID")) == (["SK Tim Seleksi"], ["Sertakan lampiran SK"])


def test_the_atasan_sees_that_the_dip_was_established_with_obligations_missing_and_why(app, people):
    classified(app, people)
    gaps = completeness.establish_gaps(app)
    v = versions.create_version(app, people["ppid"], 2026)
    versions.establish(app, people["ppid"], v.id, {**DECREE, "alasan_kelengkapan": "Menunggu SK dari KPU RI"},
                       v.revision)
    at = open_page(app, "persetujuan", "atasan")
    shown = ", ".join(o.id for o in gaps[:10]) + f" dan {len(gaps) - 10} lainnya"
    expected = (f"PPID menetapkan DIP ini dengan {len(gaps)} kewajiban informasi belum tercakup ({shown}). "
                "Alasan PPID: Menunggu SK dari KPU RI")
    assert len(gaps) > 10
    assert [w for w in values(at.warning) if w.startswith("PPID menetapkan")] == [ui.plain(expected)]
    assert ui.plain(expected) in values(open_page(app, "beranda", "atasan").caption)


def test_the_ppid_beranda_says_the_atasan_sent_the_dip_back_with_the_note(app, people):
    v = established(app, people)
    versions.send_back(app, people["atasan"], v.id, "Nomor keputusan salah ketik", v.revision)
    at = open_page(app, "beranda", "ppid")
    assert ("DIP Tahun 2026 dikembalikan Atasan PPID (atasan, 17 Maret 2026 09:00) dengan catatan: Nomor "
            "keputusan salah ketik. Perbaiki, lalu tetapkan lagi di halaman Penetapan DIP.") in values(at.warning)
    assert not [w for w in values(open_page(app, "beranda", "atasan").warning) if "dikembalikan" in w]


# -- Riwayat and placeholders -----------------------------------------------------------------------------
def test_change_text_reads_as_labelled_before_and_after_values():
    assert views.change_text({"judul": "A", "status": "diajukan"}, {"judul": "B", "status": "diklasifikasi"}) == (
        "Judul informasi: A → B; Status: Diajukan → Diklasifikasi")
    assert views.change_text(None, {"judul": "Baru", "unit": "Sekretariat", "tautan": "", "history": [{}]}) == (
        "Judul informasi: Baru; Unit: Sekretariat")
    assert views.role_names("atasan,ppid") == "Atasan PPID, PPID"


def test_riwayat_shows_role_names_and_readable_changes(app, people):
    item = items.submit_new(app, people["desk"], submission("Laporan Keuangan 2025"))
    items.return_item(app, people["ppid"], item.id, "Lampiran kurang", item.revision)
    at = open_page(app, "riwayat", "ppid")
    assert not at.exception
    assert column(at, "Peran")[:2] == ["PPID", "Desk Pelayanan"]  # newest first
    returned = column(at, "Perubahan")[0]
    assert "Status: Diajukan → Dikembalikan untuk diperbaiki" in returned
    assert "Alasan pengembalian: - → Lampiran kurang" in returned
    assert not [c for c in column(at, "Perubahan") if "{" in c or '"' in c]


def test_choice_widgets_ask_in_indonesian(app, people):
    items.submit_new(app, people["desk"], submission())
    at = open_page(app, "klasifikasi", "ppid")
    letter = next(s for s in at.selectbox if s.key.endswith("pasal17_huruf"))
    assert (letter.value, letter.proto.placeholder) == (None, "Pilih…")
    users = open_page(app, "pengguna", "admin")
    assert {m.proto.placeholder for m in users.multiselect} == {"Pilih satu atau lebih"}
    assert {s.proto.placeholder for s in users.selectbox} == {"Pilih…"}
