"""A DIK established by a parent office (KPU RI, KPU Provinsi) and adopted by reference by the offices under it."""
import json

import pytest

from lib.domain.versions import ADOPTED_PREFIX
from lib.errors import ValidationError
from lib.export import EXPORTERS
from lib.export.decree_pdf import PKPU_INFORMATION, render_decree
from lib.services import admin, auth, offices, parent_dik, publishing, versions
from lib.services.context import DEFAULT_SETTINGS, SYSTEM_ACTOR
from tests.conftest import PASSWORD
from tests.test_decree import pages_text
from tests.pg_support import pg_register_url, pg_server  # noqa: F401 (fixtures)
from tests.test_exports import EXEMPT, add

JAMBI, SAROLANGUN = "kpu-jambi", "kpu-kab-sarolangun"
PARENT_DECREE = {"nomor_keputusan": "01/PPID/KPU-JMB/I/2026", "tanggal_keputusan": "2026-01-15",
                 "tempat_keputusan": "Jambi", "penandatangan": "Hendra Saputra", "alasan_kelengkapan": "Uji"}
CHILD_DECREE = {"nomor_keputusan": "07/PPID/KPU-SRL/III/2026", "tanggal_keputusan": "2026-03-16",
                "tempat_keputusan": "Sarolangun", "penandatangan": "Rina Marlina", "alasan_kelengkapan": "Uji"}
CITATION = ("Ditetapkan oleh PPID KPU Provinsi Jambi dengan Keputusan Nomor 01/PPID/KPU-JMB/I/2026 "
            "tanggal 15 Januari 2026; diadopsi")
TENDER = {"pasal17_huruf": "d", "konsekuensi_dibuka": "Persaingan usaha tidak sehat dalam pengadaan logistik",
          "konsekuensi_ditutup": "Pengadaan tetap adil", "masa_pengecualian_tahun": 2,
          "lokasi_softcopy": "Drive/RAHASIA-LELANG", "lokasi_hardcopy": "Lemari besi 3"}


def staff(view, prefix: str) -> dict:
    specs = {"admin": (["admin"], ""), "ppid": (["ppid"], ""), "atasan": (["atasan"], ""),
             "desk": (["desk"], "Sekretariat")}
    return {name: auth.add_user(view, SYSTEM_ACTOR, f"{prefix}.{name}", f"{name} {prefix}", PASSWORD, roles,
                                unit).actor() for name, (roles, unit) in specs.items()}


@pytest.fixture
def tree(ctx):
    return build_tree(ctx)


def build_tree(ctx):
    """KPU RI → KPU Provinsi Jambi → KPU Kabupaten Sarolangun, each with its own staff."""
    offices.set_root(ctx, SYSTEM_ACTOR, "ri")
    offices.create_child(ctx, SYSTEM_ACTOR, JAMBI, "KPU Provinsi Jambi", "admin.jambi", "Admin Jambi", PASSWORD)
    jambi = ctx.for_office(JAMBI)
    offices.create_child(jambi, SYSTEM_ACTOR, SAROLANGUN, "KPU Kabupaten Sarolangun", "admin.srl", "Admin",
                         PASSWORD)
    srl = ctx.for_office(SAROLANGUN)
    return {"jambi": (jambi, staff(jambi, "jmb")), "srl": (srl, staff(srl, "srl"))}


def establish(view, people, decree, approve=True):
    v = versions.create_version(view, people["ppid"], 2026)
    v = versions.establish(view, people["ppid"], v.id, decree, v.revision)
    return versions.approve(view, people["atasan"], v.id, "Unggah", v.revision) if approve else v


def parent_established(tree):
    """Jambi's DIK, approved and uploaded; a public item, and exempt items still in draft, beside it."""
    jambi, people = tree["jambi"]
    add(jambi, people, "Rencana Strategis KPU Provinsi Jambi")
    add(jambi, people, "Dokumen lelang logistik", "dikecualikan", **TENDER)
    v = establish(jambi, people, PARENT_DECREE)
    publishing.upload(jambi, people["desk"], v.id, v.revision)
    add(jambi, people, "Catatan penyidikan yang belum ditetapkan", "dikecualikan", **EXEMPT)
    return v


def adopting(tree, on="1"):
    srl, people = tree["srl"]
    admin.update_settings(srl, people["admin"], {"dik_induk": on})
    add(srl, people, "Rencana Strategis KPU Kabupaten Sarolangun")
    add(srl, people, "Data pribadi pemilih", "dikecualikan", **EXEMPT)
    return srl, people


def adopted(rows):
    return [r for r in rows if r.item_id.startswith(ADOPTED_PREFIX)]


def test_a_child_that_adopts_freezes_the_parents_established_dik_with_its_decree(tree):
    parent = parent_established(tree)
    srl, people = adopting(tree)
    v = establish(srl, people, CHILD_DECREE, approve=False)
    rows = srl.register.snapshot(v.id)
    tender = next(r for r in tree["jambi"][0].register.snapshot(parent.id) if r.kategori == "dikecualikan")
    assert [(r.kategori, r.nomor, r.data["judul"]) for r in rows] == [
        ("berkala", 1, "Rencana Strategis KPU Kabupaten Sarolangun"), ("dikecualikan", 1, "Data pribadi pemilih"),
        ("dikecualikan", 2, "Dokumen lelang logistik")]
    assert rows[-1].item_id == ADOPTED_PREFIX + tender.item_id.partition("-")[2]
    assert rows[-1].data == {
        "judul": "Dokumen lelang logistik", "pasal17_huruf": "d", "pasal17_angka": "", "dasar_hukum_lain": "",
        "dasar_pengecualian": "", "konsekuensi_dibuka": TENDER["konsekuensi_dibuka"],
        "konsekuensi_ditutup": "Pengadaan tetap adil", "masa_pengecualian_tahun": 2, "pengecualian_permanen": False,
        "masa_pengecualian_teks": "", "diadopsi_dari": "KPU Provinsi Jambi",
        "keputusan_induk": {"nomor": "01/PPID/KPU-JMB/I/2026", "tanggal": "2026-01-15",
                            "jabatan": "PPID KPU Provinsi Jambi"}}


def test_the_childs_decree_cites_the_parents_decree_in_menimbang_and_lampiran_ii(tree):
    parent_established(tree)
    srl, people = adopting(tree)
    v = establish(srl, people, CHILD_DECREE, approve=False)
    text = " ".join(pages_text(render_decree(publishing.document(srl, v, srl.register.snapshot(v.id)))))
    pkpu = " ".join(PKPU_INFORMATION.split())
    assert ("b. bahwa Pejabat Pengelola Informasi dan Dokumentasi Komisi Pemilihan Umum Kabupaten Sarolangun telah "
            "melakukan uji konsekuensi sebagaimana dimaksud dalam Pasal 19") in text
    assert ("c. bahwa uji konsekuensi terhadap informasi yang dikecualikan yang ditetapkan dengan Keputusan Pejabat "
            "Pengelola Informasi dan Dokumentasi Komisi Pemilihan Umum Provinsi Jambi Nomor 01/PPID/KPU-JMB/I/2026 "
            "tanggal 15 Januari 2026 telah dilakukan oleh Pejabat Pengelola Informasi dan Dokumentasi Komisi "
            f"Pemilihan Umum Provinsi Jambi sesuai dengan {pkpu}, sehingga informasi tersebut dinyatakan pula "
            "sebagai informasi yang dikecualikan di Komisi Pemilihan Umum Kabupaten Sarolangun sebagaimana "
            "tercantum dalam Lampiran II;") in text
    assert "d. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, huruf b, dan huruf c" in text
    lampiran_ii = text[text.index("LAMPIRAN II"):]
    assert "Dokumen lelang logistik" in lampiran_ii and CITATION in lampiran_ii
    assert "15 Januari 2028" in lampiran_ii  # two years from the parent's decree, not the child's


def test_the_adopted_clause_cites_the_regulation_as_the_default_legal_bases_do():
    assert any(basis.startswith(PKPU_INFORMATION + " tentang Perubahan Kedua")
               for basis in json.loads(DEFAULT_SETTINGS["legal_bases"]))


def test_a_change_at_the_parent_reaches_the_childs_next_version_and_never_an_established_one(tree):
    parent_established(tree)
    srl, people = adopting(tree)
    first = establish(srl, people, CHILD_DECREE)
    publishing.upload(srl, people["desk"], first.id, first.revision)
    jambi, jmb = tree["jambi"]
    add(jambi, jmb, "Hasil audit investigasi", "dikecualikan", **EXEMPT)
    establish(jambi, jmb, PARENT_DECREE | {"nomor_keputusan": "09/PPID/KPU-JMB/III/2026",
                                           "tanggal_keputusan": "2026-03-10"})
    before = [(r.data["judul"], r.data["keputusan_induk"]["nomor"]) for r in adopted(srl.register.snapshot(first.id))]
    second = establish(srl, people, CHILD_DECREE | {"nomor_keputusan": "08/PPID/KPU-SRL/III/2026"}, approve=False)
    assert before == [("Dokumen lelang logistik", "01/PPID/KPU-JMB/I/2026")]
    assert [(r.data["judul"], r.data["keputusan_induk"]["nomor"]) for r in adopted(srl.register.snapshot(second.id))] \
        == [("Dokumen lelang logistik", "09/PPID/KPU-JMB/III/2026"),
            ("Catatan penyidikan yang belum ditetapkan", "09/PPID/KPU-JMB/III/2026"),
            ("Hasil audit investigasi", "09/PPID/KPU-JMB/III/2026")]
    assert [r.data["judul"] for r in versions.preview(srl, people["ppid"], second.id).diff.added] == [
        "Catatan penyidikan yang belum ditetapkan", "Hasil audit investigasi"]


def test_a_parent_version_not_yet_approved_is_not_adopted(tree):
    parent_established(tree)
    jambi, jmb = tree["jambi"]
    establish(jambi, jmb, PARENT_DECREE | {"nomor_keputusan": "09/PPID/KPU-JMB/III/2026"}, approve=False)
    srl, people = adopting(tree)
    v = establish(srl, people, CHILD_DECREE, approve=False)
    assert [(r.data["judul"], r.data["keputusan_induk"]["nomor"]) for r in adopted(srl.register.snapshot(v.id))] \
        == [("Dokumen lelang logistik", "01/PPID/KPU-JMB/I/2026")]


def test_a_child_with_the_setting_off_adopts_nothing(tree):
    parent_established(tree)
    srl, people = adopting(tree, on="0")
    v = establish(srl, people, CHILD_DECREE, approve=False)
    assert [r.data["judul"] for r in srl.register.snapshot(v.id)] == [
        "Rencana Strategis KPU Kabupaten Sarolangun", "Data pribadi pemilih"]


def test_the_childs_exports_list_the_adopted_exemption_and_nothing_else_of_the_parent(tree):
    parent_established(tree)
    srl, people = adopting(tree)
    v = establish(srl, people, CHILD_DECREE, approve=False)
    outputs = {(fmt, kind): publishing.export_bytes(srl, people["ppid"], v.id, fmt, kind)[1]
               for fmt in EXPORTERS for kind in ("dip", "dik")}
    texts = {key: " ".join(pages_text(data)) if key[0] == "pdf" else _text(key[0], data)
             for key, data in outputs.items()}
    for (fmt, kind), text in texts.items():
        for secret in ("Rencana Strategis KPU Provinsi Jambi", "Catatan penyidikan", "RAHASIA-LELANG",
                       "Lemari besi", "Drive/"):
            assert secret not in text, (fmt, kind, secret)
        assert ("Dokumen lelang logistik" in text) == (kind == "dik"), (fmt, kind)
    for fmt in ("csv", "xlsx", "json"):
        assert CITATION in texts[(fmt, "dik")], fmt
    assert CITATION in " ".join(texts[("pdf", "dik")].split())
    assert f"Pasal 17 huruf d UU 14/2008<br>{CITATION}" in texts[("html", "dik")]
    informasi = json.loads(outputs[("json", "dik")])["informasi"]
    assert "diadopsi" not in informasi[0] and informasi[1]["diadopsi"] == {
        "kantor": "KPU Provinsi Jambi", "keputusan": {"nomor": "01/PPID/KPU-JMB/I/2026", "tanggal": "2026-01-15",
                                                      "jabatan": "PPID KPU Provinsi Jambi"}}


def _text(fmt: str, data: bytes) -> str:
    if fmt != "xlsx":
        return data.decode("utf-8")
    import io
    from openpyxl import load_workbook
    book = load_workbook(io.BytesIO(data))
    return " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None)


def test_the_public_page_of_the_child_cites_the_parents_decree(tree):
    from lib.ui_public import item_facts
    from lib.views import public_card
    parent_established(tree)
    srl, people = adopting(tree)
    v = establish(srl, people, CHILD_DECREE)
    publishing.upload(srl, people["desk"], v.id, v.revision)
    row = adopted(publishing.latest_published(srl).rows)[0]
    assert ("Penetapan", CITATION) in item_facts(row)
    assert public_card(row).details[-1] == CITATION


def test_an_exemption_the_parent_adopted_keeps_the_office_that_established_it(ctx, tree):
    admin.update_settings(ctx, SYSTEM_ACTOR, {"office_name": "KPU Republik Indonesia",
                                              "ppid_position": "PPID KPU RI"})
    ri = staff(ctx, "ri")
    add(ctx, ri, "Dokumen pengamanan sistem informasi", "dikecualikan", **TENDER)
    establish(ctx, ri, PARENT_DECREE | {"nomor_keputusan": "1/PP.01-Kpt/2025", "tanggal_keputusan": "2025-12-01"})
    jambi, jmb = tree["jambi"]
    admin.update_settings(jambi, jmb["admin"], {"dik_induk": "1"})
    parent_established(tree)
    srl, people = adopting(tree)
    v = establish(srl, people, CHILD_DECREE, approve=False)
    assert [(r.nomor, r.data["judul"], r.data["diadopsi_dari"], r.data["keputusan_induk"]["nomor"])
            for r in adopted(srl.register.snapshot(v.id))] == [
        (2, "Dokumen lelang logistik", "KPU Provinsi Jambi", "01/PPID/KPU-JMB/I/2026"),
        (3, "Dokumen pengamanan sistem informasi", "KPU Republik Indonesia", "1/PP.01-Kpt/2025")]


def test_only_an_office_under_a_parent_may_adopt_and_the_change_is_audited(ctx, tree):
    with pytest.raises(ValidationError) as refused:
        admin.update_settings(ctx, SYSTEM_ACTOR, {"dik_induk": "1"})
    assert refused.value.fields == {"dik_induk": "Kantor ini tidak berada di bawah kantor induk; tidak ada DIK induk untuk diadopsi."}
    srl, people = tree["srl"]
    admin.update_settings(srl, people["admin"], {"dik_induk": True})
    event = srl.register.events(SAROLANGUN, newest=1)[-1]
    assert (event.action, event.actor, event.before, event.after) == (
        "pengaturan_diubah", "srl.admin", {"dik_induk": "0"}, {"dik_induk": "1"})
    assert parent_dik.adopts(srl) and not parent_dik.adopts(ctx)


def test_the_childs_staff_see_what_the_parent_established_and_another_office_cannot_ask(tree):
    from lib.errors import PermissionDenied
    parent_established(tree)
    srl, people = tree["srl"]
    found = parent_dik.established_by_parent(srl, people["ppid"])
    assert (found.office.name, found.decree.nomor, [r.data["judul"] for r in found.rows]) == (
        "KPU Provinsi Jambi", "01/PPID/KPU-JMB/I/2026", ["Dokumen lelang logistik"])
    assert "lokasi_softcopy" not in found.rows[0].data
    with pytest.raises(PermissionDenied):
        parent_dik.established_by_parent(srl, tree["jambi"][1]["ppid"])


def test_on_postgresql_the_child_adopts_through_a_read_only_view_of_its_parent_alone(
        pg_server, pg_register_url, tmp_path, monkeypatch):
    import dataclasses

    from lib.bootstrap import build_context
    from lib.domain.audit import EventSigner
    from lib.domain.models import Event
    from lib.errors import PermissionDenied
    from tests.conftest import FIXED_NOW
    from tests.pg_support import emptied
    key = b"k" * 32
    monkeypatch.delenv("SIDIP_DATABASE_URL", raising=False)
    server = emptied(pg_server, pg_register_url, key)
    ctx = dataclasses.replace(build_context(tmp_path / "data"), register=server, signer=EventSigner(key),
                              secret_key=key, now=lambda: FIXED_NOW, publish_dir=str(tmp_path / "pub"))
    try:
        tree = build_tree(ctx)
        parent = parent_established(tree)
        srl, people = adopting(tree)
        assert srl.register.list_versions(JAMBI) == [] and srl.register.snapshot(parent.id) == []  # RLS
        v = establish(srl, people, CHILD_DECREE, approve=False)
        assert [(r.nomor, r.data["judul"], r.data["diadopsi_dari"]) for r in adopted(srl.register.snapshot(v.id))] \
            == [(2, "Dokumen lelang logistik", "KPU Provinsi Jambi")]
        text = publishing.export_bytes(srl, people["ppid"], v.id, "csv", "dik")[1].decode("utf-8")
        assert CITATION in text and "Catatan penyidikan" not in text
        view = srl.register.scoped(frozenset({JAMBI}), frozenset())
        assert [r.data["judul"] for r in view.snapshot(parent.id, kategori="dikecualikan")] == [
            "Dokumen lelang logistik"]
        assert view.list_versions(SAROLANGUN) == []
        with pytest.raises(PermissionDenied, match="Data kantor lain tidak dapat diubah"):
            view.save_settings(JAMBI, {"dik_induk": "1"}, Event(action="x", actor="srl.admin", role="Admin",
                                                               entity="settings", entity_id=JAMBI, office_id=JAMBI))
    finally:
        server.close()


def settings_page(tmp_path, ctx, monkeypatch, username: str, office: str):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("SIDIP_DATA_DIR", str(tmp_path / "data"))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "pages" / "pengaturan.py"), default_timeout=60)
    at.session_state["user"] = username
    at.session_state["office"] = office
    at.session_state["epoch"] = ctx.register.get_user(username).token_epoch
    return at.run()


def test_the_settings_page_offers_adoption_only_to_an_office_under_a_parent(tmp_path, ctx, people, monkeypatch):
    single = settings_page(tmp_path, ctx, monkeypatch, "admin", ctx.office_id)
    assert not single.exception and "pengaturan:dik_induk" not in [c.key for c in single.checkbox]
    tree = build_tree(ctx)
    top = settings_page(tmp_path, ctx, monkeypatch, "admin", ctx.office_id)
    assert "pengaturan:dik_induk" not in [c.key for c in top.checkbox]
    at = settings_page(tmp_path, ctx, monkeypatch, "srl.admin", SAROLANGUN)
    box = at.checkbox(key="pengaturan:dik_induk")
    assert box.label == "Adopsi DIK yang ditetapkan KPU Provinsi Jambi (uji konsekuensi oleh kantor induk)"
    assert box.value is False
    box.check()
    [b for b in at.button if b.label == "Simpan pengaturan"][0].click().run()
    assert not at.exception and at.success[0].value == "Pengaturan disimpan."
    assert tree["srl"][0].settings()["dik_induk"] == "1" and ctx.settings()["dik_induk"] == "0"


def test_a_backup_of_the_deployment_restores_the_adopted_rows_exactly(tmp_path, ctx, people, tree):
    import shutil

    from lib.bootstrap import build_context
    from lib.services import backup
    parent_established(tree)
    srl, srl_people = adopting(tree)
    v = establish(srl, srl_people, CHILD_DECREE, approve=False)
    data = backup.backup_xlsx(ctx, SYSTEM_ACTOR)  # the server's backup of the whole deployment
    (tmp_path / "other").mkdir()
    shutil.copy(tmp_path / "data" / "secret.key", tmp_path / "other" / "secret.key")
    other = build_context(tmp_path / "other")
    backup.restore_xlsx(other, SYSTEM_ACTOR, data)
    assert other.register.snapshot(v.id) == srl.register.snapshot(v.id)
    assert len(adopted(other.register.snapshot(v.id))) == 1
