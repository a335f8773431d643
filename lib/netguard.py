"""Outbound HTTP for addresses a user typed: only public hosts, checked where the socket connects.

Every address a name resolves to must be public (no loopback, private, link-local, multicast,
reserved or unspecified address, IPv4-mapped forms included) unless the admin allowed the host in
``SIDIP_LINKCHECK_ALLOW`` ("intranet.kpu.go.id,10.1.2.3,10.9.0.0/16"). The check runs inside the
connection, on the very addresses it then connects to, so a DNS answer that changes between a
check and the connection (rebinding) cannot slip through; TLS still checks the host name.
Redirects are followed here, one hop at a time (at most ``MAX_REDIRECTS``), each hop checked alike.
"""
from __future__ import annotations

import ipaddress
import os
import socket
from contextlib import contextmanager
from urllib.parse import urljoin

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.util import connection as u3

ALLOW_ENV = "SIDIP_LINKCHECK_ALLOW"
MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}
HEADERS = {"User-Agent": "SIDIP-linkcheck/1.0 (PPID)"}


class RefusedAddress(Exception):
    """The host is not public (and not allowed): nothing was sent to it."""


class NotReached(Exception):
    """Name not found, connection refused, timed out, TLS failed, too many redirects: all one to the user."""


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (tests replace this; they never resolve real names)."""
    return list(dict.fromkeys(info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)))


def allow_list() -> list[str]:
    return [e.strip().lower().rstrip(".") for e in os.environ.get(ALLOW_ENV, "").split(",") if e.strip()]


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if getattr(ip, "ipv4_mapped", None) is not None:  # ::ffff:a.b.c.d is a.b.c.d
        return is_public(str(ip.ipv4_mapped))
    if getattr(ip, "sixtofour", None) is not None and not is_public(str(ip.sixtofour)):
        return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified or ip.is_loopback
                                 or ip.is_link_local or ip.is_private)


def allowed(host: str, address: str, allow: list[str]) -> bool:
    """Public, or the admin listed the host name, the address, or a network holding it."""
    if host.lower().strip("[]").rstrip(".") in allow or is_public(address):
        return True
    ip = ipaddress.ip_address(address.split("%")[0])
    for entry in allow:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def checked_addresses(host: str, port: int) -> list[str]:
    """The addresses to connect to; refused if any one of them is not allowed."""
    host = host.strip("[]").rstrip(".")  # "localhost." is localhost
    addresses = resolve(host, port)
    allow = allow_list()
    if not addresses or not all(allowed(host, a, allow) for a in addresses):
        raise RefusedAddress(host)
    return addresses


class _Guarded:
    def _new_conn(self) -> socket.socket:
        try:
            addresses = checked_addresses(self._dns_host, self.port)
        except socket.gaierror as err:
            raise NotReached() from err
        last: OSError | None = None
        for address in addresses:
            try:
                return u3.create_connection((address, self.port), self.timeout, source_address=self.source_address,
                                            socket_options=self.socket_options)
            except OSError as err:
                last = err
        raise NotReached() from last


class GuardedHTTPConnection(_Guarded, HTTPConnection):
    pass


class GuardedHTTPSConnection(_Guarded, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def session() -> requests.Session:
    s = requests.Session()
    s.trust_env = False  # a proxy would connect for us, past the check
    s.mount("http://", GuardedAdapter(max_retries=0))
    s.mount("https://", GuardedAdapter(max_retries=0))
    return s


@contextmanager
def fetch(url: str, method: str = "GET", timeout: float = 10):
    """The final response (streamed, body unread) after at most MAX_REDIRECTS checked hops.

    Raises RefusedAddress (no request sent to that hop) or NotReached."""
    with session() as s:
        for _ in range(MAX_REDIRECTS + 1):
            if not url.lower().startswith(("http://", "https://")):
                raise NotReached()
            response = _send(s, method, url, timeout)
            location = response.headers.get("Location")
            if response.status_code not in REDIRECTS or not location:
                try:
                    yield response
                finally:
                    response.close()
                return
            response.close()
            url = urljoin(url, location)
            method = "GET" if response.status_code == 303 or method == "POST" else method
        raise NotReached()


def _send(s: requests.Session, method: str, url: str, timeout: float) -> requests.Response:
    try:
        return s.request(method, url, timeout=timeout, allow_redirects=False, stream=True, headers=HEADERS)
    except requests.RequestException as err:
        refused = _refusal(err)
        if refused is not None:
            raise refused from None
        raise NotReached() from err


def _refusal(err: BaseException) -> RefusedAddress | None:
    seen = set()
    while err is not None and id(err) not in seen:
        if isinstance(err, RefusedAddress):
            return err
        seen.add(id(err))
        inner = getattr(err, "reason", None) or (err.args[0] if err.args else None)
        err = err.__cause__ or err.__context__ or (inner if isinstance(inner, BaseException) else None)
    return None
