"""Accounts, the first-run setup code, login with throttling, and signed session tokens."""
from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import time
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, URLSafeTimedSerializer

from lib.domain.models import ROLES, TEXT_LIMITS, Actor, User
from lib.domain.validation import check_length, clean_text
from lib.errors import AuthError, ConflictError, ValidationError
from lib.files import PRIVATE_FILE, write_atomic
from lib.services.context import AppContext, changes, moved_out_message, require_role

_HASHER = PasswordHasher()
MAX_FAILED = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 10


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Made on first use (not at import: every page imports this module)."""
    return _HASHER.hash("tidak-dipakai-hanya-untuk-waktu-yang-sama")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def password_ok(stored_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# -- first run --------------------------------------------------------------------------------
def needs_setup(ctx: AppContext) -> bool:
    return not ctx.register.list_users()


def setup_code_path(ctx: AppContext):
    from pathlib import Path
    return Path(ctx.data_dir) / "setup-code.hash"


def new_setup_code(ctx: AppContext) -> str:
    """Make a one-time code, keep only its hash; the caller prints it on the server console."""
    code = "-".join(secrets.token_hex(3).upper() for _ in range(3))
    path = setup_code_path(ctx)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Owner-only from the first byte and whole: a crash never leaves an empty code file that matches nothing.
    write_atomic(path, hashlib.sha256(code.encode()).hexdigest().encode(), PRIVATE_FILE, what="kode penyiapan")
    return code


def has_setup_code(ctx: AppContext) -> bool:
    return setup_code_path(ctx).exists()


def _setup_code_matches(ctx: AppContext, code: str) -> bool:
    path = setup_code_path(ctx)
    if not path.exists():
        return False
    given = hashlib.sha256(code.strip().upper().encode()).hexdigest()
    return hmac.compare_digest(given, path.read_text().strip())


def create_first_admin(ctx: AppContext, code: str, username: str, full_name: str,
                       password: str) -> User:
    if not needs_setup(ctx):
        raise AuthError("Akun administrator pertama sudah dibuat. Silakan masuk.")
    if not _setup_code_matches(ctx, code):
        raise AuthError("Kode penyiapan salah. Lihat kode yang dicetak di konsol server "
                        "saat aplikasi dijalankan.")
    founder = Actor(clean_text(username).lower(), frozenset({"admin"}), office_id=ctx.office_id)
    user = _save_new_user(ctx, founder, username, full_name, password, ["admin"], "")
    setup_code_path(ctx).unlink(missing_ok=True)
    return user


# -- users ------------------------------------------------------------------------------------
def _validate_user(username: str, full_name: str, password: str | None, roles, unit: str) -> dict:
    errors: dict[str, str] = {}
    name = clean_text(username).lower()
    if not name or not name.replace(".", "").replace("_", "").replace("-", "").isalnum():
        errors["username"] = "Nama pengguna hanya huruf, angka, titik, garis bawah atau tanda hubung."
    check_length("username", name, errors)
    check_length("full_name", clean_text(full_name), errors)
    if not clean_text(full_name):
        errors["full_name"] = "Nama lengkap wajib diisi."
    if password is not None:
        _check_password(password, errors)
    bad = [r for r in roles if r not in ROLES]
    if not roles or bad:
        errors["roles"] = "Pilih minimal satu peran: " + ", ".join(ROLES.values()) + "."
    if "desk" in roles and not clean_text(unit):
        errors["unit"] = "Desk Pelayanan harus terhubung ke satu unit."
    if errors:
        raise ValidationError(errors)
    return {"username": name, "full_name": clean_text(full_name), "unit": clean_text(unit)}


def _check_password(password: str, errors: dict[str, str]) -> None:
    if len(password) < MIN_PASSWORD:
        errors["password"] = f"Kata sandi minimal {MIN_PASSWORD} karakter."
    elif len(password) > 200:
        errors["password"] = "Kata sandi paling banyak 200 karakter."


def _save_new_user(ctx, actor, username, full_name, password, roles, unit) -> User:
    clean = _validate_user(username, full_name, password, roles, unit)
    if ctx.register.get_user(clean["username"]):
        raise ValidationError({"username": f"Nama pengguna {clean['username']} sudah dipakai."})
    user = User(clean["username"], clean["full_name"], frozenset(roles), hash_password(password),
                unit=clean["unit"], office_id=ctx.office_id)
    after = {"username": user.username, "roles": sorted(roles), "unit": user.unit}
    event = ctx.event(actor, "pengguna_dibuat", "user", user.username, after=after)
    try:
        return ctx.register.save_user(user, event, None)
    except ConflictError as err:  # taken in another office (a register that shows one office cannot see it)
        raise ValidationError({"username": f"Nama pengguna {clean['username']} sudah dipakai."}) from err


create_user_in = _save_new_user  # a new office's first admin (services.offices), made by its parent's admin


def add_user(ctx: AppContext, actor: Actor, username: str, full_name: str, password: str,
             roles: list[str], unit: str = "") -> User:
    require_role(ctx, actor, "admin")
    return _save_new_user(ctx, actor, username, full_name, password, roles, unit)


def update_user(ctx: AppContext, actor: Actor, username: str, *, roles=None, unit=None,
                active=None, full_name=None) -> User:
    require_role(ctx, actor, "admin")
    user = _existing(ctx, username)
    if active is False and user.username == actor.username:
        raise ValidationError({"active": "Anda tidak dapat menonaktifkan akun Anda sendiri."})
    new = user.replace(roles=frozenset(roles) if roles is not None else user.roles,
                       unit=user.unit if unit is None else clean_text(unit),
                       full_name=user.full_name if full_name is None else clean_text(full_name),
                       active=user.active if active is None else bool(active))
    _validate_user(new.username, new.full_name, None, new.roles, new.unit)
    if active is False or new.roles != user.roles or new.unit != user.unit:
        new = new.replace(token_epoch=user.token_epoch + 1)  # what a session may do changed: it ends
    before, after = _public_changes(user, new)
    event = ctx.event(actor, "pengguna_diubah", "user", username, before=before, after=after)
    return ctx.register.save_user(new, event, user.revision)


def _public_changes(user: User, new: User):
    before, after = changes(user, new, skip=("updated_at", "updated_by", "revision", "password_hash"))
    return before, after


def reset_password(ctx: AppContext, actor: Actor, username: str, password: str) -> User:
    if actor.username != username:
        require_role(ctx, actor, "admin")
    errors: dict[str, str] = {}
    _check_password(password, errors)
    if errors:
        raise ValidationError(errors)
    user = _existing(ctx, username)
    new = user.replace(password_hash=hash_password(password), failed_logins=0, locked_until="",
                       token_epoch=user.token_epoch + 1)
    event = ctx.event(actor, "kata_sandi_diatur_ulang", "user", username)
    return ctx.register.save_user(new, event, user.revision)


def _existing(ctx: AppContext, username: str) -> User:
    user = ctx.register.get_user(username)
    if user is None or user.office_id != ctx.office_id:  # another office's account is not there for this one
        raise ValidationError({"username": f"Pengguna {username} tidak ditemukan."})
    return user


def list_users(ctx: AppContext, actor: Actor) -> list[User]:
    require_role(ctx, actor, "admin")
    return [u for u in ctx.register.list_users() if u.office_id == ctx.office_id]


# -- login ------------------------------------------------------------------------------------
def login(ctx: AppContext, username: str, password: str) -> User:
    """Check a password; after MAX_FAILED failures the account waits LOCK_MINUTES.

    Each attempt is claimed in the register (a revision-checked write) before the password is
    checked, so parallel guessers share the same MAX_FAILED checks per lock, not MAX_FAILED each.
    """
    name = clean_text(username).lower()[: TEXT_LIMITS["username"]]
    user = ctx.register.get_user(name)
    if user is None:
        password_ok(_dummy_hash(), password)  # same time as a real check: no username probing
        raise AuthError(WRONG)
    ctx = ctx.for_office(user.office_id)  # the attempt is recorded in the user's own office
    if ctx.moved_out():  # a closed register: nothing is written, and no password is checked (no oracle)
        raise AuthError(moved_out_message(ctx.moved_out()))
    user, attempt = _claim_attempt(ctx, user, ctx.now())
    if not password_ok(user.password_hash, password):
        _record_failure(ctx, user, attempt, ctx.now())
        raise AuthError(WRONG)
    if not user.active:  # said only to someone who knows the password
        _record_failure(ctx, user, attempt, ctx.now())
        raise AuthError("Akun ini sudah dinonaktifkan. Hubungi administrator.")
    return _record_success(ctx, user)


WRONG = "Nama pengguna atau kata sandi salah."


def _locked_until(user: User, now: datetime) -> datetime | None:
    if user.locked_until and datetime.fromisoformat(user.locked_until) > now:
        return datetime.fromisoformat(user.locked_until)
    return None


def _claim_attempt(ctx: AppContext, user: User, now: datetime) -> tuple[User, int]:
    """Count this attempt before any password check; refuse (and audit) while the account is locked."""
    for _ in range(20):
        until = _locked_until(user, now)
        if until is not None:
            ctx.register.append_event(ctx.event(user.actor(), "masuk_ditolak_terkunci", "user", user.username,
                                                note=f"terkunci sampai {until.isoformat()}"))
            raise AuthError(f"Terlalu banyak percobaan gagal. Coba lagi setelah {until.astimezone(ctx.tz()):%H:%M}.")
        attempt = user.failed_logins + 1
        locked = (now + timedelta(minutes=LOCK_MINUTES)).isoformat() if attempt >= MAX_FAILED else ""
        claim = user.replace(failed_logins=0 if locked else attempt, locked_until=locked)
        event = ctx.event(user.actor(), "percobaan_masuk", "user", user.username, note=f"percobaan ke-{attempt}")
        try:
            return ctx.register.save_user(claim, event, user.revision), attempt
        except ConflictError:
            user = ctx.register.get_user(user.username) or user  # another attempt came first: count again
    raise AuthError("Terlalu banyak percobaan masuk bersamaan. Coba lagi sebentar lagi.")


def _record_failure(ctx: AppContext, user: User, attempt: int, now: datetime) -> None:
    note = "akun dikunci sementara" if _locked_until(user, now) else f"percobaan ke-{attempt}"
    ctx.register.append_event(ctx.event(user.actor(), "masuk_gagal", "user", user.username, note=note))


def _record_success(ctx: AppContext, user: User) -> User:
    new = user.replace(failed_logins=0, locked_until="")
    event = ctx.event(user.actor(), "masuk", "user", user.username)
    return ctx.register.save_user(new, event, user.revision)


def logout(ctx: AppContext, actor: Actor) -> None:
    """End every session of this user: issued tokens carry the old epoch and stop working."""
    user = _existing(ctx, actor.username)
    event = ctx.event(actor, "keluar", "user", user.username)
    ctx.register.save_user(user.replace(token_epoch=user.token_epoch + 1), event, user.revision)


def _serializer(ctx: AppContext) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(ctx.secret_key, salt="sidip-session")


def idle_seconds(ctx: AppContext) -> int:
    return session_rules(ctx)[0]


def session_rules(ctx: AppContext) -> tuple[int, str]:
    """(idle seconds, the date the office moved out or "") of the office's sessions, from one settings read."""
    from lib.domain.offices import MOVED_OUT_KEY
    settings = ctx.settings()
    return int(settings["session_idle_minutes"]) * 60, settings.get(MOVED_OUT_KEY, "")


def issue_token(ctx: AppContext, user: User) -> str:
    return _serializer(ctx).dumps({"u": user.username, "e": user.token_epoch})


def user_from_token(ctx: AppContext, token: str) -> User:
    """The token is signed and expires after the idle timeout of the user's own office (the one its sessions
    keep: an office of a deployment of many sets its own); it is re-issued while in use."""
    try:
        data, signed_at = _serializer(ctx).loads(token, return_timestamp=True)
    except BadSignature:
        raise AuthError("Sesi tidak sah. Silakan masuk kembali.")
    user = ctx.register.get_user(str(data.get("u", "")))
    if user is None or not user.active or user.token_epoch != data.get("e"):
        raise AuthError("Sesi sudah tidak berlaku. Silakan masuk kembali.")
    office = ctx.for_office(user.office_id) if user.office_id else ctx
    if time.time() - signed_at.timestamp() > idle_seconds(office):
        raise AuthError("Sesi Anda berakhir karena tidak aktif. Silakan masuk kembali.")
    if office.moved_out():
        raise AuthError(moved_out_message(office.moved_out()))
    return user
