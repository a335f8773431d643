"""Streamlit helpers shared by app.py and the pages: context, session, guards, forms' errors."""
from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass

import streamlit as st

from lib.bootstrap import build_context
from lib.domain.models import ROLES, Actor, User
from lib.errors import AuthError, SidipError, ValidationError
from lib.services import auth
from lib.services.context import AppContext, moved_out_message
from lib.ui_cache import cached, published  # noqa: F401 (pages call ui.cached, ui.published)

COOKIE = "sidip_sesi"
REISSUE_SECONDS = 60


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    roles: frozenset[str]  # empty: public


def _spec(path, title, icon, *roles) -> PageSpec:
    return PageSpec(f"pages/{path}.py", title, icon, frozenset(roles))


PAGES: dict[str, PageSpec] = {
    "beranda": _spec("beranda", "Beranda", ":material/home:", "desk", "ppid", "atasan", "admin"),
    "dasbor": _spec("dasbor", "Dasbor Kepatuhan", ":material/monitoring:", "atasan", "ppid", "admin"),
    "permintaan": _spec("permintaan", "Permintaan & Pengajuan", ":material/inbox:", "desk", "ppid"),
    "klasifikasi": _spec("klasifikasi", "Klasifikasi", ":material/category:", "ppid"),
    "penetapan": _spec("penetapan", "Penetapan DIP", ":material/gavel:", "ppid"),
    "persetujuan": _spec("persetujuan", "Persetujuan", ":material/task_alt:", "atasan"),
    "unggah": _spec("unggah", "Unggah", ":material/upload:", "desk", "ppid"),
    "kelengkapan": _spec("kelengkapan", "Kelengkapan DIP", ":material/checklist:", "ppid", "atasan", "admin"),
    "impor": _spec("impor", "Impor DIP", ":material/upload_file:", "admin", "ppid"),
    "riwayat": _spec("riwayat", "Riwayat", ":material/history:", "desk", "ppid", "atasan", "admin"),
    "pengguna": _spec("pengguna", "Pengguna", ":material/group:", "admin"),
    "pengaturan": _spec("pengaturan", "Pengaturan", ":material/settings:", "admin"),
    "rekap": _spec("rekap", "Rekap Kantor", ":material/account_tree:", "pemantau"),
    "kantor": _spec("kantor", "Kantor", ":material/domain:", "admin"),
    "dip": _spec("dip", "Daftar Informasi Publik", ":material/public:"),
}


@st.cache_resource(show_spinner=False)
def _context(data_dir: str) -> AppContext:
    return build_context(data_dir)


def base_ctx() -> AppContext:
    """The deployment as a whole: login, the first-run setup and the office tree only."""
    route_through_app()
    return _context(os.environ.get("SIDIP_DATA_DIR", "data"))


def ctx() -> AppContext:
    """The logged-in user's own office (the deployment's office before login): every service a page calls
    acts for it, and on PostgreSQL the register itself shows only that office's rows."""
    base = base_ctx()
    if st.session_state.get("user") and "office" not in st.session_state:
        current_user()  # a session made before offices were remembered: its user's record says
    office = st.session_state.get("office")
    return base.for_office(office) if office else base


OFFICE_PARAM = "kantor"


def public_ctx() -> AppContext:
    """The public list's office: ``?kantor=<kode>`` (each office's own URL in a deployment of many), else
    the user's own, else the deployment's. An unknown code is said, never silently replaced."""
    from lib.services import offices
    wanted = st.query_params.get(OFFICE_PARAM)
    if not wanted:
        return ctx()
    base = base_ctx()
    if offices.get_office(base, wanted) is None:
        st.error("Kantor dengan kode itu tidak terdaftar di SIDIP ini.")
        st.stop()
    return base.for_office(wanted)


def hidden_pages(user: User) -> set[str]:
    """Pages of a deployment of many offices, kept out of the sidebar where they have nothing to show: every
    one of them in a single-office deployment (its sidebar stays as it always was), and where the user's
    office has no office below it."""
    from lib.domain.offices import CHILD_LEVEL
    from lib.services import offices
    office = offices.get_office(base_ctx(), user.office_id)
    return set() if office is not None and office.level in CHILD_LEVEL else {"rekap", "kantor"}


def dashboard_ctx(actor: Actor) -> AppContext:
    """The dashboard's office: ``?kantor=<kode>`` is a pemantau's read-only view of an office below its own
    (Rekap Kantor's drill-down, whose pemantau ``guard`` admitted); otherwise the user's."""
    from lib.services import offices
    code = st.query_params.get(OFFICE_PARAM)
    if not code:
        return ctx()
    try:
        return offices.monitor_view(ctx(), actor, code)
    except SidipError as err:
        st.error(plain(err.message))
        st.stop()


def route_through_app() -> None:
    """Make sure app.py, the router, runs: Streamlit treats the pages/ folder as an old-style
    multipage app until st.navigation is first called in the server process. A deep link (/pengguna,
    /penyiapan, /dip …) as the first request after a (re)start would run pages/*.py directly, list every
    file in the sidebar and skip app.py (cookie restore, idle timeout, sidebar, setup code) for every
    visitor until someone opened the root URL. Every page reaches this through ctx() or guard()."""
    from streamlit.runtime.pages_manager import PagesManager
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


# -- session ----------------------------------------------------------------------------------
def current_user() -> User | None:
    """Re-read on every run, so a deactivated account or a changed role takes effect at once."""
    name = st.session_state.get("user")
    if not name:
        return None
    user = base_ctx().register.get_user(name)
    if (user is None or not user.active or user.token_epoch != st.session_state.get("epoch")
            or user.office_id != st.session_state.setdefault("office", user.office_id)):
        end_session()
        return None
    return user


def start_session(user: User) -> None:
    st.session_state["user"] = user.username
    st.session_state["office"] = user.office_id
    st.session_state["epoch"] = user.token_epoch
    st.session_state["last_active"] = time.time()
    st.session_state["cookie_at"] = 0.0


def end_session() -> None:
    for key in ("user", "office", "epoch", "last_active", "cookie_at"):
        st.session_state.pop(key, None)
    st.session_state["clear_cookie"] = True


def restore_from_cookie() -> None:
    """A refresh or a new tab starts a new Streamlit session: the signed cookie restores the login."""
    token = st.context.cookies.get(COOKIE)
    if st.session_state.get("user") or not token or st.session_state.get("clear_cookie"):
        return
    try:
        start_session(auth.user_from_token(base_ctx(), token))
    except AuthError as err:
        st.session_state["clear_cookie"] = True
        st.session_state["flash"] = str(err)


def keep_alive(user: User) -> bool:
    """Idle timeout on the server side; the cookie is re-issued while the user is active."""
    idle, moved = auth.session_rules(ctx())
    if moved:  # the office left the deployment while this session was open
        end_session()
        st.session_state["flash"] = moved_out_message(moved)
        return False
    now = time.time()
    if now - st.session_state.get("last_active", now) > idle:
        end_session()
        st.session_state["flash"] = "Sesi Anda berakhir karena tidak aktif. Silakan masuk kembali."
        return False
    st.session_state["last_active"] = now
    if now - st.session_state.get("cookie_at", 0.0) > REISSUE_SECONDS:
        _write_cookie(auth.issue_token(ctx(), user), idle)
        st.session_state["cookie_at"] = now
    return True


def sync_cookie_clear() -> None:
    if st.session_state.pop("clear_cookie", False):
        _write_cookie("", 0)


def _write_cookie(value: str, max_age: int) -> None:
    # The token is our own signed value (no user text); SameSite=Strict keeps it off other sites.
    script = (f"<script>document.cookie = {json.dumps(f'{COOKIE}={value}')} + "
              f"'; path=/; max-age={max_age}; SameSite=Strict';</script>")
    st.html(script, unsafe_allow_javascript=True)


# -- guards -----------------------------------------------------------------------------------
MONITORED_PAGES = ("dasbor",)  # opened with ?kantor=: a pemantau's view of an office below, Rekap Kantor's roles


def guard(page: str) -> Actor:
    """Every page calls this first: the page itself refuses a logged-out or wrong-role visitor."""
    route_through_app()
    spec = PAGES["rekap" if page in MONITORED_PAGES and st.query_params.get(OFFICE_PARAM) else page]
    user = current_user()
    if user is None:
        st.warning("Silakan masuk terlebih dahulu untuk membuka halaman ini.")
        st.stop()
    if not user.roles & spec.roles:
        allowed = ", ".join(ROLES[r] for r in sorted(spec.roles))
        st.error(f"Halaman {spec.title} hanya untuk {allowed}.")
        st.stop()
    return user.actor()


# -- plain text in Markdown-rendering elements -------------------------------------------------
# st.markdown/write/caption/info/warning/error/success, labels and expander titles render Markdown
# (and Streamlit's :color[..], :emoji: and $math$): user text put there must show as typed.
_MD_INLINE = re.compile(r"[\\`*_\[\]<>~$&|]")
_MD_LINE_START = re.compile(r"^(\s*)(\d*)([#=+.)-])", re.MULTILINE)  # headings, lists, setext
# GFM links bare web and mail addresses, and Streamlit turns :name: into an emoji or icon, after escapes
# are resolved, so a backslash cannot stop them: an invisible WORD JOINER (U+2060) splits "https" from
# "://", "www" from ".", the name from "@" and a colon from the word after it.
_AUTOLINK = re.compile(r"(?i)(?<=https)(?=:)|(?<=http)(?=:)|(?<=\bwww)(?=\.)|(?<=[\w.+-])(?=@)|(?<=:)(?=[^\s\d:])")
WORD_JOINER = "\u2060"


def plain(text) -> str:
    """Escape Markdown so that ``text`` renders exactly as typed: no link, emphasis, HTML or list."""
    escaped = _MD_INLINE.sub(lambda m: "\\" + m.group(0), "" if text is None else str(text))
    escaped = _MD_LINE_START.sub(lambda m: m.group(1) + m.group(2) + "\\" + m.group(3), escaped)
    return _AUTOLINK.sub(WORD_JOINER, escaped)


# -- errors and forms -------------------------------------------------------------------------
def run_action(form: str, fn, *args, success: str = "", **kwargs):
    """Call a service; on failure keep the form as typed and remember the messages for display."""
    try:
        result = fn(*args, **kwargs)
    except ValidationError as err:
        st.session_state[f"errors:{form}"] = err.fields
        st.session_state[f"error:{form}"] = err.message
        return None
    except SidipError as err:
        st.session_state[f"errors:{form}"] = {}
        st.session_state[f"error:{form}"] = err.message
        return None
    clear_errors(form)
    if success:
        st.session_state["flash_ok"] = success
    return result


def clear_errors(form: str) -> None:
    st.session_state.pop(f"errors:{form}", None)
    st.session_state.pop(f"error:{form}", None)


def has_error(form: str) -> bool:
    """A form inside an expander opens it while it carries a message, so the message is seen."""
    return bool(st.session_state.get(f"error:{form}"))


def form_error(form: str) -> None:
    if has_error(form):
        st.error(plain(st.session_state[f"error:{form}"]))


def field_error(form: str, name: str) -> None:
    message = st.session_state.get(f"errors:{form}", {}).get(name)
    if message:
        st.caption(f":red[{plain(message)}]")


def flash() -> None:
    if "flash_ok" in st.session_state:
        st.success(plain(st.session_state.pop("flash_ok")))
    if "flash" in st.session_state:
        st.info(plain(st.session_state.pop("flash")))


def reset_form(form: str) -> None:
    """After a successful save: a new widget key generation empties the form."""
    st.session_state[f"gen:{form}"] = st.session_state.get(f"gen:{form}", 0) + 1


def key(form: str, name: str) -> str:
    return f"{form}:{st.session_state.get(f'gen:{form}', 0)}:{name}"


def reason_form(form: str, title: str, label: str, field: str, button: str, fn, ctx, actor,
                record_id: str, revision: int, success: str) -> None:
    """An expander with one reason field that calls ``fn(ctx, actor, id, reason, revision)``."""
    with st.expander(title, expanded=has_error(form)):
        form_error(form)
        with st.form(form):
            reason = st.text_area(label, key=key(form, "reason"))
            field_error(form, field)
            if st.form_submit_button(button):
                run_action(form, fn, ctx, actor, record_id, reason, revision, success=success)
                st.rerun()


SHOW_ROWS = 1000  # a longer table is not read on screen, and its conversion costs every first view; downloads hold all


def table_with_downloads(name: str, df, empty: str) -> None:
    """Every table can be downloaded whole as CSV and XLSX; files are made only when asked for."""
    if df.empty:
        st.caption(empty)
        return
    st.dataframe(df.head(SHOW_ROWS), hide_index=True)
    if len(df) > SHOW_ROWS:
        st.caption(f"Menampilkan {SHOW_ROWS:,} dari {len(df):,} baris; unduhan berisi semuanya.".replace(",", "."))
    left, right = st.columns(2)
    left.download_button("Unduh CSV", lambda: _table_file("csv_bytes", df), file_name=f"{name}.csv", mime="text/csv",
                         key=f"csv:{name}")
    right.download_button("Unduh XLSX", lambda: _table_file("xlsx_bytes", df, name), file_name=f"{name}.xlsx", key=f"xlsx:{name}",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _table_file(maker: str, *args) -> bytes:
    from lib.export import tables  # pandas' Excel writer and openpyxl load only when a file is asked for
    return getattr(tables, maker)(*args)


def summary_pdf_maker(board, tables, context: AppContext | None = None):
    """A callable for a deferred download: the PDF is made only when the button is pressed."""
    office = (context or ctx()).settings()["office_name"]

    def make() -> bytes:
        from lib.export.summary_pdf import render  # reportlab loads only when the PDF is asked for
        return render(board, office, tables)
    return make


def backup_maker(actor):
    """Deferred: the backup (and its audit event) is made only when the admin presses the button."""
    from lib.services.backup import backup_xlsx
    context = ctx()
    return lambda: backup_xlsx(context, actor)


def completeness_pdf_maker(report):
    from lib.completeness_views import report_pdf
    office, today = ctx().settings()["office_name"], ctx().today()
    return lambda: report_pdf(report, office, today)


def reminders(lines: list[str], heading: str, advice: str, one_by_one: int = 5) -> None:
    """A few reminders one warning each; many (a large office's 1,900 stale berkala items) as one
    warning with the count above a table, so the page stays readable and fast."""
    if len(lines) <= one_by_one:
        for line in lines:
            st.warning(plain(f"{heading}: {line}. {advice}"))
        return
    st.warning(f"{heading}: {len(lines):,} informasi. {advice}".replace(",", "."))
    st.dataframe({"Informasi": lines}, hide_index=True)
