"""The office tree of a deployment: the top office, child offices with their first admin, the CLI, and what a
single-office register keeps exactly as before."""
from __future__ import annotations

import pytest

from conftest import PASSWORD
from lib import cli
from lib.domain import offices as tree
from lib.errors import PermissionDenied, ValidationError
from lib.services import auth, offices
from lib.services.context import SYSTEM_ACTOR
from test_pages import app, open_page  # noqa: F401 (fixture)


@pytest.fixture
def national(ctx):
    offices.set_root(ctx, SYSTEM_ACTOR, "ri", "KPU Republik Indonesia")
    return ctx


def test_a_single_office_register_has_no_tree_and_offices_change_nothing_in_it(ctx, people):
    assert offices.all_offices(ctx) == [] and not offices.is_multi_office(ctx)
    assert ctx.for_office(ctx.office_id) is ctx and ctx.publish_dir.endswith("publik")
    assert ctx.settings()["office_name"] == "KPU Kabupaten Sarolangun"
    with pytest.raises(PermissionDenied, match="^Kantor anak hanya dapat dibuat oleh admin KPU RI atau KPU Provinsi.$"):
        offices.check_can_create(ctx, people["admin"])


def test_the_top_office_and_a_province_under_it_with_its_first_admin(national, people):
    office, admin = offices.create_child(national, people["admin"], "kpu-jambi", "KPU Provinsi Jambi", "admin.jambi",
                                         "Admin Jambi", PASSWORD)
    assert offices.all_offices(national) == [
        tree.Office(national.office_id, "KPU Republik Indonesia", "ri", ""),
        tree.Office("kpu-jambi", "KPU Provinsi Jambi", "provinsi", national.office_id)]
    assert office.level_label == "KPU Provinsi" and admin.office_id == "kpu-jambi" and admin.roles == {"admin"}
    jambi = national.for_office("kpu-jambi")
    settings = jambi.settings()
    assert (settings["office_name"], settings["office_place"], settings["ppid_position"]) == (
        "KPU Provinsi Jambi", "Jambi", "PPID KPU Provinsi Jambi")  # never the default office's own words
    assert jambi.publish_dir == f"{national.publish_dir}/kantor/kpu-jambi"
    assert [e.action for e in jambi.register.events("kpu-jambi")] == ["pengguna_dibuat", "kantor_dibuat"]
    assert national.register.events(national.office_id)[-1].action == "kantor_anak_dibuat"
    logged_in = auth.login(national, "admin.jambi", PASSWORD)  # the login is recorded in the user's own office
    assert logged_in.office_id == "kpu-jambi" and jambi.register.events("kpu-jambi")[-1].action == "masuk"
    regency, _ = offices.create_child(jambi, admin.actor(), "kpu-kab-sarolangun", "KPU Kabupaten Sarolangun",
                                      "admin.sarolangun", "Admin Sarolangun", PASSWORD)
    assert regency.level == "kabkota" and regency.parent_id == "kpu-jambi"
    assert [o.id for o in tree.descendants(offices.all_offices(national), national.office_id)] == [
        "kpu-jambi", "kpu-kab-sarolangun"]


def test_a_refused_child_office_writes_nothing(national, people):
    offices.create_child(national, people["admin"], "kpu-jambi", "KPU Provinsi Jambi", "admin.jambi", "A", PASSWORD)
    before = len(national.register.dump()["events"])
    cases = [(("Kpu Jambi!", "KPU X", "admin.x"), "code"), (("kpu-jambi", "KPU X", "admin.x"), "code"),
             (("kpu-x", " ", "admin.x"), "name"), (("kpu-x", "KPU X", "admin.jambi"), "username"),
             (("kpu-x", "KPU X", "ppid"), "username")]
    for (code, name, username), field in cases:
        with pytest.raises(ValidationError) as refused:
            offices.create_child(national, people["admin"], code, name, username, "Admin", PASSWORD)
        assert field in refused.value.fields, (code, refused.value.fields)
    with pytest.raises(PermissionDenied):
        offices.create_child(national, people["ppid"], "kpu-x", "KPU X", "admin.x", "Admin", PASSWORD)
    assert len(national.register.dump()["events"]) == before
    assert [o.id for o in offices.all_offices(national)] == [national.office_id, "kpu-jambi"]


def test_a_regency_has_no_office_under_it(national, people):
    _, admin = offices.create_child(national, people["admin"], "kpu-jambi", "KPU Provinsi Jambi", "admin.jambi",
                                    "A", PASSWORD)
    jambi = national.for_office("kpu-jambi")
    _, kab = offices.create_child(jambi, admin.actor(), "kpu-kab-x", "KPU Kabupaten X", "admin.x", "X", PASSWORD)
    with pytest.raises(ValidationError, match="tidak membawahi"):
        offices.create_child(jambi.for_office("kpu-kab-x"), kab.actor(), "kpu-kab-y", "KPU Y", "admin.y", "Y",
                             PASSWORD)


def test_the_cli_makes_the_tree_and_acts_for_one_office(tmp_path, monkeypatch, capsys, ctx):
    monkeypatch.setenv("SIDIP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--kantor", "kpu-jambi", "versions"]) == 1
    assert "Kantor dengan kode kpu-jambi tidak terdaftar" in capsys.readouterr().err
    assert cli.main(["kantor", "puncak", "--tingkat", "ri", "--nama", "KPU Republik Indonesia"]) == 0
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(PASSWORD + "\n"))
    assert cli.main(["kantor", "tambah", "kpu-jambi", "--nama", "KPU Provinsi Jambi", "--admin", "admin.jambi",
                     "--password-stdin"]) == 0
    assert cli.main(["kantor", "daftar"]) == 0
    out = capsys.readouterr().out
    assert "Kantor dibuat: kpu-jambi (KPU Provinsi) KPU Provinsi Jambi, di bawah kpu-sarolangun; admin pertamanya: " \
           "admin.jambi" in out
    assert out.splitlines()[-2:] == ["kpu-sarolangun\tKPU Republik Indonesia\tKPU Republik Indonesia\tinduk: -",
                                     "kpu-jambi\tKPU Provinsi\tKPU Provinsi Jambi\tinduk: kpu-sarolangun"]
    assert cli.main(["kantor", "puncak", "--tingkat", "ri"]) == 1
    assert "sudah memiliki susunan kantor" in capsys.readouterr().err


def test_the_sidebar_of_many_offices_shows_each_role_its_own_pages(app, national, people):
    auth.add_user(national, SYSTEM_ACTOR, "pemantau", "Pemantau", PASSWORD, ["pemantau"], "")
    _, admin = offices.create_child(national, people["admin"], "kpu-jambi", "KPU Provinsi Jambi", "admin.jambi",
                                    "A", PASSWORD)
    jambi = national.for_office("kpu-jambi")
    offices.create_child(jambi, admin.actor(), "kpu-kab-x", "KPU Kabupaten X", "admin.x", "X", PASSWORD)
    links = {user: [link.label for link in open_page(national, "app", user).get("page_link")]
             for user in ("pemantau", "admin", "admin.jambi", "admin.x")}
    assert "Rekap Kantor" in links["pemantau"] and "Kantor" not in links["pemantau"]
    assert "Kantor" in links["admin"] and "Kantor" in links["admin.jambi"]
    assert "Kantor" not in links["admin.x"] and "Rekap Kantor" not in links["admin.x"]


def test_a_restored_session_expires_after_its_own_office_s_idle_time_not_the_deployment_s(national, people,
                                                                                            monkeypatch):
    from lib.services import admin
    offices.create_child(national, people["admin"], "kpu-jambi", "KPU Provinsi Jambi", "admin.jambi", "A", PASSWORD)
    jambi = national.for_office("kpu-jambi")
    jambi_admin = jambi.register.get_user("admin.jambi")
    admin.update_settings(jambi, jambi_admin.actor(), {"session_idle_minutes": "120"})
    admin.update_settings(national, people["admin"], {"session_idle_minutes": "30"})
    import time

    from itsdangerous.timed import TimestampSigner
    an_hour_ago = int(time.time()) - 3600
    with monkeypatch.context() as earlier:  # both tokens signed an hour ago
        earlier.setattr(TimestampSigner, "get_timestamp", lambda self: an_hour_ago)
        jambi_token = auth.issue_token(national, jambi_admin)
        own_token = auth.issue_token(national, national.register.get_user("admin"))
    assert auth.user_from_token(national, jambi_token).username == "admin.jambi"  # idle an hour of Jambi's 120 min
    with pytest.raises(auth.AuthError, match="^Sesi Anda berakhir karena tidak aktif"):
        auth.user_from_token(national, own_token)  # an hour of KPU RI's 30 minutes
    admin.update_settings(jambi, jambi_admin.actor(), {"session_idle_minutes": "45"})
    with pytest.raises(auth.AuthError, match="^Sesi Anda berakhir karena tidak aktif"):
        auth.user_from_token(national, jambi_token)
