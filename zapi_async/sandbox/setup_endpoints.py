"""The sandbox's setup endpoints: pairing (QR code, phone code), restart,
disconnect, ``me``/``device``, phone-exists and the webhook setters.

Answers follow ZAPI_ENDPOINTS.md §2 (docs/sandbox.md lists the sandbox's own
choices where Z-API documents no shape):

* ``GET qr-code``: a real QR code as ``image/png`` (made with segno: install
  ``zapi-async[qr]``); ``GET qr-code/image``: ``{"value": "data:image/png;base64,…"}``;
  ``GET phone-code/{phone}``: ``{"code": "ABCD1234"}``. A new code on every call;
  HTTP 409 ``{"error": "You are already connected."}`` while connected.
* ``PUT update-webhook-<kind>`` ``{"value": url}`` changes where the sandbox POSTs
  that kind of webhook; ``update-every-webhooks`` sets them all.
* ``phone-exists``: numbers in ``whatsapp_numbers`` exist (``None``: every number).
"""

from __future__ import annotations

import base64
import hashlib
import io
import random
import re
from collections.abc import Callable, Collection
from typing import Any, Protocol
from urllib.parse import urlsplit

__all__ = ["MAX_BATCH_PHONES", "WEBHOOK_KINDS", "SetupEndpoints", "setup_methods"]

#: Most phones one ``phone-exists-batch`` request may hold.
MAX_BATCH_PHONES = 50_000
#: ``update-webhook-<kind>`` kinds and the callback ``type`` each receives.
WEBHOOK_KINDS = {
    "received": "ReceivedCallback",
    "delivery": "DeliveryCallback",
    "message-status": "MessageStatusCallback",
    "disconnected": "DisconnectedCallback",
    "connected": "ConnectedCallback",
    "chat-presence": "PresenceChatCallback",
}
#: ``GET me`` key of each kind's URL.
_ME_KEYS = {
    "received": "receivedCallbackUrl",
    "delivery": "deliveryCallbackUrl",
    "message-status": "messageStatusCallbackUrl",
    "disconnected": "disconnectedCallbackUrl",
    "connected": "connectedCallbackUrl",
    "chat-presence": "presenceChatCallbackUrl",
}
_GET = {
    "qr-code": "qr",
    "qr-code/image": "qr_image",
    "restart": "restart",
    "restore-session": "restore",
    "disconnect": "disconnect",
    "me": "me",
    "device": "device",
}
_PHONE = re.compile(r"[0-9]{8,15}")
_ALREADY_CONNECTED = (409, {"error": "You are already connected."})
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

Answer = tuple[int, Any]


class _Instance(Protocol):
    connected: bool

    def connect(self) -> Any: ...

    def disconnect(self) -> None: ...


def setup_methods(endpoint: str) -> dict[str, str] | None:
    """``{method: operation}`` for a setup endpoint, else ``None``."""
    if endpoint in _GET:
        return {"GET": "setup:" + _GET[endpoint]}
    head, _, rest = endpoint.partition("/")
    if head in ("phone-code", "phone-exists") and rest and "/" not in rest:
        return {"GET": "setup:" + head}
    if endpoint == "phone-exists-batch":
        return {"POST": "setup:batch"}
    if endpoint == "update-every-webhooks":
        return {"PUT": "setup:every"}
    if endpoint == "update-notify-sent-by-me":
        return {"PUT": "setup:notify"}
    kind = endpoint.removeprefix("update-webhook-")
    if kind != endpoint and (kind in WEBHOOK_KINDS or kind == "received-delivery"):
        return {"PUT": "setup:webhook"}
    return None


def qr_png(text: str) -> bytes:
    """A QR code of ``text`` as PNG bytes (needs segno)."""
    import segno  # noqa: PLC0415 (optional: only the QR endpoints need it)

    out = io.BytesIO()
    segno.make(text, error="l", micro=False).save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def _bad(error: str) -> Answer:
    return 400, {"error": error}


def _webhook_url(body: Any, key: str = "value") -> str | Answer:
    if not isinstance(body, dict) or not isinstance(body.get(key), str):
        return _bad(f"expected a JSON object with {key!r}: an https URL")
    url: str = body[key]
    parts = urlsplit(url)
    loopback = parts.hostname in ("localhost", "::1") or (parts.hostname or "").startswith("127.")
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and loopback:
        return url  # only a local receiver: a sandbox convenience
    return _bad("the webhook URL should start with https://")


class SetupEndpoints:
    """State and answers of the setup endpoints of one sandbox instance.

    ``urls`` is the sender's per-kind webhook URL table (written by the setters);
    ``whatsapp_numbers`` the numbers that "have WhatsApp" (``None``: all).
    """

    def __init__(
        self,
        *,
        instance_id: str,
        token: str,
        connected_phone: str,
        urls: dict[str, str],
        whatsapp_numbers: Collection[str] | None,
        seed: int,
        wall_clock: Callable[[], float],
    ) -> None:
        self.instance_id = instance_id
        self._token = token
        self.connected_phone = connected_phone
        self.urls = urls
        self.whatsapp_numbers = None if whatsapp_numbers is None else set(whatsapp_numbers)
        self.notify_sent_by_me = False
        self.wall_clock = wall_clock
        self._rng = random.Random(f"zapi-sandbox-setup:{seed}")
        #: Every QR code text handed out, oldest first.
        self.qr_codes: list[str] = []
        #: Every pairing code handed out, oldest first.
        self.pairing_codes: list[str] = []
        self.restarts = 0

    def handle(self, operation: str, endpoint: str, body: Any, instance: _Instance) -> Answer:
        """Answer ``operation`` (from :func:`setup_methods`): ``(status, body)``."""
        name = operation.removeprefix("setup:")
        if name in ("qr", "qr_image", "phone-code"):
            if instance.connected:
                return _ALREADY_CONNECTED
            return self._pairing(name, endpoint)
        if name in ("restart", "restore"):
            self.restarts += 1
            return 200, {"value": True}
        if name == "disconnect":
            instance.disconnect()
            return 200, {"value": True}
        if name == "me":
            return 200, self.me(instance.connected)
        if name == "device":
            return 200, self.device()
        if name == "phone-exists":
            return self._exists(endpoint.partition("/")[2])
        if name == "batch":
            return self._batch(body)
        return self._set_webhook(name, endpoint, body)

    # -- pairing ------------------------------------------------------------------------

    def _pairing(self, name: str, endpoint: str) -> Answer:
        if name == "phone-code":
            phone = endpoint.partition("/")[2]
            if not _PHONE.fullmatch(phone):
                return _bad("Invalid phone")
            code = "".join(self._rng.choice(_CODE_ALPHABET) for _ in range(8))
            self.pairing_codes.append(code)
            return 200, {"code": code}
        serial = len(self.qr_codes) + 1
        text = f"2@sandbox-{self.instance_id}-{serial}-{self._rng.getrandbits(48):012x}"
        try:
            png = qr_png(text)
        except ImportError:
            return 501, {
                "error": "the sandbox needs segno for QR codes: pip install 'zapi-async[qr]'"
            }
        self.qr_codes.append(text)
        if name == "qr":
            return 200, png
        return 200, {"value": "data:image/png;base64," + base64.b64encode(png).decode()}

    # -- data ---------------------------------------------------------------------------

    def me(self, connected: bool) -> dict[str, Any]:
        """The ``GET me`` body."""
        body: dict[str, Any] = {
            "id": self.instance_id,
            "token": self._token,
            "name": "Sandbox instance",
            "due": 4102444800000,
            "connected": connected,
            "paymentStatus": "paid",
            "created": 1700000000000,
        }
        body.update({key: self.urls.get(kind) for kind, key in _ME_KEYS.items()})
        body.update(
            {
                "receiveCallbackSentByMe": self.notify_sent_by_me,
                "callRejectAuto": False,
                "callRejectMessage": None,
                "autoReadMessage": False,
                "initialDataCallbackUrl": None,
            }
        )
        return body

    def device(self) -> dict[str, Any]:
        """The ``GET device`` body."""
        return {
            "phone": self.connected_phone,
            "imgUrl": None,
            "about": "Hey there! I am using WhatsApp.",
            "name": "Sandbox",
            "device": {"sessionName": "Z-API", "device_model": "Z-API"},
            "originalDevice": "android",
            "sessionId": 1,
            "isBusiness": False,
        }

    # -- phone exists -------------------------------------------------------------------

    def _lookup(self, phone: str) -> tuple[bool, str, str | None]:
        output = phone
        if len(phone) == 12 and phone.startswith("55") and phone[4] in "6789":
            output = phone[:4] + "9" + phone[4:]  # Brazil's ninth mobile digit
        known = self.whatsapp_numbers
        exists = known is None or phone in known or output in known
        lid = None
        if exists:
            digest = hashlib.sha256(output.encode()).hexdigest()
            lid = f"{int(digest[:13], 16) % 10**15:015d}@lid"
        return exists, output, lid

    def _exists(self, phone: str) -> Answer:
        if not _PHONE.fullmatch(phone):
            return _bad("Invalid phone")
        exists, output, lid = self._lookup(phone)
        return 200, {"exists": exists, "phone": output, "lid": lid}

    def _batch(self, body: Any) -> Answer:
        if not isinstance(body, dict) or set(body) != {"phones"}:
            return _bad("expected a JSON object {'phones': [...]}")
        phones = body["phones"]
        if not isinstance(phones, list) or not phones:
            return _bad("phones: should be a non-empty array")
        if len(phones) > MAX_BATCH_PHONES:
            return _bad(f"phones: at most {MAX_BATCH_PHONES} numbers per request")
        answers = []
        for index, phone in enumerate(phones):
            if not isinstance(phone, str) or not _PHONE.fullmatch(phone):
                return _bad(f"phones[{index}]: Invalid phone")
            exists, output, lid = self._lookup(phone)
            answers.append(
                {"exists": exists, "inputPhone": phone, "outputPhone": output, "lid": lid}
            )
        return 200, answers

    # -- webhooks -----------------------------------------------------------------------

    def _set_webhook(self, name: str, endpoint: str, body: Any) -> Answer:
        if name == "notify":
            if not isinstance(body, dict) or not isinstance(body.get("notifySentByMe"), bool):
                return _bad("expected a JSON object {'notifySentByMe': true or false}")
            if "received" not in self.urls:
                return _bad("set the received webhook first (update-webhook-received)")
            self.notify_sent_by_me = body["notifySentByMe"]
            return 200, {"value": True}
        url = _webhook_url(body)
        if isinstance(url, tuple):
            return url
        if name == "every":
            notify = body.get("notifySentByMe")
            if notify is not None and not isinstance(notify, bool):
                return _bad("notifySentByMe: should be true or false")
            self.urls.update(dict.fromkeys(WEBHOOK_KINDS, url))
            if notify is not None:
                self.notify_sent_by_me = notify
            return 200, {"value": True}
        kind = endpoint.removeprefix("update-webhook-")
        if kind == "received-delivery":
            kind, self.notify_sent_by_me = "received", True
        self.urls[kind] = url
        return 200, {"value": True}
