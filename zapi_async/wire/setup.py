"""JSON of the setup endpoints (``me``, ``device``, ``phone-exists``, pairing codes),
read leniently: Z-API's docs give some of these shapes only loosely.

* ``phone-exists/{phone}``: an object, or (as the docs' example) a one-element
  array of it; ``exists`` as a boolean, or ``"true"``/``"false"`` text; anything
  else (the example's ``"true ou false"``) becomes ``None``.
* ``phone-exists-batch``: an array of ``{exists, inputPhone, outputPhone, lid}``.
* ``me`` / ``device``: every documented key optional, unknown keys ignored, numbers
  also accepted as numeric text.
* pairing codes: ``{"code": …}``, ``{"value": …}`` or a bare string.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ..errors import WireFormatError
from ..models.setup import DeviceInfo, InstanceInfo, PairingCode, PhoneCheck, PhoneExists
from .converter import converter, to_camel

__all__: list[str] = []

_INTEGER = re.compile(r"\s*-?\d+\s*")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, Mapping) else type(value).__name__


def _text(value: Any, path: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise WireFormatError(f"expected a string, got {_json_type(value)} @ {path}")


def _flag(value: Any, path: str, *, strict: bool = True) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if not strict:
        return None
    raise WireFormatError(f"expected a boolean, got {_json_type(value)} @ {path}")


def _number(value: Any, path: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return int(value)
    raise WireFormatError(f"expected a number, got {_json_type(value)} @ {path}")


def _number_or_text(value: Any, path: str) -> int | str | None:
    if isinstance(value, str) and not _INTEGER.fullmatch(value):
        return value
    return _number(value, path)


def _object(value: Any, path: str = "$") -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise WireFormatError(f"expected an object, got {_json_type(value)} @ {path}")
    return value


_Reader = Callable[[Any, str], Any]
_INSTANCE_READERS: dict[str, _Reader] = {
    "due": _number,
    "created": _number_or_text,
    "connected": _flag,
    "receive_callback_sent_by_me": _flag,
    "call_reject_auto": _flag,
    "auto_read_message": _flag,
}


def _structure_instance(value: Any, cls: type) -> InstanceInfo:
    data = _object(value)
    fields: dict[str, Any] = {}
    for name in _names(InstanceInfo):
        key = to_camel(name)
        read: _Reader = _INSTANCE_READERS.get(name, _text)
        fields[name] = read(data.get(key), f"$.{key}")
    return InstanceInfo(**fields)


def _names(cls: type) -> list[str]:
    return [field.name for field in attrs.fields(cls)]


def _structure_device(value: Any, cls: type) -> DeviceInfo:
    data = _object(value)
    nested = data.get("device")
    inner = _object(nested, "$.device") if nested is not None else {}
    return DeviceInfo(
        phone=_text(data.get("phone"), "$.phone"),
        img_url=_text(data.get("imgUrl"), "$.imgUrl"),
        about=_text(data.get("about"), "$.about"),
        name=_text(data.get("name"), "$.name"),
        session_name=_text(inner.get("sessionName"), "$.device.sessionName"),
        device_model=_text(inner.get("device_model"), "$.device.device_model"),
        original_device=_text(data.get("originalDevice"), "$.originalDevice"),
        session_id=_number_or_text(data.get("sessionId"), "$.sessionId"),
        is_business=_flag(data.get("isBusiness"), "$.isBusiness"),
    )


def _structure_exists(value: Any, cls: type) -> PhoneExists:
    path = "$"
    if isinstance(value, list):
        if len(value) != 1:
            raise WireFormatError(f"expected one result, got an array of {len(value)} @ $")
        value, path = value[0], "$[0]"
    data = _object(value, path)
    if "exists" not in data:
        raise WireFormatError(f"required field missing @ {path}.exists")
    return PhoneExists(
        exists=_flag(data["exists"], f"{path}.exists", strict=False),
        phone=_text(data.get("phone"), f"{path}.phone"),
        lid=_text(data.get("lid"), f"{path}.lid"),
    )


def _structure_check(value: Any, cls: type) -> PhoneCheck:
    data = _object(value)
    if "exists" not in data:
        raise WireFormatError("required field missing @ $.exists")
    return PhoneCheck(
        exists=_flag(data["exists"], "$.exists", strict=False),
        input_phone=_text(data.get("inputPhone"), "$.inputPhone"),
        output_phone=_text(data.get("outputPhone"), "$.outputPhone"),
        lid=_text(data.get("lid"), "$.lid"),
    )


def _structure_code(value: Any, cls: type) -> PairingCode:
    if isinstance(value, Mapping):
        for key in ("code", "value"):
            if isinstance(value.get(key), str) and value[key].strip():
                return PairingCode(value[key].strip())
        raise WireFormatError("expected a 'code' (or 'value') string @ $")
    if isinstance(value, str) and value.strip():
        return PairingCode(value.strip())
    raise WireFormatError(f"expected an object with a code, got {_json_type(value)} @ $")


converter.register_structure_hook(InstanceInfo, _structure_instance)
converter.register_structure_hook(DeviceInfo, _structure_device)
converter.register_structure_hook(PhoneExists, _structure_exists)
converter.register_structure_hook(PhoneCheck, _structure_check)
converter.register_structure_hook(PairingCode, _structure_code)
