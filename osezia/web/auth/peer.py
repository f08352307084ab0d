"""The address a request comes from, as far as it can be believed.

`X-Forwarded-For` is written by whoever sends the request, so it is read only when the peer is
one of `OSEZIA_TRUSTED_PROXIES`, and then from the right: each trusted proxy appends the address
it received the request from, and everything left of the first untrusted address may be forged.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

UNKNOWN = "unknown"  # a peer with no address (a unix socket, a test client)


def _parsed(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: Address, proxies: Sequence[Network]) -> bool:
    return any(address in network for network in proxies)


def client_address(
    peer: str | None, forwarded_for: Iterable[str], proxies: Sequence[Network]
) -> str:
    """The right-most address of `X-Forwarded-For` that is not a trusted proxy, when the peer
    is one; otherwise the peer itself.

    `forwarded_for` holds the values of every `X-Forwarded-For` header, in order. An entry that
    is not an address ends the walk at the last proxy seen: past it, nothing was written by a
    proxy we trust.
    """
    if peer is None:
        return UNKNOWN
    nearest = _parsed(peer)
    if nearest is None or not _trusted(nearest, proxies):
        return peer
    hops = [hop for value in forwarded_for for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _parsed(hop)
        if address is None:
            break
        nearest = address
        if not _trusted(address, proxies):
            break
    return str(nearest)
