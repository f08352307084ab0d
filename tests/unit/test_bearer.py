"""One rule for the token Prometheus sends, to the API's /metrics and to the probes'."""

from __future__ import annotations

import pytest

from osezia.observability.probe import bearer_matches

TOKEN = "scrape-token-0123456789"


@pytest.mark.parametrize(
    "header", [f"Bearer {TOKEN}", f"bearer {TOKEN}", f" Bearer {TOKEN} ", f"BEARER {TOKEN}"]
)
def test_the_token_is_accepted_whatever_the_scheme_case_and_spaces(header: str) -> None:
    assert bearer_matches(header, TOKEN)


@pytest.mark.parametrize(
    "header", [None, "", TOKEN, f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer ", "Bearer"]
)
def test_anything_else_is_refused(header: str | None) -> None:
    assert not bearer_matches(header, TOKEN)
