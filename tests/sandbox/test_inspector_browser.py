"""The inspector in a real browser (Chromium through Playwright).

The bot's side goes through the fake Z-API's HTTP API exactly as the client sends
it; the person's side is clicked and typed in the page; webhooks land on a real
aiohttp receiver. Nothing sleeps: Playwright's ``expect`` waits for the page, the
receiver waits on its arrivals. Skipped (with the reason) when no browser can be had.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from zapi_async import (
    ButtonActionsMessage,
    CallButton,
    ListOption,
    OptionListMessage,
    ReplyButton,
    UrlButton,
    ZapiClient,
)
from zapi_async.sandbox import ZapiSandbox
from zapi_async.sandbox.records import RecordedHeaders, RecordedMessage

from .inspector_fixtures import (
    CLIENT_TOKEN,
    PHONE,
    WebhookReceiver,
    browser,
    inspected,
    page,
    receiver,
)

#: The fixtures this module imports (listed so linters see them used).
__all__ = ["browser", "inspected", "page", "receiver"]

if TYPE_CHECKING:
    from playwright.async_api import Page


def expect(locator: Any) -> Any:
    from playwright.async_api import expect as playwright_expect

    return playwright_expect(locator)


def client(sandbox: ZapiSandbox) -> ZapiClient:
    return ZapiClient(
        sandbox.instance_id, sandbox.token, client_token=CLIENT_TOKEN, base_url=sandbox.base_url
    )


async def send(sandbox: ZapiSandbox, message: Any) -> list[str]:
    async with client(sandbox) as zapi:
        return [result.message_id for result in await zapi.send(message)]


async def send_text(sandbox: ZapiSandbox, text: str) -> str:
    async with client(sandbox) as zapi:
        return (await zapi.send_text(PHONE, text)).message_id


def bubble(page: Page, message_id: str) -> Any:
    return page.locator(f'li.msg[data-id="{message_id}"]')


async def open_chat(page: Page, chat: str = PHONE) -> None:
    await page.locator(f'.chat-item[data-chat="{chat}"]').click()
    await expect(page.locator("#chat-name")).to_have_text(chat)


async def test_a_mixed_message_appears_live_and_its_reply_button_reaches_the_bot(
    page: Page, inspected: ZapiSandbox, receiver: WebhookReceiver
) -> None:
    await expect(page.locator("#no-chats")).to_be_visible()
    call_url_id, reply_id = await send(
        inspected,
        ButtonActionsMessage(
            phone=PHONE,
            message="How can we *help*?",
            buttons=[
                CallButton("Call us", phone="+554498398733"),
                UrlButton("Website", url="https://z-api.io"),
                ReplyButton("Talk to an agent", id="agent"),
            ],
        ),
    )
    await open_chat(page)  # appeared without a reload
    first = bubble(page, call_url_id)
    await expect(first.get_by_role("link", name="Call us")).to_have_attribute(
        "href", "tel:+554498398733"
    )
    await expect(first.get_by_role("link", name="Website")).to_have_attribute(
        "href", "https://z-api.io"
    )
    await expect(first.locator("strong")).to_have_text("help")
    await bubble(page, reply_id).get_by_role("button", name="Talk to an agent").click()
    event = await receiver.wait_for(lambda p: "buttonsResponseMessage" in p)
    assert event["buttonsResponseMessage"] == {"buttonId": "agent", "message": "Talk to an agent"}
    assert event["referenceMessageId"] == reply_id
    reply = bubble(page, event["messageId"])
    await expect(reply).to_contain_text("Talk to an agent")
    await expect(reply.locator(".quote")).to_contain_text(reply_id)


async def test_typing_a_text_and_enter_sends_it(
    page: Page, inspected: ZapiSandbox, receiver: WebhookReceiver
) -> None:
    await send_text(inspected, "Hi! What is your name?")
    await open_chat(page)
    box = page.get_by_label("Message from the person")
    await expect(box).to_be_focused()
    await box.fill("I am *Ana*")
    await box.press("Enter")
    event = await receiver.wait_for(lambda p: "text" in p)
    assert event["text"] == {"message": "I am *Ana*"}
    assert event["phone"] == PHONE
    await expect(box).to_have_value("")
    await expect(bubble(page, event["messageId"]).locator("strong")).to_have_text("Ana")


async def test_picking_a_list_option(
    page: Page, inspected: ZapiSandbox, receiver: WebhookReceiver
) -> None:
    options = [ListOption("Sales", "Buy things", "sales"), ListOption("Support", "Help", "help")]
    [list_id] = await send(
        inspected, OptionListMessage(PHONE, "Where to?", "Departments", "See options", options)
    )
    await open_chat(page)
    await bubble(page, list_id).get_by_role("button", name="See options").click()
    dialog = page.get_by_role("dialog")
    await expect(dialog).to_contain_text("Departments")
    await dialog.get_by_role("button", name=re.compile("Support")).click()
    event = await receiver.wait_for(lambda p: "listResponseMessage" in p)
    assert event["listResponseMessage"] == {
        "message": "Help",
        "title": "Support",
        "selectedRowId": "help",
    }
    assert event["referenceMessageId"] == list_id
    await expect(dialog).to_be_hidden()


async def test_marking_read_sends_the_status_and_shows_blue_ticks(
    page: Page, inspected: ZapiSandbox, receiver: WebhookReceiver
) -> None:
    message_id = await send_text(inspected, "Did you read this?")
    await open_chat(page)
    ticks = bubble(page, message_id).locator(".ticks")
    await expect(ticks).to_have_attribute("data-state", "sent")
    await bubble(page, message_id).get_by_role("button", name="Mark read").click()
    event = await receiver.wait_for(lambda p: p["type"] == "MessageStatusCallback")
    assert (event["status"], event["ids"]) == ("READ", [message_id])
    await expect(ticks).to_have_attribute("data-state", "read")


async def test_html_in_messages_is_shown_as_text(
    page: Page, inspected: ZapiSandbox, receiver: WebhookReceiver
) -> None:
    evil = '<img src=x onerror="window.pwned=1"><b>not bold</b> <script>window.pwned=2</script>'
    message_id = await send_text(inspected, evil + " *bold*")
    await open_chat(page)
    text = bubble(page, message_id).locator(".text")
    await expect(text).to_contain_text('<img src=x onerror="window.pwned=1"><b>not bold</b>')
    assert await text.locator("img, b, script").count() == 0
    await expect(text.locator("strong")).to_have_text("bold")
    box = page.get_by_label("Message from the person")
    await box.fill('<img src=y onerror="window.pwned=3">')
    await box.press("Enter")
    event = await receiver.wait_for(lambda p: "text" in p)
    await expect(bubble(page, event["messageId"])).to_contain_text("<img src=y")
    assert await page.evaluate("window.pwned") is None


async def test_failed_webhooks_are_highlighted_with_their_body(
    page: Page, inspected: ZapiSandbox, receiver: WebhookReceiver
) -> None:
    receiver.status = 500
    await send_text(inspected, "hello")
    await open_chat(page)
    box = page.get_by_label("Message from the person")
    await box.fill("anyone there?")
    await box.press("Enter")
    await expect(page.locator(".hook-failed")).to_contain_text("HTTP 500")
    await page.get_by_role("tab", name=re.compile("Webhooks")).click()
    entry = page.locator("li.hook.fail")
    await expect(entry).to_have_count(1)
    await expect(page.locator("#webhook-failures")).to_have_text("1 failed")
    await entry.locator("summary").click()
    await expect(entry.locator(".payload")).to_contain_text('"message": "anyone there?"')


async def test_faults_and_connection_from_the_page(
    page: Page, inspected: ZapiSandbox, receiver: WebhookReceiver
) -> None:
    await page.get_by_role("tab", name=re.compile("Faults")).click()
    form = page.locator("#fault-form")
    await form.get_by_label("Fault").select_option("error")
    await form.get_by_label("Requests", exact=True).fill("2")
    await form.get_by_label("Status", exact=True).fill("503")
    await form.get_by_role("button", name="Inject").click()
    await expect(page.locator("#faults")).to_contain_text("error 503 on any endpoint: 2 left")
    assert inspected.faults.pending == 2
    await page.get_by_role("button", name="Disconnect the phone").click()
    await expect(page.locator("#connection")).to_contain_text("disconnected")
    assert not inspected.connected
    event = await receiver.wait_for(lambda p: p["type"] == "DisconnectedCallback")
    assert event["disconnected"] is True


async def test_phone_width_and_keyboard(
    page: Page, inspected: ZapiSandbox, receiver: WebhookReceiver
) -> None:
    await page.set_viewport_size({"width": 390, "height": 800})
    await page.get_by_label("New chat").fill("999999999999999@lid")
    await page.get_by_placeholder("Name (optional)").fill("Lia")
    await page.keyboard.press("Enter")
    await expect(page.locator("#chat-name")).to_have_text("Lia")
    await expect(page.locator(".chat-list")).to_be_hidden()
    await expect(page.get_by_label("Message from the person")).to_be_focused()
    await page.keyboard.type("oi")
    await page.keyboard.press("Enter")
    event = await receiver.wait_for(lambda p: "text" in p)
    assert (event["phone"], event["senderName"]) == ("999999999999999@lid", "Lia")
    await page.get_by_role("button", name="Back to the chat list").click()
    await expect(page.locator(".chat-list")).to_be_visible()
    await expect(page.locator('.chat-item[data-chat="999999999999999@lid"]')).to_be_focused()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def record(sandbox: ZapiSandbox, endpoint: str, body: dict[str, Any]) -> str:
    """Record a send as if the fake Z-API had accepted it (for endpoints it does not
    accept yet); return its message id."""
    message_id = f"{len(sandbox.messages) + 1:020X}"
    sandbox.log.add(
        RecordedMessage(endpoint, body, RecordedHeaders({}), 0.0, 1.0, "Z" * 32, message_id)
    )
    return message_id


PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


async def test_every_content_endpoint_renders(
    page: Page, inspected: ZapiSandbox, receiver: WebhookReceiver
) -> None:
    bodies: list[tuple[str, dict[str, Any]]] = [
        ("send-image", {"image": PNG, "caption": "a _pixel_"}),
        ("send-audio", {"audio": "https://cdn.example/a.ogg"}),
        ("send-video", {"video": "https://cdn.example/v.mp4", "caption": "clip"}),
        ("send-ptv", {"ptv": "https://cdn.example/p.mp4"}),
        ("send-gif", {"gif": "https://cdn.example/g.mp4"}),
        ("send-sticker", {"sticker": PNG}),
        ("send-document/pdf", {"document": "https://cdn.example/r.pdf", "fileName": "r.pdf"}),
        (
            "send-location",
            {
                "title": "Office",
                "address": "Av. Paulista, 1000",
                "latitude": "-23.5",
                "longitude": "-46.6",
            },
        ),
        ("send-contact", {"contactName": "Ana", "contactPhone": "554499999999"}),
        ("send-contacts", {"contacts": [{"name": "Bo", "phones": ["5511911112222"]}]}),
        (
            "send-link",
            {
                "message": "See https://z-api.io",
                "image": PNG,
                "linkUrl": "https://z-api.io",
                "title": "Z-API",
                "linkDescription": "WhatsApp API",
            },
        ),
        ("send-reaction", {"reaction": "❤️", "messageId": "00000000000000000001"}),
        (
            "send-poll",
            {"message": "Lunch?", "poll": [{"name": "Yes"}, {"name": "No"}], "pollMaxOptions": 1},
        ),
        ("send-button-otp", {"message": "Your code", "code": "123456"}),
        ("send-button-pix", {"pixKey": "pix@shop.example", "type": "EMAIL"}),
        ("send-event", {"event": {"name": "Party"}}),
    ]
    ids = {
        endpoint: record(inspected, endpoint, {"phone": PHONE, **body}) for endpoint, body in bodies
    }
    await open_chat(page)
    await expect(bubble(page, ids["send-image"]).locator("img.image")).to_be_visible()
    await expect(bubble(page, ids["send-image"]).locator("em")).to_have_text("pixel")
    await expect(bubble(page, ids["send-audio"]).locator("audio")).to_have_count(1)
    await expect(bubble(page, ids["send-video"]).locator("video")).to_have_count(1)
    await expect(bubble(page, ids["send-ptv"]).locator("video.ptv")).to_have_count(1)
    await expect(bubble(page, ids["send-gif"]).locator("video.gif")).to_have_count(1)
    await expect(bubble(page, ids["send-sticker"]).locator("img.sticker")).to_have_count(1)
    await expect(bubble(page, ids["send-document/pdf"])).to_contain_text("r.pdf")
    await expect(bubble(page, ids["send-location"])).to_contain_text("Office")
    await expect(bubble(page, ids["send-contact"])).to_contain_text("Ana")
    await expect(bubble(page, ids["send-contacts"])).to_contain_text("5511911112222")
    link = bubble(page, ids["send-link"]).locator("a.card")
    await expect(link).to_have_attribute("href", "https://z-api.io")
    await expect(bubble(page, ids["send-reaction"])).to_contain_text("❤️")
    otp = bubble(page, ids["send-button-otp"])
    await expect(otp.get_by_role("button", name="Copy code")).to_have_attribute(
        "title", "Copies 123456"
    )
    await expect(bubble(page, ids["send-button-pix"])).to_contain_text("pix@shop.example")
    await expect(bubble(page, ids["send-event"])).to_contain_text("Party")

    poll = bubble(page, ids["send-poll"])
    await poll.get_by_role("radio", name="No").check()
    await poll.get_by_role("button", name="Vote").click()
    vote = await receiver.wait_for(lambda p: "pollVote" in p)
    assert vote["pollVote"] == {"pollMessageId": ids["send-poll"], "options": [{"name": "No"}]}
    await expect(poll.locator(".votes")).to_have_text(["", "1"])

    image = bubble(page, ids["send-image"])
    await image.get_by_text("React").click()
    await image.get_by_role("button", name="React 👍").click()
    reaction = await receiver.wait_for(lambda p: "reaction" in p)
    assert reaction["reaction"]["value"] == "👍"
    assert reaction["reaction"]["referencedMessage"]["messageId"] == ids["send-image"]
    await expect(image.locator(".reactions")).to_have_text("👍")

    await page.get_by_role("button", name="Call").click()
    call = await receiver.wait_for(lambda p: p.get("notification") == "CALL_VOICE")
    assert call["callId"]
    await expect(page.locator("li.msg.in").last).to_contain_text("Voice call")


FORMATTING = [
    ("*bold*", "<strong>bold</strong>"),
    ("_italic_ and ~strike~", "<em>italic</em> and <del>strike</del>"),
    ("*bold _and italic_*", "<strong>bold <em>and italic</em></strong>"),
    ("```a *b* c```", '<code class="mono">a *b* c</code>'),
    ("run `ls -l` now", "run <code>ls -l</code> now"),
    ("2*3*4 and snake_case_name", "2*3*4 and snake_case_name"),
    ("* not bold *", "* not bold *"),
    ("*a\nb*", "*a\nb*"),
    ("<i>x</i> *<b>y</b>*", "&lt;i&gt;x&lt;/i&gt; <strong>&lt;b&gt;y&lt;/b&gt;</strong>"),
]


async def test_whatsapp_formatting(page: Page) -> None:
    rendered = await page.evaluate(
        "(texts) => texts.map((t) => window.ZapiInspector.formatted(t).innerHTML)",
        [text for text, _ in FORMATTING],
    )
    assert rendered == [html for _, html in FORMATTING]


async def test_tabs_follow_the_arrow_keys_and_dark_mode_applies(page: Page) -> None:
    await page.get_by_role("tab", name="Chats").focus()
    await page.keyboard.press("ArrowRight")
    webhooks = page.get_by_role("tab", name=re.compile("Webhooks"))
    await expect(webhooks).to_be_focused()
    await expect(webhooks).to_have_attribute("aria-selected", "true")
    await expect(page.locator("#panel-webhooks")).to_be_visible()
    await page.keyboard.press("ArrowLeft")
    await expect(page.locator("#panel-chats")).to_be_visible()
    background = "getComputedStyle(document.body).backgroundColor"
    await page.emulate_media(color_scheme="light")
    light = await page.evaluate(background)
    await page.emulate_media(color_scheme="dark")
    assert await page.evaluate(background) != light
