"""The answer's JSON: what orjson cannot write (an integer beyond 64 bits, which a `Cents`
total could be) is written as json would, and a prebuilt page's nodes stay as they were
written."""

from __future__ import annotations

import json

import orjson
import pytest

from osezia.web.view import _wide_integers


def test_integers_beyond_64_bits_are_written_as_their_digits() -> None:
    data = {
        "total": 2**70,
        "low": -(2**63) - 1,
        "edge": 2**64 - 1,
        "flag": True,
        "n": [1, -(2**80)],
    }
    with pytest.raises(orjson.JSONEncodeError):
        orjson.dumps(data)
    written = orjson.dumps(_wide_integers(data))
    assert json.loads(written) == data
    assert written == json.dumps(data, separators=(",", ":")).encode()


def test_a_prebuilt_node_is_kept_beside_a_wide_integer() -> None:
    node = orjson.Fragment('{"siren":"012345678"}')
    data = {"companies": {"edges": [{"node": node}]}, "sum": 2**65}
    assert json.loads(orjson.dumps(_wide_integers(data))) == {
        "companies": {"edges": [{"node": {"siren": "012345678"}}]},
        "sum": 2**65,
    }
