"""Drawing a pairing QR code in a terminal, from the PNG Z-API sends.

:func:`png_pixels` decodes a PNG (non-interlaced, any colour type and bit depth)
with the standard library only; :func:`qr_modules` finds the QR code's modules
in those pixels (the top-left finder pattern is 7 modules wide);
:func:`render_modules` draws two module rows per text line with half blocks.
When Z-API sends the code's text instead of an image, :func:`modules_from_text`
encodes it with the optional ``segno`` package (``pip install 'zapi-async[qr]'``).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

__all__ = [
    "QrRenderError",
    "modules_from_text",
    "png_from_text",
    "png_pixels",
    "qr_modules",
    "render_modules",
]

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
#: Light modules drawn around the code (scanners need a quiet zone).
QUIET_ZONE = 2
_DARK_BELOW = 128

Matrix = list[list[bool]]


class QrRenderError(Exception):
    """The QR code cannot be drawn (the reason is the message)."""


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(data: bytes, height: int, stride: int, bpp: int) -> list[bytearray]:
    rows: list[bytearray] = []
    previous = bytearray(stride)
    offset = 0
    for _ in range(height):
        if offset + 1 + stride > len(data):
            raise QrRenderError("the PNG image data is truncated")
        kind = data[offset]
        row = bytearray(data[offset + 1 : offset + 1 + stride])
        offset += 1 + stride
        for i in range(stride):
            left = row[i - bpp] if i >= bpp else 0
            up = previous[i]
            corner = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                row[i] = (row[i] + left) & 0xFF
            elif kind == 2:
                row[i] = (row[i] + up) & 0xFF
            elif kind == 3:
                row[i] = (row[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                row[i] = (row[i] + _paeth(left, up, corner)) & 0xFF
            elif kind != 0:
                raise QrRenderError(f"unknown PNG filter type {kind}")
        rows.append(row)
        previous = row
    return rows


def _samples(row: bytes | bytearray, count: int, depth: int) -> list[int]:
    if depth == 8:
        return list(row[:count])
    if depth == 16:
        return [row[2 * i] for i in range(count)]  # the high byte is enough here
    per_byte = 8 // depth
    mask = (1 << depth) - 1
    return [(row[i // per_byte] >> (8 - depth * (i % per_byte + 1))) & mask for i in range(count)]


def png_pixels(png: bytes) -> Matrix:
    """Decode ``png`` into rows of pixels, ``True`` for dark (transparent = light)."""
    if not png.startswith(_SIGNATURE):
        raise QrRenderError("not a PNG image")
    offset, header, palette, idat = len(_SIGNATURE), b"", b"", bytearray()
    while offset + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[offset : offset + 8])
        chunk = png[offset + 8 : offset + 8 + length]
        offset += 12 + length
        if kind == b"IHDR":
            header = chunk
        elif kind == b"PLTE":
            palette = chunk
        elif kind == b"IDAT":
            idat += chunk
        elif kind == b"IEND":
            break
    if len(header) != 13:
        raise QrRenderError("the PNG has no valid IHDR header")
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if interlace or color not in _CHANNELS:
        raise QrRenderError("interlaced or unusual PNGs are not supported")
    channels = _CHANNELS[color]
    bits = channels * depth
    try:
        raw = zlib.decompress(bytes(idat))
    except zlib.error as exc:
        raise QrRenderError(f"the PNG image data is corrupt ({exc})") from None
    rows = _unfilter(raw, height, (width * bits + 7) // 8, max(1, bits // 8))
    top = (1 << depth) - 1 if depth < 16 else 255
    pixels: Matrix = []
    for row in rows:
        values = _samples(row, width * channels, depth)
        line: list[bool] = []
        for x in range(width):
            px = values[x * channels : (x + 1) * channels]
            if color == 3:
                index = px[0] * 3
                gray = sum(palette[index : index + 3]) // 3 if index + 3 <= len(palette) else 255
            else:
                gray = sum(px[:3]) // 3 if color in (2, 6) else px[0] * 255 // top
            if color in (4, 6) and px[-1] < top // 2:
                gray = 255  # transparent: the (light) background shows through
            line.append(gray < _DARK_BELOW)
        pixels.append(line)
    return pixels


def qr_modules(pixels: Sequence[Sequence[bool]]) -> Matrix:
    """The QR code's modules found in ``pixels`` (``True`` = dark)."""
    dark_rows = [y for y, row in enumerate(pixels) if any(row)]
    if not dark_rows:
        raise QrRenderError("the image is blank")
    top, bottom = dark_rows[0], dark_rows[-1]
    left = min(row.index(True) for row in pixels if any(row))
    right = max(len(row) - 1 - row[::-1].index(True) for row in pixels if any(row))
    run = 0
    while left + run <= right and pixels[top][left + run]:
        run += 1
    side = right - left + 1
    count = round(side / (run / 7)) if run else 0
    count = 21 + 4 * max(0, round((count - 21) / 4))  # versions are 21, 25, ... 177
    if count > 177 or abs((bottom - top + 1) - side) > side / count:
        raise QrRenderError("the image does not look like a QR code")
    size = side / count
    return [
        [
            bool(pixels[int(top + (r + 0.5) * size)][int(left + (c + 0.5) * size)])
            for c in range(count)
        ]
        for r in range(count)
    ]


def render_modules(modules: Sequence[Sequence[bool]], *, color: bool = False) -> str:
    """Text drawing ``modules``: two rows per line, quiet zone included.

    Plain text draws dark modules with block characters (``█▀▄``); ``color=True``
    uses ANSI black-on-white so the code scans on dark terminals too.
    """
    size = len(modules) + 2 * QUIET_ZONE
    grid = [[False] * size for _ in range(size)]
    for r, row in enumerate(modules):
        for c, dark in enumerate(row):
            grid[r + QUIET_ZONE][c + QUIET_ZONE] = bool(dark)
    if size % 2:
        grid.append([False] * size)
    lines = []
    for r in range(0, len(grid), 2):
        upper, lower = grid[r], grid[r + 1]
        if color:
            cells = "".join(
                f"\x1b[{30 if u else 97};{40 if d else 107}m▀"
                for u, d in zip(upper, lower, strict=True)
            )
            lines.append(cells + "\x1b[0m")
        else:
            lines.append(
                "".join(" ▄▀█"[2 * u + d] for u, d in zip(upper, lower, strict=True)).rstrip()
            )
    return "\n".join(lines)


def modules_from_text(text: str) -> Matrix:
    """The modules of a QR code of ``text`` (needs segno)."""
    try:
        import segno  # noqa: PLC0415 (optional)
    except ImportError:
        raise QrRenderError(
            "Z-API sent the code as text; drawing it needs segno: pip install 'zapi-async[qr]'"
        ) from None
    return [[bool(cell) for cell in row] for row in segno.make(text, micro=False).matrix]


def png_from_text(text: str) -> bytes:
    """A PNG of a QR code of ``text`` (needs segno)."""
    import io  # noqa: PLC0415

    modules_from_text(text)  # the clear error when segno is missing
    import segno  # noqa: PLC0415

    out = io.BytesIO()
    segno.make(text, micro=False).save(out, kind="png", scale=8, border=4)
    return out.getvalue()
