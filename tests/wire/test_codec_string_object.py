"""``loads_string_object``: a send's answer (a flat object of strings) read by orjson
gives what the standard library gives; anything else is left to the standard path."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zapi_async.http.responses import decode_body
from zapi_async.wire import codec

pytest.importorskip("orjson")

no_surrogates = st.text().filter(lambda s: not any(0xD800 <= ord(c) <= 0xDFFF for c in s))


@given(st.dictionaries(no_surrogates, no_surrogates, max_size=6))
def test_a_flat_object_of_strings_decodes_as_the_standard_library_does(
    value: dict[str, str],
) -> None:
    for raw in (json.dumps(value).encode(), json.dumps(value, ensure_ascii=False).encode()):
        decoded = codec.loads_string_object(raw)
        assert decoded == json.loads(raw)
        assert list(decoded or {}) == list(json.loads(raw))  # key order too


@pytest.mark.parametrize(
    "raw",
    [
        b'{"zaapId": 123456789012345678901234567890}',  # orjson would give a float
        b'{"zaapId": 1}',
        b'{"zaapId": "Z", "sent": true}',
        b'{"zaapId": null}',
        b'{"zaapId": {"nested": "x"}}',
        b'{"zaapId": NaN}',
        b'{"zaapId": "\\ud800"}',  # a lone surrogate: orjson refuses it
        b'\xef\xbb\xbf{"zaapId": "Z"}',  # a byte order mark
        b'["Z"]',
        b'"Z"',
        b'{"zaapId": "Z"',  # cut short
        b'{"zaapId": "\xff"}',  # not UTF-8
    ],
)
def test_anything_but_a_flat_object_of_strings_is_left_to_the_standard_path(raw: bytes) -> None:
    assert codec.loads_string_object(raw) is None


def test_decode_body_gives_the_same_values_through_either_path() -> None:
    big = b'{"zaapId": "Z", "n": 123456789012345678901234567890}'
    assert decode_body(big, "application/json") == {
        "zaapId": "Z",
        "n": 123456789012345678901234567890,
    }
    assert decode_body(b'{"zaapId": "\\ud800"}', "application/json") == {"zaapId": "\ud800"}
    answer = (
        b'{"zaapId": "3999984263738042930CD6ECDE9VDWSA", "messageId": "D241XXXX", "id": "D241XXXX"}'
    )
    assert decode_body(answer, "application/json") == {
        "zaapId": "3999984263738042930CD6ECDE9VDWSA",
        "messageId": "D241XXXX",
        "id": "D241XXXX",
    }


def test_without_the_extra_nothing_is_read_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(codec, "_orjson_loads", None)
    assert codec.loads_string_object(b'{"zaapId": "Z"}') is None
    assert decode_body(b'{"zaapId": "Z"}', "application/json") == {"zaapId": "Z"}
