"""Hypothesis strategies for the models.

Import what you need::

    from tests.support.strategies import button_actions_messages, policies

Every strategy yields *valid* values (construction never raises). Texts are kept
within :meth:`ButtonPolicy.meta`'s length limits (labels <= 20, message <= 300,
title/footer <= 60 characters) so any generated message can be split under any
policy from :func:`policies`.
"""

from __future__ import annotations

import base64

import attrs
from hypothesis import strategies as st

from zapi_async import (
    Button,
    ButtonActionsMessage,
    ButtonPolicy,
    CallButton,
    ReplyButton,
    UrlButton,
    ValidationError,
)
from zapi_async.models._checks import check_text

__all__ = [
    "button_actions_messages",
    "button_lists",
    "buttons",
    "call_buttons",
    "dial_numbers",
    "http_urls",
    "images",
    "labels",
    "policies",
    "recipients",
    "reply_buttons",
    "texts",
    "url_buttons",
]

# --- field values --------------------------------------------------------------------


def _acceptable(value: str) -> bool:
    try:
        check_text("text", value)
    except ValidationError:
        return False
    return True


# Any character a text field takes: no surrogates, controls or bidi controls
# (models/_checks.py refuses them; tests/models/test_text_rules.py covers that).
_CHARACTERS = st.characters(
    blacklist_categories=("Cs", "Cc"),
    blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
)


def texts(max_size: int) -> st.SearchStrategy[str]:
    """Any text a text field takes, up to ``max_size`` characters."""
    return st.text(_CHARACTERS, min_size=1, max_size=max_size).filter(_acceptable)


def labels() -> st.SearchStrategy[str]:
    """Button labels, at most 20 characters (Meta's limit)."""
    return texts(20)


# Plain text strategies over small alphabets: much faster to generate than from_regex.
_DIGITS = "0123456789"


def _digits(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=_DIGITS, min_size=min_size, max_size=max_size)


def recipients() -> st.SearchStrategy[str]:
    """Digits-only numbers (8..15 digits) and group ids."""
    return st.one_of(_digits(8, 15), _digits(6, 30).map(lambda d: d + "-group"))


def dial_numbers() -> st.SearchStrategy[str]:
    """Numbers a CALL button dials: 8..15 digits with an optional leading ``+``."""
    return st.builds(str.__add__, st.sampled_from(["", "+"]), _digits(8, 15))


def http_urls() -> st.SearchStrategy[str]:
    """Absolute http(s) URLs with a host."""
    return st.builds(
        "{}://{}{}{}".format,
        st.sampled_from(["http", "https"]),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12),
        st.sampled_from(["", ".io", ".com.br", ":8080"]),
        st.text(alphabet="abcxyz019/._~-?=&#%", max_size=16).map(lambda p: p and "/" + p),
    )


def images() -> st.SearchStrategy[str | None]:
    """``None``, an image URL, raw Base64 or a ``data:image/...;base64,`` URI."""
    raw = st.binary(min_size=1, max_size=48).map(lambda b: base64.b64encode(b).decode())
    return st.one_of(
        st.none(),
        http_urls(),
        raw,
        st.builds("data:image/{};base64,{}".format, st.sampled_from(["png", "jpeg"]), raw),
    )


def _ids() -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), st.text(_CHARACTERS, min_size=1, max_size=8).filter(_acceptable))


# --- buttons -------------------------------------------------------------------------


def call_buttons(ids: st.SearchStrategy[str | None] | None = None) -> st.SearchStrategy[Button]:
    """CALL buttons (``ids`` overrides the id strategy)."""
    return st.builds(
        CallButton, label=labels(), phone=dial_numbers(), id=_ids() if ids is None else ids
    )


def url_buttons(ids: st.SearchStrategy[str | None] | None = None) -> st.SearchStrategy[Button]:
    """URL buttons, some of them copy-code buttons."""
    id_strategy = _ids() if ids is None else ids
    return st.one_of(
        st.builds(UrlButton, label=labels(), url=http_urls(), id=id_strategy),
        st.builds(UrlButton.copy_code, texts(12), label=labels(), id=id_strategy),
    )


def reply_buttons(ids: st.SearchStrategy[str | None] | None = None) -> st.SearchStrategy[Button]:
    """REPLY buttons."""
    return st.builds(ReplyButton, label=labels(), id=_ids() if ids is None else ids)


def buttons(ids: st.SearchStrategy[str | None] | None = None) -> st.SearchStrategy[Button]:
    """Any button."""
    return st.one_of(call_buttons(ids), url_buttons(ids), reply_buttons(ids))


def _drop_repeated_ids(made: list[Button]) -> list[Button]:
    seen: set[str] = set()
    unique: list[Button] = []
    for button in made:
        if button.id is None or button.id not in seen:
            unique.append(button)
            if button.id is not None:
                seen.add(button.id)
        else:
            unique.append(attrs.evolve(button, id=None))
    return unique


def button_lists(min_size: int = 1, max_size: int = 12) -> st.SearchStrategy[list[Button]]:
    """Mixed button lists whose ids (when set) are unique, as a message requires."""
    return st.lists(buttons(), min_size=min_size, max_size=max_size).map(_drop_repeated_ids)


def button_actions_messages(
    buttons: st.SearchStrategy[list[Button]] | None = None,
) -> st.SearchStrategy[ButtonActionsMessage]:
    """Valid :class:`ButtonActionsMessage` values, optional fields set or not."""
    return st.builds(
        ButtonActionsMessage,
        phone=recipients(),
        message=texts(300),
        buttons=button_lists() if buttons is None else buttons,
        title=st.none() | texts(60),
        footer=st.none() | texts(60),
        image=images(),
        delay_message=st.none() | st.integers(1, 15),
    )


# --- policies ------------------------------------------------------------------------


def _caps() -> st.SearchStrategy[int | None]:
    return st.none() | st.integers(1, 6)


def policies() -> st.SearchStrategy[ButtonPolicy]:
    """The default policy, Meta's, and random valid ones.

    Random length limits never undercut the sizes the message strategies produce,
    so splitting never fails on lengths.
    """
    random = st.builds(
        ButtonPolicy,
        max_buttons=st.integers(1, 6),
        max_call_buttons=_caps(),
        max_url_buttons=_caps(),
        max_reply_buttons=_caps(),
        max_label_length=st.none() | st.integers(20, 100),
        max_message_length=st.none() | st.integers(300, 5000),
        max_title_length=st.none() | st.integers(60, 200),
        max_footer_length=st.none() | st.integers(60, 200),
        image_on_every_part=st.booleans(),
    )
    return st.one_of(st.just(ButtonPolicy()), st.just(ButtonPolicy.meta()), random)
