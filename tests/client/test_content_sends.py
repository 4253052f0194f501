# ruff: noqa: E501  (message tables read best one per line)
"""Every content kind goes through ``send``, the named helpers, ``SendQueue`` and
``send_many`` to the sandbox; message actions return typed results (204: ``None``)."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from typing import Any

import pytest

from zapi_async import (
    CallButton,
    ReplyButton,
    SendQueue,
    SendResult,
    UrlButton,
    ValidationError,
    ZapiClient,
)
from zapi_async.client.content_sends import ContentSends
from zapi_async.models import (
    AudioMessage,
    CarouselCard,
    CarouselMessage,
    CarouselPolicy,
    Contact,
    ContactMessage,
    ContactsMessage,
    DocumentMessage,
    EditEventMessage,
    Event,
    EventMessage,
    EventResponseMessage,
    ForwardResult,
    GifMessage,
    ImageMessage,
    LinkMessage,
    LocationMessage,
    PinMessage,
    PollMessage,
    PollVoteMessage,
    PtvMessage,
    ReactionMessage,
    RemoveReactionMessage,
    StickerMessage,
    VideoMessage,
)
from zapi_async.sandbox import ZapiSandbox
from zapi_async.wire import to_wire

P = "5511999999999"
G = "120363019502650977-group"
IMG = "https://x.io/a.png"
CARD = CarouselCard(
    "Shoes", IMG, [UrlButton("Shop", url="https://z-api.io", id="1"), ReplyButton("More", id="2")]
)

MESSAGES: list[Any] = [
    ImageMessage(P, IMG, caption="c", view_once=True),
    ImageMessage.from_bytes(P, b"\x89PNG\r\n\x1a\n" + bytes(8)),
    AudioMessage(P, "https://x.io/a.mp3", waveform=True, async_=True),
    VideoMessage(P, "https://x.io/a.mp4", caption="v"),
    PtvMessage(P, "https://x.io/a.mp4"),
    GifMessage(P, "https://x.io/a.mp4"),
    StickerMessage(P, "https://x.io/a.webp", sticker_author="Z"),
    DocumentMessage(P, "https://x.io/a.pdf", "pdf", file_name="A"),
    DocumentMessage.from_bytes(P, b"%PDF-1.4\n", extension="pdf"),
    LocationMessage(P, "Office", "Av. Paulista, 1000", -23.56, -46.65),
    ContactMessage(P, "Ana", "5544999999999"),
    ContactsMessage(P, [Contact("Ana", ["5544999999999"]), Contact("Bo", ["+5544988888888"])]),
    LinkMessage(P, "Read https://z-api.io", IMG, "https://z-api.io", "Z-API", "WhatsApp API"),
    ReactionMessage(P, "👍", "3EB0AAAA"),
    RemoveReactionMessage(P, "3EB0AAAA"),
    PollMessage(P, "Best?", ["Z-API", "Others"], max_options=1),
    PollVoteMessage(P, "3EB0POLL", ["Z-API"]),
    EventMessage(G, Event("Launch", "2024-04-29T08:30:53.309Z", location="HQ")),
    EditEventMessage(G, "3EB0EVENT", Event("Launch", "2024-04-30T08:30:00Z", canceled=True)),
    EventResponseMessage(G, "3EB0EVENT", "GOING"),
    CarouselMessage(P, "Our picks", [CARD, CarouselCard("Bags", IMG)]),
    PinMessage(P, "3EB0AAAA"),
]


@pytest.fixture
async def zapi(sandbox: ZapiSandbox) -> AsyncIterator[ZapiClient]:
    async with ZapiClient(
        sandbox.instance_id,
        sandbox.token,
        client_token=sandbox.client_token,
        base_url=sandbox.base_url,
    ) as client:
        yield client


@pytest.fixture
async def sandbox() -> AsyncIterator[ZapiSandbox]:
    async with ZapiSandbox(client_token="CT-content", seed=3) as running:
        yield running


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: type(m).__name__)
async def test_send_reaches_the_sandbox_exactly(
    zapi: ZapiClient, sandbox: ZapiSandbox, message: Any
) -> None:
    [result] = await zapi.send(message)
    [record] = sandbox.messages
    assert (record.endpoint, record.body) == (message.endpoint, to_wire(message))
    assert result == SendResult(record.zaap_id, record.message_id)


async def test_queue_and_send_many_take_every_kind(zapi: ZapiClient, sandbox: ZapiSandbox) -> None:
    async with SendQueue(zapi, workers=4) as queue:
        futures = [await queue.submit(message) for message in MESSAGES]
    assert all(len(future.result()) == 1 for future in futures)
    outcomes = [outcome async for outcome in zapi.send_many(MESSAGES, concurrency=4)]
    assert all(outcome.ok for outcome in outcomes)
    endpoints = sorted(record.endpoint for record in sandbox.messages)
    assert endpoints == sorted([m.endpoint for m in MESSAGES] * 2)
    assert "send-document/pdf" in endpoints


HELPERS = {
    "send_image": ImageMessage, "send_audio": AudioMessage, "send_video": VideoMessage,
    "send_ptv": PtvMessage, "send_gif": GifMessage, "send_sticker": StickerMessage,
    "send_document": DocumentMessage, "send_location": LocationMessage,
    "send_contact": ContactMessage, "send_contacts": ContactsMessage, "send_link": LinkMessage,
    "send_reaction": ReactionMessage, "send_remove_reaction": RemoveReactionMessage,
    "send_poll": PollMessage, "send_poll_vote": PollVoteMessage, "send_event": EventMessage,
    "send_edit_event": EditEventMessage, "send_event_response": EventResponseMessage,
    "send_carousel": CarouselMessage,
}  # fmt: skip


@pytest.mark.parametrize(("name", "model"), HELPERS.items())
def test_helper_signatures_are_the_constructors(name: str, model: type) -> None:
    helper = inspect.signature(getattr(ZapiClient, name))
    constructor = inspect.signature(model)
    assert next(iter(helper.parameters)) == "self"
    assert list(helper.parameters.values())[1:] == list(constructor.parameters.values())
    assert helper.return_annotation is SendResult
    assert name in (ContentSends.__doc__ or "")
    assert f"~zapi_async.{model.__name__}" in (getattr(ZapiClient, name).__doc__ or "")


async def test_helpers_build_or_take_a_message(zapi: ZapiClient, sandbox: ZapiSandbox) -> None:
    first = await zapi.send_image(P, IMG, caption="hi")
    await zapi.send_image(ImageMessage(P, IMG, caption="hi"))
    await zapi.send_document(P, "https://x.io/r.csv", "csv", file_name="r.csv")
    await zapi.send_location(P, "T", "A", "-23.1", "-46.2")
    await zapi.send_reaction(P, "❤️", first.message_id)
    await zapi.send_poll(P, "Q", ["a", "b"])
    await zapi.send_carousel(P, "m", [CARD])
    assert [r.endpoint for r in sandbox.messages] == [
        "send-image", "send-image", "send-document/csv", "send-location",
        "send-reaction", "send-poll", "send-carousel",
    ]  # fmt: skip
    assert sandbox.messages[0].body == sandbox.messages[1].body
    with pytest.raises(ValidationError, match=r"ImageMessage\.image"):
        await zapi.send_image(P, "ftp://x.io/a.png")
    with pytest.raises(TypeError, match="send_image\\(\\) takes a ImageMessage alone"):
        await zapi.send_image(ImageMessage(P, IMG), caption="x")  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="send_image\\(\\) does not take a VideoMessage"):
        await zapi.send_image(VideoMessage(P, IMG))  # type: ignore[call-overload]
    assert len(sandbox.messages) == 7


async def test_carousel_policy_is_checked_before_sending(sandbox: ZapiSandbox) -> None:
    three = CarouselCard(
        "t",
        IMG,
        [
            CallButton("Call", phone="+5511999999999"),
            UrlButton("Site", url="https://z-api.io"),
            ReplyButton("R", id="r"),
        ],
    )
    async with ZapiClient(sandbox.instance_id, sandbox.token, client_token=sandbox.client_token, base_url=sandbox.base_url,
                          carousel_policy=CarouselPolicy(reply_apart=True)) as zapi:  # fmt: skip
        with pytest.raises(
            ValidationError, match=r"carousel\[0\]\.buttons: should not mix CALL, URL and REPLY"
        ):
            await zapi.send(CarouselMessage(P, "m", [three]))
        with pytest.raises(ValidationError, match=r"carousel\[0\]\.buttons: should not mix REPLY"):
            await zapi.send_carousel(P, "m", [CARD])
        assert zapi.plan(CarouselMessage(P, "m", [CarouselCard("t", IMG)])) == [
            CarouselMessage(P, "m", [CarouselCard("t", IMG)])
        ]
    assert sandbox.requests == []


async def test_message_actions(zapi: ZapiClient, sandbox: ZapiSandbox) -> None:
    sent = await zapi.send_text(P, "pin me")
    pinned = await zapi.pin_message(P, sent.message_id, duration="24_hours")
    unpinned = await zapi.unpin_message(P, sent.message_id)
    assert isinstance(pinned, SendResult)
    assert isinstance(unpinned, SendResult)
    assert [r.body for r in sandbox.messages[1:]] == [
        {
            "phone": P,
            "messageId": sent.message_id,
            "messageAction": "pin",
            "pinMessageDuration": "24_hours",
        },
        {
            "phone": P,
            "messageId": sent.message_id,
            "messageAction": "unpin",
            "pinMessageDuration": "7_days",
        },
    ]
    forwarded = await zapi.forward_message("5511888888888", sent.message_id, P, delay_message=2)
    assert forwarded == ForwardResult(sandbox.messages[-1].zaap_id)
    assert await zapi.read_message(P, sent.message_id) is None  # type: ignore[func-returns-value]
    assert await zapi.delete_message(P, sent.message_id, owner=True) is None  # type: ignore[func-returns-value]
    assert [(a.operation, a.params) for a in sandbox.actions] == [
        (
            "forward",
            {
                "phone": "5511888888888",
                "messageId": sent.message_id,
                "messagePhone": P,
                "delayMessage": 2,
            },
        ),
        ("read", {"phone": P, "messageId": sent.message_id}),
        ("delete_message", {"messageId": sent.message_id, "phone": P, "owner": "true"}),
    ]
    assert [(r.method, r.endpoint, r.status) for r in sandbox.requests[-2:]] == [
        ("POST", "read-message", 204), ("DELETE", "messages", 204),
    ]  # fmt: skip
    with pytest.raises(ValidationError, match=r"DeleteMessage\.owner"):
        await zapi.delete_message(P, sent.message_id, owner="true")  # type: ignore[arg-type]
