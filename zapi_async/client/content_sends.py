"""Named send helpers for content messages: ``send_image(...)``, ``send_poll(...)``…

Each helper takes a message of its kind alone, or exactly the fields of that
model's constructor. The helpers are generated from the models (one line each),
so their signatures cannot drift from the constructors: ``inspect.signature`` and
type checkers both see the constructor's parameters.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Coroutine
from typing import Any, Generic, ParamSpec, Protocol, TypeVar, overload

from ..models.carousel import CarouselMessage
from ..models.interactive import (
    EditEventMessage,
    EventMessage,
    EventResponseMessage,
    PollMessage,
    PollVoteMessage,
    ReactionMessage,
    RemoveReactionMessage,
)
from ..models.media import (
    AudioMessage,
    DocumentMessage,
    GifMessage,
    ImageMessage,
    PtvMessage,
    StickerMessage,
    VideoMessage,
)
from ..models.messages import Message, SendResult
from ..models.places import ContactMessage, ContactsMessage, LinkMessage, LocationMessage
from .base import ClientCalls
from .named_sends import _message_or_build

__all__ = ["ContentSends"]

P = ParamSpec("P")
M = TypeVar("M", bound=Message)
M_contra = TypeVar("M_contra", bound=Message, contravariant=True)

_Sent = Coroutine[Any, Any, SendResult]


class _BoundHelper(Protocol[P, M_contra]):
    """A helper bound to a client: ``(message)`` or ``(*constructor fields)``."""

    @overload
    def __call__(self, message: M_contra, /) -> _Sent: ...
    @overload
    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> _Sent: ...


class _SendHelper(Generic[P, M]):
    """Descriptor making ``send_<kind>`` from the model class ``model``."""

    def __init__(self, model: Callable[P, M]) -> None:
        self.model = model
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def _function(self) -> Callable[..., _Sent]:
        model, name = self.model, self.name
        kinds = (model,) if isinstance(model, type) else ()

        async def helper(client: ClientCalls, /, *args: Any, **kwargs: Any) -> SendResult:
            message = _message_or_build(name, kinds, model, args, kwargs)
            return await client._send_one(message)

        parameters = list(inspect.signature(model).parameters.values())
        self_param = inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)
        helper.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [self_param, *parameters], return_annotation=SendResult
        )
        helper.__name__ = helper.__qualname__ = name
        model_name = getattr(model, "__name__", "message")
        helper.__doc__ = (
            f"Send a :class:`~zapi_async.{model_name}`, or build one from its fields "
            f"(the constructor's arguments). Returns the :class:`~zapi_async.SendResult`."
        )
        return helper

    @overload
    def __get__(self, obj: None, owner: type) -> Callable[..., _Sent]: ...
    @overload
    def __get__(self, obj: ClientCalls, owner: type) -> _BoundHelper[P, M]: ...
    def __get__(self, obj: ClientCalls | None, owner: type) -> Any:
        function = self.__dict__.get("_cached")
        if function is None:
            function = self.__dict__["_cached"] = self._function()
        if obj is None:
            return function
        return types.MethodType(function, obj)


class ContentSends(ClientCalls):
    """``send_image``, ``send_audio``, ``send_video``, ``send_ptv``, ``send_gif``,
    ``send_sticker``, ``send_document``, ``send_location``, ``send_contact``,
    ``send_contacts``, ``send_link``, ``send_reaction``, ``send_remove_reaction``,
    ``send_poll``, ``send_poll_vote``, ``send_event``, ``send_edit_event``,
    ``send_event_response`` and ``send_carousel``."""

    __slots__ = ()

    send_image = _SendHelper(ImageMessage)
    send_audio = _SendHelper(AudioMessage)
    send_video = _SendHelper(VideoMessage)
    send_ptv = _SendHelper(PtvMessage)
    send_gif = _SendHelper(GifMessage)
    send_sticker = _SendHelper(StickerMessage)
    send_document = _SendHelper(DocumentMessage)
    send_location = _SendHelper(LocationMessage)
    send_contact = _SendHelper(ContactMessage)
    send_contacts = _SendHelper(ContactsMessage)
    send_link = _SendHelper(LinkMessage)
    send_reaction = _SendHelper(ReactionMessage)
    send_remove_reaction = _SendHelper(RemoveReactionMessage)
    send_poll = _SendHelper(PollMessage)
    send_poll_vote = _SendHelper(PollVoteMessage)
    send_event = _SendHelper(EventMessage)
    send_edit_event = _SendHelper(EditEventMessage)
    send_event_response = _SendHelper(EventResponseMessage)
    send_carousel = _SendHelper(CarouselMessage)
