"""The keys a batch of stored states needs, found without decoding them."""

from __future__ import annotations

import orjson

from osezia.store.personal_cipher import kids_in


def envelope(kid: int) -> dict[str, str]:
    return {"_type_": "sealed", "_data_": f"{kid}:AAAA"}


def test_every_envelope_of_every_state_names_its_key_and_nothing_else_does() -> None:
    states = [
        orjson.dumps({"name": envelope(12), "other": envelope(7)}),
        orjson.dumps({"note": '"_type_":"sealed","_data_":"99:', "id": "x"}),  # text, escaped
        orjson.dumps({"plain": "sealed"}),
        orjson.dumps({"ref": envelope(3)}),
    ]

    assert kids_in(states) == {12, 7, 3}


def test_a_batch_without_envelopes_needs_no_key() -> None:
    assert kids_in([orjson.dumps({"a": 1}), b"{}"]) == set()
    assert kids_in([]) == set()
