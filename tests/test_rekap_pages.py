"""Rekap Kantor, the drill-down to an office's dashboard and Kantor, run headless through AppTest."""
from __future__ import annotations

import subprocess

import pytest

import office_tree
from lib import rekap_views
from lib.services import rollup
from test_pages import column, fill, open_page, press, texts, values


@pytest.fixture
def tree(tmp_path, ctx, clock, monkeypatch):
    monkeypatch.setenv("SIDIP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SIDIP_PUBLISH_DIR", str(tmp_path / "publik-app"))
    return office_tree.build(ctx, clock)


def test_a_national_pemantau_sees_every_office_below_with_charts_and_downloads(tree):
    at = open_page(tree.ctx, "rekap", "pemantau.ri")
    assert not at.exception
    assert column(at, "Kode") == ["kpu-jambi", "kpu-sumbar", "kpu-merangin", "kpu-srl", "kpu-padang"]
    assert len(at.get("plotly_chart")) == 2
    assert [b.label for b in at.get("download_button")] == ["Unduh XLSX", "Unduh PDF"]


def test_a_provincial_pemantau_sees_only_its_kabupaten_and_filters_narrow_the_table(tree):
    at = open_page(tree.ctx, "rekap", "pemantau.jambi")
    assert column(at, "Kode") == ["kpu-merangin", "kpu-srl"]
    at.selectbox(key="rekap:status").set_value("terkini").run()
    assert column(at, "Kantor") == ["KPU Kabupaten Sarolangun"]
    at.selectbox(key="rekap:status").set_value("").run()
    at.text_input(key="rekap:cari").input("merangin").run()
    assert column(at, "Kantor") == ["KPU Kabupaten Merangin"]


@pytest.mark.parametrize("user", ["desk.jambi", "admin.jambi"])
def test_an_office_user_who_is_not_a_pemantau_is_refused(tree, user):
    at = open_page(tree.ctx, "rekap", user)
    assert values(at.error) == ["Halaman Rekap Kantor hanya untuk Pemantau."] and not at.dataframe


def open_dashboard(tree, user: str, kantor: str):
    from streamlit.testing.v1 import AppTest
    from test_pages import ROOT
    at = AppTest.from_file(str(ROOT / "pages" / "dasbor.py"), default_timeout=60)
    at.session_state["user"], at.session_state["epoch"] = user, tree.ctx.register.get_user(user).token_epoch
    at.query_params["kantor"], at.query_params["periode"] = kantor, "12b"
    return at.run()


def test_the_drill_down_opens_the_office_own_dashboard_read_only(tree):
    at = open_dashboard(tree, "pemantau.jambi", "kpu-merangin")
    assert not at.exception
    assert "KPU Kabupaten Merangin — tampilan pemantau, hanya baca." in values(at.caption)
    assert [m.label for m in at.metric][:3] == ["Tepat waktu", "Median hari kerja", "Lewat tenggat kini"]
    assert at.metric[2].value == "1"
    assert not at.text_input and not at.text_area  # nothing to write with


def test_the_drill_down_refuses_an_office_outside_the_pemantau_tree(tree):
    at = open_dashboard(tree, "pemantau.jambi", "kpu-padang")
    assert values(at.error) == ["Kantor itu tidak berada di bawah kantor Anda."] and not at.metric


def test_the_monthly_report_pdf_has_title_date_office_and_page_numbers(tree, tmp_path):
    frame = rollup.rollup(tree.ctx, tree.pemantau, "12b")
    pdf = rekap_views.pdf(frame, "KPU Republik Indonesia", tree.ctx.today(), "12 bulan terakhir")
    path = tmp_path / "rekap.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Rekap Kepatuhan DIP Kantor di Bawah KPU Republik Indonesia" in text
    assert "Keadaan per 9 April 2026; penyerahan tepat waktu: 12 bulan terakhir." in text
    assert "Halaman 1 dari 1" in text and "Per kantor" in text
    assert all(place in text for place in ("Sarolangun", "Merangin", "Padang", "Sumatera Barat"))


def test_kantor_creates_a_child_office_with_its_admin_and_a_taken_username_keeps_the_form(tree):
    at = open_page(tree.ctx, "kantor", "admin.jambi")
    assert column(at, "Kode") == ["kpu-merangin", "kpu-srl"]
    assert column(at, "Halaman publik") == ["/dip?kantor=kpu-merangin", "/dip?kantor=kpu-srl"]
    typed = {"code": "kpu-batanghari", "name": "KPU Kabupaten Batang Hari", "username": "desk.srl",
             "full_name": "Admin Batang Hari", "pw": "kata-sandi-panjang-1"}
    fill(at, "kantor-baru", **typed)
    at = press(at, "Buat kantor")
    assert "desk.srl" in texts(at) and "sudah" in texts(at)
    assert [w.value for w in at.text_input] == list(typed.values())
    at.text_input(key="kantor-baru:0:username").input("admin.batanghari")
    at = press(at, "Buat kantor")
    assert values(at.success) == ["Kantor KPU Kabupaten Batang Hari dibuat dengan admin admin.batanghari."]
    assert column(at, "Kode") == ["kpu-batanghari", "kpu-merangin", "kpu-srl"]
    assert tree.ctx.register.get_user("admin.batanghari").office_id == "kpu-batanghari"


def test_kantor_tells_a_kabupaten_admin_that_no_office_is_made_below_it(tree):
    at = open_page(tree.ctx, "kantor", "admin.srl")
    assert values(at.info) == ["Kantor anak hanya dapat dibuat oleh admin KPU RI atau KPU Provinsi."]
    assert not at.text_input


def overdue_by_office(at) -> dict:
    table = next(df.value for df in at.dataframe if "Kode" in df.value.columns)
    return dict(zip(table["Kode"], table["Lewat tenggat"]))


def test_a_change_in_an_office_below_shows_in_the_rollup_on_its_next_run(tree):
    from lib.services import items
    at = open_page(tree.ctx, "rekap", "pemantau.ri")
    before, first = overdue_by_office(at), rollup.revision(tree.ctx, tree.pemantau)
    srl, ppid = tree.view("kpu-srl"), tree.staff["kpu-srl"]["ppid"]
    overdue = [v.item for v in items.visible_items(srl, ppid) if v.item.status == "diminta"][0]
    items.withdraw(srl, ppid, overdue.id, "Tidak jadi", overdue.revision)  # a write in a regency only
    assert rollup.revision(tree.ctx, tree.pemantau) != first
    after = overdue_by_office(at.run())
    assert after == {**before, "kpu-srl": before["kpu-srl"] - 1}  # not the cached answer of the first run


def test_the_charts_speak_indonesian_on_every_axis(tree):
    frame = rollup.rollup(tree.ctx, tree.pemantau)
    for fig in (rekap_views.on_time_chart(frame), rekap_views.status_chart(frame)):
        titles = [fig.layout.title.text, fig.layout.xaxis.title.text, fig.layout.yaxis.title.text]
        assert all(titles) and not {"count", "value", "variable"} & {t.lower() for t in titles}, titles


def test_an_office_that_moved_out_leaves_the_rollup_is_named_beside_it_and_shows_as_moved_on_kantor(tree):
    from lib.domain.models import Event
    from lib.domain.offices import MOVED_OUT_KEY
    srl = tree.ctx.for_office("kpu-srl")
    srl.register.save_settings("kpu-srl", {MOVED_OUT_KEY: "2026-03-16"},
                               Event("kantor_pindah_keluar", "sistem", "", "office", "kpu-srl", office_id="kpu-srl"))
    at = open_page(tree.ctx, "rekap", "pemantau.jambi")
    assert column(at, "Kode") == ["kpu-merangin"]
    assert [c.value for c in at.caption][0] == ("Tidak direkap karena telah pindah keluar dari SIDIP ini: "
                                                "KPU Kabupaten Sarolangun (kpu-srl, sejak 16 Maret 2026).")
    at = open_page(tree.ctx, "kantor", "admin.jambi")
    assert column(at, "Status") == ["Aktif", "Pindah keluar 16 Maret 2026"]


def test_an_open_session_of_an_office_that_moved_out_ends_at_its_next_page_with_the_reason(tree):
    from lib.domain.models import Event
    from lib.domain.offices import MOVED_OUT_KEY
    tree.ctx.for_office("kpu-srl").register.save_settings(
        "kpu-srl", {MOVED_OUT_KEY: "2026-03-16"},
        Event("kantor_pindah_keluar", "sistem", "", "office", "kpu-srl", office_id="kpu-srl"))
    at = open_page(tree.ctx, "app", "admin.srl")
    assert not at.exception and "user" not in at.session_state
    assert "Kantor ini telah pindah keluar dari SIDIP ini pada 16 Maret 2026" in texts(at)
