"""Drawing QR codes from PNGs of every colour type, bit depth and filter."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable

import pytest

from zapi_async.cli.qr_render import (
    QrRenderError,
    modules_from_text,
    png_from_text,
    png_pixels,
    qr_modules,
    render_modules,
)

segno = pytest.importorskip("segno")

TEXT = "2@Zc4s1q8,R9bLk2uA/aP0uQ==,XYZ123456789abcdef=="
Pixel = Callable[[bool], bytes]


def matrix(text: str = TEXT) -> list[list[bool]]:
    return [[bool(c) for c in row] for row in segno.make(text, micro=False).matrix]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _filter(kind: int, row: bytes, previous: bytes, bpp: int) -> bytes:
    out = bytearray()
    for i, value in enumerate(row):
        left = row[i - bpp] if i >= bpp else 0
        up = previous[i]
        corner = previous[i - bpp] if i >= bpp else 0
        if kind == 0:
            predicted = 0
        elif kind == 1:
            predicted = left
        elif kind == 2:
            predicted = up
        elif kind == 3:
            predicted = (left + up) // 2
        else:
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            predicted = left if pa <= pb and pa <= pc else up if pb <= pc else corner
        out.append((value - predicted) & 0xFF)
    return bytes([kind]) + bytes(out)


def encode_png(
    modules: list[list[bool]],
    *,
    color: int,
    depth: int,
    pixel: Pixel,
    scale: int = 3,
    border: int = 4,
    palette: bytes = b"",
) -> bytes:
    """A PNG of ``modules``; rows use filters 0-4 in turn."""
    size = (len(modules) + 2 * border) * scale
    raw = bytearray()
    previous = b""
    for y in range(size):
        r = y // scale - border
        if depth < 8:
            bits = [
                0 < r + 1 <= len(modules)
                and 0 <= x // scale - border < len(modules)
                and modules[r][x // scale - border]
                for x in range(size)
            ]
            values = (
                [0 if dark else (1 << depth) - 1 for dark in bits]
                if color == 0
                else [int(b) for b in bits]
            )
            packed = bytearray((size * depth + 7) // 8)
            for x, value in enumerate(values):
                packed[x * depth // 8] |= value << (8 - depth - (x * depth) % 8)
            row = bytes(packed)
        else:
            row = b"".join(
                pixel(
                    0 <= r < len(modules)
                    and 0 <= x // scale - border < len(modules)
                    and modules[r][x // scale - border]
                )
                for x in range(size)
            )
        bpp = max(1, len(pixel(True)) if depth >= 8 else 1)
        raw += _filter(y % 5, row, previous or bytes(len(row)), bpp)
        previous = row
    header = struct.pack(">IIBBBBB", size, size, depth, color, 0, 0, 0)
    chunks = _chunk(b"IHDR", header)
    if palette:
        chunks += _chunk(b"PLTE", palette)
    chunks += _chunk(b"IDAT", zlib.compress(bytes(raw))) + _chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


@pytest.mark.parametrize(
    ("color", "depth", "pixel", "palette"),
    [
        (0, 8, lambda dark: b"\x00" if dark else b"\xff", b""),
        (0, 16, lambda dark: b"\x00\x00" if dark else b"\xff\xff", b""),
        (2, 8, lambda dark: b"\x10\x20\x30" if dark else b"\xf0\xf0\xf0", b""),
        (4, 8, lambda dark: b"\x00\xff" if dark else b"\xff\xff", b""),
        # RGBA with a transparent background: what many JS QR libraries produce.
        (6, 8, lambda dark: b"\x00\x00\x00\xff" if dark else b"\x00\x00\x00\x00", b""),
        (0, 1, lambda dark: b"", b""),
        (3, 1, lambda dark: b"", b"\xff\xff\xff\x00\x00\x00"),
        (3, 8, lambda dark: b"\x01" if dark else b"\x00", b"\xff\xff\xff\x00\x00\x00"),
    ],
)
def test_modules_from_every_kind_of_png(
    color: int, depth: int, pixel: Pixel, palette: bytes
) -> None:
    png = encode_png(matrix(), color=color, depth=depth, pixel=pixel, palette=palette)
    assert qr_modules(png_pixels(png)) == matrix()


@pytest.mark.parametrize(("scale", "border"), [(1, 0), (2, 1), (8, 4), (10, 0)])
def test_modules_at_any_scale_and_border(scale: int, border: int) -> None:
    out = io.BytesIO()
    segno.make(TEXT, micro=False).save(out, kind="png", scale=scale, border=border)
    assert qr_modules(png_pixels(out.getvalue())) == matrix()


def test_render_round_trip_and_quiet_zone() -> None:
    modules = matrix("hi")
    text = render_modules(modules)
    lines = text.split("\n")
    assert lines[0] == ""  # two quiet rows become one blank line
    width = len(modules) + 4
    rows: list[list[bool]] = []
    for line in lines:
        cells = line.ljust(width)
        rows.append([c in "▀█" for c in cells])
        rows.append([c in "▄█" for c in cells])
    assert [row[2 : 2 + len(modules)] for row in rows[2 : 2 + len(modules)]] == modules


def test_color_render_uses_black_on_white() -> None:
    text = render_modules([[True, False], [False, True]], color=True)
    assert "\x1b[30;107m▀" in text
    assert "\x1b[97;40m▀" in text
    assert all(line.endswith("\x1b[0m") for line in text.split("\n"))


@pytest.mark.parametrize(
    ("png", "problem"),
    [
        (b"GIF89a", "not a PNG image"),
        (b"\x89PNG\r\n\x1a\n", "the PNG has no valid IHDR header"),
        (
            b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 0, 0, 0, 0))
            + _chunk(b"IDAT", b"not zlib"),
            "the PNG image data is corrupt",
        ),
        (
            b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 0, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(b"\x00\x00")),
            "the PNG image data is truncated",
        ),
    ],
)
def test_broken_pngs(png: bytes, problem: str) -> None:
    with pytest.raises(QrRenderError, match=problem):
        png_pixels(png)


def test_blank_and_non_qr_images() -> None:
    with pytest.raises(QrRenderError, match="blank"):
        qr_modules([[False] * 10] * 10)
    with pytest.raises(QrRenderError, match="does not look like a QR code"):
        qr_modules([[True] * 40] + [[False] * 40] * 5)


def test_text_codes_need_segno(monkeypatch: pytest.MonkeyPatch) -> None:
    assert modules_from_text(TEXT) == matrix()
    assert qr_modules(png_pixels(png_from_text(TEXT))) == matrix()
    monkeypatch.setitem(__import__("sys").modules, "segno", None)
    with pytest.raises(QrRenderError, match=r"pip install 'zapi-async\[qr\]'"):
        modules_from_text(TEXT)
