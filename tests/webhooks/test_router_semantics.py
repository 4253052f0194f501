"""Router semantics of issues 15/16: first match wins, explicit fall-through, echoes of
our own sends skipped, notifications and placeholders kept from message handlers,
content filters, and the reply helpers on a bound event."""

from __future__ import annotations

import re
from typing import Any

import pytest

from zapi_async import (
    ButtonListMessage,
    EventNotBoundError,
    ListButton,
    Message,
    SendResult,
    TextMessage,
    ValidationError,
    ZapiClient,
    ZapiSandbox,
)
from zapi_async.webhooks import (
    MessageKind,
    NotificationType,
    ReceivedCallback,
    WebhookEvent,
    WebhookRouter,
    parse_webhook,
)
from zapi_async.wire import to_wire

from ._corpus import load_payload
from ._docs_corpus import doc_names, load_doc


def received(name: str, **changes: Any) -> ReceivedCallback:
    data = load_doc(name) if name in doc_names() else load_payload(name)
    event = parse_webhook({**data, **changes})
    assert isinstance(event, ReceivedCallback)
    return event


class Log:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def handler(self, name: str) -> Any:
        async def handle(event: WebhookEvent) -> None:
            self.calls.append(name)

        return handle


class FakeSender:
    """Records what a bound event sends; answers like Z-API."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    async def send(self, message: Message) -> list[SendResult]:
        self.sent.append((message.endpoint, to_wire(message)))
        return [SendResult(zaap_id=f"Z{len(self.sent)}", message_id=f"M{len(self.sent)}")]


async def test_the_first_matching_handler_wins() -> None:
    router, log = WebhookRouter(), Log()
    router.on_text(r"^menu")(log.handler("menu"))
    router.on_text(log.handler("any text"))
    router.on_message(log.handler("any message"))
    assert await router.dispatch(received("text_preview")) == 1
    assert await router.dispatch(received("text_preview", messageId="M2", text={"message": "menu"}))
    assert await router.dispatch(received("image", messageId="M3")) == 1
    assert log.calls == ["any text", "menu", "any message"]


async def test_continue_lets_the_next_matching_handler_run() -> None:
    router, log = WebhookRouter(), Log()
    router.on_event(ReceivedCallback, continue_=True)(log.handler("audit"))
    router.on_text(continue_=True)(log.handler("text"))
    router.on_text(log.handler("second text"))
    router.on_text(log.handler("never"))
    assert await router.dispatch(received("text_preview")) == 3
    assert log.calls == ["audit", "text", "second text"]
    assert await router.dispatch(parse_webhook(load_payload("status_read"))) == 0


async def test_echoes_of_our_own_sends_are_skipped_by_default() -> None:
    router, log = WebhookRouter(), Log()
    router.on_text(log.handler("text"))
    router.on_message(log.handler("message"))
    router.on_event(ReceivedCallback)(log.handler("everything"))
    await router.dispatch(received("text_api_echo"))
    await router.dispatch(received("carousel"))  # fromMe and fromApi
    await router.dispatch(received("text_preview", messageId="M9", fromApi=True))
    assert log.calls == ["everything", "everything", "everything"]


async def test_own_messages_on_request() -> None:
    router, log = WebhookRouter(), Log()
    router.on_text(include_own=True)(log.handler("own too"))
    await router.dispatch(received("text_api_echo"))
    strict = WebhookRouter(ignore_from_me=False)
    strict.on_text(include_own=False)(log.handler("never own"))
    strict.on_message(log.handler("router default"))
    await strict.dispatch(received("text_api_echo", messageId="M2"))
    assert log.calls == ["own too", "router default"]


@pytest.mark.parametrize(
    "name", ["call_voice", "membership_invite_link", "newsletter_admin_promote", "payment_declined"]
)
async def test_a_notification_never_reaches_message_handlers(name: str) -> None:
    router, log = WebhookRouter(ignore_from_me=False), Log()
    router.on_text(log.handler("text"))
    router.on_button(log.handler("button"))
    router.on_list(log.handler("list"))
    router.on_message(log.handler("message"))
    router.on_message(kind=[k.value for k in MessageKind if k.value != "notification"])(
        log.handler("every kind")
    )
    assert await router.dispatch(received(name)) == 0
    router.on_notification(log.handler("notification"))
    assert await router.dispatch(received(name, messageId="again")) == 1
    assert log.calls == ["notification"]


async def test_on_notification_filters_by_value() -> None:
    router, log = WebhookRouter(), Log()
    router.on_notification(NotificationType.CALL_MISSED_VOICE)(log.handler("missed"))
    router.on_notification(["CALL_VOICE", "CALL_MISSED_VIDEO"])(log.handler("calls"))
    router.on_notification("PROFILE_NAME_UPDATED")(log.handler("profile"))  # fromMe: still seen
    router.on_notification(log.handler("other"))
    for name in ("call_voice", "call_missed_voice", "profile_name_updated", "membership_revoked"):
        await router.dispatch(received(name))
    await router.dispatch(received("call_voice", notification="CALL_FROM_MARS", messageId="X"))
    assert log.calls == ["calls", "missed", "profile", "other", "other"]


async def test_waiting_messages_reach_only_handlers_that_name_them() -> None:
    router, log = WebhookRouter(ignore_from_me=False), Log()
    router.on_message(log.handler("message"))
    router.on_text(log.handler("text"))
    assert await router.dispatch(received("waiting_message")) == 0
    router.on_message(kind=MessageKind.WAITING)(log.handler("waiting"))
    assert await router.dispatch(received("waiting_message", messageId="W2")) == 1
    assert log.calls == ["waiting"]


async def test_content_filters() -> None:
    router, log = WebhookRouter(), Log()
    router.on_message(kind="image")(log.handler("image"))
    router.on_message(kind=[MessageKind.AUDIO, "video"])(log.handler("media"))
    router.on_message(text=re.compile(r"\bz-api\.io\b"))(log.handler("link"))
    router.on_message(kind="location")(log.handler("location"))
    for name in ("image", "audio", "video_ptv", "text_preview", "location", "sticker", "contact"):
        await router.dispatch(received(name, messageId=name, fromMe=False))
    assert log.calls == ["image", "media", "media", "link", "location"]


def test_bad_filters_raise_at_registration() -> None:
    router = WebhookRouter()
    with pytest.raises(ValueError, match=r"unknown message kind 'photo'; expected one of text"):
        router.on_message(kind="photo")
    with pytest.raises(ValueError, match=r"use @router\.on_notification"):
        router.on_message(kind="notification")
    with pytest.raises(re.error):
        router.on_text("(unclosed")


async def test_reply_helpers_send_through_the_bound_client() -> None:
    sender = FakeSender()
    router = WebhookRouter(client=sender)  # type: ignore[arg-type]
    results: list[Any] = []

    @router.on_message(kind="image")
    async def photo(event: ReceivedCallback) -> None:
        results.append(await event.reply_text("Nice photo!", delay_typing=2))
        results.append(await event.react("👍"))
        results.append(await event.reply_text("no quote", quote=False))
        buttons = ButtonListMessage(event.phone, "Keep it?", [ListButton("Yes", id="y")])
        results.append(await event.reply(buttons))
        other = TextMessage("5511900002222", "a heads-up to someone else")
        results.append(await event.reply(other))

    assert await router.dispatch(received("image")) == 1
    quoted = "3EB0A1B2C3D4E5F60718"
    assert sender.sent == [
        (
            "send-text",
            {"phone": "5511987654321", "message": "Nice photo!", "delayTyping": 2,
             "messageId": quoted},
        ),
        ("send-reaction", {"phone": "5511987654321", "reaction": "👍", "messageId": quoted}),
        ("send-text", {"phone": "5511987654321", "message": "no quote"}),
        (
            "send-button-list",
            {"phone": "5511987654321", "message": "Keep it?",
             "buttonList": {"buttons": [{"label": "Yes", "id": "y"}]}},
        ),
        ("send-text", {"phone": "5511900002222", "message": "a heads-up to someone else"}),
    ]  # fmt: skip
    assert results[0] == SendResult(zaap_id="Z1", message_id="M1")
    assert results[3] == [SendResult(zaap_id="Z4", message_id="M4")]


async def test_a_lid_contact_can_be_answered() -> None:
    sender = FakeSender()
    event = received("text_lid_only").bind(sender)
    await event.reply_text("Hello LID")
    assert sender.sent[0][1]["phone"] == "73920184650213@lid"


async def test_notifications_are_answered_without_quoting_and_cannot_be_reacted_to() -> None:
    sender = FakeSender()
    call = received("call_missed_voice").bind(sender)
    await call.reply_text("Sorry we missed your call")
    assert sender.sent == [
        ("send-text", {"phone": "5511987654321", "message": "Sorry we missed your call"})
    ]
    with pytest.raises(ValidationError, match=r"only a message \(not a notification\) can be"):
        await call.react("👍")


async def test_an_unbound_event_says_how_to_bind_it() -> None:
    with pytest.raises(EventNotBoundError, match=r"WebhookRouter\(client=\.\.\.\)"):
        await received("image").reply_text("hi")
    assert isinstance(EventNotBoundError("x"), RuntimeError)


async def test_binding_changes_neither_equality_nor_the_original() -> None:
    event = received("image")
    bound = event.bind(FakeSender())
    assert bound == event
    with pytest.raises(EventNotBoundError):
        await event.react("👍")


async def test_reply_text_through_a_real_client_and_the_sandbox() -> None:
    async with (
        ZapiSandbox(seed=3) as sandbox,
        ZapiClient(sandbox.instance_id, sandbox.token, base_url=sandbox.base_url) as zapi,
    ):
        router = WebhookRouter(client=zapi)

        @router.on_button("agent")
        async def agent(event: ReceivedCallback) -> None:
            await event.reply_text("An agent is on the way")

        await router.dispatch(received("received_button"))
    [answer] = sandbox.messages
    assert (answer.endpoint, answer.body) == (
        "send-text",
        {
            "phone": "5511999999999",
            "message": "An agent is on the way",
            "messageId": "3EB0C4F2A1B2C3D4E5F6",
        },
    )


async def test_several_button_or_row_ids() -> None:
    router, log = WebhookRouter(), Log()
    router.on_button(["agent", "sales"])(log.handler("staff"))
    router.on_list(("plan-basic", "plan-premium"))(log.handler("plan"))
    router.on_button(log.handler("other button"))
    await router.dispatch(received("received_button"))  # buttonId "agent"
    await router.dispatch(received("received_list"))  # selectedRowId "plan-premium"
    bye = {"buttonId": "bye", "message": "Bye"}
    await router.dispatch(received("received_button", messageId="B2", buttonsResponseMessage=bye))
    assert log.calls == ["staff", "plan", "other button"]
