"""``from_file`` / ``from_bytes``: MIME types, WhatsApp's formats and size caps."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from zapi_async import ValidationError
from zapi_async.models import (
    AudioMessage,
    DocumentMessage,
    GifMessage,
    ImageMessage,
    PtvMessage,
    StickerMessage,
    VideoMessage,
)
from zapi_async.models._media_data import MEDIA_RULES, sniff_mime_type

P = "5511999999999"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(16)
JPEG = b"\xff\xd8\xff\xe0" + bytes(16)
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(8)
MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(8)
GP3 = b"\x00\x00\x00\x18ftyp3gp4" + bytes(8)
OPUS = b"OggS" + bytes(24) + b"OpusHead" + bytes(8)
VORBIS = b"OggS" + bytes(24) + b"\x01vorbis" + bytes(8)
MP3 = b"ID3\x03" + bytes(16)
PDF = b"%PDF-1.7\n" + bytes(8)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.mark.parametrize(
    ("data", "kind", "mime"),
    [
        (PNG, "image", "image/png"),
        (JPEG, "image", "image/jpeg"),
        (b"GIF89a" + bytes(8), "image", "image/gif"),
        (WEBP, "sticker", "image/webp"),
        (MP4, "video", "video/mp4"),
        (GP3, "video", "video/3gpp"),
        (MP4, "audio", "audio/mp4"),
        (OPUS, "audio", "audio/ogg"),
        (MP3, "audio", "audio/mpeg"),
        (b"\xff\xfb\x90\x00", "audio", "audio/mpeg"),
        (b"\xff\xf1\x50\x80", "audio", "audio/aac"),
        (b"#!AMR\n", "audio", "audio/amr"),
        (PDF, "document", "application/pdf"),
        (b"plain text", "document", None),
    ],
)
def test_sniffing(data: bytes, kind: str, mime: str | None) -> None:
    assert sniff_mime_type(data, kind) == mime


def test_from_bytes_builds_a_data_uri_with_the_sniffed_type() -> None:
    message = ImageMessage.from_bytes(P, PNG, caption="Logo")
    assert message.image == f"data:image/png;base64,{_b64(PNG)}"
    assert message.caption == "Logo"
    assert AudioMessage.from_bytes(P, OPUS, waveform=True).audio.startswith(
        "data:audio/ogg;base64,"
    )
    assert VideoMessage.from_bytes(P, MP4).video.startswith("data:video/mp4;base64,")
    assert PtvMessage.from_bytes(P, GP3).ptv.startswith("data:video/3gpp;base64,")
    assert GifMessage.from_bytes(P, MP4).gif.startswith("data:video/mp4;base64,")
    assert StickerMessage.from_bytes(P, WEBP).sticker.startswith("data:image/webp;base64,")
    # an explicit type wins over sniffing, parameters dropped
    assert ImageMessage.from_bytes(P, PNG, mime_type="image/jpeg; q=1").image.startswith(
        "data:image/jpeg;"
    )


@pytest.mark.parametrize(
    ("build", "field", "rule"),
    [
        (
            lambda: ImageMessage.from_bytes(P, b"GIF89a" + bytes(8)),
            "ImageMessage.image",
            "image/jpeg, image/png",
        ),
        (lambda: StickerMessage.from_bytes(P, PNG), "StickerMessage.sticker", "image/webp"),
        (lambda: GifMessage.from_bytes(P, b"GIF89a"), "GifMessage.gif", "video/mp4"),
        (lambda: AudioMessage.from_bytes(P, VORBIS), "AudioMessage.audio", "Opus"),
        (lambda: ImageMessage.from_bytes(P, b""), "ImageMessage.image", "should not be empty"),
        (lambda: ImageMessage.from_bytes(P, b"????"), "ImageMessage.image", "pass mime_type="),
        (lambda: ImageMessage.from_bytes(P, "text"), "ImageMessage.image", "should be bytes"),  # type: ignore[arg-type]
        (
            lambda: ImageMessage.from_bytes(P, PNG + bytes(5 * 1024 * 1024)),
            "ImageMessage.image",
            "at most 5.0 MB",
        ),
        (
            lambda: StickerMessage.from_bytes(P, WEBP + bytes(500 * 1024)),
            "StickerMessage.sticker",
            "at most 500.0 KB",
        ),
    ],
)
def test_from_bytes_refuses(build: object, field: str, rule: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build()  # type: ignore[operator]
    assert caught.value.field == field
    assert rule in caught.value.rule


def test_caps_follow_whatsapps_media_table() -> None:
    mb = 1024 * 1024
    assert {kind: rule.max_bytes for kind, rule in MEDIA_RULES.items()} == {
        "image": 5 * mb, "sticker": 500 * 1024, "audio": 16 * mb, "video": 16 * mb,
        "ptv": 16 * mb, "gif": 16 * mb, "document": 100 * mb,
    }  # fmt: skip


def test_from_file(tmp_path: Path) -> None:
    photo = tmp_path / "photo.bin"
    photo.write_bytes(JPEG)
    assert ImageMessage.from_file(P, photo).image == f"data:image/jpeg;base64,{_b64(JPEG)}"
    report = tmp_path / "Report 2024.pdf"
    report.write_bytes(PDF)
    document = DocumentMessage.from_file(P, report, caption="Q1")
    assert (document.endpoint, document.file_name, document.caption) == (
        "send-document/pdf", "Report 2024.pdf", "Q1",
    )  # fmt: skip
    assert document.document == f"data:application/pdf;base64,{_b64(PDF)}"
    sheet = tmp_path / "data.xlsx"
    sheet.write_bytes(b"PK\x03\x04" + bytes(8))  # a zip: the name tells the type
    assert DocumentMessage.from_file(P, sheet, file_name="Data").document.startswith(
        "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,"
    )
    notes = tmp_path / "notes"
    notes.write_bytes(b"hello")
    unknown = DocumentMessage.from_file(P, notes, extension="txt")
    assert unknown.endpoint == "send-document/txt"
    assert unknown.document.startswith("data:application/octet-stream;base64,")


def test_from_file_checks_the_size_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    with big.open("wb") as handle:
        handle.truncate(5 * 1024 * 1024 + 1)  # sparse: nothing is really written
    with pytest.raises(ValidationError, match=r"'big\.png' is 5\.0 MB"):
        ImageMessage.from_file(P, big)
    with pytest.raises(ValidationError, match=r"cannot read 'missing\.png'"):
        ImageMessage.from_file(P, tmp_path / "missing.png")
