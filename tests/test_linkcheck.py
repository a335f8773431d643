"""The link checker, against a real HTTP server on 127.0.0.1."""
from __future__ import annotations

import socket
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.httpd import serving

from lib.linkcheck import LinkResult, check_links, links_of

SLOW = 0.6  # seconds the slow route waits; the tests use a 0.3 s timeout


class Routes(BaseHTTPRequestHandler):
    """/ok 200, /hilang 404, /pindah -> /ok, /tanpa-head (HEAD 405, GET 200), /lambat (too slow)."""

    def do_HEAD(self):
        self._answer(body=False)

    def do_GET(self):
        self._answer(body=True)

    def _answer(self, body: bool):
        self.server.seen[(self.command, self.path)] += 1
        if self.path == "/lambat":
            time.sleep(SLOW)
        status, headers = self._route()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def _route(self) -> tuple[int, dict]:
        if self.path == "/pindah":
            return 302, {"Location": "/ok"}
        if self.path == "/tanpa-head":
            return (405 if self.command == "HEAD" else 200), {}
        return (404 if self.path == "/hilang" else 200), {}

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # the slow route writes after the client gave up; that is the point


@pytest.fixture
def site(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("SIDIP_LINKCHECK_ALLOW", "127.0.0.1")  # the test site is local
    httpd = Server(("127.0.0.1", 0), Routes)
    httpd.seen = Counter()
    with serving(httpd) as base:
        yield httpd, base


def test_each_link_gets_its_status_and_an_indonesian_message_in_input_order_once(site):
    httpd, base = site
    urls = [f"{base}/ok", f"{base}/hilang", f"{base}/pindah", f"{base}/tanpa-head", f"{base}/lambat",
            "ftp://arsip.example.go.id/dip.pdf", f"{base}/ok", " ", f"{base}/hilang"]

    results = check_links(urls, timeout=0.3)

    assert results == [
        LinkResult(f"{base}/ok", True, 200, "Dapat dibuka"),
        LinkResult(f"{base}/hilang", False, 404, "HTTP 404"),
        LinkResult(f"{base}/pindah", True, 200, f"Dapat dibuka (dialihkan ke {base}/ok)"),
        LinkResult(f"{base}/tanpa-head", True, 200, "Dapat dibuka"),
        LinkResult(f"{base}/lambat", False, None, "Tidak dapat dijangkau"),
        LinkResult("ftp://arsip.example.go.id/dip.pdf", False, None, "Bukan tautan http/https"),
    ]
    assert httpd.seen == Counter({("HEAD", "/ok"): 2, ("HEAD", "/hilang"): 1, ("HEAD", "/pindah"): 1,
                                  ("HEAD", "/tanpa-head"): 1, ("GET", "/tanpa-head"): 1, ("HEAD", "/lambat"): 1})


def test_links_are_checked_in_parallel_so_slow_ones_do_not_add_up(site):
    _, base = site
    started = time.monotonic()

    results = check_links([f"{base}/lambat?{n}" for n in range(4)], timeout=2, workers=4)

    assert [r.ok for r in results] == [True] * 4
    assert time.monotonic() - started < 4 * SLOW


def test_a_server_that_refuses_the_connection_is_reported_as_unreachable(monkeypatch):
    monkeypatch.setenv("SIDIP_LINKCHECK_ALLOW", "127.0.0.1")
    closed = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{closed.getsockname()[1]}/dip.html"
    closed.close()

    assert check_links([url], timeout=2) == [LinkResult(url, False, None, "Tidak dapat dijangkau")]


def test_no_links_means_no_results():
    assert check_links([]) == []


def test_links_of_takes_the_http_links_of_a_field_and_skips_other_lines():
    text = ("https://ppid.example.go.id/dip/2026.pdf\r\n"
            "Drive PPID/DIP/Laporan Keuangan\n"
            "\n"
            "  (lihat http://jdih.example.go.id/perbup-12.pdf).  \n"
            "HTTPS://Example.go.id/a_(b)\n")

    assert links_of(text) == ["https://ppid.example.go.id/dip/2026.pdf", "http://jdih.example.go.id/perbup-12.pdf",
                              "HTTPS://Example.go.id/a_(b)"]
