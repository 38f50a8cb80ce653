"""Which network addresses the collector may connect to: the public Internet only, unless the
office lists a host or network (`--allow-address`).

A portal page (or a redirect) can point anywhere: http://127.0.0.1:8080/admin, the cloud
metadata service at 169.254.169.254, a 10.x intranet server, a name whose DNS answer is one of
those. A collector that follows such links is a way into the office's own network. So before
each request — each redirect hop too — the host's name is resolved and EVERY address it
resolves to is checked; the connection is then made to one of those checked addresses (the
socket is opened here, never by a second lookup), so a DNS answer that changes between the
check and the connection (DNS rebinding) cannot slip an internal address in.

Refused: loopback, link-local, private (RFC 1918, ULA fc00::/7), CGNAT 100.64/10, multicast,
unspecified, reserved and documentation ranges, and those same addresses inside IPv6
(IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import urllib.parse

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NameResolutionError, NewConnectionError

from etl.gongkai_error import GongkaiError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_KINDS = [
    ("本机回环地址", ["127.0.0.0/8", "::1/128"]),
    ("链路本地地址", ["169.254.0.0/16", "fe80::/10"]),
    ("内网地址", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fec0::/10"]),
    ("运营商级 NAT 地址", ["100.64.0.0/10"]),
    ("组播地址", ["224.0.0.0/4", "ff00::/8"]),
    ("未指定地址", ["0.0.0.0/8", "::/128"]),
    (
        "保留地址",
        [
            "192.0.0.0/24",
            "192.0.2.0/24",
            "192.88.99.0/24",
            "198.18.0.0/15",
            "198.51.100.0/24",
            "203.0.113.0/24",
            "240.0.0.0/4",
            "::/8",
            "100::/64",
            "2001::/23",
            "2001:db8::/32",
            "64:ff9b:1::/48",
        ],
    ),
]
_NETWORKS = [(kind, ipaddress.ip_network(n)) for kind, nets in _KINDS for n in nets]
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_6TO4 = ipaddress.ip_network("2002::/16")


class AddressRefused(GongkaiError):
    """Not an OSError on purpose: urllib3 and requests let it through unwrapped."""


def forbidden_kind(ip: IPAddress) -> str | None:
    """Why the collector keeps away from `ip` ('内网地址' …), or None for a public address."""
    if isinstance(ip, ipaddress.IPv6Address):  # an IPv4 address carried inside IPv6
        if ip.ipv4_mapped is not None:
            return forbidden_kind(ip.ipv4_mapped)
        if ip in _NAT64:
            return forbidden_kind(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip in _6TO4 and forbidden_kind(ipaddress.IPv4Address((int(ip) >> 80) & 0xFFFFFFFF)):
            return forbidden_kind(ipaddress.IPv4Address((int(ip) >> 80) & 0xFFFFFFFF))
    for kind, net in _NETWORKS:
        if ip.version == net.version and ip in net:
            return kind
    if not ip.is_global:  # whatever the standard library adds after this list was written
        return "保留地址"
    return None


class AddressGuard:
    """Resolves host names once per run, checks every address, and hands the checked
    addresses to the connections (see `session_adapter`)."""

    def __init__(self, allow: tuple[str, ...] | list[str] = ()):
        self.hosts: set[str] = set()
        self.networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for entry in allow:
            entry = entry.strip()
            try:
                self.networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                self.hosts.add(_host_key(entry))
        self._resolved: dict[tuple[str, int], list[str]] = {}
        self._lock = threading.Lock()

    def refusal(self, url: str) -> str | None:
        """One line saying why `url` is not fetched, or None. An unresolvable name is left to
        the request itself to report (as any unreachable host)."""
        parts = urllib.parse.urlsplit(url)
        try:
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        except ValueError:
            return f"网址的端口号无效：{url[:80]}"
        try:
            self.addresses(parts.hostname or "", port)
        except AddressRefused as exc:
            return str(exc)
        except OSError:
            return None
        return None

    def addresses(self, host: str, port: int) -> list[str]:
        """The checked addresses of `host` (raises AddressRefused, or socket.gaierror)."""
        key = (_host_key(host), port)
        with self._lock:
            known = self._resolved.get(key)
        if known is not None:
            return known
        try:  # an address written as such needs no lookup (and no IPv6 stack to parse it)
            found = [str(ipaddress.ip_address(key[0]))]
        except ValueError:
            infos = socket.getaddrinfo(key[0], port, type=socket.SOCK_STREAM)
            found = list(dict.fromkeys(info[4][0] for info in infos))
        if key[0] not in self.hosts:
            for text in found:
                ip = ipaddress.ip_address(text.split("%", 1)[0])
                kind = forbidden_kind(ip)
                if kind and not any(
                    ip in net for net in self.networks if net.version == ip.version
                ):
                    raise AddressRefused(
                        f"{host} 指向{kind}（{ip}），为安全起见没有访问。"
                        "如确需采集，请用 --allow-address 列出该主机或网段"
                    )
        with self._lock:
            self._resolved[key] = found
        return found


def _host_key(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


class _CheckedConnection:
    """Opens its socket to an address the guard checked, never to a name looked up again.
    TLS still verifies the certificate against the host name (urllib3 uses `host` for SNI)."""

    guard: AddressGuard

    def _new_conn(self):
        name = self._dns_host
        try:
            addresses = self.guard.addresses(name, self.port)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        last: Exception | None = None
        for address in addresses:
            self._dns_host = address
            try:
                return super()._new_conn()
            except NewConnectionError as exc:  # refused there: the next address may answer
                last = exc
            finally:
                self._dns_host = name
        raise last  # type: ignore[misc]  -- getaddrinfo never answers with no address


def pool_classes(guard: AddressGuard) -> dict[str, type]:
    """HTTP(S) connection pools whose connections go only to addresses `guard` checked."""
    http = type("CheckedHTTPConnection", (_CheckedConnection, HTTPConnection), {"guard": guard})
    https = type("CheckedHTTPSConnection", (_CheckedConnection, HTTPSConnection), {"guard": guard})
    return {
        "http": type("CheckedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http}),
        "https": type("CheckedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https}),
    }
