"""Turn any mix of action buttons into the fewest messages WhatsApp accepts.

Z-API's "send action buttons" page warns that CALL, URL and REPLY buttons in one
message break WhatsApp Web: CALL and URL buttons may share a message, REPLY buttons
go in a message of their own. WhatsApp also caps buttons per message; those caps
live in a :class:`ButtonPolicy`.

:func:`split` is pure (no I/O) and deterministic::

    >>> from zapi_async import ButtonActionsMessage, CallButton, ReplyButton, UrlButton
    >>> mixed = ButtonActionsMessage("551199999999", "How can we help?", [
    ...     CallButton("Call us", phone="+554498398733"),
    ...     ReplyButton("Agent", id="agent"),
    ...     UrlButton("Website", url="https://z-api.io"),
    ... ])
    >>> [[b.kind for b in part.buttons] for part in split(mixed)]
    [['CALL', 'URL'], ['REPLY']]
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from .errors import ValidationError
from .models.buttons import Button, ButtonKind
from .models.messages import ButtonActionsMessage

__all__ = ["ButtonPolicy", "check_compliant", "is_compliant", "split"]


def _positive_or_none(
    instance: object, attribute: attrs.Attribute[int | None], value: object
) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValidationError(
            f"ButtonPolicy.{attribute.name}",
            f"should be a positive integer or None, but was {value!r}",
        )


def _bool(instance: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        raise ValidationError(
            f"ButtonPolicy.{attribute.name}", f"should be True or False, but was {value!r}"
        )


def _positive(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValidationError(
            f"ButtonPolicy.{attribute.name}", f"should be a positive integer, but was {value!r}"
        )


@attrs.frozen(kw_only=True)
class ButtonPolicy:
    """Limits each sent message must respect. ``None`` means "no limit".

    The REPLY-apart rule itself is not optional: it is the seed page's compatibility
    rule. Defaults (``ButtonPolicy()``): at most 3 buttons per message, nothing else
    capped. :meth:`meta` mirrors Meta's interactive-message limits.

    * ``max_buttons``: buttons per message (all kinds).
    * ``max_call_buttons`` / ``max_url_buttons``: per CALL+URL message.
    * ``max_reply_buttons``: per REPLY message.
    * ``max_label_length``: characters per button label.
    * ``max_message_length``, ``max_title_length``, ``max_footer_length``: characters.
    * ``image_on_every_part``: when a message is split, repeat ``image`` on every part
      (``True``, as the seed's two examples do) or only on the first.

    Length limits cannot be fixed by splitting: :func:`split` raises
    :class:`~zapi_async.ValidationError` for them.
    """

    max_buttons: int = attrs.field(default=3, validator=_positive)
    max_call_buttons: int | None = attrs.field(default=None, validator=_positive_or_none)
    max_url_buttons: int | None = attrs.field(default=None, validator=_positive_or_none)
    max_reply_buttons: int | None = attrs.field(default=None, validator=_positive_or_none)
    max_label_length: int | None = attrs.field(default=None, validator=_positive_or_none)
    max_message_length: int | None = attrs.field(default=None, validator=_positive_or_none)
    max_title_length: int | None = attrs.field(default=None, validator=_positive_or_none)
    max_footer_length: int | None = attrs.field(default=None, validator=_positive_or_none)
    image_on_every_part: bool = attrs.field(default=True, validator=_bool)

    @classmethod
    def meta(cls) -> ButtonPolicy:
        """Meta's WhatsApp interactive-message limits (the strictest known).

        Call-to-action messages: at most one CALL and one URL button. Quick replies:
        at most 3. Labels at most 20 characters, body 1024, header and footer 60.
        """
        return cls(
            max_buttons=3,
            max_call_buttons=1,
            max_url_buttons=1,
            max_reply_buttons=3,
            max_label_length=20,
            max_message_length=1024,
            max_title_length=60,
            max_footer_length=60,
        )

    def cap(self, kind: ButtonKind) -> int:
        """Most buttons of ``kind`` (``"CALL"``, ``"URL"`` or ``"REPLY"``) one message may carry.

        That is the kind's own cap, bounded by ``max_buttons``.
        """
        if kind == "CALL":
            per_kind = self.max_call_buttons
        elif kind == "URL":
            per_kind = self.max_url_buttons
        elif kind == "REPLY":
            per_kind = self.max_reply_buttons
        else:
            raise ValueError(f"unknown button kind {kind!r}, expected CALL, URL or REPLY")
        return self.max_buttons if per_kind is None else min(per_kind, self.max_buttons)


#: The policy :func:`split` and the client use when none is given.
DEFAULT_POLICY = ButtonPolicy()
_KINDS: tuple[ButtonKind, ...] = ("CALL", "URL", "REPLY")


def _length_problems(message: ButtonActionsMessage, policy: ButtonPolicy) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    limits = (
        ("message", message.message, policy.max_message_length),
        ("title", message.title, policy.max_title_length),
        ("footer", message.footer, policy.max_footer_length),
    )
    for name, text, limit in limits:
        if limit is not None and text is not None and len(text) > limit:
            problems.append(
                (
                    f"ButtonActionsMessage.{name}",
                    f"should be at most {limit} characters, but has {len(text)}",
                )
            )
    if policy.max_label_length is not None:
        for index, button in enumerate(message.buttons):
            if len(button.label) > policy.max_label_length:
                problems.append(
                    (
                        f"ButtonActionsMessage.buttons[{index}].label",
                        f"should be at most {policy.max_label_length} characters, "
                        f"but {button.label!r} has {len(button.label)}",
                    )
                )
    return problems


def _mix_problems(buttons: tuple[Button, ...], policy: ButtonPolicy) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    kinds = [b.kind for b in buttons]
    if "REPLY" in kinds and ("CALL" in kinds or "URL" in kinds):
        problems.append(
            (
                "ButtonActionsMessage.buttons",
                "should not mix REPLY buttons with CALL/URL buttons (WhatsApp Web fails); "
                "send them apart, or let split() do it",
            )
        )
    if len(buttons) > policy.max_buttons:
        problems.append(
            (
                "ButtonActionsMessage.buttons",
                f"should have at most {policy.max_buttons} buttons, but has {len(buttons)}",
            )
        )
    for kind in _KINDS:
        count = kinds.count(kind)
        if count > policy.cap(kind):
            problems.append(
                (
                    "ButtonActionsMessage.buttons",
                    f"should have at most {policy.cap(kind)} {kind} buttons, but has {count}",
                )
            )
    return problems


def _raise(problems: list[tuple[str, str]]) -> None:
    if problems:
        field, rule = problems[0]
        rule += "".join(f"; also {f}: {r}" for f, r in problems[1:])
        raise ValidationError(field, rule)


def is_compliant(message: ButtonActionsMessage, policy: ButtonPolicy = DEFAULT_POLICY) -> bool:
    """Whether ``message`` can be sent as is under ``policy``."""
    return not (_mix_problems(message.buttons, policy) or _length_problems(message, policy))


def check_compliant(message: ButtonActionsMessage, policy: ButtonPolicy = DEFAULT_POLICY) -> None:
    """Raise :class:`~zapi_async.ValidationError` listing every rule ``message`` breaks."""
    _raise(_mix_problems(message.buttons, policy) + _length_problems(message, policy))


def _is_plain(policy: ButtonPolicy) -> bool:
    """No length and no per-kind limits (the default): only ``max_buttons`` counts."""
    return (
        policy.max_call_buttons is None
        and policy.max_url_buttons is None
        and policy.max_reply_buttons is None
        and policy.max_label_length is None
        and policy.max_message_length is None
        and policy.max_title_length is None
        and policy.max_footer_length is None
    )


def _plain_groups(buttons: tuple[Button, ...], cap: int) -> list[Sequence[Button]] | None:
    """The parts under a plain policy, or ``None`` when the message complies as is.

    The same parts as the general path gives (every kind's cap is ``cap`` there, so
    its contiguous runs of ``cap`` are minimal), in a fraction of the time.
    """
    reply_count = 0
    for button in buttons:  # a loop: cheaper than a comprehension for the usual case
        if button.kind == "REPLY":
            reply_count += 1
    if len(buttons) <= cap and reply_count in (0, len(buttons)):
        return None
    replies = [b for b in buttons if b.kind == "REPLY"]
    actions = [b for b in buttons if b.kind != "REPLY"]
    groups: list[Sequence[Button]] = [actions[i : i + cap] for i in range(0, len(actions), cap)]
    groups += [replies[i : i + cap] for i in range(0, len(replies), cap)]
    return groups


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _chunk_actions(buttons: list[Button], policy: ButtonPolicy) -> list[list[Button]]:
    """CALL/URL buttons into the fewest parts, each kind keeping its order."""
    if not buttons:
        return []
    calls = [b for b in buttons if b.kind == "CALL"]
    urls = [b for b in buttons if b.kind == "URL"]
    call_cap, url_cap, total_cap = policy.cap("CALL"), policy.cap("URL"), policy.max_buttons
    parts = max(
        _ceil_div(len(calls), call_cap),
        _ceil_div(len(urls), url_cap),
        _ceil_div(len(buttons), total_cap),
    )
    if parts == 1:  # everything fits in one part: the contiguous run below, cheaply
        return [list(buttons)]
    # Contiguous runs keep the user's exact order; use them when they are minimal.
    contiguous: list[list[Button]] = [[]]
    for button in buttons:
        current = contiguous[-1]
        same_kind = sum(1 for b in current if b.kind == button.kind)
        if len(current) >= total_cap or same_kind >= policy.cap(button.kind):
            contiguous.append([button])
        else:
            current.append(button)
    if len(contiguous) == parts:
        return contiguous
    # Otherwise spread CALLs evenly, then fill URLs first-fit: always reaches `parts`
    # (each part then has room min(url_cap, total_cap - calls) and those rooms add up).
    base, extra = divmod(len(calls), parts)
    call_counts = [base + (1 if i < extra else 0) for i in range(parts)]
    url_counts = []
    remaining = len(urls)
    for count in call_counts:
        take = min(url_cap, total_cap - count, remaining)
        url_counts.append(take)
        remaining -= take
    # Positions, not identities: the same button object may appear twice.
    indexed_calls = iter([(i, b) for i, b in enumerate(buttons) if b.kind == "CALL"])
    indexed_urls = iter([(i, b) for i, b in enumerate(buttons) if b.kind == "URL"])
    result: list[list[Button]] = []
    for n_calls, n_urls in zip(call_counts, url_counts, strict=True):
        part = [next(indexed_calls) for _ in range(n_calls)]
        part += [next(indexed_urls) for _ in range(n_urls)]
        result.append([button for _, button in sorted(part, key=lambda pair: pair[0])])
    return result


def split(
    message: ButtonActionsMessage, policy: ButtonPolicy = DEFAULT_POLICY
) -> list[ButtonActionsMessage]:
    """Split ``message`` into the fewest messages that comply with ``policy``.

    CALL and URL buttons go first (together, chunked to the caps), REPLY buttons
    after, each kind in the order given. Every part repeats phone, message, title,
    footer and delay; ``image`` too unless ``policy.image_on_every_part`` is false.
    A message that already complies comes back alone and unchanged (the same object).

    Raises :class:`~zapi_async.ValidationError` for limits splitting cannot fix
    (text or label lengths).
    """
    groups: list[Sequence[Button]]
    if policy is DEFAULT_POLICY or _is_plain(policy):
        plain = _plain_groups(message.buttons, policy.max_buttons)
        if plain is None:
            return [message]
        groups = plain
    else:
        groups_or_none = _general_groups(message, policy)
        if groups_or_none is None:
            return [message]
        groups = groups_or_none
    return [
        _derive(
            message,
            buttons=tuple(group),
            image=message.image if index == 0 or policy.image_on_every_part else None,
        )
        for index, group in enumerate(groups)
    ]


def _general_groups(
    message: ButtonActionsMessage, policy: ButtonPolicy
) -> list[Sequence[Button]] | None:
    """The parts under any policy, or ``None`` when the message complies as is."""
    _raise(_length_problems(message, policy))
    if not _mix_problems(message.buttons, policy):
        return None
    actions = [b for b in message.buttons if b.kind != "REPLY"]
    replies = [b for b in message.buttons if b.kind == "REPLY"]
    reply_cap = policy.cap("REPLY")
    groups: list[Sequence[Button]] = [*_chunk_actions(actions, policy)]
    groups += [replies[i : i + reply_cap] for i in range(0, len(replies), reply_cap)]
    return groups


def _derive(
    message: ButtonActionsMessage, *, buttons: tuple[Button, ...], image: str | None
) -> ButtonActionsMessage:
    # A part of an already validated message is valid too: skip re-running every
    # check (attrs.evolve would), which dominated the cost of split().
    part = _new(ButtonActionsMessage)
    for name in _COPIED_FIELDS:
        _set(part, name, getattr(message, name))
    _set(part, "buttons", buttons)
    _set(part, "image", image)
    return part


_new = object.__new__
_set = object.__setattr__
#: Fields a part shares with its message (``_derive`` sets the other two itself).
_COPIED_FIELDS = tuple(
    f.name for f in attrs.fields(ButtonActionsMessage) if f.name not in ("buttons", "image")
)
