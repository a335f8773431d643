"""UU 14/2008 Pasal 20: the exemption period is kept as the officer entered it."""
from __future__ import annotations

import pytest

from conftest import classification, submission
from lib.errors import ValidationError
from lib.services import items
from test_pages import app, open_page, press, fill  # noqa: F401  (app is a fixture)

GROUND = {"konsekuensi_dibuka": "Membuka alamat pemilih memudahkan penipuan",
          "konsekuensi_ditutup": "Kepentingan publik tidak dirugikan"}


def classify_exempt(ctx, people, judul="Data Pribadi Pemilih", **extra):
    item = items.submit_new(ctx, people["desk"], submission(judul))
    data = classification(item, "dikecualikan", **GROUND, **extra)
    return items.classify(ctx, people["ppid"], item.id, data, item.revision)


@pytest.mark.parametrize("letter", ["g", "h", "i", "j"])
def test_a_period_typed_under_letters_g_to_j_is_kept_and_not_made_permanent(ctx, people, letter):
    saved = classify_exempt(ctx, people, pasal17_huruf=letter, masa_pengecualian_tahun=5,
                            pengecualian_permanen=False, dasar_hukum_lain="UU 27/2022")
    assert (saved.masa_pengecualian_tahun, saved.pengecualian_permanen) == (5, False)


@pytest.mark.parametrize("letter", ["g", "h", "i", "j"])
def test_letters_g_to_j_without_a_period_are_permanent_by_default(ctx, people, letter):
    saved = classify_exempt(ctx, people, pasal17_huruf=letter, dasar_hukum_lain="UU 27/2022")
    assert (saved.masa_pengecualian_tahun, saved.pengecualian_permanen) == (None, True)


@pytest.mark.parametrize("letter", list("abcdef"))
def test_permanent_is_refused_under_letters_a_to_f(ctx, people, letter):
    with pytest.raises(ValidationError) as err:
        classify_exempt(ctx, people, pasal17_huruf=letter, pengecualian_permanen=True)
    assert err.value.fields == {"masa_pengecualian": (
        f"Pengecualian berdasarkan Pasal 17 huruf {letter} tidak dapat permanen (UU 14/2008 Pasal 20). "
        "Isi jangka waktunya dalam tahun.")}


def test_letters_a_to_f_without_a_period_ask_for_one(ctx, people):
    with pytest.raises(ValidationError) as err:
        classify_exempt(ctx, people, pasal17_huruf="c")
    assert err.value.fields == {"masa_pengecualian": (
        "Isi jangka waktu pengecualian dalam tahun (1–100) atau tandai sebagai permanen "
        "(hanya Pasal 17 huruf g sampai j).")}


def test_a_period_and_permanent_together_are_refused_rather_than_guessed(ctx, people):
    with pytest.raises(ValidationError) as err:
        classify_exempt(ctx, people, pasal17_huruf="h", masa_pengecualian_tahun=3, pengecualian_permanen=True)
    assert err.value.fields == {"masa_pengecualian": (
        "Anda mengisi jangka waktu 3 tahun dan menandai permanen. Pilih salah satu: kosongkan jangka waktu, "
        "atau hapus tanda permanen.")}


def test_the_form_keeps_a_period_typed_under_letter_h_with_permanent_unticked(app, people):
    item = items.submit_new(app, people["desk"], submission("Data Pribadi Pemilih"))
    at = open_page(app, "klasifikasi", "ppid")
    form = f"klas-{item.id}"
    at.selectbox(key=f"{form}:0:kategori").set_value("dikecualikan")
    at.selectbox(key=f"{form}:0:pasal17_huruf").set_value("h")
    at.number_input(key=f"{form}:0:masa").set_value(5)
    fill(at, form, lokasi_softcopy="Drive/PPID", lokasi_hardcopy="Rak 2", **GROUND)
    at = press(at, "Simpan klasifikasi")
    assert not at.exception and not at.error
    saved = app.register.get_item(item.id)
    assert (saved.pasal17_huruf, saved.masa_pengecualian_tahun, saved.pengecualian_permanen) == ("h", 5, False)


def test_the_form_offers_permanent_under_g_to_j_only_when_no_period_is_recorded(app, people):
    permanent = classify_exempt(app, people, pasal17_huruf="h")
    dated = classify_exempt(app, people, "Rekam Medis Petugas", pasal17_huruf="h", masa_pengecualian_tahun=4)
    ticked = {}
    for index in (0, 1):
        at = open_page(app, "klasifikasi", "ppid")
        at = at.selectbox(key="klas:pilih").select_index(index).run()
        chosen = at.selectbox(key="klas:pilih").value.item.id
        ticked[chosen] = at.checkbox(key=f"klas-{chosen}:0:permanen").value
    assert ticked == {permanent.id: True, dated.id: False}


def test_a_ground_written_in_full_and_a_period_in_words_are_kept_and_published_as_written(ctx, people):
    ground = "Pasal 17 huruf h angka 4 UU 14/2008 jo. Pasal 4 UU 27/2022 tentang Pelindungan Data Pribadi"
    saved = classify_exempt(ctx, people, pasal17_huruf="h", pasal17_angka="4", dasar_pengecualian=ground,
                            masa_pengecualian_teks="Selama masih berlaku", pengecualian_permanen=False)
    assert (saved.dasar_pengecualian, saved.masa_pengecualian_teks, saved.pengecualian_permanen,
            saved.masa_pengecualian_tahun) == (ground, "Selama masih berlaku", False, None)
    from lib.domain.models import SnapshotRow
    from lib.domain.versions import SNAPSHOT_FIELDS
    from lib.export.document import dik_record
    row = SnapshotRow("v", saved.id, 1, "dikecualikan", {f: getattr(saved, f) for f in SNAPSHOT_FIELDS})
    record = dik_record(row, None)
    assert (record["dasar_pengecualian"], record["jangka_waktu"]) == (ground, "Selama masih berlaku")
    public = items.classify(ctx, people["ppid"], saved.id, classification(saved, "berkala"), saved.revision)
    assert (public.dasar_pengecualian, public.masa_pengecualian_teks) == ("", "")
