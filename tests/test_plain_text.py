"""What users typed is what they get: user text never becomes a link, bold text or HTML on a page."""
from __future__ import annotations

from datetime import date

import pytest

from conftest import UNIT_A, submission
from lib import ui
from lib.services import auth, items, versions
from lib.services.context import SYSTEM_ACTOR
from test_pages import app, column, fill, open_page, press  # noqa: F401  (app is a fixture)

MARKUP = "[unggah di sini](https://contoh.test) **tebal** <b>x</b>"
SHOWN = ui.plain(MARKUP)
RAW = ("[unggah di sini](", "**tebal**", "<b>")


def rendered(at) -> list[str]:
    """Every text Streamlit renders as Markdown: messages, captions, headings and widget labels."""
    bodies = [e.value for kind in ("markdown", "caption", "info", "warning", "error", "success", "title",
                                   "subheader") for e in getattr(at, kind)]
    labels = [e.label for kind in ("expander", "button", "text_input", "text_area", "checkbox", "selectbox",
                                   "multiselect", "radio") for e in getattr(at, kind)]
    return [str(t) for t in bodies + labels]


def assert_shown_as_typed(at) -> None:
    assert not at.exception
    shown = rendered(at)
    assert [t for t in shown if any(raw in t for raw in RAW)] == []
    assert [t for t in shown if SHOWN in t], "the user's text is on the page, escaped"


def establish(ctx, people, version):
    decree = {"nomor_keputusan": MARKUP, "tanggal_keputusan": date(2026, 3, 17), "tempat_keputusan": MARKUP,
              "penandatangan": MARKUP, "alasan_kelengkapan": MARKUP}
    return versions.establish(ctx, people["ppid"], version.id, decree, version.revision)


def sent_back_draft(ctx, people):
    item = items.submit_new(ctx, people["desk"], submission("Laporan Keuangan 2025"))
    data = {**submission("Laporan Keuangan 2025"), "kategori": "berkala", "lokasi_softcopy": "Drive",
            "lokasi_hardcopy": "Rak 2"}
    items.classify(ctx, people["ppid"], item.id, data, item.revision)
    v = establish(ctx, people, versions.create_version(ctx, people["ppid"], 2026))
    return versions.send_back(ctx, people["atasan"], v.id, MARKUP, v.revision)


def test_plain_helper_escapes_links_emphasis_html_and_line_starts():
    j = ui.WORD_JOINER
    assert ui.plain(MARKUP) == rf"\[unggah di sini\](https{j}:{j}//contoh.test) \*\*tebal\*\* \<b\>x\</b\>"
    assert ui.plain("# Judul\n- butir\n1. satu\nwww.contoh.test a_b $x$ ppid@kpu.go.id :smile:") == (
        f"\\# Judul\n\\- butir\n1\\. satu\nwww{j}.contoh.test a\\_b \\$x\\$ ppid{j}@kpu.go.id :{j}smile:")
    assert ui.plain("Periksa kembali isian berikut: 100.000 karakter, pukul 09:00.") == (
        "Periksa kembali isian berikut: 100.000 karakter, pukul 09:00.")


def test_beranda_shows_the_atasan_note_on_a_sent_back_dip_as_typed(app, people):
    sent_back_draft(app, people)
    assert_shown_as_typed(open_page(app, "beranda", "ppid"))


def test_permintaan_shows_the_request_note_and_the_return_reason_as_typed(app, people):
    items.open_request(app, people["ppid"], UNIT_A, MARKUP, MARKUP)
    returned = items.submit_new(app, people["desk"], submission(MARKUP))
    items.return_item(app, people["ppid"], returned.id, MARKUP, returned.revision)
    at = open_page(app, "permintaan", "desk")
    assert column(at, "Judul") == [MARKUP, MARKUP]
    for index in (1, 2):
        at = at.selectbox(key="serah:pilih").select_index(index).run()
        assert_shown_as_typed(at)


def test_klasifikasi_shows_a_refused_link_in_its_message_as_typed(app, people):
    item = items.submit_new(app, people["desk"], submission(MARKUP))
    at = open_page(app, "klasifikasi", "ppid")
    fill(at, f"klas-{item.id}", tautan=MARKUP, lokasi_softcopy="Drive", lokasi_hardcopy="Rak 2")
    at = press(at, "Simpan klasifikasi")
    assert len(at.error) == 1
    assert_shown_as_typed(at)


def test_penetapan_shows_the_decree_and_the_send_back_note_as_typed(app, people):
    sent_back_draft(app, people)
    assert_shown_as_typed(open_page(app, "penetapan", "ppid"))


def test_persetujuan_shows_the_decree_and_the_ppid_reason_as_typed(app, people):
    v = sent_back_draft(app, people)
    establish(app, people, v)
    at = open_page(app, "persetujuan", "atasan")
    assert_shown_as_typed(at)
    assert f"Keputusan PPID Nomor **{SHOWN}** tanggal 17 Maret 2026, di {SHOWN}, oleh {SHOWN}." in [
        e.value for e in at.markdown]


def test_riwayat_shows_notes_as_typed_in_its_table(app, people):
    item = items.submit_new(app, people["desk"], submission(MARKUP))
    items.return_item(app, people["ppid"], item.id, MARKUP, item.revision)
    at = open_page(app, "riwayat", "ppid")
    assert not at.exception
    assert MARKUP in column(at, "Catatan")
    assert [t for t in rendered(at) if any(raw in t for raw in RAW)] == []


@pytest.mark.parametrize("name", ["**Budi**", "<b>Budi</b>"])
def test_the_sidebar_shows_a_users_full_name_as_typed(app, people, name):
    auth.add_user(app, SYSTEM_ACTOR, "markah", name, "rahasia-panjang-1", ["desk"], UNIT_A)
    at = open_page(app, "app", "markah")
    assert not at.exception
    assert f"**{ui.plain(name)}**  \nDesk Pelayanan  \nSekretariat" in [e.value for e in at.sidebar.markdown]
