"""Outbound requests for typed addresses reach public hosts only.

No test sends traffic anywhere but 127.0.0.1: internal spellings point at a local server that must
see no request; "public" names resolve to 127.0.0.1 only through an injected resolver, together
with an allow-list entry naming them.
"""
from __future__ import annotations

import socket
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lib import netguard
from lib.errors import SidipError
from lib.linkcheck import REFUSED, LinkResult, check_links
from lib.publish import manual
from tests.httpd import serving


class Routes(BaseHTTPRequestHandler):
    """/ok 200; /ke?<url> redirects to <url>; /putar/<n> redirects to /putar/<n+1>."""

    def do_HEAD(self):
        self._answer()

    def do_GET(self):
        self._answer()

    def _answer(self):
        self.server.seen[(self.command, self.path)] += 1
        if self.path.startswith("/ke?"):
            self.send_response(302)
            self.send_header("Location", self.path[4:])
        elif self.path.startswith("/putar/"):
            self.send_response(302)
            self.send_header("Location", f"/putar/{int(self.path[7:]) + 1}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Routes)
    httpd.seen = Counter()
    with serving(httpd):
        yield httpd


@pytest.fixture(autouse=True)
def no_allow_list(monkeypatch):
    monkeypatch.delenv(netguard.ALLOW_ENV, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")


@pytest.fixture
def public_name(monkeypatch):
    """ppid.contoh.go.id resolves to 127.0.0.1 in the test, and the admin allows it by name."""
    def resolve(host, port):
        if host == "ppid.contoh.go.id":
            return ["127.0.0.1"]
        return socket_resolve(host, port)
    socket_resolve = netguard.resolve
    monkeypatch.setattr(netguard, "resolve", resolve)
    monkeypatch.setenv(netguard.ALLOW_ENV, "ppid.contoh.go.id")
    return "ppid.contoh.go.id"


LOOPBACK_SPELLINGS = ["127.0.0.1", "2130706433", "0x7f.1", "127.1", "0177.0.0.1", "[::1]", "[::ffff:127.0.0.1]",
                      "localhost", "localhost."]


def test_loopback_in_every_spelling_is_refused_without_a_single_request(server):
    port = server.server_address[1]
    urls = [f"http://{host}:{port}/ok" for host in LOOPBACK_SPELLINGS]

    results = check_links(urls, timeout=2)

    assert results == [LinkResult(url, False, None, REFUSED) for url in urls]
    assert server.seen == Counter()


@pytest.mark.parametrize("address,public", [
    ("8.8.8.8", True), ("2001:4860:4860::8888", True), ("127.0.0.1", False), ("10.1.2.3", False),
    ("172.16.0.1", False), ("192.168.1.1", False), ("169.254.169.254", False), ("100.64.0.1", False),
    ("0.0.0.0", False), ("224.0.0.1", False), ("240.0.0.1", False), ("255.255.255.255", False), ("::", False),
    ("::1", False), ("fe80::1", False), ("fc00::1", False), ("ff02::1", False), ("::ffff:127.0.0.1", False),
    ("::ffff:10.0.0.1", False), ("2002:7f00:1::", False), ("::ffff:8.8.8.8", True),
])
def test_only_global_unicast_addresses_count_as_public(address, public):
    assert netguard.is_public(address) is public


def test_a_name_with_one_internal_address_among_public_ones_is_refused_before_connecting(monkeypatch, server):
    monkeypatch.setattr(netguard, "resolve", lambda host, port: ["93.184.216.34", "127.0.0.1"])
    url = f"http://campuran.contoh.go.id:{server.server_address[1]}/ok"

    assert check_links([url]) == [LinkResult(url, False, None, REFUSED)]
    assert server.seen == Counter()


def test_each_connection_checks_the_very_addresses_it_connects_to(monkeypatch, server):
    answers = iter([["127.0.0.1"], ["10.0.0.9"]])  # a rebinding DNS: public first, internal next
    monkeypatch.setattr(netguard, "resolve", lambda host, port: next(answers))
    monkeypatch.setenv(netguard.ALLOW_ENV, "127.0.0.1")
    port = server.server_address[1]

    first = check_links([f"http://rebind.contoh.go.id:{port}/ok"])
    second = check_links([f"http://rebind.contoh.go.id:{port}/ok"])

    assert [r.message for r in first + second] == ["Dapat dibuka", REFUSED]
    assert server.seen == Counter({("HEAD", "/ok"): 1})


def test_an_allowed_host_that_redirects_to_an_internal_address_is_stopped_at_that_hop(server, public_name):
    port = server.server_address[1]
    url = f"http://{public_name}:{port}/ke?http://127.0.0.1:{port}/ok"

    assert check_links([url]) == [LinkResult(url, False, None, REFUSED)]
    assert server.seen == Counter({("HEAD", f"/ke?http://127.0.0.1:{port}/ok"): 1})


def test_redirects_are_followed_five_times_at_most(server, public_name):
    url = f"http://{public_name}:{server.server_address[1]}/putar/0"

    assert check_links([url]) == [LinkResult(url, False, None, "Tidak dapat dijangkau")]
    assert server.seen == Counter({("HEAD", f"/putar/{n}"): 1 for n in range(6)})


def test_an_allowed_host_is_checked_and_its_redirects_followed(server, public_name):
    base = f"http://{public_name}:{server.server_address[1]}"
    url = f"{base}/ke?/ok"

    assert check_links([url]) == [LinkResult(url, True, 200, f"Dapat dibuka (dialihkan ke {base}/ok)")]


def test_an_allowed_network_lets_its_addresses_through(monkeypatch, server):
    monkeypatch.setenv(netguard.ALLOW_ENV, "intranet.kpu.go.id, 127.0.0.0/8")
    url = f"http://127.0.0.1:{server.server_address[1]}/ok"

    assert check_links([url]) == [LinkResult(url, True, 200, "Dapat dibuka")]


def test_an_unreachable_public_host_says_only_that_it_cannot_be_reached(public_name):
    closed = socket.create_server(("127.0.0.1", 0))
    url = f"http://{public_name}:{closed.getsockname()[1]}/dip.html"
    closed.close()

    assert check_links([url], timeout=2) == [LinkResult(url, False, None, "Tidak dapat dijangkau")]


def test_the_manual_target_never_fetches_an_internal_address_nor_reveals_its_checksum(server):
    url = f"http://0x7f.1:{server.server_address[1]}/ok"

    with pytest.raises(SidipError) as caught:
        manual.verify(url, "0" * 64, timeout=2)

    assert str(caught.value) == (
        f"Alamat {url} menunjuk ke jaringan internal atau alamat yang tidak publik; SIDIP tidak mengambilnya. "
        "Catat alamat publik situs PPID (admin dapat mengizinkan host tertentu lewat SIDIP_LINKCHECK_ALLOW).")
    assert server.seen == Counter()
