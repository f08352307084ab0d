"""Apollo's persistedQuery extension as the server reads it, before any document is looked up."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Mapping

import pytest

from osezia.web.persisted import Documents, document_hash
from osezia.web.refusal import Refused

HASH = "a" * 64


def resolve(body: Mapping[str, object], *, registered_only: bool = False) -> dict[str, object]:
    # No lookup reaches the database in these cases: the pool is never used.
    return asyncio.run(Documents(registered_only=registered_only).resolve(body, pool=None)).body  # type: ignore[arg-type]


def test_the_hash_is_apollos_lowercase_hex_sha256() -> None:
    assert document_hash("{ a }") == hashlib.sha256(b"{ a }").hexdigest()


@pytest.mark.parametrize(
    ("extensions", "code"),
    [
        ({"persistedQuery": {"version": 2, "sha256Hash": HASH}}, "PERSISTED_QUERY_NOT_SUPPORTED"),
        ({"persistedQuery": {"sha256Hash": HASH}}, "PERSISTED_QUERY_NOT_SUPPORTED"),
        ({"persistedQuery": "yes"}, "PERSISTED_QUERY_NOT_SUPPORTED"),
        ({"persistedQuery": {"version": 1, "sha256Hash": HASH.upper()}}, "BAD_REQUEST"),
        ({"persistedQuery": {"version": 1, "sha256Hash": "abc"}}, "BAD_REQUEST"),
        ({"persistedQuery": {"version": 1}}, "BAD_REQUEST"),
        ('{"persistedQuery": ', "BAD_REQUEST"),  # a GET's parameter that is not JSON
    ],
)
def test_a_malformed_persisted_query_is_refused_with_its_code(
    extensions: object, code: str
) -> None:
    with pytest.raises(Refused) as refused:
        resolve({"extensions": extensions})

    assert (refused.value.status, refused.value.code) == (400, code)


def test_a_document_sent_with_another_documents_hash_is_refused() -> None:
    body = {"query": "{ a }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": HASH}}}

    with pytest.raises(Refused, match="provided sha does not match query"):
        resolve(body)


def test_a_document_sent_with_its_hash_is_remembered_and_found_by_hash_alone() -> None:
    documents = Documents(registered_only=False)
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": document_hash("{ a }")}}

    sent = asyncio.run(documents.resolve({"query": "{ a }", "extensions": persisted}, None))  # type: ignore[arg-type]
    found = asyncio.run(documents.resolve({"extensions": persisted}, None))  # type: ignore[arg-type]

    assert sent.body["query"] == found.body["query"] == "{ a }"


def test_the_documents_digest_comes_with_it_whether_sent_whole_or_by_hash() -> None:
    documents = Documents(registered_only=False)
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": document_hash("{ a }")}}
    digest = hashlib.sha256(b"{ a }").digest()

    plain = asyncio.run(documents.resolve({"query": "{ a }"}, None))  # type: ignore[arg-type]
    sent = asyncio.run(documents.resolve({"query": "{ a }", "extensions": persisted}, None))  # type: ignore[arg-type]
    found = asyncio.run(documents.resolve({"extensions": persisted}, None))  # type: ignore[arg-type]
    without = asyncio.run(documents.resolve({"variables": {}}, None))  # type: ignore[arg-type]

    assert plain.digest == sent.digest == found.digest == digest
    assert without.digest is None


def test_without_the_extension_the_request_is_left_as_it_is() -> None:
    body = {"query": "{ a }", "variables": {"x": 1}, "extensions": {"other": True}}

    assert resolve(body) == body
