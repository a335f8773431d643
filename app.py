"""SIDIP — Sistem Informasi Daftar Informasi Publik. The only router: who sees which page."""
import streamlit as st

from lib import ui
from lib.domain.models import ROLES
from lib.services import auth

st.set_page_config(page_title="SIDIP", page_icon=":material/list_alt:", layout="wide")


@st.cache_resource(show_spinner=False)
def announce_setup_code(data_dir: str) -> bool:
    """Once per server start: a fresh one-time code on the console, so no visitor can claim the install."""
    code = auth.new_setup_code(ui.ctx())
    print(f"SIDIP kode penyiapan admin pertama: {code}", flush=True)
    return True


def page(name: str, default: bool = False) -> st.Page:
    spec = ui.PAGES[name]
    return st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=name, default=default)


def pages_for(user) -> list[st.Page]:
    allowed = [n for n, s in ui.PAGES.items() if s.roles & user.roles]
    return [page(n, default=(n == "beranda")) for n in allowed] + [page("dip")]


def sidebar(user) -> None:
    with st.sidebar:
        st.markdown(f"**{user.full_name}**  \n{', '.join(ROLES[r] for r in sorted(user.roles))}"
                    + (f"  \n{user.unit}" if user.unit else ""))
        if st.button("Keluar", icon=":material/logout:", key="logout"):
            auth.logout(ui.ctx(), user.actor())
            ui.end_session()
            st.rerun()


ctx = ui.ctx()
ui.restore_from_cookie()
user = ui.current_user()
if user is not None and not ui.keep_alive(user):
    user = None
ui.sync_cookie_clear()

if auth.needs_setup(ctx):
    announce_setup_code(str(ctx.register.path))
    nav = [st.Page("pages/penyiapan.py", title="Penyiapan", icon=":material/key:",
                   url_path="penyiapan", default=True), page("dip")]
elif user is None:
    nav = [st.Page("pages/masuk.py", title="Masuk", icon=":material/login:", url_path="masuk",
                   default=True), page("dip")]
else:
    sidebar(user)
    nav = pages_for(user)

st.navigation(nav).run()
