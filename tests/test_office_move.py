"""An office moves from its own register (SQLite, Google Sheets) into a PostgreSQL deployment of many offices,
and back out to a single-office register: the same data, a verified chain, other offices untouched."""
import dataclasses
import hashlib
import io
import secrets
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lib.domain.audit import EventSigner, verify_chain
from lib.domain.models import DEFAULT_OFFICE
from lib.errors import AuthError, PermissionDenied, SidipError, ValidationError
from lib.services import admin, auth, backup, items, office_move, offices, rollup
from lib.services.context import SYSTEM_ACTOR, AppContext
from lib.services.office_rekey import office_rows
from lib.store.filestore import LocalFileStore
from lib.store.postgres import PostgresRegister
from tests.conftest import PASSWORD, UNIT_A
from tests.pg_support import pg_server  # noqa: F401 (fixture)
from tests.test_backup import fill

CODE = "kpu-kab-sarolangun"
NAME = "KPU Kabupaten Sarolangun"
DEPLOYMENT_KEY = secrets.token_hex(32).encode()
TARGET_KEY = secrets.token_hex(32).encode()
SIGNATURES = ("_mac", "mac", "_rows")


@pytest.fixture
def deployment(pg_server, tmp_path, clock):  # noqa: F811
    """A PostgreSQL deployment holding two offices already: KPU RI (the default office id, as a fresh install
    names it) and KPU Provinsi Jambi, each with a user and an item."""
    register = PostgresRegister(pg_server.create_database(), EventSigner(DEPLOYMENT_KEY), pool_size=4)
    register.init()
    dep = AppContext(register, EventSigner(DEPLOYMENT_KEY), DEPLOYMENT_KEY, now=clock, data_dir=str(tmp_path / "dep"),
                     publish_dir=str(tmp_path / "dep-publik"), files=LocalFileStore(tmp_path / "dep" / "berkas"))
    admin.update_settings(dep, SYSTEM_ACTOR, {"office_name": "KPU Republik Indonesia"})
    offices.set_root(dep, SYSTEM_ACTOR, "ri")
    offices.create_child(dep, SYSTEM_ACTOR, "kpu-jambi", "KPU Provinsi Jambi", "admin.jambi", "Admin Jambi", PASSWORD)
    for office, user in ((dep, "ppid.ri"), (dep.for_office("kpu-jambi"), "ppid.jambi")):
        ppid = auth.add_user(office, SYSTEM_ACTOR, user, "PPID", PASSWORD, ["ppid"]).actor()
        items.open_request(office, ppid, UNIT_A, f"Renstra {office.office_id}")
    yield dep
    register.close()


def comparable(tables: dict, drop=("office_id", *SIGNATURES, "storage_ref")) -> dict:
    """Rows without what a move changes by design: the office, the signatures, where the bytes are kept."""
    return {t: [{k: v for k, v in row.items() if k not in drop} for row in rows] for t, rows in tables.items()}


def others(dep: AppContext) -> dict:
    dump = dep.register.dump()
    return {office: office_rows(dump, office) for office in (DEFAULT_OFFICE, "kpu-jambi")}


def moved_in(dep: AppContext, data: bytes, key: bytes, **kw) -> office_move.MoveIn:
    return office_move.move_in(dep.for_office("kpu-jambi"), SYSTEM_ACTOR, data, kw.pop("code", CODE), NAME, key, **kw)


def test_an_office_moves_into_postgresql_beside_two_others_and_back_out_to_sqlite_unchanged(
        ctx, people, deployment, tmp_path, monkeypatch):
    fill(ctx, people)
    data = backup.backup_xlsx(ctx, people["admin"])
    source = ctx.register.dump()
    before = others(deployment)

    done = moved_in(deployment, data, ctx.secret_key)
    assert (done.office, done.source_office, done.users) == (
        offices.tree.Office(CODE, NAME, "kabkota", "kpu-jambi"), DEFAULT_OFFICE, {})
    office = deployment.for_office(CODE)
    mine = office_rows(deployment.register.dump(), CODE)
    assert comparable(mine)["items"] == comparable(source)["items"]
    for table in ("holidays", "users", "items", "versions", "version_items", "attachments"):
        assert comparable(mine)[table] == comparable(source)[table], table
    assert comparable(mine)["events"][:-1] == comparable(source)["events"]
    settings = {r["key"]: r["value"] for r in mine["settings"]}
    assert settings == {**{r["key"]: r["value"] for r in source["settings"]}, "office_name": NAME,
                        "office_level": "kabkota", "office_parent": "kpu-jambi"}
    last = office.register.events(CODE)[-1]
    assert (last.action, last.office_id, last.prev_id) == ("kantor_pindah_masuk", CODE, source["events"][-1]["id"])
    assert last.after == {
        "sha256_cadangan": hashlib.sha256(data).hexdigest(), "kantor_asal": DEFAULT_OFFICE,
        "peristiwa_terakhir_asal": source["events"][-1]["id"], "mac_terakhir_asal": source["events"][-1]["mac"],
        "jumlah_baris": {t: len(mine[t]) - (t == "events") for t in mine}, "induk": "kpu-jambi",
        "tingkat": "kabkota", "nama": NAME, "pengguna_diganti": {}}
    assert verify_chain(office.register.events(CODE), deployment.signer).ok
    assert deployment.register.integrity_problems() == []
    exempt = deployment.register._tuples("SELECT exemption_terms IS NULL FROM version_items WHERE office_id = ? "
                                         "AND kategori = 'dikecualikan'", (CODE,))
    assert exempt and not any(missing for (missing,) in exempt)  # the roll-up's terms are derived on the way in
    for att in office.register.list_attachments(CODE):
        assert att.storage_ref.startswith(f"{CODE}/")
        assert hashlib.sha256(office.file_store().get(att.storage_ref)).hexdigest() == att.sha256
    after = others(deployment)
    assert after[DEFAULT_OFFICE] == before[DEFAULT_OFFICE]
    assert after["kpu-jambi"]["events"][:-1] == before["kpu-jambi"]["events"]
    assert after["kpu-jambi"]["events"][-1]["action"] == "kantor_anak_pindah_masuk"
    assert {t: r for t, r in after["kpu-jambi"].items() if t != "events"} == {
        t: r for t, r in before["kpu-jambi"].items() if t != "events"}
    assert [o.id for o in offices.tree.children(offices.all_offices(deployment), "kpu-jambi")] == [CODE]

    token = auth.issue_token(deployment, deployment.register.get_user("ppid"))
    out = office_move.move_out(office, SYSTEM_ACTOR, TARGET_KEY)
    office_move.close_moved_out(office, out)
    closed = "Kantor ini telah pindah keluar dari SIDIP ini pada 17 Maret 2026: datanya di sini hanya arsip."
    assert office.moved_out() == "2026-03-17" and office.register.events(CODE)[-1].action == "kantor_pindah_keluar"
    with pytest.raises(AuthError, match=f"^{closed}"):
        auth.login(deployment, "ppid", PASSWORD)  # refused before any password is checked or anything written
    with pytest.raises(AuthError, match=f"^{closed}"):
        auth.user_from_token(deployment, token)  # an open session ends at its next page
    with pytest.raises(PermissionDenied, match=f"^{closed}"):
        items.open_request(office, office.register.get_user("ppid").actor(), UNIT_A, "Permintaan sesudah pindah")
    assert office.register.events(CODE)[-1].action == "kantor_pindah_keluar"  # nothing written after the move
    jambi = deployment.for_office("kpu-jambi")
    pemantau = auth.add_user(jambi, SYSTEM_ACTOR, "pemantau.jambi", "Pemantau", PASSWORD, ["pemantau"]).actor()
    assert [o.id for o in rollup.moved_out(jambi, pemantau)] == [CODE]
    assert rollup.rollup(jambi, pemantau).empty  # its only office below has left
    office_move.close_moved_out(office, office_move.move_out(office, SYSTEM_ACTOR, TARGET_KEY))  # a second copy
    assert office.moved_out() == "2026-03-17"
    monkeypatch.setenv("SIDIP_SECRET_KEY", TARGET_KEY.decode())
    from lib.bootstrap import build_context
    fresh = build_context(tmp_path / "baru")
    backup.restore_xlsx(fresh, SYSTEM_ACTOR, out.content)
    back = fresh.register.dump()
    assert comparable(back, SIGNATURES) == {**comparable(source, SIGNATURES), "settings": [
        {"office_id": DEFAULT_OFFICE, "key": k, "value": NAME if k == "office_name" else v}
        for k, v in sorted(settings.items()) if k not in ("office_level", "office_parent")],
        "events": comparable(back, SIGNATURES)["events"]}
    assert comparable(back, SIGNATURES)["events"][:-2] == comparable(source, SIGNATURES)["events"]
    assert [e["action"] for e in back["events"][-2:]] == ["kantor_pindah_masuk", "kantor_pindah_keluar"]
    assert verify_chain(fresh.register.events(DEFAULT_OFFICE), fresh.signer).ok
    assert fresh.register.integrity_problems() == []
    for att in fresh.register.list_attachments(DEFAULT_OFFICE):
        assert fresh.file_store().get(att.storage_ref) == ctx.file_store().get(att.storage_ref)
    assert offices.all_offices(fresh) == []  # a single office again


def _typed_over(data: bytes) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    wb["items"]["C2"] = "Judul diubah di Excel"
    wb["items"]["C2"].data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("change,key,message", [
    (_typed_over, None, "Kantor tidak dipindahkan: Cadangan telah diubah: lembar items baris 2 tidak cocok"),
    (None, secrets.token_hex(32).encode(), "Kantor tidak dipindahkan: Jejak audit dalam cadangan tidak cocok "
                                           "dengan kunci rahasia"),
], ids=["diubah", "kunci-lain"])
def test_a_tampered_backup_or_the_wrong_source_key_is_refused_and_nothing_is_written(
        ctx, people, deployment, change, key, message):
    fill(ctx, people)
    data = backup.backup_xlsx(ctx, people["admin"])
    before = deployment.register.dump()
    with pytest.raises(SidipError, match=f"^{message}"):
        moved_in(deployment, change(data) if change else data, key or ctx.secret_key)
    assert deployment.register.dump() == before
    assert not (Path(deployment.data_dir) / "berkas" / CODE).exists()


def test_a_username_taken_in_the_deployment_is_refused_and_a_prefix_renames_the_office_users_everywhere(
        ctx, people, deployment):
    fill(ctx, people)
    data = backup.backup_xlsx(ctx, people["admin"])
    auth.add_user(deployment, SYSTEM_ACTOR, "ppid", "PPID RI", PASSWORD, ["ppid"])
    auth.add_user(deployment, SYSTEM_ACTOR, "desk.b", "Desk RI", PASSWORD, ["desk"], UNIT_A)
    before = deployment.register.dump()
    with pytest.raises(SidipError) as err:
        moved_in(deployment, data, ctx.secret_key)
    assert str(err.value) == ("Nama pengguna sudah dipakai di deployment ini: desk.b, ppid. Pindahkan dengan awalan "
                              "nama pengguna untuk kantor ini (--awalan-pengguna AWALAN: admin menjadi AWALAN.admin).")
    assert deployment.register.dump() == before

    done = moved_in(deployment, data, ctx.secret_key, user_prefix="srl")
    assert done.users == {u: f"srl.{u}" for u in ("admin", "atasan", "desk", "desk.b", "ppid")}
    office = deployment.for_office(CODE)
    mine = office_rows(deployment.register.dump(), CODE)
    assert [u["username"] for u in mine["users"]] == sorted(done.users.values())
    named = {e.actor for e in office.register.events(CODE)}
    assert named == {"sistem", "srl.admin", "srl.ppid", "srl.desk", "srl.atasan"}
    classified = [i for i in office.register.list_items(CODE) if i.status == "diklasifikasi"]
    assert {(i.submitted_by, i.classified_by) for i in classified} == {("srl.desk", "srl.ppid")}
    history = office.register.list_versions(CODE)[0].history
    assert {h["oleh"] for h in history} == {"srl.ppid", "srl.atasan", "srl.desk"}
    assert office.register.events(CODE)[-1].after["pengguna_diganti"] == done.users
    assert verify_chain(office.register.events(CODE), deployment.signer).ok
    assert deployment.register.integrity_problems() == []
    assert auth.login(office, "srl.ppid", PASSWORD).office_id == CODE
    assert auth.login(deployment, "ppid", PASSWORD).office_id == DEFAULT_OFFICE


def test_an_office_code_already_in_use_is_refused(ctx, people, deployment):
    data = backup.backup_xlsx(ctx, people["admin"])
    before = deployment.register.dump()
    for code in ("kpu-jambi", DEFAULT_OFFICE):
        with pytest.raises(ValidationError) as err:
            moved_in(deployment, data, ctx.secret_key, code=code)
        assert err.value.fields == {"code": f"Kode kantor {code} sudah dipakai."}
    assert deployment.register.dump() == before


def test_loading_an_office_refuses_an_office_that_holds_rows_a_row_of_another_office_and_a_taken_id(deployment):
    mine = office_rows(deployment.register.dump(), "kpu-jambi")
    view = deployment.register.scoped(frozenset({"kpu-jambi"}), frozenset({"kpu-jambi"}))
    with pytest.raises(SidipError) as err:
        view.load_office("kpu-jambi", {"items": []})
    assert str(err.value) == ("Kode kantor kpu-jambi sudah dipakai di register ini (7 pengaturan, 2 pengguna, "
                              "1 informasi, 4 peristiwa audit); tidak ada yang dimuat.")
    with pytest.raises(SidipError, match="^Tabel informasi memuat baris kantor lain \\(kpu-jambi\\)"):
        deployment.register.load_office("kpu-baru", {"items": mine["items"]})
    item = {**mine["items"][0], "office_id": "kpu-baru"}
    fresh = deployment.register.scoped(frozenset({"kpu-baru"}), frozenset({"kpu-baru"}))
    with pytest.raises(SidipError) as err:
        fresh.load_office("kpu-baru", {"settings": [{"office_id": "kpu-baru", "key": "k", "value": "v",
                                                     "_mac": ""}], "items": [item]})
    assert str(err.value) == f"Tabel informasi: kode {item['id']} sudah dipakai di register ini; tidak ada yang dimuat."
    assert deployment.register.settings("kpu-baru") == {}


def test_an_office_kept_in_a_google_sheet_moves_in_the_same_way(ctx, deployment):
    from tests.sheets_emulator import SheetsEmulator
    from tests.test_register_contract import sheets_register
    from lib.services import attachments
    sheet = dataclasses.replace(ctx, register=sheets_register(SheetsEmulator(), ctx.secret_key))
    ppid = auth.add_user(sheet, SYSTEM_ACTOR, "ppid", "PPID", PASSWORD, ["ppid"]).actor()
    item = items.open_request(sheet, ppid, UNIT_A, "Laporan Tahunan")
    attachments.attach(sheet, ppid, item.id, "laporan.png", b"\x89PNG\r\n\x1a\n" + b"\1" * 20)
    data = backup.backup_xlsx(sheet, SYSTEM_ACTOR)
    source = sheet.register.dump()

    moved_in(deployment, data, ctx.secret_key)
    office = deployment.for_office(CODE)
    mine = office_rows(deployment.register.dump(), CODE)
    for table in ("users", "items", "attachments"):
        assert comparable(mine)[table] == comparable(source)[table], table
    assert comparable(mine)["events"][:-1] == comparable(source)["events"]
    assert verify_chain(office.register.events(CODE), deployment.signer).ok
    assert deployment.register.integrity_problems() == []
    att = office.register.list_attachments(CODE)[0]
    assert office.file_store().get(att.storage_ref) == b"\x89PNG\r\n\x1a\n" + b"\1" * 20


def test_the_cli_moves_an_office_in_with_the_source_key_file_and_out_under_another_code(
        ctx, people, deployment, tmp_path, monkeypatch, capsys):
    from lib import cli
    fill(ctx, people)
    (tmp_path / "cadangan.xlsx").write_bytes(backup.backup_xlsx(ctx, people["admin"]))
    (tmp_path / "tujuan.key").write_text(TARGET_KEY.decode())
    monkeypatch.setenv("SIDIP_DATABASE_URL", deployment.register.pool.conninfo)
    monkeypatch.setenv("SIDIP_SECRET_KEY", DEPLOYMENT_KEY.decode())
    monkeypatch.setenv("SIDIP_DATA_DIR", deployment.data_dir)
    assert cli.main(["--kantor", "kpu-jambi", "kantor", "masuk", str(tmp_path / "cadangan.xlsx"), "--kode", CODE,
                     "--nama", NAME, "--kunci-asal", str(tmp_path / "data" / "secret.key")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Kantor dipindahkan masuk: {CODE} (KPU Kabupaten/Kota) {NAME}, di bawah kpu-jambi; kantor asal: " \
                       f"{DEFAULT_OFFICE}"
    assert [line.split(":")[0].strip() for line in lines[1:]] == list(backup.TABLES)
    assert cli.main(["--kantor", "kpu-jambi", "kantor", "masuk", str(tmp_path / "cadangan.xlsx"), "--kode", "x",
                     "--kunci-asal", "pendek"]) == 1
    assert capsys.readouterr().err.startswith("Galat: Kunci rahasia dari kunci yang diberikan terlalu lemah")

    assert cli.main(["--kantor", CODE, "kantor", "keluar", "--out", str(tmp_path / "pindah.xlsx"),
                     "--kunci-tujuan", str(tmp_path / "tujuan.key"), "--kode-tujuan", "kpu-srl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"Berkas pindahan ditulis: {tmp_path / 'pindah.xlsx'} (")
    assert lines[-2:] == [
        "Pulihkan di pemasangan tujuan (register kosong, kunci rahasia yang sama dengan --kunci-tujuan): "
        f"python -m lib.cli restore {tmp_path / 'pindah.xlsx'}",
        "Kode kantor dalam berkas: kpu-srl; atur SIDIP_OFFICE_ID=kpu-srl di pemasangan tujuan."]
    assert deployment.register.events(CODE)[-1].action == "kantor_pindah_keluar"

    monkeypatch.delenv("SIDIP_DATABASE_URL")
    monkeypatch.setenv("SIDIP_SECRET_KEY", TARGET_KEY.decode())
    monkeypatch.setenv("SIDIP_DATA_DIR", str(tmp_path / "srl"))
    monkeypatch.setenv("SIDIP_OFFICE_ID", "kpu-srl")
    monkeypatch.setenv("SIDIP_PUBLISH_DIR", str(tmp_path / "publik-srl"))
    assert cli.main(["restore", str(tmp_path / "pindah.xlsx")]) == 0
    capsys.readouterr()
    doctor = cli.main(["doctor"])
    printed = capsys.readouterr()
    assert doctor == 0, printed.out + printed.err
    assert "MAC tidak sah: 0" in printed.out


def test_on_a_sqlite_deployment_an_office_moves_in_and_out_the_same_way(ctx, tmp_path, monkeypatch):
    from lib.bootstrap import build_context
    source_key = secrets.token_hex(32)
    monkeypatch.setenv("SIDIP_SECRET_KEY", source_key)
    source = build_context(tmp_path / "asal")
    ppid = auth.add_user(source, SYSTEM_ACTOR, "ppid", "PPID", PASSWORD, ["ppid"]).actor()
    items.open_request(source, ppid, UNIT_A, "Renstra 2026")
    data = backup.backup_xlsx(source, SYSTEM_ACTOR)
    offices.set_root(ctx, SYSTEM_ACTOR, "ri")
    offices.create_child(ctx, SYSTEM_ACTOR, "kpu-jambi", "KPU Provinsi Jambi", "admin.jambi", "Admin Jambi", PASSWORD)

    moved_in(ctx, data, source_key.encode())
    office = ctx.for_office(CODE)
    assert [i.judul for i in office.register.list_items(CODE)] == ["Renstra 2026"]
    assert verify_chain(office.register.events(CODE), ctx.signer).ok
    assert ctx.register.integrity_problems() == []

    out = office_move.move_out(office, SYSTEM_ACTOR, TARGET_KEY)
    assert {row["office_id"] for rows in office_rows(ctx.register.dump(), CODE).values() for row in rows
            if "office_id" in row} == {CODE}
    monkeypatch.setenv("SIDIP_SECRET_KEY", TARGET_KEY.decode())
    fresh = build_context(tmp_path / "baru")
    backup.restore_xlsx(fresh, SYSTEM_ACTOR, out.content)
    assert comparable(fresh.register.dump())["items"] == comparable(source.register.dump())["items"]
    assert [e.action for e in fresh.register.events(DEFAULT_OFFICE)][-2:] == ["kantor_pindah_masuk",
                                                                              "kantor_pindah_keluar"]
    assert verify_chain(fresh.register.events(DEFAULT_OFFICE), fresh.signer).ok
    assert fresh.register.integrity_problems() == []


def test_the_other_register_key_is_its_key_file_or_the_key_itself_and_a_missing_file_is_named(tmp_path):
    from lib.bootstrap import other_key
    from lib.errors import ConfigError
    key = secrets.token_hex(32)
    (tmp_path / "secret.key").write_text(key + "\n")
    assert other_key(str(tmp_path / "secret.key")).value == key.encode()
    assert other_key(key).value == key.encode()
    with pytest.raises(ConfigError) as err:
        other_key(str(tmp_path / "tidak-ada.key"))
    assert str(err.value) == f"Berkas kunci {tmp_path / 'tidak-ada.key'} tidak ditemukan."
