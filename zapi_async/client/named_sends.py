"""Named send helpers of :class:`~zapi_async.ZapiClient`: ``send_text(...)`` and
friends take a message model alone, or exactly its constructor's fields (a test
checks the helpers' signatures against the models')."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast, overload

from ..models.lists import (
    AnyButtonList,
    ButtonListImageMessage,
    ButtonListMessage,
    ButtonListVideoMessage,
    ListButton,
    ListOption,
    OptionListMessage,
    button_list,
)
from ..models.messages import Message, SendResult
from ..models.payments import OtpButtonMessage, PixButtonMessage, PixKeyType
from ..models.text import TextMessage
from .base import ClientCalls

__all__ = ["NamedSends"]


def _message_or_build(
    helper: str,
    kinds: tuple[type, ...],
    build: Callable[..., Message],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Message:
    """``args[0]`` when it is a message of ``kinds`` given alone; else ``build(...)``."""
    first = args[0] if args else None
    if isinstance(first, kinds):
        if len(args) == 1 and not kwargs:
            return cast(Message, first)
        raise TypeError(f"{helper}() takes a {type(first).__name__} alone, or only its fields")
    if first is not None and hasattr(type(first), "endpoint"):
        raise TypeError(
            f"{helper}() does not take a {type(first).__name__}; send(message) takes any message"
        )
    return build(*args, **kwargs)


class NamedSends(ClientCalls):
    """``send_text``, ``send_button_list``, ``send_option_list``, ``send_button_otp``
    and ``send_button_pix``."""

    __slots__ = ()

    @overload
    async def send_text(self, message: TextMessage, /) -> SendResult: ...
    @overload
    async def send_text(
        self,
        phone: str,
        message: str,
        *,
        delay_message: int | None = None,
        delay_typing: int | None = None,
        edit_message_id: str | None = None,
        message_id: str | None = None,
    ) -> SendResult: ...
    async def send_text(self, *args: Any, **kwargs: Any) -> SendResult:
        """Send a :class:`~zapi_async.TextMessage`, or build one from its fields.

        ``message_id`` replies to (quotes) that message; ``edit_message_id`` edits a
        message sent earlier. Returns the :class:`~zapi_async.SendResult`.
        """
        return await self._send_one(
            _message_or_build("send_text", (TextMessage,), TextMessage, args, kwargs)
        )

    @overload
    async def send_button_list(self, message: AnyButtonList, /) -> SendResult: ...
    @overload
    async def send_button_list(
        self,
        phone: str,
        message: str,
        buttons: Iterable[ListButton],
        *,
        image: str | None = None,
        video: str | None = None,
        delay_message: int | None = None,
    ) -> SendResult: ...
    async def send_button_list(self, *args: Any, **kwargs: Any) -> SendResult:
        """Send a button list; with ``image=`` or ``video=`` the matching variant.

        Accepts a :class:`~zapi_async.ButtonListMessage` (or its image/video
        variant) alone, or the fields (see :func:`~zapi_async.button_list`).
        """
        variants = (ButtonListMessage, ButtonListImageMessage, ButtonListVideoMessage)
        message = _message_or_build("send_button_list", variants, button_list, args, kwargs)
        return await self._send_one(message)

    @overload
    async def send_option_list(self, message: OptionListMessage, /) -> SendResult: ...
    @overload
    async def send_option_list(
        self,
        phone: str,
        message: str,
        title: str,
        button_label: str,
        options: Iterable[ListOption],
        *,
        delay_message: int | None = None,
    ) -> SendResult: ...
    async def send_option_list(self, *args: Any, **kwargs: Any) -> SendResult:
        """Send an :class:`~zapi_async.OptionListMessage`, or build one from its fields."""
        message = _message_or_build(
            "send_option_list", (OptionListMessage,), OptionListMessage, args, kwargs
        )
        return await self._send_one(message)

    @overload
    async def send_button_otp(self, message: OtpButtonMessage, /) -> SendResult: ...
    @overload
    async def send_button_otp(
        self,
        phone: str,
        message: str,
        code: str,
        *,
        image: str | None = None,
        button_text: str | None = None,
        delay_message: int | None = None,
    ) -> SendResult: ...
    async def send_button_otp(self, *args: Any, **kwargs: Any) -> SendResult:
        """Send an :class:`~zapi_async.OtpButtonMessage` (copy-code button), or build one."""
        message = _message_or_build(
            "send_button_otp", (OtpButtonMessage,), OtpButtonMessage, args, kwargs
        )
        return await self._send_one(message)

    @overload
    async def send_button_pix(self, message: PixButtonMessage, /) -> SendResult: ...
    @overload
    async def send_button_pix(
        self,
        phone: str,
        pix_key: str,
        type: PixKeyType,
        *,
        merchant_name: str | None = None,
        delay_message: int | None = None,
    ) -> SendResult: ...
    async def send_button_pix(self, *args: Any, **kwargs: Any) -> SendResult:
        """Send a :class:`~zapi_async.PixButtonMessage` (PIX key button), or build one."""
        message = _message_or_build(
            "send_button_pix", (PixButtonMessage,), PixButtonMessage, args, kwargs
        )
        return await self._send_one(message)
