"""Accounts: first-run setup code, hashed passwords, throttling, signed expiring session tokens."""
from datetime import timedelta

import pytest

from lib.errors import AuthError, ValidationError
from lib.services import auth
from lib.services.context import SYSTEM_ACTOR
from tests.conftest import PASSWORD, UNIT_A


def test_the_first_admin_needs_the_one_time_code_printed_on_the_console(ctx):
    code = auth.new_setup_code(ctx)
    with pytest.raises(AuthError, match="Kode penyiapan salah"):
        auth.create_first_admin(ctx, "AAAAAA-BBBBBB-CCCCCC", "admin", "Admin", PASSWORD)
    admin = auth.create_first_admin(ctx, code.lower(), "Admin", "Admin Kantor", PASSWORD)
    assert (admin.username, admin.roles) == ("admin", frozenset({"admin"}))
    with pytest.raises(AuthError, match="sudah dibuat"):
        auth.create_first_admin(ctx, code, "kedua", "Kedua", PASSWORD)


def test_passwords_are_stored_only_as_argon2_hashes(ctx, people):
    stored = ctx.register.get_user("desk").password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_right_password_logs_in_and_is_audited(ctx, people):
    assert auth.login(ctx, "DESK ", PASSWORD).username == "desk"
    assert ctx.register.events(ctx.office_id)[-1].action == "masuk"


def test_five_failed_logins_lock_the_account_for_a_while(ctx, people, clock):
    for _ in range(auth.MAX_FAILED):
        with pytest.raises(AuthError, match="salah"):
            auth.login(ctx, "desk", "keliru-sekali")
    with pytest.raises(AuthError, match="Terlalu banyak percobaan gagal"):
        auth.login(ctx, "desk", PASSWORD)
    clock.moment += timedelta(minutes=auth.LOCK_MINUTES + 1)
    assert auth.login(ctx, "desk", PASSWORD).username == "desk"


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(ctx, people):
    with pytest.raises(AuthError) as err:
        auth.login(ctx, "tidak-ada", PASSWORD)
    assert str(err.value) == "Nama pengguna atau kata sandi salah."


def test_a_deactivated_user_cannot_log_in_and_loses_their_sessions(ctx, people):
    token = auth.issue_token(ctx, ctx.register.get_user("desk"))
    auth.update_user(ctx, people["admin"], "desk", active=False)
    with pytest.raises(AuthError, match="dinonaktifkan"):
        auth.login(ctx, "desk", PASSWORD)
    with pytest.raises(AuthError):
        auth.user_from_token(ctx, token)


def test_a_session_token_survives_until_logout(ctx, people):
    user = auth.login(ctx, "ppid", PASSWORD)
    token = auth.issue_token(ctx, user)
    assert auth.user_from_token(ctx, token).username == "ppid"
    auth.logout(ctx, user.actor())
    with pytest.raises(AuthError, match="tidak berlaku"):
        auth.user_from_token(ctx, token)


def test_a_forged_or_expired_token_is_refused(ctx, people, monkeypatch):
    token = auth.issue_token(ctx, ctx.register.get_user("ppid"))
    with pytest.raises(AuthError, match="tidak sah"):
        auth.user_from_token(ctx, token[:-2] + "xx")
    monkeypatch.setattr(auth, "idle_seconds", lambda c: -1)
    with pytest.raises(AuthError, match="tidak aktif"):
        auth.user_from_token(ctx, token)


def test_a_reset_password_replaces_the_old_one(ctx, people):
    auth.reset_password(ctx, people["admin"], "desk", "kata-sandi-baru-1")
    with pytest.raises(AuthError):
        auth.login(ctx, "desk", PASSWORD)
    assert auth.login(ctx, "desk", "kata-sandi-baru-1").username == "desk"


@pytest.mark.parametrize("username,password,roles,unit,field", [
    ("budi", "pendek", ["desk"], UNIT_A, "password"),
    ("budi santoso", PASSWORD, ["desk"], UNIT_A, "username"),
    ("budi", PASSWORD, [], UNIT_A, "roles"),
    ("budi", PASSWORD, ["desk"], "", "unit"),
    ("desk", PASSWORD, ["ppid"], "", "username"),
])
def test_bad_user_data_is_refused_field_by_field(ctx, people, username, password, roles, unit, field):
    with pytest.raises(ValidationError) as err:
        auth.add_user(ctx, people["admin"], username, "Budi", password, roles, unit)
    assert field in err.value.fields


def test_an_admin_cannot_deactivate_their_own_account(ctx, people):
    with pytest.raises(ValidationError, match="akun Anda sendiri"):
        auth.update_user(ctx, people["admin"], "admin", active=False)


def test_the_system_actor_can_add_users_for_the_cli(ctx):
    user = auth.add_user(ctx, SYSTEM_ACTOR, "cron", "Cron", PASSWORD, ["ppid"])
    assert ctx.register.events(ctx.office_id)[-1].actor == "sistem" and user.username == "cron"


def test_changing_a_users_roles_or_unit_ends_their_sessions(ctx, people):
    admin = people["admin"]
    token = auth.issue_token(ctx, ctx.register.get_user("desk"))
    auth.update_user(ctx, admin, "desk", roles=["desk", "ppid"])
    with pytest.raises(AuthError, match="Sesi sudah tidak berlaku"):
        auth.user_from_token(ctx, token)
    token = auth.issue_token(ctx, ctx.register.get_user("desk"))
    auth.update_user(ctx, admin, "desk", full_name="Desk Baru")  # a name is not a permission
    assert auth.user_from_token(ctx, token).full_name == "Desk Baru"
    auth.update_user(ctx, admin, "desk", unit="Subbagian Perencanaan, Data dan Informasi")
    with pytest.raises(AuthError, match="Sesi sudah tidak berlaku"):
        auth.user_from_token(ctx, token)


def test_attempts_during_a_lockout_are_audited_and_check_no_password(ctx, people, monkeypatch):
    for _ in range(auth.MAX_FAILED):
        with pytest.raises(AuthError):
            auth.login(ctx, "desk", "keliru-sekali")
    checks = []
    monkeypatch.setattr(auth, "password_ok", lambda stored, given: checks.append(given) or False)
    with pytest.raises(AuthError, match="Terlalu banyak percobaan gagal"):
        auth.login(ctx, "desk", PASSWORD)
    assert checks == [] and ctx.register.events(ctx.office_id)[-1].action == "masuk_ditolak_terkunci"


def test_parallel_guessers_share_five_password_checks_per_lock(ctx, people, monkeypatch):
    import threading
    import time
    checks, lock = [], threading.Lock()

    def slow_wrong(stored, given):
        with lock:
            checks.append(given)
        time.sleep(0.02)  # argon2 takes this long: the window the guessers race in
        return False
    monkeypatch.setattr(auth, "password_ok", slow_wrong)

    def guess():
        for _ in range(5):
            try:
                auth.login(ctx, "desk", "tebakan")
            except AuthError:
                pass
    threads = [threading.Thread(target=guess) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(checks) == auth.MAX_FAILED
    assert ctx.register.get_user("desk").locked_until != ""


def test_a_deactivated_account_is_named_only_to_someone_who_knows_its_password(ctx, people):
    auth.update_user(ctx, people["admin"], "desk", active=False)
    with pytest.raises(AuthError, match="^Nama pengguna atau kata sandi salah.$"):
        auth.login(ctx, "desk", "keliru-sekali")
    with pytest.raises(AuthError, match="sudah dinonaktifkan"):
        auth.login(ctx, "desk", PASSWORD)
