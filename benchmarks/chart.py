"""A dependency-free SVG chart of the throughput results (grouped bars per concurrency)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

__all__ = ["throughput_svg"]

_COLOURS = ("#4c72b0", "#55a868", "#c44e52", "#8172b2", "#ccb974", "#64b5cd")
_WIDTH, _HEIGHT = 760, 360
_LEFT, _RIGHT, _TOP, _BOTTOM = 70, 170, 40, 50


def _nice_max(value: float) -> float:
    if value <= 0 or math.isnan(value):
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return 10.0 * magnitude


def throughput_svg(rows: Sequence[dict[str, Any]], title: str) -> str:
    """Bars of median req/s per contender, grouped by concurrency; whiskers min..max."""
    contenders = list(dict.fromkeys(row["contender"] for row in rows))
    levels = sorted({row["concurrency"] for row in rows})
    top = _nice_max(max(row["throughput"]["max"] for row in rows))
    plot_w, plot_h = _WIDTH - _LEFT - _RIGHT, _HEIGHT - _TOP - _BOTTOM
    group_w = plot_w / max(1, len(levels))
    bar_w = group_w * 0.8 / max(1, len(contenders))

    def y(value: float) -> float:
        return _TOP + plot_h * (1 - (0.0 if math.isnan(value) else value) / top)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{_HEIGHT}" '
        f'viewBox="0 0 {_WIDTH} {_HEIGHT}" font-family="sans-serif" font-size="12">',
        f'<rect width="{_WIDTH}" height="{_HEIGHT}" fill="white"/>',
        f'<text x="{_WIDTH / 2:.0f}" y="22" text-anchor="middle" font-size="14">'
        f"{escape(title)}</text>",
    ]
    for i in range(6):
        value = top * i / 5
        out.append(
            f'<line x1="{_LEFT}" x2="{_LEFT + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="#ddd"/><text x="{_LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">'
            f"{value:,.0f}</text>"
        )
    out.append(
        f'<text x="16" y="{_TOP + plot_h / 2:.0f}" transform="rotate(-90 16 '
        f'{_TOP + plot_h / 2:.0f})" text-anchor="middle">requests / s (median, min-max)</text>'
    )
    by_key = {(row["contender"], row["concurrency"]): row for row in rows}
    for g, level in enumerate(levels):
        x0 = _LEFT + g * group_w + group_w * 0.1
        out.append(
            f'<text x="{_LEFT + (g + 0.5) * group_w:.1f}" y="{_TOP + plot_h + 18}" '
            f'text-anchor="middle">concurrency {level}</text>'
        )
        for c, name in enumerate(contenders):
            row = by_key.get((name, level))
            if row is None:
                continue
            spread = row["throughput"]
            x = x0 + c * bar_w
            colour = _COLOURS[c % len(_COLOURS)]
            out.append(
                f'<rect x="{x:.1f}" y="{y(spread["median"]):.1f}" width="{bar_w * 0.9:.1f}" '
                f'height="{_TOP + plot_h - y(spread["median"]):.1f}" fill="{colour}"/>'
            )
            mid = x + bar_w * 0.45
            out.append(
                f'<line x1="{mid:.1f}" x2="{mid:.1f}" y1="{y(spread["min"]):.1f}" '
                f'y2="{y(spread["max"]):.1f}" stroke="#333"/>'
            )
    out.append(
        f'<line x1="{_LEFT}" x2="{_LEFT + plot_w}" y1="{_TOP + plot_h}" '
        f'y2="{_TOP + plot_h}" stroke="#333"/>'
    )
    for c, name in enumerate(contenders):
        ly = _TOP + 10 + c * 20
        out.append(
            f'<rect x="{_WIDTH - _RIGHT + 15}" y="{ly}" width="12" height="12" '
            f'fill="{_COLOURS[c % len(_COLOURS)]}"/><text x="{_WIDTH - _RIGHT + 33}" '
            f'y="{ly + 10}">{escape(name)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"
