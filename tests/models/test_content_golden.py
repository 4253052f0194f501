# ruff: noqa: E501  (tables of documented bodies read best one per line)
"""Content messages: each model reproduces the request body of Z-API's examples
(the json-examples/*.json HARs of Z-API/z-api-docs), and its endpoint path."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from zapi_async import ReplyButton, UrlButton
from zapi_async.models import (
    AudioMessage,
    CarouselCard,
    CarouselMessage,
    Contact,
    ContactMessage,
    ContactsMessage,
    DeleteMessage,
    DocumentMessage,
    EditEventMessage,
    Event,
    EventMessage,
    EventResponseMessage,
    ForwardMessage,
    GifMessage,
    ImageMessage,
    LinkMessage,
    LocationMessage,
    PinMessage,
    PollMessage,
    PollVoteMessage,
    PtvMessage,
    ReactionMessage,
    ReadMessage,
    RemoveReactionMessage,
    StickerMessage,
    VideoMessage,
)
from zapi_async.wire import to_query, to_wire

PHONE = "5511999998888"
LOGO = "https://firebasestorage.googleapis.com/v0/b/zaap-messenger-web.appspot.com/o/logo.png?alt=media"
LINK_TEXT = (
    "Aqui você coloca um texto sobre o site, atenção esse texto preciso ter o link que será "
    "enviado no final da mensagem! Assim: https://z-api.io"
)
EVENT = Event(
    "Example event",
    "2024-04-29T08:30:53.309Z",
    description="Example description",
    location="Location name",
    call_link_type="voice",
)

# (HAR file, model, endpoint, the HAR's body)
GOLDEN: list[tuple[str, Any, str, dict[str, Any]]] = [
    (
        "send-image",
        ImageMessage(PHONE, "https://www.z-api.io/wp-content/themes/z-api/dist/images/logo.svg"),
        "send-image",
        {"phone": PHONE, "image": "https://www.z-api.io/wp-content/themes/z-api/dist/images/logo.svg"},
    ),
    (
        "send-audio",
        AudioMessage(PHONE, "https://file-examples.com/wp-content/uploads/2017/11/file_example_MP3_700KB.mp3"),
        "send-audio",
        {"phone": PHONE, "audio": "https://file-examples.com/wp-content/uploads/2017/11/file_example_MP3_700KB.mp3"},
    ),
    (
        "send-video",
        VideoMessage(PHONE, "http://techslides.com/demos/sample-videos/small.mp4s"),
        "send-video",
        {"phone": PHONE, "video": "http://techslides.com/demos/sample-videos/small.mp4s"},
    ),
    (
        "send-ptv",
        PtvMessage(PHONE, "http://techslides.com/demos/sample-videos/small.mp4s"),
        "send-ptv",
        {"phone": PHONE, "ptv": "http://techslides.com/demos/sample-videos/small.mp4s"},
    ),
    (
        "send-gif",
        GifMessage(PHONE, "https://file-examples.com/storage/fe88505b6162b2538a045ce/2017/04/file_example_MP4_480_1_5MG.mp4"),
        "send-gif",
        {"phone": PHONE, "gif": "https://file-examples.com/storage/fe88505b6162b2538a045ce/2017/04/file_example_MP4_480_1_5MG.mp4"},
    ),
    (
        "send-sticker",
        StickerMessage(PHONE, "https://www.z-api.io/wp-content/themes/z-api/dist/sticker/logo.svg"),
        "send-sticker",
        {"phone": PHONE, "sticker": "https://www.z-api.io/wp-content/themes/z-api/dist/sticker/logo.svg"},
    ),
    (
        "send-document",
        DocumentMessage(PHONE, "https://expoforest.com.br/wp-content/uploads/2017/05/exemplo.pdf", "pdf", file_name="Meu PDF"),
        "send-document/pdf",
        {"phone": PHONE, "document": "https://expoforest.com.br/wp-content/uploads/2017/05/exemplo.pdf", "fileName": "Meu PDF"},
    ),
    (
        "send-location",
        LocationMessage(PHONE, "Google Brasil", "Av. Brg. Faria Lima, 3477 - Itaim Bibi, São Paulo - SP, 04538-133", "-23.0696347", "-50.4357913"),
        "send-location",
        {"phone": PHONE, "title": "Google Brasil", "address": "Av. Brg. Faria Lima, 3477 - Itaim Bibi, São Paulo - SP, 04538-133", "latitude": "-23.0696347", "longitude": "-50.4357913"},
    ),
    (
        "send-contact",
        ContactMessage(PHONE, "Nome do contato", "5511999999999", contact_business_description="Breve descricao do contato"),
        "send-contact",
        {"phone": PHONE, "contactName": "Nome do contato", "contactPhone": "5511999999999", "contactBusinessDescription": "Breve descricao do contato"},
    ),
    (
        "send-contacts",
        ContactsMessage(PHONE, [Contact("Nome do contato", ["5544999999999", "5544999999999"], business_description="Descrição do contato")]),
        "send-contacts",
        {"phone": PHONE, "contacts": [{"name": "Nome do contato", "phones": ["5544999999999", "5544999999999"], "businessDescription": "Descrição do contato"}]},
    ),
    (
        "send-link",
        LinkMessage(PHONE, LINK_TEXT, LOGO, "https://z-api.io", "Z-API", "Integração com o whatsapp"),
        "send-link",
        {"phone": PHONE, "message": LINK_TEXT, "image": LOGO, "linkUrl": "https://z-api.io", "title": "Z-API", "linkDescription": "Integração com o whatsapp"},
    ),
    (
        "send-reaction",
        ReactionMessage(PHONE, "❤️", "EDSFSAD213213DDSD7"),
        "send-reaction",
        {"phone": PHONE, "reaction": "❤️", "messageId": "EDSFSAD213213DDSD7"},
    ),
    (
        "remove-reaction",
        RemoveReactionMessage(PHONE, "EDSFSAD213213DDSD7"),
        "send-remove-reaction",
        {"phone": PHONE, "messageId": "EDSFSAD213213DDSD7"},
    ),
    (
        "send-poll",
        PollMessage(PHONE, "Qual a melhor API para WhatsApp?", ["Z-API", "Outros"]),
        "send-poll",
        {"phone": PHONE, "message": "Qual a melhor API para WhatsApp?", "poll": [{"name": "Z-API"}, {"name": "Outros"}]},
    ),
    (
        "send-poll-vote",
        PollVoteMessage(PHONE, "id da mensagem de enquete", ["Z-API"]),
        "send-poll-vote",
        {"phone": PHONE, "pollMessageId": "id da mensagem de enquete", "pollVote": [{"name": "Z-API"}]},
    ),
    (
        "send-event",
        EventMessage("120363019502650977-group", EVENT),
        "send-event",
        {"phone": "120363019502650977-group", "event": {"name": "Example event", "description": "Example description", "dateTime": "2024-04-29T08:30:53.309Z", "location": {"name": "Location name"}, "callLinkType": "voice", "canceled": False}},
    ),
    (
        "send-edit-event",
        EditEventMessage("120363019502650977-group", "3EB05669C7C3B9B27A6595", Event("Example event", "2024-04-29T08:30:53.309Z", description="Example description", location="Location name")),
        "send-edit-event",
        {"phone": "120363019502650977-group", "eventMessageId": "3EB05669C7C3B9B27A6595", "event": {"name": "Example event", "description": "Example description", "dateTime": "2024-04-29T08:30:53.309Z", "location": {"name": "Location name"}, "canceled": False}},
    ),
    (
        "send-event-response",
        EventResponseMessage(PHONE, "3EB05669C7C3B9B27A6595", "GOING"),
        "send-event-response",
        {"phone": PHONE, "eventMessageId": "3EB05669C7C3B9B27A6595", "eventResponse": "GOING"},
    ),
    (
        "pin-message",
        PinMessage(PHONE, "77DF5293EBC176FFA6A88838E7A6AD83", "pin", "7_days"),
        "pin-message",
        {"phone": PHONE, "messageId": "77DF5293EBC176FFA6A88838E7A6AD83", "messageAction": "pin", "pinMessageDuration": "7_days"},
    ),
    (
        "forward-message",
        ForwardMessage(PHONE, "3999984263738042930CD6ECDE9VDWSA", "5511888888888"),
        "forward-message",
        {"phone": PHONE, "messageId": "3999984263738042930CD6ECDE9VDWSA", "messagePhone": "5511888888888"},
    ),
    (
        "read-message",
        ReadMessage(PHONE, "3999984263738042930CD6ECDE9VDWSA"),
        "read-message",
        {"phone": PHONE, "messageId": "3999984263738042930CD6ECDE9VDWSA"},
    ),
    (
        "send-carousel",
        CarouselMessage("551199999999", "Texto da mensagem", [
            CarouselCard("Texto do cartão", LOGO, [
                UrlButton("Nome do botão", url="https://z-api.io", id="1"),
                ReplyButton("Nome do botão", id="2"),
            ]),
            CarouselCard("Texto do cartão", LOGO, [
                UrlButton("Nome do botão", url="https://z-api.io", id="1"),
                ReplyButton("Nome do botão", id="2"),
            ]),
        ]),
        "send-carousel",
        {"phone": "551199999999", "message": "Texto da mensagem", "carousel": [
            {"text": "Texto do cartão", "image": LOGO, "buttons": [
                {"id": "1", "label": "Nome do botão", "url": "https://z-api.io", "type": "URL"},
                {"id": "2", "label": "Nome do botão", "type": "REPLY"}]},
            {"text": "Texto do cartão", "image": LOGO, "buttons": [
                {"id": "1", "label": "Nome do botão", "url": "https://z-api.io", "type": "URL"},
                {"id": "2", "label": "Nome do botão", "type": "REPLY"}]},
        ]},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("har", "message", "endpoint", "body"), GOLDEN, ids=[g[0] for g in GOLDEN])
def test_reproduces_zapis_example(
    har: str, message: Any, endpoint: str, body: dict[str, Any]
) -> None:
    assert message.endpoint == endpoint
    assert to_wire(message) == body


def test_carousel_without_buttons_matches_the_second_example() -> None:
    message = CarouselMessage(
        "551199999999", "Texto da mensagem", [CarouselCard("Texto do cartão", LOGO)]
    )
    assert to_wire(message) == {
        "phone": "551199999999",
        "message": "Texto da mensagem",
        "carousel": [{"text": "Texto do cartão", "image": LOGO}],
    }


def test_delete_message_is_query_parameters() -> None:
    request = DeleteMessage(PHONE, "3999984263738042930CD6ECDE9VDWSA", owner=True)
    assert request.endpoint == "messages"
    assert to_query(request) == {
        "messageId": "3999984263738042930CD6ECDE9VDWSA",
        "phone": PHONE,
        "owner": "true",
    }
    assert to_query(DeleteMessage(PHONE, "X", owner=False))["owner"] == "false"


def test_optional_fields_use_zapis_wire_names() -> None:
    assert to_wire(
        ImageMessage(PHONE, LOGO, caption="Logo", message_id="M1", delay_message=2, view_once=True)
    ) == {
        "phone": PHONE,
        "image": LOGO,
        "caption": "Logo",
        "messageId": "M1",
        "delayMessage": 2,
        "viewOnce": True,
    }
    assert to_wire(
        AudioMessage(
            PHONE,
            LOGO.replace("png", "mp3"),
            delay_typing=3,
            waveform=True,
            async_=True,
            view_once=False,
        )
    ) == {
        "phone": PHONE,
        "audio": LOGO.replace("png", "mp3"),
        "delayTyping": 3,
        "viewOnce": False,
        "waveform": True,
        "async": True,
    }
    assert to_wire(VideoMessage(PHONE, "https://x.io/v.mp4", caption="c", async_=False)) == {
        "phone": PHONE,
        "video": "https://x.io/v.mp4",
        "caption": "c",
        "async": False,
    }
    assert to_wire(StickerMessage(PHONE, "https://x.io/s.webp", sticker_author="Z")) == {
        "phone": PHONE,
        "sticker": "https://x.io/s.webp",
        "stickerAuthor": "Z",
    }
    assert to_wire(
        DocumentMessage(
            PHONE, "https://x.io/a.pdf", "pdf", caption="c", edit_document_message_id="D1"
        )
    ) == {
        "phone": PHONE,
        "document": "https://x.io/a.pdf",
        "caption": "c",
        "editDocumentMessageId": "D1",
    }
    assert (
        to_wire(
            LinkMessage(
                PHONE,
                "see https://z-api.io",
                LOGO,
                "https://z-api.io",
                "Z",
                "d",
                delay_typing=2,
                link_type="LARGE",
            )
        )["linkType"]
        == "LARGE"
    )
    assert to_wire(PollMessage(PHONE, "Q", ["a", "b"], max_options=1))["pollMaxOptions"] == 1
    assert to_wire(PinMessage(PHONE, "M1", "unpin")) == {
        "phone": PHONE,
        "messageId": "M1",
        "messageAction": "unpin",
        "pinMessageDuration": "7_days",
    }  # both are required by Z-API, even though the model has defaults
    assert (
        to_wire(ForwardMessage(PHONE, "M1", "5511888888888", delay_message=3))["delayMessage"] == 3
    )
    assert to_wire(LocationMessage(PHONE, "T", "A", -23.0696347, -50.4357913, message_id="Q")) == {
        "phone": PHONE,
        "title": "T",
        "address": "A",
        "latitude": "-23.0696347",
        "longitude": "-50.4357913",
        "messageId": "Q",
    }  # numbers become Z-API's strings


def test_event_date_times() -> None:
    aware = datetime(2024, 4, 29, 5, 30, 53, 309000, tzinfo=timezone.utc).astimezone()
    assert Event("E", aware).date_time == "2024-04-29T05:30:53.309Z"
    assert Event("E", datetime(2024, 4, 29, 8, 30)).date_time == "2024-04-29T08:30:00.000"
    full = Event(
        "E", "2024-04-29T08:30:00", canceled=True, time_zone="UTC-3", call_link_type="video"
    )
    assert to_wire(full) == {
        "name": "E",
        "dateTime": "2024-04-29T08:30:00",
        "canceled": True,
        "timeZone": "UTC-3",
        "callLinkType": "video",
    }
