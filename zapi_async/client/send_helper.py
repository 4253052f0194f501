"""The one way a named send helper is made: ``SendHelper(Model)`` gives a client
method taking a message of that kind alone, or exactly the model constructor's
fields, so no helper restates a constructor by hand (``inspect.signature`` and type
checkers both see the constructor's parameters)."""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Coroutine
from typing import Any, Generic, ParamSpec, Protocol, TypeVar, cast, overload

from ..models.messages import Message, SendResult
from .base import ClientCalls

__all__ = ["SendHelper"]


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


class SendHelper(Generic[P, M]):
    """Descriptor making ``send_<kind>`` from the model class ``model``."""

    def __init__(self, model: Callable[P, M], *, kinds: tuple[type, ...] = ()) -> None:
        self.model = model
        self.kinds = kinds or ((model,) if isinstance(model, type) else ())
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def _function(self) -> Callable[..., _Sent]:
        model, name, kinds = self.model, self.name, self.kinds

        async def helper(client: ClientCalls, /, *args: Any, **kwargs: Any) -> SendResult:
            message = _message_or_build(name, kinds, model, args, kwargs)
            return await client._send_one(message)

        parameters = list(inspect.signature(model).parameters.values())
        self_param = inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)
        helper.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [self_param, *parameters], return_annotation=SendResult
        )
        helper.__name__ = helper.__qualname__ = name
        names = " or ".join(f":class:`~zapi_async.{kind.__name__}`" for kind in kinds)
        built = getattr(model, "__name__", "message")
        summary = (inspect.getdoc(model) or "").split("\n\n")[0]
        helper.__doc__ = (
            f"Send a {names or built}, or build one from the fields of "
            f":func:`~zapi_async.{built}` (the same arguments). Returns the "
            f":class:`~zapi_async.SendResult`.\n\n{summary}"
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
