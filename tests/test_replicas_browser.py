"""Two Streamlit replicas on one PostgreSQL register behind nginx (deploy/nginx/sidip.conf), in Chromium.

Nothing that matters may live in one process: a login made through nginx holds on either replica, and a
change made on one replica is seen on the other at its next run.
"""
import re

import pytest
from playwright.sync_api import expect

from tests.browser_support import (SEEDED_USERS, browser, choose, form, login, main_area,  # noqa: F401 (fixture)
                                   open_path, require_chromium, settle, shot, sidebar)
from tests.pg_support import pg_server  # noqa: F401 (fixture)
from tests.replica_support import nginx_binary, start_cluster

REQUEST_TITLE = "Rekapitulasi daftar pemilih (diminta lewat replika 1)"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, pg_server):
    require_chromium()
    nginx_binary()
    running = start_cluster(tmp_path_factory.mktemp("sidip-replika"), pg_server.create_database(), SEEDED_USERS)
    yield running
    running.stop()


def test_a_login_through_nginx_holds_on_each_replica_opened_directly(browser, cluster):
    context = browser.new_context()
    page = context.new_page()
    login(page, cluster.nginx, "ppid")
    assert {c["name"] for c in context.cookies()} >= {"sidip_sesi", "sidip_lb"}
    for replica in cluster.replicas:  # the cookie belongs to the host, not the port: every replica gets it
        open_path(page, replica)
        expect(sidebar(page)).to_contain_text("PPID Uji")
        expect(sidebar(page).get_by_role("button", name="Keluar")).to_be_visible()
    context.close()


def test_through_nginx_the_websocket_stays_open_and_the_page_answers_clicks(browser, cluster):
    context = browser.new_context()
    page = context.new_page()
    login(page, cluster.nginx, "ppid")
    open_path(page, cluster.nginx, "permintaan")
    main_area(page).get_by_text("Buka permintaan informasi ke unit").click()
    expect(form(page, "Buka permintaan").get_by_label("Judul informasi yang diminta", exact=True)).to_be_visible()
    streams = re.findall(r'"GET /_stcore/stream HTTP/1\.1" (\d{3})', cluster.nginx.access_log())
    assert streams and set(streams) == {"101"}  # every websocket handshake through nginx was upgraded
    context.close()


def test_a_request_opened_on_replica_one_is_seen_on_replica_two_at_its_next_run(browser, cluster):
    first, second = cluster.replicas
    desk_context, ppid_context = browser.new_context(), browser.new_context()
    desk, ppid = desk_context.new_page(), ppid_context.new_page()
    login(desk, second, "desk")
    open_path(desk, second, "permintaan")  # replica 2 reads (and caches) the empty list first
    expect(main_area(desk).get_by_text("Tidak ada permintaan terbuka.", exact=True)).to_be_visible()

    login(ppid, first, "ppid")
    open_path(ppid, first, "permintaan")
    main_area(ppid).get_by_text("Buka permintaan informasi ke unit").click()
    minta = form(ppid, "Buka permintaan")
    choose(ppid, minta, "Unit", "Sekretariat")
    minta.get_by_label("Judul informasi yang diminta", exact=True).fill(REQUEST_TITLE)
    minta.get_by_role("button", name="Buka permintaan").click()
    expect(main_area(ppid).get_by_text("Permintaan dibuka", exact=False)).to_be_visible()

    desk.reload()
    settle(desk)
    expect(main_area(desk).get_by_text("Tidak ada permintaan terbuka.", exact=True)).to_have_count(0)
    choose(desk, main_area(desk), "Pilih permintaan", re.compile(re.escape(REQUEST_TITLE)))
    expect(form(desk, "Ajukan ke PPID").get_by_label("Judul informasi", exact=True)).to_have_value(REQUEST_TITLE)
    shot(desk, "replika-2-melihat-permintaan")
    desk_context.close()
    ppid_context.close()
