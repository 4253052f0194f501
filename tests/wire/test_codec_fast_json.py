"""The ``fast-json`` extra (orjson) writes the same bytes as the standard library for
every JSON document, and falls back to it for what orjson refuses."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zapi_async.wire import codec

pytest.importorskip("orjson")

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.text().filter(lambda s: not any(0xD800 <= ord(c) <= 0xDFFF for c in s)),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)


@given(json_values)
def test_orjson_writes_the_standard_librarys_bytes(value: Any) -> None:
    assert codec._fast_dumps(value) == codec._std_dumps(value)


@pytest.mark.parametrize(
    "value", [{"n": 2**70}, {1: "a"}, {"t": ("a", 1)}], ids=["big int", "int key", "tuple"]
)
def test_what_orjson_refuses_falls_back_to_the_standard_library(value: Any) -> None:
    assert codec._fast_dumps(value) == codec._std_dumps(value)


def test_the_extra_is_used_when_installed() -> None:
    assert codec.FAST_JSON
    assert codec.dumps is codec._fast_dumps
    assert codec.dumps({"message": "ação"}) == '{"message":"ação"}'.encode()
