"""SIDIP — Sistem Informasi Daftar Informasi Publik. The only router: who sees which page."""
import streamlit as st

from lib import ui
from lib.domain.models import ROLES
from lib.errors import ConfigError
from lib.services import auth

st.set_page_config(page_title="SIDIP", page_icon=":material/list_alt:", layout="wide")


@st.cache_resource(show_spinner=False)
def announce_setup_code(data_dir: str) -> bool:
    """Once per server start: a fresh one-time code on the console, so no visitor can claim the install."""
    code = auth.new_setup_code(ui.ctx())
    print(f"SIDIP kode penyiapan admin pertama: {code}", flush=True)
    return True


def page(name: str, path: str | None = None, default: bool = False) -> st.Page:
    spec = ui.PAGES[name]
    # The default page is served at "/"; its own url would read "page not found", so it gets a spare one.
    url = f"{name}-utama" if default else name
    return st.Page(path or spec.path, title=spec.title, icon=spec.icon, url_path=url, default=default)


def routes(user) -> tuple[list[st.Page], list[st.Page]]:
    """(every registered route, the links the sidebar shows). Every page URL always resolves: a
    visitor is never told "page not found". Logged out, a protected URL shows the login form and,
    once logged in, the page itself; a role without access reaches the page's own refusal."""
    if user is None:
        start = st.Page("pages/masuk.py", title="Masuk", icon=":material/login:", url_path="masuk-utama",
                        default=True)
        login = [st.Page("pages/masuk.py", title="Masuk", url_path=n) for n in (*ui.PAGES, "masuk") if n != "dip"]
        return [start, *login, page("dip")], [start, page("dip")]
    home = page("beranda", default=True)
    everything = [home] + [page(n) for n in ui.PAGES]
    hidden = ui.hidden_pages(user)
    shown = [home] + [p for p, n in zip(everything[1:], ui.PAGES) if n != "beranda" and n not in hidden
                      and (not ui.PAGES[n].roles or ui.PAGES[n].roles & user.roles)]
    return everything, shown


def sidebar(user, links: list[st.Page]) -> None:
    with st.sidebar:
        for link in links:
            st.page_link(link)
        if user is None:
            return
        st.divider()
        st.markdown(f"**{ui.plain(user.full_name)}**  \n{', '.join(ROLES[r] for r in sorted(user.roles))}"
                    + (f"  \n{ui.plain(user.unit)}" if user.unit else ""))
        if st.button("Keluar", icon=":material/logout:", key="logout"):
            auth.logout(ui.ctx(), user.actor())
            ui.end_session()
            st.rerun()


try:
    ctx = ui.ctx()
except ConfigError as err:  # a weak or example key, unreadable secrets: said at start, nothing runs
    print(f"SIDIP tidak dapat dimulai: {err}", flush=True)
    st.error(f"SIDIP tidak dapat dimulai: {err}")
    st.stop()
ui.restore_from_cookie()
user = ui.current_user()
if user is not None and not ui.keep_alive(user):
    user = None
ui.sync_cookie_clear()

if auth.needs_setup(ctx):
    announce_setup_code(ctx.data_dir)
    setup = st.Page("pages/penyiapan.py", title="Penyiapan", icon=":material/key:", url_path="penyiapan-utama",
                    default=True)
    nav = [setup] + [st.Page("pages/penyiapan.py", title="Penyiapan", url_path=n) for n in (*ui.PAGES, "penyiapan")]
    links = [setup]
else:
    nav, links = routes(user)
current = st.navigation(nav, position="hidden")
sidebar(user if not auth.needs_setup(ctx) else None, links)
current.run()
