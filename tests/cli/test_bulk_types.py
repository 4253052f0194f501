# ruff: noqa: E501  (file rows read best one per line)
"""``zapi-async bulk`` with a ``type`` column: every content kind from CSV and JSONL,
run as a real subprocess against the sandbox."""

from __future__ import annotations

import json
from pathlib import Path

from zapi_async.sandbox import ZapiSandbox

from .conftest import cli_env, read_results, run_cli

IMG = "https://x.io/a.png"
CSV = f"""\
type,phone,message,image,caption,document,extension,file_name,title,address,latitude,longitude,options,max_options,delay_message,view_once
image,5511999990001,,{IMG},Our menu,,,,,,,,,,2,true
document,5511999990002,,,,https://x.io/menu.pdf,pdf,Menu.pdf,,,,,,,,
location,5511999990003,,,,,,,Office,"Av. Paulista, 1000",-23.56,-46.65,,,,
poll,5511999990004,Lunch?,,,,,,,,,,Pizza;Sushi,1,,
,5511999990005,plain text,,,,,,,,,,,,,
text,5511999990006,also text,,,,,,,,,,,,,
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


async def test_csv_rows_of_several_types(sandbox: ZapiSandbox, tmp_path: Path) -> None:
    campaign = _write(tmp_path, "content.csv", CSV)
    run = await run_cli(
        "bulk", str(campaign), "--rate", "0", "--progress", "none",
        env=cli_env(sandbox), cwd=tmp_path,
    )  # fmt: skip
    assert run.code == 0, run.stderr
    assert "unknown column" not in run.stderr
    bodies = {m.phone: (m.endpoint, m.body) for m in sandbox.messages}
    assert bodies == {
        "5511999990001": ("send-image", {"phone": "5511999990001", "image": IMG, "caption": "Our menu", "delayMessage": 2, "viewOnce": True}),
        "5511999990002": ("send-document/pdf", {"phone": "5511999990002", "document": "https://x.io/menu.pdf", "fileName": "Menu.pdf"}),
        "5511999990003": ("send-location", {"phone": "5511999990003", "title": "Office", "address": "Av. Paulista, 1000", "latitude": "-23.56", "longitude": "-46.65"}),
        "5511999990004": ("send-poll", {"phone": "5511999990004", "message": "Lunch?", "poll": [{"name": "Pizza"}, {"name": "Sushi"}], "pollMaxOptions": 1}),
        "5511999990005": ("send-text", {"phone": "5511999990005", "message": "plain text"}),
        "5511999990006": ("send-text", {"phone": "5511999990006", "message": "also text"}),
    }  # fmt: skip
    records = read_results(tmp_path / "content.results.jsonl")
    assert sorted(r["status"] for r in records) == ["sent"] * 6
    run.assert_no_secrets()


async def test_jsonl_rows_with_nested_values(sandbox: ZapiSandbox, tmp_path: Path) -> None:
    rows = [
        {"type": "image", "phone": "5511999990001", "image": IMG, "caption": "hi"},
        {"type": "contacts", "phone": "5511999990002",
         "contacts": [{"name": "Ana", "phones": ["5544999999999"], "business_description": "Sales"}]},
        {"type": "carousel", "phone": "5511999990003", "message": "Picks", "carousel": [
            {"text": "Shoes", "image": IMG, "buttons": "url:Shop=https://z-api.io;reply:more=More"},
            {"text": "Bags", "image": IMG, "buttons": [{"type": "REPLY", "id": "b", "label": "Bags"}]}]},
        {"type": "event", "phone": "120363019502650977-group",
         "event": {"name": "Launch", "date_time": "2024-04-29T08:30:00Z", "location": "HQ"}},
        {"type": "reaction", "phone": "5511999990005", "reaction": "👍", "message_id": "3EB0X"},
    ]  # fmt: skip
    campaign = _write(tmp_path, "content.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    run = await run_cli(
        "bulk", str(campaign), "--rate", "0", "--progress", "none",
        env=cli_env(sandbox), cwd=tmp_path,
    )  # fmt: skip
    assert run.code == 0, run.stderr
    bodies = {m.endpoint: m.body for m in sandbox.messages}
    assert bodies["send-contacts"]["contacts"] == [
        {"name": "Ana", "phones": ["5544999999999"], "businessDescription": "Sales"}
    ]
    assert bodies["send-carousel"]["carousel"][0]["buttons"] == [
        {"type": "URL", "label": "Shop", "url": "https://z-api.io"},
        {"type": "REPLY", "id": "more", "label": "More"},
    ]
    assert bodies["send-event"]["event"] == {
        "name": "Launch", "dateTime": "2024-04-29T08:30:00Z", "location": {"name": "HQ"}, "canceled": False,
    }  # fmt: skip
    assert bodies["send-reaction"] == {
        "phone": "5511999990005",
        "reaction": "👍",
        "messageId": "3EB0X",
    }


async def test_bad_typed_rows_name_line_and_column(sandbox: ZapiSandbox, tmp_path: Path) -> None:
    rows = [
        {"type": "image", "phone": "5511999990001"},
        {"type": "hologram", "phone": "5511999990002"},
        {"type": "image", "phone": "5511999990003", "image": IMG, "title": "x"},
        {"type": "document", "phone": "5511999990004", "document": IMG, "extension": "pd/f"},
        {"type": "poll", "phone": "5511999990005", "message": "Q", "options": ["a"], "max_options": 2},
        {"type": "contacts", "phone": "5511999990006", "contacts": [{"name": "Ana"}]},
    ]  # fmt: skip
    campaign = _write(tmp_path, "bad.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    run = await run_cli("bulk", str(campaign), env=cli_env(sandbox), cwd=tmp_path)
    assert run.code == 2
    problems = run.stderr.splitlines()[1:-1]
    assert problems == [
        f"  {campaign} line 1, column 'image': required for type 'image', but empty",
        f"  {campaign} line 2, column 'type': unknown type 'hologram' (expected one of text, "
        "buttons, image, audio, video, ptv, gif, sticker, document, location, contact, contacts, "
        "link, reaction, remove_reaction, poll, poll_vote, event, edit_event, event_response, "
        "carousel, pin)",
        f"  {campaign} line 3, column 'title': is not a field of type 'image'",
        f"  {campaign} line 4, column 'extension': should be 1-10 letters or digits without a "
        "dot or slash (e.g. 'pdf'), but was 'pd/f'",
        f"  {campaign} line 5, column 'max_options': should be in range [1, 1] (the number of "
        "options), but was 2",
        f"  {campaign} line 6, column 'contacts': Contact.__init__() missing 1 required "
        "positional argument: 'phones'",
    ]
    assert sandbox.requests == []
