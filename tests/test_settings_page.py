"""Pengaturan: the admin edits office settings, reminder addresses and the decree's wording."""
import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.conftest import UNIT_A

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "pengaturan.py")


def open_as_admin(tmp_path, ctx, monkeypatch):
    monkeypatch.setenv("SIDIP_DATA_DIR", str(tmp_path / "data"))
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["user"] = "admin"
    at.session_state["epoch"] = ctx.register.get_user("admin").token_epoch
    return at.run()


def test_the_admin_saves_reminder_addresses_legal_bases_and_nip_rule(tmp_path, ctx, people, monkeypatch):
    at = open_as_admin(tmp_path, ctx, monkeypatch)
    at.text_area(key="pengaturan:unit_emails").input(f"{UNIT_A} = sekretariat@kpu.go.id")
    at.text_area(key="pengaturan:legal_bases").input("UU 14/2008\nPerki 1/2021")
    at.checkbox(key="pengaturan:nip").check()
    at.text_input(key="pengaturan:ppid_email").input("ppid@kpu.go.id")
    [b for b in at.button if b.label == "Simpan pengaturan"][0].click().run()
    assert not at.exception and at.success[0].value == "Pengaturan disimpan."
    stored = ctx.settings()
    assert json.loads(stored["unit_emails"]) == {UNIT_A: "sekretariat@kpu.go.id"}
    assert json.loads(stored["legal_bases"]) == ["UU 14/2008", "Perki 1/2021"]
    assert (stored["publish_nip"], stored["ppid_email"]) == ("1", "ppid@kpu.go.id")


def test_a_bad_address_is_refused_and_the_typed_text_stays(tmp_path, ctx, people, monkeypatch):
    at = open_as_admin(tmp_path, ctx, monkeypatch)
    at.text_input(key="pengaturan:ppid_email").input("bukan-surel")
    at.text_input(key="pengaturan:sla_days").input("nol")
    [b for b in at.button if b.label == "Simpan pengaturan"][0].click().run()
    assert "Alamat surel tidak valid" in at.error[0].value and "Isi angka antara 1 dan 60." in at.error[0].value
    assert at.text_input(key="pengaturan:ppid_email").value == "bukan-surel"
    assert ctx.settings()["ppid_email"] == "" and ctx.settings()["sla_days"] == "5"


def test_the_admin_sets_the_ppid_appointment_decree_cited_on_the_decree(tmp_path, ctx, people, monkeypatch):
    at = open_as_admin(tmp_path, ctx, monkeypatch)
    assert at.text_area(key="pengaturan:ppid_appointment_decree").value == ""
    assert any(c.value.endswith("Belum ada kop surat.") for c in at.caption)
    typed = "Keputusan Ketua KPU Kabupaten Sarolangun Nomor 5 Tahun 2026\ntentang Penetapan PPID"
    at.text_area(key="pengaturan:ppid_appointment_decree").input(typed)
    [b for b in at.button if b.label == "Simpan pengaturan"][0].click().run()
    assert not at.exception and at.success[0].value == "Pengaturan disimpan."
    assert ctx.settings()["ppid_appointment_decree"] == ("Keputusan Ketua KPU Kabupaten Sarolangun Nomor 5 Tahun "
                                                         "2026 tentang Penetapan PPID")
    assert ctx.settings()["letterhead"] == ""


def test_the_admin_raises_the_file_limit_and_is_told_the_server_limit_must_follow(tmp_path, ctx, people, monkeypatch):
    at = open_as_admin(tmp_path, ctx, monkeypatch)
    assert at.text_input(key="pengaturan:batas_berkas_mb").value == "20" and not at.warning
    at.text_input(key="pengaturan:batas_berkas_mb").input("500")
    [b for b in at.button if b.label == "Simpan pengaturan"][0].click().run()
    assert "Isi angka antara 1 dan 200." in at.error[0].value and ctx.settings()["batas_berkas_mb"] == "20"
    at.text_input(key="pengaturan:batas_berkas_mb").input("50")
    [b for b in at.button if b.label == "Simpan pengaturan"][0].click().run()
    assert ctx.settings()["batas_berkas_mb"] == "50"
    at.run()
    assert [w.value for w in at.warning] == [
        "Server menolak unggahan di atas 20 MB (maxUploadSize di .streamlit/config.toml); "
        "naikkan juga nilai itu agar batas 50 MB berlaku."]
