"""Where a request comes from: X-Forwarded-For is believed only from a trusted proxy."""

from __future__ import annotations

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from osezia.web.auth.peer import UNKNOWN, client_address

PROXIES = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("fd00::/8"))


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert client_address("203.0.113.7", ["198.51.100.1"], ()) == "203.0.113.7"


def test_an_untrusted_peers_forwarded_header_is_ignored() -> None:
    assert client_address("203.0.113.7", ["198.51.100.1"], PROXIES) == "203.0.113.7"


def test_a_trusted_proxy_names_the_client_it_received_the_request_from() -> None:
    assert client_address("10.0.0.2", ["198.51.100.1"], PROXIES) == "198.51.100.1"


def test_addresses_a_client_wrote_left_of_the_proxies_are_not_believed() -> None:
    forged = "192.0.2.99, 198.51.100.1, 10.1.2.3"

    assert client_address("10.0.0.2", [forged], PROXIES) == "198.51.100.1"


def test_several_forwarded_headers_read_as_one_list_in_order() -> None:
    headers = ["192.0.2.99", "198.51.100.1", "10.1.2.3"]

    assert client_address("10.0.0.2", headers, PROXIES) == "198.51.100.1"


def test_a_chain_of_trusted_proxies_only_names_the_first_of_them() -> None:
    assert client_address("10.0.0.2", ["10.9.9.9, 10.1.1.1"], PROXIES) == "10.9.9.9"


def test_a_trusted_proxy_without_a_forwarded_header_is_the_client() -> None:
    assert client_address("10.0.0.2", [], PROXIES) == "10.0.0.2"


def test_an_entry_that_is_not_an_address_ends_the_walk_at_the_last_proxy() -> None:
    assert client_address("10.0.0.2", ["198.51.100.1, <script>, 10.1.1.1"], PROXIES) == "10.1.1.1"


def test_ipv6_proxies_and_clients_are_read_too() -> None:
    assert client_address("fd00::1", ["2001:db8::5"], PROXIES) == "2001:db8::5"


def test_a_peer_without_an_address_is_unknown() -> None:
    assert client_address(None, ["198.51.100.1"], PROXIES) == UNKNOWN


_addresses = st.ip_addresses(v=4).map(str)


@given(peer=_addresses, hops=st.lists(_addresses, max_size=5))
def test_an_untrusted_peer_is_always_the_client_whatever_it_forwards(
    peer: str, hops: list[str]
) -> None:
    trusted = ipaddress.ip_address(peer) in PROXIES[0]

    answer = client_address(peer, [", ".join(hops)], PROXIES)

    assert trusted or answer == peer


@given(client=_addresses, forged=st.lists(st.text(max_size=20), max_size=3))
def test_nothing_left_of_the_client_a_proxy_saw_changes_the_answer(
    client: str, forged: list[str]
) -> None:
    if ipaddress.ip_address(client) in PROXIES[0]:
        return
    header = ", ".join([*(f.replace(",", "") for f in forged), client, "10.3.3.3"])

    assert client_address("10.0.0.2", [header], PROXIES) == client
